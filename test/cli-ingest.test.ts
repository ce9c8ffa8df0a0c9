import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { banMail } from './helpers/mails.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-cli-'));
  // A config that does not exist must not be needed: defaults apply, the DB goes where --db says.
  env = { ABUSEDESK_DB: path.join(dir, 'desk.db'), XDG_CONFIG_HOME: path.join(dir, 'xdg') };
  const mails = path.join(dir, 'mails');
  fs.mkdirSync(mails);
  fs.writeFileSync(path.join(mails, '1.eml'), banMail({ ip: '203.0.113.10', host: 'web1.example.net', messageId: 'c1@web1' }));
  fs.writeFileSync(path.join(mails, '2.eml'), banMail({ ip: '203.0.113.10', host: 'mail1.example.net', jail: 'postfix-sasl', messageId: 'c2@mail1' }));
  fs.writeFileSync(path.join(mails, '3.eml'), banMail({ ip: '10.9.8.7', messageId: 'c3@web1' }));
  fs.writeFileSync(
    path.join(mails, '4.eml'),
    banMail({
      ip: '198.51.100.66',
      messageId: 'c4@web1',
      logLines: ['Nov 20 10:00:01 web1 sshd[1]: Invalid user \x1b]0;owned\x07\x1b[2J from 198.51.100.66 port 1'],
    }),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('abusedesk import / reports / messages', () => {
  it('imports a directory and says what it stored', async () => {
    const r = await runCli(['import', path.join(dir, 'mails')], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 new mails stored (4 ban), 0 already stored, 4 reports, 0 with errors');
    expect(r.stdout).toContain('no trustedReporters configured, so every sender is trusted');
    const again = await runCli(['import', path.join(dir, 'mails'), '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ seen: 4, stored: 0, duplicates: 4 });
  });

  it('imports one mail from stdin', async () => {
    const r = await runCli(['import', '-', '--json'], { env, input: banMail({ ip: '2001:db8::7', messageId: 'c5@web1' }) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stored: 1, reports: 1 });
  });

  it('lists reports as JSON Lines with the public fields', async () => {
    const r = await runCli(['reports', '203.0.113.0/24', '--json'], { env });
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['id', 'messageId', 'kind', 'ip', 'service', 'reporter', 'failures', 'bannedAt', 'logLines', 'private']),
      );
      expect(row.ip).toBe('203.0.113.10');
      expect(row.bannedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(rows.map((row) => row.reporter).sort()).toEqual(['mail1.example.net', 'web1.example.net']);
    const priv = JSON.parse((await runCli(['reports', '10.9.8.7', '--json'], { env })).stdout);
    expect(priv).toMatchObject({ ip: '10.9.8.7', private: true });
    const byId = JSON.parse((await runCli(['reports', '<c5@web1>', '--json'], { env })).stdout);
    expect(byId.ip).toBe('2001:db8::7');
  });

  it('lists messages with kind, trust, report count and error', async () => {
    const r = await runCli(['messages', '--json'], { env });
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ messageId: 'c5@web1', kind: 'ban', trusted: true, reports: 1, error: null });
  });

  it('counts reports per service, host and network in stats', async () => {
    const r = await runCli(['stats', '--json'], { env });
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.totals).toMatchObject({ messages: 5, reports: 5, privateReports: 1, errors: 0 });
    expect(stats.topServices).toEqual(expect.arrayContaining([{ name: 'postfix-sasl', count: 1 }, { name: 'sshd', count: 4 }]));
    expect(stats.topNetworks).toEqual(
      expect.arrayContaining([
        { name: '203.0.113.0/24', count: 2 },
        { name: '2001:db8::/48', count: 1 },
      ]),
    );
    const text = await runCli(['stats'], { env });
    expect(text.stdout).toContain('mail1.example.net');
  });

  it('never prints a raw escape sequence from a mail', async () => {
    const r = await runCli(['reports', '198.51.100.66'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('198.51.100.66');
    expect(r.stdout).not.toContain('\x1b');
    const json = await runCli(['reports', '198.51.100.66', '--json'], { env });
    expect(json.stdout).not.toContain('\x1b');
    expect(JSON.parse(json.stdout).logLines[0]).toContain('\x1b]0;owned');
  });

  it('two imports of the same mails at once (desk and cron) both succeed and store each mail once', async () => {
    const many = path.join(dir, 'many');
    fs.mkdirSync(many);
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const ip = `198.51.100.${i % 250}`;
      fs.writeFileSync(path.join(many, `${i}.eml`), banMail({ ip, messageId: `race${i}@web1`, host: `web${i % 3}.example.net` }));
    }
    const raceEnv = { ...env, ABUSEDESK_DB: path.join(dir, 'race.db') };
    const [a, b] = await Promise.all([
      runCli(['import', many, '--json'], { env: raceEnv, timeoutMs: 60_000 }),
      runCli(['import', many, '--json'], { env: raceEnv, timeoutMs: 60_000 }),
    ]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra.stored + rb.stored).toBe(n);
    expect(ra.duplicates + rb.duplicates).toBe(n);
    const stats = JSON.parse((await runCli(['stats', '--json'], { env: raceEnv })).stdout);
    expect(stats.totals).toMatchObject({ messages: n, reports: n });
  });

  it('exits 2 on bad usage and bad config, 1 on a missing path', async () => {
    expect((await runCli(['import'], { env })).code).toBe(2);
    expect((await runCli(['frobnicate'], { env })).code).toBe(2);
    expect((await runCli(['reports', '--bogus-flag'], { env })).code).toBe(2);
    const badConfig = path.join(dir, 'bad.yaml');
    fs.writeFileSync(badConfig, 'policy:\n  minReports: many\n');
    const bad = await runCli(['reports', '--config', badConfig], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('policy.minReports');
    const missing = await runCli(['import', path.join(dir, 'nope')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
  });

  it('writes a commented config with init, once', async () => {
    const file = path.join(dir, 'cfg', 'config.yaml');
    const first = await runCli(['init', '--config', file], { env });
    expect(first.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain('# abusedesk configuration');
    expect((await runCli(['init', '--config', file], { env })).code).toBe(1);
    expect((await runCli(['reports', '--config', file], { env })).code).toBe(0);
  });
});
