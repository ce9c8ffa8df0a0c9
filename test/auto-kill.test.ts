// Crash safety of `abusedesk --auto`: the built binary is killed with SIGKILL at a
// random moment of a run, twenty times, while new mail keeps arriving; then a run
// finishes. No complaint may reach the SMTP server twice (by Message-ID and by IP),
// none may be lost (each public IP ends up sent, or waiting for the operator with
// the reason), and every mail is still in the store and on the server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { BIN, ROOT, runCli } from './helpers/cli.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { banMail } from './helpers/mails.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';

let dovecot: Dovecot;
let sink: SmtpSink;
let dir: string;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-kill-'));
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), sink?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs --auto and kills it with SIGKILL after `ms`, or (`atSend`) the moment the SMTP
 * server has received a complaint's DATA and before it answers: the worst moment.
 */
function runKilled(config: string, ms: number, atSend: boolean): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--config', config, '--auto'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, ABUSEDESK_CONFIG: '' } });
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, ms);
    if (atSend) sink.onReceive = kill;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      sink.onReceive = null;
      resolve(signal ?? code);
    });
  });
}

it('SIGKILL at random points of twenty runs, then a full run: nothing sent twice, nothing lost', async () => {
  const contacts = path.join(dir, 'contacts.json');
  fs.writeFileSync(contacts, JSON.stringify([{ cidr: '198.51.100.0/24', address: 'abuse@net-a.test' }, { cidr: '203.0.113.0/24', address: 'abuse@net-b.test' }]));
  const config = path.join(dir, 'kill.yaml');
  const dbPath = path.join(dir, 'kill.db');
  fs.writeFileSync(
    config,
    YAML.stringify({
      database: dbPath,
      imap: { url: dovecot.imapUrl() },
      smtp: { url: sink.url, insecureTls: true, timeoutMs: 5000 },
      operator: { from: 'Test desk <abuse@desk.test>', domain: 'desk.test' },
      policy: { minReports: 1 },
      lookup: { offline: true, offlineContactsFile: contacts },
    }),
  );
  const now = Date.now();
  const publicIps: string[] = [];
  let mails = 0;
  const deliver = (ips: string[]) => {
    dovecot.seedMaildir(ips.map((ip, i) => banMail({ ip, host: `web${i % 3}.example.net`, date: new Date(now - 60_000) })));
    mails += ips.length;
  };
  const batch = (n: number, start: number) =>
    Array.from({ length: n }, (_, i) => {
      const k = start + i;
      return k % 2 ? `198.51.100.${k}` : `203.0.113.${k}`;
    });
  // A slow server: each hand-over takes 60 ms, so some kills land while a complaint is "sending".
  sink.setDelay(60);
  let next = 1;
  const first = batch(24, next);
  next += 24;
  publicIps.push(...first);
  deliver([...first, '10.9.8.7']);

  const outcomes: Array<string | number | null> = [];
  for (let i = 0; i < 20; i++) {
    // Every other run dies at a random time (start-up, fetch, drafting, sending, archiving);
    // the others while the server holds a complaint's DATA, unanswered.
    const atSend = i % 2 === 1;
    outcomes.push(await runKilled(config, atSend ? 8000 : 100 + Math.floor(Math.random() * 1500), atSend));
    if (i % 4 === 3) {
      const more = batch(3, next);
      next += 3;
      publicIps.push(...more);
      deliver(more);
    }
  }
  expect(outcomes.filter((o) => o === 'SIGKILL').length).toBeGreaterThanOrEqual(10);

  sink.setDelay(0);
  const final = await runCli(['--config', config, '--auto', '--json']);
  expect([0, 1]).toContain(final.code);

  const store = openStore(dbPath);
  try {
    // Every mail is in the store, and on the server (INBOX or Archive): nothing deleted.
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: mails });
    expect((await dovecot.count('INBOX')) + (await dovecot.count('Archive'))).toBe(mails);

    // Never twice: by Message-ID and by IP, counting every DATA the server received.
    const ids = sink.attempts.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const ipOf = (raw: Buffer) => /^Source: (\S+)$/m.exec(raw.toString('utf8').replace(/=\r\n/g, ''))?.[1];
    const sentIps = sink.attempts.map((m) => ipOf(m.raw));
    expect(new Set(sentIps).size).toBe(sentIps.length);

    // None lost: each public IP has exactly one complaint, sent or waiting for the operator.
    const rows = store.sqlite.prepare('SELECT id, ip, state, needs_operator, message_id, last_error FROM complaints').all() as Array<{
      id: number;
      ip: string;
      state: string;
      needs_operator: number;
      message_id: string;
      last_error: string | null;
    }>;
    expect(rows.map((r) => r.ip).sort()).toEqual([...publicIps].sort());
    for (const r of rows) {
      const arrived = ids.filter((id) => id === r.message_id).length;
      if (r.state === 'sent') expect(arrived).toBe(1);
      else {
        expect(r).toMatchObject({ state: 'sending', needs_operator: 1 });
        expect(r.last_error).toMatch(/check the recipient's mailbox/);
        expect(arrived).toBeLessThanOrEqual(1);
      }
    }
    expect(sentIps).not.toContain('10.9.8.7');
    // The killed runs are recorded as interrupted, the last one as finished.
    const runs = store.sqlite.prepare('SELECT status, summary FROM runs ORDER BY id').all() as Array<{ status: string; summary: string | null }>;
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    expect(runs.filter((r) => r.summary?.startsWith('interrupted')).length).toBeGreaterThanOrEqual(10);

    // The operator settles the interrupted ones: delivered -> mark sent; not delivered -> retry.
    const waiting = rows.filter((r) => r.state !== 'sent');
    for (const r of waiting) {
      const delivered = ids.includes(r.message_id);
      const res = await runCli(['--config', config, 'complaint', String(r.id), delivered ? '--mark-sent' : '--retry']);
      expect(res.code).toBe(0);
    }
    if (waiting.length) expect((await runCli(['--config', config, 'send'])).code).toBe(0);
    const all = sink.attempts.map((m) => ipOf(m.raw)).sort();
    expect(all).toEqual([...publicIps].sort());
  } finally {
    store.close();
  }
}, 120_000);
