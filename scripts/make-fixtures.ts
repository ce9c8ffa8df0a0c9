// Regenerates fixtures/mails/** and fixtures/demo/mailbox from a REAL Fail2Ban
// (Debian fail2ban 1.0.x, its stock /etc/fail2ban/action.d mail actions), plus the
// hand-made hostile, legacy and non-Fail2Ban mails in fixtures/mails/{hostile,legacy,
// complaint,bounce,autoreply,other} (written from the templates in REFERENCE.md).
//
//   npx tsx scripts/make-fixtures.ts            # everything
//   npx tsx scripts/make-fixtures.ts --no-demo  # skip the demo mailbox
//
// No network: whois, geoiplookup and date are stand-ins on PATH (test/helpers/fail2ban.ts);
// the mails go through the real actions and the real bsd-mailx into a spool.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFail2Ban, syslogTime, type Fail2BanHandle, type JailSpec } from '../test/helpers/fail2ban.js';
import { writeHandMadeFixtures } from './hand-made-fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mailsDir = path.join(root, 'fixtures', 'mails');
const demoDir = path.join(root, 'fixtures', 'demo', 'mailbox');
/** Stable log paths, so "path:" prefixes in the mails do not change between runs. */
const LOG_ROOT = '/tmp/abusedesk-fixtures/log';
/** The fixed "now" of the fixture run (Date headers, buffered summary lines, log times). */
export const FIXTURE_DATE = new Date('2026-11-20T10:15:00Z');
/** The fixed "now" of the demo mailbox: its mails spread over the 6 days before. */
export const DEMO_DATE = new Date('2026-11-20T18:00:00Z');

function spoolDeliver(spool: string): string {
  fs.mkdirSync(spool, { recursive: true });
  const script = path.join(spool, '..', `deliver-${path.basename(spool)}.sh`);
  // Exactly what the action piped in; written atomically, named in delivery order.
  fs.writeFileSync(
    script,
    `#!/bin/sh\nt="${spool}/.tmp-$$"\ncat > "$t"\nmv "$t" "${spool}/$(/bin/date +%s%N)-$$.eml"\n`,
    { mode: 0o755 },
  );
  return script;
}

function spoolFiles(spool: string): string[] {
  return fs
    .readdirSync(spool)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => path.join(spool, f));
}

