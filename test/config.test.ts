import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseMailUrl } from '../src/config/load.js';
import { CONFIG_TEMPLATE } from '../src/config/template.js';

const dirs: string[] = [];
function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-config-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('config', () => {
  it('fills every default from an empty file', () => {
    const config = parseConfig({});
    expect(config.policy).toMatchObject({ minReports: 3, windowDays: 7, minReporters: 2, maxComplaintsPerIpPerDay: 4 });
    expect(config.policy.maxComplaintsPerRecipientPerDay).toBe(20);
    expect(config.imap.archiveMailbox).toBe('Archive');
    expect(config.trustedReporters).toEqual([]);
  });
  it('the init template is valid and equals the defaults', () => {
    expect(parseConfig(YAML.parse(CONFIG_TEMPLATE))).toEqual(parseConfig({}));
  });
  it('names the bad key', () => {
    expect(() => parseConfig({ policy: { minReports: 'three' } })).toThrow(/policy\.minReports/);
    expect(() => parseConfig({ policy: { minReprts: 3 } })).toThrow(/policy\.minReprts: unknown key/);
    expect(() => parseConfig({ imapp: {} })).toThrow(/imapp: unknown key/);
  });
  it('applies environment overrides and resolves the database next to the file', () => {
    const file = tempFile('config.yaml', 'database: data/desk.db\nimap:\n  url: imap://a:b@localhost:1/INBOX\n');
    const loaded = loadConfig({
      configPath: file,
      env: { ABUSEDESK_IMAP_URL: 'imaps://u:p%40ss@mail.example.net/Fail2Ban', ABUSEDESK_SMTP_URL: 'smtp://localhost:2525' },
    });
    expect(loaded.config.imap.url).toBe('imaps://u:p%40ss@mail.example.net/Fail2Ban');
    expect(loaded.config.smtp.url).toBe('smtp://localhost:2525');
    expect(loaded.databasePath).toBe(path.join(path.dirname(file), 'data/desk.db'));
    expect(loadConfig({ configPath: file, env: { ABUSEDESK_DB: '/tmp/x.db' } }).databasePath).toBe('/tmp/x.db');
  });
  it('fails clearly on a missing explicit file, bad YAML and bad URLs', () => {
    expect(() => loadConfig({ configPath: '/nonexistent/abusedesk.yaml', env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ configPath: tempFile('bad.yaml', 'policy: [\n'), env: {} })).toThrow(/not valid YAML/);
    expect(() => loadConfig({ configPath: tempFile('ok.yaml', ''), env: { ABUSEDESK_IMAP_URL: 'http://x' } })).toThrow(
      /imap\.url: scheme/,
    );
  });
  it('parses mail server URLs', () => {
    expect(parseMailUrl('imaps://user:p%40ss@mail.example.net/INBOX.Fail2Ban', ['imap:', 'imaps:'], 'imap.url')).toEqual({
      secure: true,
      host: 'mail.example.net',
      port: 993,
      user: 'user',
      pass: 'p@ss',
      path: 'INBOX.Fail2Ban',
    });
    expect(parseMailUrl('smtp://[::1]:2525', ['smtp:'], 'smtp.url')).toMatchObject({ host: '::1', port: 2525, secure: false });
  });
});
