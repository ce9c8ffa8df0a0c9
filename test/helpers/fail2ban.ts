// A throwaway, real Fail2Ban (Debian fail2ban 1.0.x) for tests and fixture making:
// `fail2ban-server -f` with its own config dir, `banaction = dummy` (no firewall),
// `backend = polling`, jails on log files the caller writes, and the stock mail
// actions from /etc/fail2ban/action.d. The network is replaced by scripts on PATH:
// `whois` and `geoiplookup` print canned answers, `date` can be pinned to a fixed
// time, and bsd-mailx is pointed (via MAILRC) at the caller's `deliver` executable,
// which receives every mail on stdin, exactly as Fail2Ban's actions pipe it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface JailSpec {
  /** Jail name: may hold upper case, commas, dashes. */
  name: string;
  /**
   * Mail actions as written in jail.conf, e.g. `sendmail-whois-lines` or
   * `sendmail-buffered[lines=2]`. The helper adds name, dest, sender and the
   * mail command; it also adds a `dummy` ban action first.
   */
  actions: string[];
  /** Log files: names inside the temp dir or absolute paths; default `<index>.log`. Several files make grep prefix "path:". */
  logFiles?: string[];
  /** Filter in filter.d (own `abusedesk-*` ones below, or a Debian one); default `abusedesk-sshd`. */
  filter?: string;
  maxretry?: number;
  /** Reporting host written by the actions as <fq-hostname>. */
  hostname?: string;
}

export interface Fail2BanOptions {
  jails: JailSpec[];
  /** Executable that receives one mail on stdin (both sendmail- and mail-style actions). */
  deliver: string;
  /** Default reporting host for all jails. */
  hostname?: string;
  sender?: string;
  dest?: string;
  /** Canned whois answers; default: a RIPE-style text with Latin-1 bytes (see WHOIS_SCRIPT). */
  whoisScript?: string;
  /** Pin `date` from the start (start notices included); see setDate. */
  date?: Date;
}

export interface Fail2BanHandle {
  dir: string;
  /** Absolute path of a jail's log file (index into its logFiles). */
  logFile(jail: string, index?: number): string;
  /** Appends raw lines (Buffer or string; a newline is added to each). */
  appendLog(jail: string, lines: ReadonlyArray<string | Buffer>, index?: number): void;
  /** Resolves when Fail2Ban logs "[jail] Ban <ip>". */
  waitForBan(jail: string, ip: string, timeoutMs?: number): Promise<void>;
  /** Pins what `date` prints inside the actions (Date headers, buffered lines); null: real time. */
  setDate(date: Date | null): void;
  /** Runs fail2ban-client against this server. */
  client(...args: string[]): string;
  /** The server's own log. */
  serverLog(): string;
  /** Stops the jails (their stop actions run: notices, buffered summaries) and the server. */
  stop(): Promise<void>;
}

/** A syslog timestamp ("Nov 24 03:57:00") for log lines Fail2Ban will accept. */
export function syslogTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// Three log styles with simple filters; the mails do not depend on how the filter matched.
const FILTERS: Record<string, string> = {
  'abusedesk-sshd': String.raw`^\s*\S+ sshd\[\d+\]: (?:Failed password for (?:invalid user )?.*|Invalid user .*|Connection closed by authenticating user .*) from <HOST>(?: port \d+)?(?: ssh2)?(?: \[preauth\])?\s*$`,
  'abusedesk-dovecot': String.raw`^\s*\S+ dovecot: (?:imap|pop3)-login: (?:Aborted login|Disconnected)(?: \(auth failed, \d+ attempts in \d+ secs\))?: user=<[^>]*>.*, rip=<HOST>, lip=\S+`,
  'abusedesk-postfix': String.raw`^\s*\S+ postfix/smtpd\[\d+\]: warning: [-._\w]+\[<HOST>\]: SASL (?:LOGIN|PLAIN) authentication failed`,
};