async function waitForMails(spool: string, count: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (spoolFiles(spool).length < count) {
    if (Date.now() > until) throw new Error(`expected ${count} mails in ${spool}, have ${spoolFiles(spool).length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function subjectOf(raw: Buffer): string {
  const m = /^Subject: (.*)$/m.exec(raw.toString('latin1'));
  return m ? m[1] : '';
}

const sshFail = (t: Date, host: string, ip: string, user = 'root', pid = 2201, port = 50022) =>
  `${syslogTime(t)} ${host} sshd[${pid}]: Failed password for ${user} from ${ip} port ${port} ssh2`;

const fileSafe = (ip: string) => ip.replace(/:/g, '_');

// ------------------------------------------------------------------ per-action fixtures

interface ActionJail extends JailSpec {
  /** fixtures/mails/<dir> */
  dir: string;
  /** Log lines to write (all at once); each banned IP needs 3. */
  lines: Array<string | Buffer>;
  bans: string[];
  /** Extra log file content (second file for the path-prefix case). */
  extra?: Array<string | Buffer>;
}

function actionJails(): ActionJail[] {
  const t = (s: number) => new Date(FIXTURE_DATE.getTime() - 60_000 + s * 1000);
  const h = 'web1';
  const three = (ip: string, s0: number, user = 'root') => [0, 1, 2].map((i) => sshFail(t(s0 + i), h, ip, user, 2200 + s0, 50000 + s0 + i));
  return [
    { dir: 'sendmail', name: 'sshd-basic', actions: ['sendmail'], lines: three('192.0.2.10', 1), bans: ['192.0.2.10'] },
    {
      dir: 'sendmail-whois',
      name: 'sshd',
      actions: ['sendmail-whois'],
      lines: [...three('203.0.113.7', 1), ...three('2001:db8::1', 5)],
      bans: ['203.0.113.7', '2001:db8::1'],
    },
    {
      // Jail name with upper case, a comma and dashes; two log files, so grep prefixes "path:".
      dir: 'sendmail-whois-lines',
      name: 'Web-Login,API',
      actions: ['sendmail-whois-lines'],
      logFiles: [`${LOG_ROOT}/web-a/auth.log`, `${LOG_ROOT}/web-b/auth.log`],
      lines: [
        ...three('198.51.100.23', 1, 'admin'),
        // A raw ESC/OSC sequence straight in the log (a service that does not escape).
        Buffer.from(`${syslogTime(t(4))} ${h} sshd[2299]: Failed password for invalid user \x1b]0;owned\x07\x1b[2J from 198.51.100.23 port 50099 ssh2`, 'latin1'),
        ...three('2001:db8::2', 10),
        // A longer IPv6 address with the same prefix: grep -wF pulls it in, it is not the banned one.
        sshFail(t(14), h, '2001:db8::2:1', 'oracle', 2314, 50314),
        sshFail(t(15), h, '2001:db8::2:1', 'oracle', 2315, 50315),
        ...three('10.0.0.5', 20),
      ],
      extra: [
        sshFail(t(30), h, '198.51.100.23', 'backup', 2330, 50330),
        `${syslogTime(t(31))} ${h} sshd[2331]: Connection closed by 198.51.100.230 port 50331 [preauth]`,
        sshFail(t(32), h, '2001:db8::2', 'git', 2332, 50332),
      ],
      bans: ['198.51.100.23', '2001:db8::2', '10.0.0.5'],
    },
    {
      // OpenSSH writes control characters escaped; the -matches actions print them with
      // printf %b: real ESC bytes, a fake footer, a fake ban sentence, and \c cutting the mail.
      dir: 'sendmail-whois-matches',
      name: 'sshd-matches',
      actions: ['sendmail-whois-matches'],
      lines: [
        `${syslogTime(t(1))} ${h} sshd[2401]: Invalid user \\033[2J\\033[1;31mroot\\033[0m from 192.0.2.66 port 40022`,
        `${syslogTime(t(2))} ${h} sshd[2402]: Failed password for invalid user x\\n\\nRegards,\\n\\nFail2Ban\\n\\nThe IP 203.0.113.99 has just been banned by Fail2Ban after\\n99 attempts against fake.\\n from 192.0.2.66 port 40023 ssh2`,
        `${syslogTime(t(3))} ${h} sshd[2403]: Failed password for invalid user \\tadmin\\r from 192.0.2.66 port 40024 ssh2`,
        sshFail(t(5), h, '192.0.2.77', 'test', 2405, 40030),
        sshFail(t(6), h, '192.0.2.77', 'guest', 2406, 40031),
        `${syslogTime(t(7))} ${h} sshd[2407]: Invalid user ab\\cdef from 192.0.2.77 port 40032`,
      ],
      bans: ['192.0.2.66', '192.0.2.77'],
    },
    {
      dir: 'sendmail-whois-ipmatches',
      name: 'postfix-sasl',
      filter: 'abusedesk-postfix',
      actions: ['sendmail-whois-ipmatches'],
      lines: [0, 1, 2].map(
        (i) => `${syslogTime(t(1 + i))} ${h} postfix/smtpd[33${i}1]: warning: unknown[198.51.100.42]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`,
      ),
      bans: ['198.51.100.42'],
    },
    {
      // Dovecot logs IPv4 clients as ::ffff:a.b.c.d; Fail2Ban bans the plain IPv4.
      dir: 'sendmail-whois-ipjailmatches',
      name: 'dovecot',
      filter: 'abusedesk-dovecot',
      actions: ['sendmail-whois-ipjailmatches'],
      lines: [0, 1, 2].map(
        (i) =>
          `${syslogTime(t(1 + i))} ${h} dovecot: imap-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<info${i}>, method=PLAIN, rip=::ffff:192.0.2.50, lip=::ffff:10.1.2.3, session=<Xk${i}abc>`,
      ),
      bans: ['192.0.2.50'],
    },
    {
      dir: 'sendmail-geoip-lines',
      name: 'sshd-geo',
      actions: ['sendmail-geoip-lines'],
      lines: three('2001:db8::abcd', 1),
      bans: ['2001:db8::abcd'],
    },
    {
      dir: 'sendmail-buffered',
      name: 'sshd-buffered',
      actions: ['sendmail-buffered[lines=2]'],
      lines: [...three('192.0.2.101', 1), ...three('192.0.2.102', 5), ...three('2001:db8::103', 9)],
      bans: ['192.0.2.101', '192.0.2.102', '2001:db8::103'],
    },
    { dir: 'mail', name: 'sshd-mail', actions: ['mail'], lines: three('198.51.100.77', 1), bans: ['198.51.100.77'] },
    {
      dir: 'mail-whois',
      name: 'sshd-mail-whois',
      actions: ['mail-whois'],
      lines: three('203.0.113.8', 1),
      bans: ['203.0.113.8'],
    },
    {
      dir: 'mail-whois-lines',
      name: 'sshd-mail-lines',
      actions: ['mail-whois-lines'],
      lines: [...three('192.168.1.20', 1), ...three('2001:db8::5', 5)],
      bans: ['192.168.1.20', '2001:db8::5'],
    },
    {
      dir: 'mail-buffered',
      name: 'sshd-mail-buffered',
      actions: ['mail-buffered[lines=2]'],
      lines: [...three('203.0.113.30', 1), ...three('203.0.113.31', 5), ...three('203.0.113.32', 9)],
      bans: ['203.0.113.30', '203.0.113.31', '203.0.113.32'],
    },
  ];
}

async function makeActionFixtures(work: string): Promise<void> {
  const spool = path.join(work, 'spool-actions');
  const jails = actionJails();
  fs.rmSync(LOG_ROOT, { recursive: true, force: true });
  const f2b = await startWithDate(
    {
      deliver: spoolDeliver(spool),
      hostname: 'web1.example.net',
      jails,
    },
    FIXTURE_DATE,
  );
  try {
    for (const jail of jails) {
      if (jail.extra) f2b.appendLog(jail.name, jail.extra, 1);
      f2b.appendLog(jail.name, jail.lines);
    }
    for (const jail of jails) for (const ip of jail.bans) await f2b.waitForBan(jail.name, ip);
    // Start notices + per-ban mails + the two "lines=2" summaries.
    const perBan = jails.filter((j) => !j.dir.endsWith('buffered')).reduce((n, j) => n + j.bans.length, 0);
    await waitForMails(spool, jails.length + perBan + 2);
  } finally {
    await f2b.stop();
    fs.rmSync(LOG_ROOT, { recursive: true, force: true });
  }
  const byJail = new Map(jails.map((j) => [j.name, j.dir]));
  const summaries = new Map<string, number>();
  for (const dir of new Set(byJail.values())) fs.rmSync(path.join(mailsDir, dir), { recursive: true, force: true });
  for (const file of spoolFiles(spool)) {
    const raw = fs.readFileSync(file);
    const m = /^\[Fail2Ban\] (.+?): (banned (\S+)|started|stopped|summary|Summary)/.exec(subjectOf(raw));
    if (!m) throw new Error(`unexpected mail ${file}: ${subjectOf(raw)}`);
    const dir = byJail.get(m[1]);
    if (!dir) throw new Error(`unknown jail ${m[1]}`);
    let name: string;
    if (m[3]) name = `ban-${fileSafe(m[3])}`;
    else if (/^summary$/i.test(m[2])) {
      const n = (summaries.get(dir) ?? 0) + 1;
      summaries.set(dir, n);
      name = `summary-${n}`;
    } else name = m[2];
    fs.mkdirSync(path.join(mailsDir, dir), { recursive: true });
    fs.writeFileSync(path.join(mailsDir, dir, `${name}.eml`), raw);
  }
}

function startWithDate(opts: Parameters<typeof startFail2Ban>[0], date: Date): Promise<Fail2BanHandle> {
  return startFail2Ban({ ...opts, date });
}

// ------------------------------------------------------------------ demo mailbox

interface DemoBan {
  /** Hours before DEMO_DATE. */
  hoursAgo: number;
  jail: string;
  ip: string;
  failures?: number;
  user?: string;
}

interface DemoHost {
  host: string;
  jails: JailSpec[];
  bans: DemoBan[];
  /** Keep the start notices of this host in the mailbox. */
  keepNotices?: boolean;
}

function demoHosts(): DemoHost[] {
  return [
    {
      host: 'web1.example.net',
      keepNotices: true,
      jails: [
        { name: 'sshd', actions: ['sendmail-whois-lines'] },
        { name: 'nginx-http-auth', actions: ['sendmail-whois-lines'], maxretry: 4 },
      ],
      bans: [
        { hoursAgo: 140, jail: 'sshd', ip: '198.51.100.23' },
        { hoursAgo: 118, jail: 'sshd', ip: '203.0.113.7', failures: 5 },
        { hoursAgo: 96, jail: 'sshd', ip: '198.51.100.23', failures: 4 },
        { hoursAgo: 70, jail: 'sshd', ip: '2001:db8::1', failures: 6 },
        { hoursAgo: 49, jail: 'nginx-http-auth', ip: '192.0.2.44' },
        { hoursAgo: 30, jail: 'sshd', ip: '198.51.100.23', failures: 7 },
        { hoursAgo: 20, jail: 'sshd', ip: '203.0.113.99' },
        { hoursAgo: 12, jail: 'sshd', ip: '10.20.30.40' },
        { hoursAgo: 5, jail: 'nginx-http-auth', ip: '203.0.113.7', failures: 4 },
        { hoursAgo: 2, jail: 'sshd', ip: '2001:db8:4::17' },
      ],
    },
    {
      host: 'mail1.example.net',
      jails: [
        { name: 'postfix-sasl', filter: 'abusedesk-postfix', actions: ['sendmail-whois'], maxretry: 5 },
        { name: 'dovecot', filter: 'abusedesk-dovecot', actions: ['sendmail-whois-lines'], maxretry: 4 },
        { name: 'sshd', actions: ['sendmail-whois-matches'] },
      ],
      bans: [
        { hoursAgo: 130, jail: 'postfix-sasl', ip: '203.0.113.7', failures: 8 },
        { hoursAgo: 100, jail: 'dovecot', ip: '198.51.100.23', failures: 5 },
        { hoursAgo: 77, jail: 'postfix-sasl', ip: '192.0.2.201' },
        { hoursAgo: 60, jail: 'dovecot', ip: '192.0.2.44', failures: 4 },
        { hoursAgo: 40, jail: 'postfix-sasl', ip: '2001:db8::1', failures: 3 },
        { hoursAgo: 26, jail: 'sshd', ip: '198.51.100.66', user: String.raw`\033]0;pwned\007\033[2J\033[31mroot` },
        { hoursAgo: 16, jail: 'dovecot', ip: '203.0.113.150' },
        { hoursAgo: 8, jail: 'postfix-sasl', ip: '198.51.100.23', failures: 9 },
        { hoursAgo: 3, jail: 'dovecot', ip: '2001:db8:4::17', failures: 4 },
      ],
    },
    {
      host: 'db1.example.net',
      jails: [
        { name: 'sshd', actions: ['sendmail-whois-lines'] },
        { name: 'recidive', actions: ['sendmail-buffered[lines=3]'] },
      ],
      bans: [
        { hoursAgo: 125, jail: 'sshd', ip: '192.0.2.201', failures: 4 },
        { hoursAgo: 90, jail: 'sshd', ip: '203.0.113.7' },
        { hoursAgo: 65, jail: 'recidive', ip: '198.51.100.23' },
        { hoursAgo: 64, jail: 'recidive', ip: '203.0.113.7' },
        { hoursAgo: 63, jail: 'recidive', ip: '192.0.2.201' },
        { hoursAgo: 45, jail: 'sshd', ip: '198.51.100.180' },
        { hoursAgo: 22, jail: 'sshd', ip: '2001:db8::1', failures: 5 },
        { hoursAgo: 7, jail: 'sshd', ip: '192.0.2.44', failures: 3 },
      ],
    },
    {
      host: 'vpn1.example.org',
      jails: [{ name: 'openvpn', actions: ['sendmail-whois'] }],
      bans: [
        { hoursAgo: 110, jail: 'openvpn', ip: '198.51.100.23', failures: 3 },
        { hoursAgo: 50, jail: 'openvpn', ip: '203.0.113.222' },
        { hoursAgo: 9, jail: 'openvpn', ip: '192.168.7.7' },
      ],
    },
  ];
}

function demoLines(host: string, jail: JailSpec, ban: DemoBan, at: Date): string[] {
  const short = host.split('.')[0];
  // Fail2Ban bans at maxretry; lines beyond that still show up in the grep of later reports.
  const n = Math.max(ban.failures ?? 3, jail.maxretry ?? 3);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(at.getTime() - (n - i) * 7_000);
    if (jail.filter === 'abusedesk-postfix') {
      lines.push(`${syslogTime(t)} ${short} postfix/smtpd[${4100 + i}]: warning: unknown[${ban.ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`);
    } else if (jail.filter === 'abusedesk-dovecot') {
      const rip = ban.ip.includes(':') ? ban.ip : `::ffff:${ban.ip}`;
      lines.push(
        `${syslogTime(t)} ${short} dovecot: imap-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<info>, method=PLAIN, rip=${rip}, lip=::ffff:10.1.2.3, session=<d${i}x>`,
      );
    } else {
      const users = ['root', 'admin', 'ubuntu', 'oracle', 'test', 'postgres', 'git', 'deploy', 'pi'];
      const user = i === 0 && ban.user ? ban.user : users[(i + ban.ip.length) % users.length];
      lines.push(`${syslogTime(t)} ${short} sshd[${5100 + i}]: Failed password for ${user} from ${ban.ip} port ${40000 + i * 17} ssh2`);
    }
  }
  return lines;
}

/** What the receiving MTA adds on delivery (Return-Path, Delivered-To, Received, Message-ID). */
function asDelivered(raw: Buffer, host: string, at: Date, seq: number): Buffer {
  const text = raw.toString('latin1');
  const headerEnd = text.indexOf('\n\n');
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const from = /^From: .*<([^>]+)>/m.exec(head)?.[1] ?? `root@${host}`;
  const added = [
    `Return-Path: <${from}>`,
    'Delivered-To: abuse-desk@example.net',
    `Received: from ${host} (${host} [192.0.2.254])\n\tby mx.example.net (Postfix) with ESMTP id ${(0x4a000 + seq).toString(16).toUpperCase()}\n\tfor <abuse-desk@example.net>; ${at.toUTCString().replace('GMT', '+0000')}`,
  ];
  if (!/^Message-ID:/im.test(head)) added.push(`Message-ID: <${at.getTime().toString(36)}.${seq}@${host}>`);
  if (!/^Date:/im.test(head)) added.push(`Date: ${at.toUTCString().replace('GMT', '+0000')}`);
  if (!/^From:/im.test(head)) added.push(`From: root <root@${host}>`);
  return Buffer.concat([Buffer.from(`${added.join('\n')}\n`), raw]);
}

async function makeDemoHost(work: string, demo: DemoHost, seqBase: number): Promise<Array<{ at: Date; raw: Buffer }>> {
  const spool = path.join(work, `spool-${demo.host}`);
  const start = new Date(DEMO_DATE.getTime() - 144 * 3600_000);
  const f2b = await startWithDate(
    { deliver: spoolDeliver(spool), hostname: demo.host, jails: demo.jails },
    start,
  );
  const out: Array<{ at: Date; raw: Buffer }> = [];
  const dates = new Map<string, Date>();
  try {
    await waitForMails(spool, demo.jails.length);
    for (const file of spoolFiles(spool)) dates.set(file, start);
    for (const ban of [...demo.bans].sort((a, b) => b.hoursAgo - a.hoursAgo)) {
      const jail = demo.jails.find((j) => j.name === ban.jail);
      if (!jail) throw new Error(`no jail ${ban.jail}`);
      // Minutes per host differ so the reports do not all share one timestamp.
      const at = new Date(DEMO_DATE.getTime() - ban.hoursAgo * 3600_000 + (seqBase % 7) * 60_000 + 23_000);
      f2b.setDate(at);
      const before = spoolFiles(spool).length;
      f2b.appendLog(jail.name, demoLines(demo.host, jail, ban, at));
      await f2b.waitForBan(jail.name, ban.ip);
      const buffered = jail.actions.some((a) => a.includes('buffered'));
      if (!buffered) await waitForMails(spool, before + 1);
      else await new Promise((r) => setTimeout(r, 300));
      for (const file of spoolFiles(spool)) if (!dates.has(file)) dates.set(file, at);
      // Unban so a later ban of the same IP in the same jail is a new ban.
      f2b.client('set', jail.name, 'unbanip', ban.ip);
    }
  } finally {
    await f2b.stop();
  }
  let seq = seqBase;
  for (const file of spoolFiles(spool)) {
    const raw = fs.readFileSync(file);
    const subject = subjectOf(raw);
    if (/: stopped/.test(subject)) continue;
    if (/: started/.test(subject) && !demo.keepNotices) continue;
    const at = dates.get(file) ?? DEMO_DATE;
    out.push({ at, raw: asDelivered(raw, demo.host, at, seq++) });
  }
  return out;
}

async function makeDemoMailbox(work: string): Promise<number> {
  const hosts = demoHosts();
  const results = await Promise.all(hosts.map((h, i) => makeDemoHost(work, h, i * 100)));
  fs.rmSync(demoDir, { recursive: true, force: true });
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(demoDir, sub), { recursive: true });
  fs.writeFileSync(path.join(demoDir, 'tmp', '.keep'), '');
  // Ties (the start notices) are ordered by content, so a rerun writes the same files.
  const all = results.flat().sort((a, b) => a.at.getTime() - b.at.getTime() || Buffer.compare(a.raw, b.raw));
  all.forEach(({ at, raw }, i) => {
    const sec = Math.floor(at.getTime() / 1000);
    // Older mails were already seen (cur, flag S); the last day's are new.
    const fresh = DEMO_DATE.getTime() - at.getTime() < 24 * 3600_000;
    const name = `${sec}.M${i}P4242.mx.example.net,S=${raw.length}`;
    fs.writeFileSync(path.join(demoDir, fresh ? 'new' : 'cur', fresh ? name : `${name}:2,S`), raw);
  });
  return all.length;
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-fixtures-'));
  try {
    await makeActionFixtures(work);
    console.log('real Fail2Ban action mails written');
    writeHandMadeFixtures(mailsDir);
    console.log('hand-made mails written');
    if (!process.argv.includes('--no-demo')) {
      const n = await makeDemoMailbox(work);
      console.log(`demo mailbox: ${n} mails`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
