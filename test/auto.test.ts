// `abusedesk --auto` end to end through the built binary: a real Dovecot holding real
// Fail2Ban mails from several hosts, a real SMTP sink, offline contact data, a real
// SQLite file. The exact set of complaints that arrive, the used mails in Archive, a
// quiet second run, the private addresses never complained about, --dry-run, --json,
// and the desk's `send` racing `--auto`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXarfReport } from '../src/core/xarf.js';
import { openStore } from '../src/store/db.js';
import { runCli, ROOT } from './helpers/cli.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { banMail } from './helpers/mails.js';

const FIXTURES = path.join(ROOT, 'fixtures', 'mails');
// Real Fail2Ban output (1.0.2 actions and older versions) from five reporting hosts.
const SEEDED = [
  ['legacy/0.10-sendmail-whois-ipmatches.eml', '203.0.113.41'], // mail1.example.net
  ['legacy/0.10-sendmail-whois-lines.eml', '203.0.113.40'], // web3.example.net
  ['legacy/0.9-sendmail-whois-lines.eml', '198.51.100.31'], // web2
  ['sendmail-whois-lines/ban-198.51.100.23.eml', '198.51.100.23'], // web1.example.net
  ['sendmail-whois/ban-203.0.113.7.eml', '203.0.113.7'],
  ['sendmail-whois/ban-2001_db8__1.eml', '2001:db8::1'],
  ['sendmail-whois-ipjailmatches/ban-192.0.2.50.eml', '192.0.2.50'],
  ['sendmail-whois-lines/ban-10.0.0.5.eml', null], // private: never
  ['mail-whois-lines/ban-192.168.1.20.eml', null], // private: never
  ['sendmail-whois/started.eml', null], // a start notice: no report
] as const;

const CONTACTS = [
  { cidr: '198.51.100.0/24', address: 'abuse@net-a.test' },
  { cidr: '203.0.113.0/24', address: 'abuse@net-b.test' },
  { cidr: '192.0.2.0/24', address: 'abuse@net-c.test' },
  { cidr: '2001:db8::/32', address: 'abuse@net-d.test' },
];
const RECIPIENT: Record<string, string> = {
  '203.0.113.41': 'abuse@net-b.test',
  '203.0.113.40': 'abuse@net-b.test',
  '203.0.113.7': 'abuse@net-b.test',
  '198.51.100.31': 'abuse@net-a.test',
  '198.51.100.23': 'abuse@net-a.test',
  '2001:db8::1': 'abuse@net-d.test',
  '192.0.2.50': 'abuse@net-c.test',
};

let dovecot: Dovecot;
let sink: SmtpSink;
let dir: string;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-auto-'));
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), sink?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, extra: Record<string, unknown> = {}): string {
  const contacts = path.join(dir, 'contacts.json');
  fs.writeFileSync(contacts, JSON.stringify(CONTACTS));
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    YAML.stringify({
      database: path.join(dir, `${name}.db`),
      imap: { url: dovecot.imapUrl() },
      smtp: { url: sink.url, insecureTls: true, timeoutMs: 5000 },
      operator: { organisation: 'Test desk', from: 'Test desk <abuse@desk.test>', replyTo: 'replies@desk.test', domain: 'desk.test' },
      // One report is enough here (each fixture is one ban), and the fixtures are from a fixed week.
      policy: { minReports: 1, windowDays: 36500 },
      lookup: { offline: true, offlineContactsFile: contacts },
      ...extra,
    }),
  );
  return file;
}

