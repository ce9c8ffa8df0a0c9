// `abusedesk fetch` through the built binary against a real Dovecot: summaries in
// text and JSON, exit 1 with a clear message for a refused login or an unreachable
// server, exit 2 when no mailbox is configured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { banMail } from './helpers/mails.js';

let dovecot: Dovecot;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dovecot = await startDovecot();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-cli-'));
  env = { ABUSEDESK_DB: path.join(dir, 'desk.db'), XDG_CONFIG_HOME: path.join(dir, 'xdg'), ABUSEDESK_IMAP_URL: dovecot.imapUrl() };
  dovecot.seedMaildir([
    banMail({ ip: '203.0.113.7', messageId: 'cli1@web1' }),
    banMail({ ip: '203.0.113.8', messageId: 'cli2@web1' }),
    banMail({ ip: '203.0.113.8', messageId: 'cli3@web1', jail: 'postfix' }),
  ]);
});

afterAll(async () => {
  await dovecot?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('abusedesk fetch', () => {
  it('fetches, then reports that nothing is new', async () => {
    const first = await runCli(['fetch'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 mails fetched: 3 new stored (3 ban), 0 already stored, 3 reports, 0 with errors');

    await dovecot.deliver(banMail({ ip: '198.51.100.9', messageId: 'cli4@web1' }));
    const json = await runCli(['fetch', '--json'], { env });
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({
      mailbox: `${dovecot.user}@127.0.0.1:${dovecot.port}/INBOX`,
      fetched: 1,
      stored: 1,
      duplicates: 0,
      reports: 1,
      newMail: true,
      lastUid: 4,
      uidValidityChanged: false,
    });

    const nothing = await runCli(['fetch'], { env });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout.trim()).toBe('no new mail');
    const reports = await runCli(['reports', '203.0.113.8', '--json'], { env });
    expect(reports.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('exits 1 with a clear message when the login is refused or the server is unreachable', async () => {
    const bad = await runCli(['fetch'], {
      env: { ...env, ABUSEDESK_IMAP_URL: `imap://${dovecot.user}:not-the-password@127.0.0.1:${dovecot.port}/INBOX` },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`abusedesk: fetch: login failed for ${dovecot.user} at 127.0.0.1:${dovecot.port}`);
    expect(bad.stderr).not.toContain('not-the-password');
    expect(bad.stdout).toBe('');

    const down = await runCli(['fetch'], { env: { ...env, ABUSEDESK_IMAP_URL: 'imap://u:p@127.0.0.1:1/INBOX' } });
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toBe('abusedesk: fetch: cannot reach IMAP server 127.0.0.1:1: connection refused');
  });

  it('exits 2 when no mailbox is configured', async () => {
    const r = await runCli(['fetch'], { env: { ...env, ABUSEDESK_IMAP_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no mailbox configured');
  });
});
