// Default locations follow XDG: ~/.config/abusedesk and ~/.local/share/abusedesk.
import os from 'node:os';
import path from 'node:path';

function xdg(variable: string, fallback: string): string {
  const value = process.env[variable];
  return value && path.isAbsolute(value) ? value : path.join(os.homedir(), fallback);
}

export function defaultConfigPath(): string {
  return path.join(xdg('XDG_CONFIG_HOME', '.config'), 'abusedesk', 'config.yaml');
}

export function defaultDatabasePath(): string {
  return path.join(xdg('XDG_DATA_HOME', '.local/share'), 'abusedesk', 'abusedesk.db');
}