describe('abusedesk --auto (built binary, Dovecot, SMTP sink)', () => {
  it('sends exactly the expected complaints, archives the used mails, and is quiet on a second run', async () => {
    dovecot.seedMaildir(SEEDED.map(([file]) => fs.readFileSync(path.join(FIXTURES, file))));
    const config = writeConfig('e2e');

    // A dry run first: shows the mails, changes nothing.
    const dry = await runCli(['--config', config, '--auto', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(sink.mails).toHaveLength(0);
    // Nothing fetched in a dry run: the store is empty, so nothing would be drafted.
    expect(dry.stdout).toContain('nothing would be drafted or sent');

    const first = await runCli(['--config', config, '--auto']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^abusedesk: 10 new mails \(9 reports\), 7 complaints drafted, 7 sent, 7 mails archived$/);

    // The exact set: one complaint per public IP, to its network's contact.
    const arrived = new Map<string, string[]>();
    for (const mail of sink.mails) {
      const parsed = await simpleParser(mail.raw);
      const report = parsed.attachments.find((a) => a.filename === 'report.txt')!.content.toString('utf8');
      expect(validateXarfReport(report)).toEqual([]);
      const source = /^Source: (.+)$/m.exec(report)![1]!.replace(/^'|'$/g, '');
      const evidence = parsed.attachments.find((a) => a.filename === 'logfile.log')!.content.toString('utf8');
      // The sendmail-whois action sends no log lines; the others' lines are the evidence.
      if (!['203.0.113.7', '2001:db8::1'].includes(source)) expect(evidence).toContain(source);
      expect(parsed.text).toContain(source);
      arrived.set(source, mail.to);
    }
    expect(Object.fromEntries([...arrived].map(([ip, to]) => [ip, to.join(',')]))).toEqual(RECIPIENT);
    expect(sink.mails).toHaveLength(7);
    for (const ip of ['10.0.0.5', '192.168.1.20']) {
      expect(sink.mails.some((m) => m.raw.toString('utf8').includes(ip))).toBe(false);
    }

    // The used mails are in Archive; the private ones and the notice stay in INBOX.
    expect(await dovecot.count('Archive')).toBe(7);
    expect(await dovecot.count('INBOX')).toBe(3);
    const store = openStore(path.join(dir, 'e2e.db'), { readonly: true });
    try {
      expect(store.sqlite.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 10 });
      expect(store.sqlite.prepare(`SELECT count(*) AS n FROM messages WHERE mailbox = 'Archive' AND archived_at IS NOT NULL`).get()).toEqual({ n: 7 });
      const run = store.sqlite.prepare('SELECT status, errors, summary FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string; errors: number; summary: string };
      expect(run.status).toBe('ok');
      expect(run.summary).toBe(lines[0]);
      expect((store.sqlite.prepare('SELECT count(*) AS n FROM run_log').get() as { n: number }).n).toBeGreaterThan(7);
    } finally {
      store.close();
    }

    // Second run: nothing new, nothing sent, nothing printed.
    const second = await runCli(['--config', config, '--auto']);
    expect(second).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(sink.mails).toHaveLength(7);

    // --json: one summary object.
    const json = await runCli(['--config', config, '--auto', '--json']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ dryRun: false, sent: 0, drafted: 0, newMails: 0, errors: [] });

    // The commands see the same data.
    const complaints = await runCli(['--config', config, 'complaints', '--json']);
    const rows = complaints.stdout.trim().split('\n').map((l) => JSON.parse(l) as { state: string; ip: string; id: number });
    expect(rows.map((r) => r.state)).toEqual(Array(7).fill('sent'));
    const raw = await runCli(['--config', config, 'complaint', String(rows[0]!.id), '--raw']);
    expect(sink.mails.some((m) => m.raw.toString('utf8') === raw.stdout)).toBe(true);

    // Age-based archiving: with archiveAfterDays 0 every mail the store holds is old enough.
    const aged = writeConfig('e2e', { policy: { minReports: 1, windowDays: 36500, archiveAfterDays: 0 } });
    const third = await runCli(['--config', aged, '--auto']);
    expect(third).toMatchObject({ code: 0, stderr: '', stdout: 'abusedesk: 3 mails archived\n' });
    expect(await dovecot.count('INBOX')).toBe(0);
    expect(await dovecot.count('Archive')).toBe(10);
    expect(sink.mails).toHaveLength(7);
  });

  it('the desk sending at the same moment as --auto: each complaint is sent once', async () => {
    sink.clear();
    const config = writeConfig('race', { imap: {}, auto: { approve: 'none', send: true, archive: false } });
    // Eight IPs, reported by two hosts each, drafted by one run and approved by the operator.
    const mailDir = path.join(dir, 'race-mails');
    fs.mkdirSync(mailDir);
    const now = Date.now();
    for (let i = 1; i <= 8; i++) {
      for (const host of ['web1.example.net', 'web2.example.net']) {
        fs.writeFileSync(path.join(mailDir, `${i}-${host}.eml`), banMail({ ip: `198.51.100.${100 + i}`, host, date: new Date(now - i * 60_000) }));
      }
    }
    expect((await runCli(['--config', config, 'import', mailDir])).code).toBe(0);
    const dry = await runCli(['--config', config, '--auto', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: no mail fetched, no registry asked');
    expect(dry.stdout.trim().split('\n').pop()).toBe('abusedesk (dry run): 8 complaints would be drafted (8 for review)');
    expect((await runCli(['--config', config, 'complaints'])).stdout).toBe('no complaints\n');
    const drafted = await runCli(['--config', config, '--auto', '--json']);
    expect(JSON.parse(drafted.stdout)).toMatchObject({ drafted: 8, approved: 0, sent: 0 });
    const list = (await runCli(['--config', config, 'complaints', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number });
    const ids = list.map((c) => String(c.id));
    expect((await runCli(['--config', config, 'approve', ...ids])).code).toBe(0);
    const [desk, cron] = await Promise.all([runCli(['--config', config, 'send', '--json']), runCli(['--config', config, '--auto', '--json'])]);
    expect(desk.code).toBe(0);
    expect(cron.code).toBe(0);
    const deskSent = desk.stdout.trim() ? desk.stdout.trim().split('\n').length : 0;
    const cronSent = (JSON.parse(cron.stdout) as { sent: number }).sent;
    expect(deskSent + cronSent).toBe(8);
    expect(sink.attempts).toHaveLength(8);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(8);
  });
});
