// Loads the YAML config, applies ABUSEDESK_* environment overrides, validates,
// and reports problems with the key path that is wrong.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { defaultConfigPath, defaultDatabasePath } from './paths.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when none existed and defaults apply. */
  configPath: string | null;
  databasePath: string;
}

export interface LoadOptions {
  configPath?: string;
  databasePath?: string;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.configPath ?? env.ABUSEDESK_CONFIG;
  const file = explicit ?? defaultConfigPath();
  let raw: unknown = {};
  let configPath: string | null = null;
  if (fs.existsSync(file)) {
    configPath = path.resolve(file);
    raw = parseYaml(fs.readFileSync(file, 'utf8'), file);
  } else if (explicit) {
    throw new ConfigError(`config file not found: ${file}`);
  }
  const config = parseConfig(raw ?? {}, configPath ?? 'defaults');
  if (env.ABUSEDESK_IMAP_URL) config.imap.url = env.ABUSEDESK_IMAP_URL;
  if (env.ABUSEDESK_SMTP_URL) config.smtp.url = env.ABUSEDESK_SMTP_URL;
  validateUrls(config);
  const databasePath =
    options.databasePath ?? env.ABUSEDESK_DB ?? resolveFrom(configPath, config.database) ?? defaultDatabasePath();
  return { config, configPath, databasePath };
}

function resolveFrom(configPath: string | null, value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value === ':memory:' || path.isAbsolute(value) || !configPath) return value;
  return path.resolve(path.dirname(configPath), value);
}

function parseYaml(text: string, file: string): unknown {
  try {
    return YAML.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
}

/** Validates a parsed config object; errors name the key, e.g. "policy.minReports: ...". */
export function parseConfig(raw: unknown, where = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`${where}: ${formatIssues(result.error)}`);
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        const prefix = key ? `${key}.` : '';
        return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('; ');
      }
      return `${key || '(top level)'}: ${issue.message}`;
    })
    .join('; ');
}

function validateUrls(config: Config): void {
  if (config.imap.url) parseMailUrl(config.imap.url, ['imap:', 'imaps:'], 'imap.url');
  if (config.smtp.url) parseMailUrl(config.smtp.url, ['smtp:', 'smtps:'], 'smtp.url');
}

export interface MailServerUrl {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  pass: string;
  /** The path without the leading slash (the IMAP mailbox), decoded. */
  path: string;
}

export function parseMailUrl(text: string, protocols: string[], key: string): MailServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${key}: not a URL (expected ${protocols[0]}//user:pass@host:port/...)`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${key}: scheme must be one of ${protocols.join(', ')}, got ${url.protocol}`);
  }
  const secure = url.protocol.endsWith('s:');
  const defaults: Record<string, number> = { 'imap:': 143, 'imaps:': 993, 'smtp:': 25, 'smtps:': 465 };
  return {
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaults[url.protocol]!,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    path: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}