/** The default whois stand-in: a registry text per range, some of it in Latin-1 bytes. */
export const WHOIS_SCRIPT = `#!/bin/sh
ip="$1"
case "$ip" in
  2001:db8:*|2001:DB8:*)
    printf '%s\\n' "% IANA WHOIS server" "" "inet6num:       2001:db8::/32" "netname:        IPV6-DOC-AP" "descr:          IPv6 prefix for documentation" "country:        AU" "abuse-c:        AR302-AP" "abuse-mailbox:  abuse@apnic.example" "source:         APNIC"
    ;;
  203.0.113.*)
    printf '%% This is the RIPE Database query service.\\n%% Abuse contact for 203.0.113.0 - 203.0.113.255 is abuse@h\\351bergement.example\\n\\ninetnum:        203.0.113.0 - 203.0.113.255\\nnetname:        TEST-NET-3\\ndescr:          Soci\\351t\\351 G\\351n\\351rale d'"'"'H\\351bergement\\naddress:        M\\374llerstra\\337e 5, K\\366ln\\ncountry:        DE\\nabuse-mailbox:  abuse@hebergement.example\\nsource:         RIPE\\n'
    ;;
  198.51.100.*)
    printf '%s\\n' "NetRange:       198.51.100.0 - 198.51.100.255" "CIDR:           198.51.100.0/24" "NetName:        TEST-NET-2" "Organization:   Example Transit (EXT-1)" "OrgAbuseEmail:  abuse@transit.example"
    printf 'Comment:        Z\\303\\274rich office\\n'
    ;;
  10.*|192.168.*)
    printf '%s\\n' "NetRange:       $ip" "NetName:        PRIVATE-ADDRESS-IANA-RESERVED" "Comment:        These addresses are in use by many millions of independently operated networks"
    ;;
  *)
    printf '%s\\n' "% This is the RIPE Database query service." "inetnum:        192.0.2.0 - 192.0.2.255" "netname:        TEST-NET-1" "descr:          Documentation network" "country:        NL" "abuse-mailbox:  abuse@test-net.example" "source:         RIPE"
    ;;
esac
`;

const GEOIP_SCRIPT = `#!/bin/sh
case "$2" in
  *GeoIPASNum*) echo "GeoIP ASNum Edition: AS64496 Example Documentation AS" ;;
  *) echo "GeoIP Country Edition: ZZ, Unknown" ;;
esac
`;

// date(1) as the actions call it, pinned to the time in $ABUSEDESK_F2B_DATE_FILE when present.
const DATE_SCRIPT = `#!/bin/sh
f="$ABUSEDESK_F2B_DATE_FILE"
if [ -n "$f" ] && [ -s "$f" ]; then exec /bin/date -d "$(cat "$f")" "$@"; fi
exec /bin/date "$@"
`;

function writeExecutable(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o755 });
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '')}"`;
}

