// End to end with real parts: a real Fail2Ban (Debian 1.0.x) bans attackers it finds in
// a log file this test writes, its stock sendmail-whois-lines action delivers the report
// into a real Dovecot (doveadm save), and `abusedesk fetch` (the built binary) stores
// the ban with the right IP, jail, reporting host and log lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { startFail2Ban, syslogTime, type Fail2BanHandle } from './helpers/fail2ban.js';

let dovecot: Dovecot;
let f2b: Fail2BanHandle;
let dir: string;
let env: NodeJS.ProcessEnv;

const V4 = '203.0.113.45';
const V6 = '2001:db8:45::7';
const now = new Date();
const line = (s: number, text: string) => `${syslogTime(new Date(now.getTime() - 60_000 + s * 1000))} web1 ${text}`;
const V4_LINES = [
  line(1, `sshd[3101]: Failed password for root from ${V4} port 51001 ssh2`),
  line(2, `sshd[3102]: Failed password for invalid user admin from ${V4} port 51002 ssh2`),
  // OpenSSH writes control characters escaped; -lines actions grep the log, so this stays literal text.
  line(3, `sshd[3103]: Invalid user \\033[2Jx from ${V4} port 51003`),
];
const V6_LINES = [
  line(4, `sshd[3104]: Failed password for root from ${V6} port 51004 ssh2`),
  line(5, `sshd[3105]: Failed password for root from ${V6} port 51005 ssh2`),
  line(6, `sshd[3106]: Failed password for root from ${V6} port 51006 ssh2`),
];
// Another attacker whose address starts like V6: grep -wF pulls it into V6's report.
const V6_LONGER = line(7, `sshd[3107]: Failed password for oracle from ${V6}:1 port 51007 ssh2`);
const WEB = '198.51.100.45';
const WEB_LINES = [8, 9, 10].map((s) => line(s, `sshd[32${s}]: Failed password for wp-admin from ${WEB} port 520${s} ssh2`));

beforeAll(async () => {
  dovecot = await startDovecot();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2b-e2e-'));
  const deliver = path.join(dir, 'deliver.sh');
  // Fail2Ban's mailcmd gets "-f sender dest" arguments; the mail itself comes on stdin.
  fs.writeFileSync(deliver, `#!/bin/sh\nexec ${dovecot.deliverCommand('INBOX').map((a) => `'${a}'`).join(' ')}\n`, { mode: 0o755 });
  f2b = await startFail2Ban({
    deliver,
    hostname: 'web1.example.net',
    jails: [
      { name: 'sshd', actions: ['sendmail-whois-lines'] },
      // The mail(1) family through the real bsd-mailx: "To: <dest>, set escape", a charset label, no From.
      { name: 'Web-Login,API', actions: ['mail-whois-lines'] },
    ],
  });
  env = { ABUSEDESK_DB: path.join(dir, 'desk.db'), XDG_CONFIG_HOME: path.join(dir, 'xdg'), ABUSEDESK_IMAP_URL: dovecot.imapUrl() };
}, 60_000);

afterAll(async () => {
  await f2b?.stop();
  await dovecot?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('real Fail2Ban -> Dovecot -> abusedesk fetch', () => {
  it('stores each ban with IP, jail, reporting host and only that IP\'s log lines', async () => {
    f2b.appendLog('sshd', [...V4_LINES, V6_LONGER, ...V6_LINES]);
    f2b.appendLog('Web-Login,API', WEB_LINES);
    await f2b.waitForBan('sshd', V4);
    await f2b.waitForBan('sshd', V6);
    await f2b.waitForBan('Web-Login,API', WEB);
    // Two start notices + three ban reports, delivered by the actions into the INBOX.
    const until = Date.now() + 20_000;
    while ((await dovecot.count()) < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await dovecot.count()).toBe(5);

    const fetch = await runCli(['fetch', '--json'], { env });
    expect(fetch.stderr).toBe('');
    expect(fetch.code).toBe(0);
    expect(JSON.parse(fetch.stdout)).toMatchObject({ fetched: 5, stored: 5, reports: 3, errors: 0 });

    const v4 = (await runCli(['reports', V4, '--json'], { env })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(v4).toHaveLength(1);
    expect(v4[0]).toMatchObject({ kind: 'ban', ip: V4, service: 'sshd', reporter: 'web1.example.net', failures: 3, private: false });
    expect(v4[0].logLines).toEqual(V4_LINES);
    expect(v4[0].logPaths).toEqual([]);

    const v6 = (await runCli(['reports', V6, '--json'], { env })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(v6).toHaveLength(1);
    expect(v6[0]).toMatchObject({ ip: V6, service: 'sshd', reporter: 'web1.example.net', failures: 3 });
    // The raw mail holds the longer address too (grep -wF); the report does not.
    const raws = ['new', 'cur'].flatMap((sub) => {
      const d = path.join(dovecot.maildir, sub);
      return fs.existsSync(d) ? fs.readdirSync(d).map((f) => fs.readFileSync(path.join(d, f), 'utf8')) : [];
    });
    expect(raws.some((raw) => raw.includes(V6_LONGER))).toBe(true);
    expect(v6[0].logLines).toEqual(V6_LINES);

    const web = (await runCli(['reports', WEB, '--json'], { env })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(web).toHaveLength(1);
    expect(web[0]).toMatchObject({ ip: WEB, service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3 });
    expect(web[0].logLines).toEqual(WEB_LINES);
    expect(raws.some((raw) => raw.includes(`To: abuse-desk@example.net, set escape`) && raw.includes(`banned ${WEB} from`))).toBe(true);

    const messages = (await runCli(['messages', '--json'], { env })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(messages.map((m: { kind: string }) => m.kind).sort()).toEqual(['ban', 'ban', 'ban', 'notice', 'notice']);
    expect(messages.every((m: { error: string | null; trusted: boolean }) => m.error === null && m.trusted)).toBe(true);
  }, 60_000);
});