export async function startFail2Ban(opts: Fail2BanOptions): Promise<Fail2BanHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'f2b-'));
  const conf = path.join(dir, 'conf');
  const bin = path.join(dir, 'bin');
  const logs = path.join(dir, 'logs');
  for (const d of [conf, bin, logs]) fs.mkdirSync(d, { recursive: true });
  fs.cpSync('/etc/fail2ban/action.d', path.join(conf, 'action.d'), { recursive: true });
  fs.cpSync('/etc/fail2ban/filter.d', path.join(conf, 'filter.d'), { recursive: true });
  for (const [name, regex] of Object.entries(FILTERS)) {
    fs.writeFileSync(path.join(conf, 'filter.d', `${name}.conf`), `[Definition]\nfailregex = ${regex}\nignoreregex =\n`);
  }
  fs.writeFileSync(path.join(conf, 'action.d', 'dummy.local'), `[Init]\ntarget = ${path.join(dir, 'dummy-bans.txt')}\n`);

  writeExecutable(path.join(bin, 'whois'), opts.whoisScript ?? WHOIS_SCRIPT);
  writeExecutable(path.join(bin, 'geoiplookup'), GEOIP_SCRIPT);
  writeExecutable(path.join(bin, 'date'), DATE_SCRIPT);
  const dateFile = path.join(dir, 'date.txt');
  fs.writeFileSync(dateFile, opts.date ? opts.date.toISOString() : '');
  // bsd-mailx has no -f/sendmail flag for this; its `sendmail` variable from MAILRC works.
  const mailrc = path.join(dir, 'mailrc');
  fs.writeFileSync(mailrc, `set sendmail=${opts.deliver}\n`);

  const sock = path.join(dir, 'f2b.sock');
  const serverLogFile = path.join(dir, 'fail2ban.log');
  fs.writeFileSync(
    path.join(conf, 'fail2ban.conf'),
    [
      '[DEFAULT]',
      'loglevel = INFO',
      `logtarget = ${serverLogFile}`,
      `socket = ${sock}`,
      `pidfile = ${path.join(dir, 'f2b.pid')}`,
      'dbfile = :memory:',
      'dbpurgeage = 1d',
      'dbmaxmatches = 10',
      '[Definition]',
      '',
    ].join('\n'),
  );

  const sender = opts.sender ?? `fail2ban@${opts.hostname ?? 'web1.example.net'}`;
  const dest = opts.dest ?? 'abuse-desk@example.net';
  const logFiles = new Map<string, string[]>();
  const jailText: string[] = [
    '[DEFAULT]',
    'banaction = dummy',
    'backend = polling',
    'usedns = no',
    'ignoreself = false',
    'ignoreip =',
    // Old timestamps are fine: fixtures and demos write log lines for past days.
    'findtime = 3650d',
    // Long enough that bans for past log times have not expired already.
    'bantime = 30d',
    'maxretry = 3',
    '',
  ];
  opts.jails.forEach((jail, j) => {
    const files = (jail.logFiles ?? [`${j}.log`]).map((f) => (path.isAbsolute(f) ? f : path.join(logs, f)));
    for (const f of files) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, '');
    }
    logFiles.set(jail.name, files);
    const host = jail.hostname ?? opts.hostname;
    const actions = jail.actions.map((spec) => {
      const m = /^([\w-]+)(?:\[(.*)\])?$/s.exec(spec.trim());
      if (!m) throw new Error(`bad action spec ${spec}`);
      // logpath as jail.conf's action_mwl passes it, for the -lines actions' grep.
      const params = [`name=${quote(jail.name)}`, `dest=${quote(dest)}`, `logpath=${quote(files.join(' '))}`];
      if (m[1].startsWith('sendmail')) {
        params.push(`sender=${quote(sender)}`, `mailcmd=${quote(`${opts.deliver} -f ${sender} ${dest}`)}`);
      }
      if (m[1].endsWith('-buffered')) params.push(`tmpfile=${quote(path.join(dir, `buffer-${j}-${m[1]}.txt`))}`);
      if (host) params.push(`fq-hostname=${quote(host)}`);
      if (m[2]) params.push(m[2]);
      return `${m[1]}[${params.join(', ')}]`;
    });
    jailText.push(
      `[${jail.name}]`,
      'enabled = true',
      `filter = ${jail.filter ?? 'abusedesk-sshd'}`,
      `logpath = ${files.join('\n          ')}`,
      `maxretry = ${jail.maxretry ?? 3}`,
      `action = dummy`,
      ...actions.map((a) => `         ${a}`),
      '',
    );
  });
  fs.writeFileSync(path.join(conf, 'jail.conf'), jailText.join('\n'));
  fs.writeFileSync(serverLogFile, '');

  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    MAILRC: mailrc,
    ABUSEDESK_F2B_DATE_FILE: dateFile,
    LANG: 'C.UTF-8',
  };
  const child: ChildProcess = spawn(
    'fail2ban-server',
    ['-f', '-x', '-c', conf, '-s', sock, '-p', path.join(dir, 'f2b.pid'), '--logtarget', serverLogFile],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  // Never outlive the test process, whatever happens to the caller.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.on('exit', () => {
    exited = true;
    process.removeListener('exit', killOnExit);
  });

  const client = (...args: string[]) => {
    const r = spawnSync('fail2ban-client', ['-c', conf, '-s', sock, ...args], { env, encoding: 'utf8', timeout: 20_000 });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`;
  };
  const serverLog = () => fs.readFileSync(serverLogFile, 'utf8');

  const waitFor = async (test: () => boolean, what: string, timeoutMs: number) => {
    const until = Date.now() + timeoutMs;
    while (!test()) {
      if (exited) throw new Error(`fail2ban-server exited while waiting for ${what}: ${output}\n${serverLog()}`);
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${serverLog()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Ready when every jail has started (its start actions ran).
  try {
    await waitFor(
      () => {
        const log = serverLog();
        return opts.jails.every((j) => log.includes(`Jail '${j.name}' started`));
      },
      'the jails to start',
      30_000,
    );
  } catch (err) {
    killOnExit();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const logFile = (jail: string, index = 0) => {
    const f = logFiles.get(jail)?.[index];
    if (!f) throw new Error(`no log file ${index} for jail ${jail}`);
    return f;
  };
  return {
    dir,
    logFile,
    appendLog(jail, lines, index = 0) {
      const f = logFile(jail, index);
      const chunks = lines.map((l) => Buffer.concat([typeof l === 'string' ? Buffer.from(l) : l, Buffer.from('\n')]));
      fs.appendFileSync(f, Buffer.concat(chunks));
    },
    waitForBan(jail, ip, timeoutMs = 20_000) {
      return waitFor(() => serverLog().includes(`[${jail}] Ban ${ip}`), `ban of ${ip} in ${jail}`, timeoutMs);
    },
    setDate(date) {
      fs.writeFileSync(dateFile, date ? date.toISOString() : '');
    },
    client,
    serverLog,
    async stop() {
      if (!exited) {
        client('stop');
        const until = Date.now() + 20_000;
        while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        if (!exited) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
