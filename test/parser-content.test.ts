// What the parser keeps from the mails: exact log lines, whois text in the right
// charset, headers, hostile text kept as data but never read as structure, huge mails,
// and never a throw.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINES, parseDateLine, parseMail } from '../src/core/fail2ban-mail.js';
import { MESSAGE_KINDS } from '../src/core/parsed-mail.js';

const ROOT = path.join(import.meta.dirname, '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(ROOT, 'mails', name));
const only = (name: string) => {
  const mail = parseMail(read(name));
  expect(mail.reports).toHaveLength(1);
  return mail.reports[0];
};

describe('log lines', () => {
  it('strips grep "path:" prefixes, keeps the paths, keeps raw escape bytes as data', () => {
    const r = only('sendmail-whois-lines/ban-198.51.100.23.eml');
    expect(r.logPaths).toEqual(['/tmp/abusedesk-fixtures/log/web-a/auth.log', '/tmp/abusedesk-fixtures/log/web-b/auth.log']);
    expect(r.logLines).toEqual([
      'Nov 20 10:14:01 web1 sshd[2201]: Failed password for admin from 198.51.100.23 port 50001 ssh2',
      'Nov 20 10:14:02 web1 sshd[2201]: Failed password for admin from 198.51.100.23 port 50002 ssh2',
      'Nov 20 10:14:03 web1 sshd[2201]: Failed password for admin from 198.51.100.23 port 50003 ssh2',
      'Nov 20 10:14:04 web1 sshd[2299]: Failed password for invalid user \x1b]0;owned\x07\x1b[2J from 198.51.100.23 port 50099 ssh2',
      'Nov 20 10:14:30 web1 sshd[2330]: Failed password for backup from 198.51.100.23 port 50330 ssh2',
    ]);
    // "198.51.100.230" in web-b is another address: grep -w left it out, and so do we.
    expect(r.logLines.join('\n')).not.toContain('198.51.100.230');
  });

  it('drops longer IPv6 addresses that grep -wF pulled in (2001:db8::2:1 for 2001:db8::2)', () => {
    const raw = read('sendmail-whois-lines/ban-2001_db8__2.eml').toString();
    expect(raw).toContain('2001:db8::2:1 port 50314'); // really in the mail
    const r = only('sendmail-whois-lines/ban-2001_db8__2.eml');
    expect(r.logLines).toHaveLength(4);
    expect(r.logLines.some((l) => l.includes('2001:db8::2:1'))).toBe(false);
    expect(r.logLines[3]).toBe('Nov 20 10:14:32 web1 sshd[2332]: Failed password for git from 2001:db8::2 port 50332 ssh2');
  });

  it('keeps Dovecot lines that name the IPv4 address as ::ffff:a.b.c.d', () => {
    const r = only('sendmail-whois-ipjailmatches/ban-192.0.2.50.eml');
    expect(r.logLines).toHaveLength(3);
    expect(r.logLines.every((l) => l.includes('rip=::ffff:192.0.2.50,'))).toBe(true);
  });

  it('matches actions: printf %b made real ESC/TAB/CR bytes, a fake footer and a fake ban sentence', () => {
    const raw = read('sendmail-whois-matches/ban-192.0.2.66.eml').toString('latin1');
    expect(raw).toContain('\x1b[2J'); // real bytes from Fail2Ban, not our doing
    expect(raw.match(/^Regards,$/gm)).toHaveLength(2);
    expect(raw).toContain('The IP 203.0.113.99 has just been banned by Fail2Ban after');
    const mail = parseMail(read('sendmail-whois-matches/ban-192.0.2.66.eml'));
    expect(mail.kind).toBe('ban');
    expect(mail.reports.map((r) => r.ip)).toEqual(['192.0.2.66']);
    expect(mail.reports[0].failures).toBe(3);
    expect(mail.reports[0].logLines).toEqual([
      'Nov 20 10:14:01 web1 sshd[2401]: Invalid user \x1b[2J\x1b[1;31mroot\x1b[0m from 192.0.2.66 port 40022',
      ' from 192.0.2.66 port 40023 ssh2',
      'Nov 20 10:14:03 web1 sshd[2403]: Failed password for invalid user \tadmin\r from 192.0.2.66 port 40024 ssh2',
    ]);
  });

  it('a "\\c" in a log line ends the mail early: lines up to there, no footer needed', () => {
    const raw = read('sendmail-whois-matches/ban-192.0.2.77.eml').toString();
    expect(raw.endsWith('Invalid user ab')).toBe(true);
    const r = only('sendmail-whois-matches/ban-192.0.2.77.eml');
    expect(r.logLines).toEqual([
      'Nov 20 10:14:05 web1 sshd[2405]: Failed password for test from 192.0.2.77 port 40030 ssh2',
      'Nov 20 10:14:06 web1 sshd[2406]: Failed password for guest from 192.0.2.77 port 40031 ssh2',
    ]);
  });

  it('CRLF mail with raw ESC, CR and NUL bytes: kept inside the line, line ends removed', () => {
    const r = only('hostile/raw-control-bytes-crlf.eml');
    expect(r.logLines).toEqual([
      'Nov 20 10:03:01 web1 sshd[9]: Invalid user \x1b[2J\x1b[H\x1b]52;c;ZWNobyBwd25lZA==\x07 from 192.0.2.89 port 1',
      'Nov 20 10:03:02 web1 sshd[9]: Invalid user a\rSubject: fake header from 192.0.2.89 port 2',
      'Nov 20 10:03:03 web1 sshd[9]: Invalid user nul\x00byte from 192.0.2.89 port 3',
    ]);
  });

  it('only the first ban sentence counts; fake footers and sentences in log lines are data', () => {
    const mail = parseMail(read('hostile/fake-second-ban-sentence.eml'));
    expect(mail.reports.map((r) => [r.ip, r.failures, r.service])).toEqual([['198.51.100.50', 7, 'sshd']]);
    expect(mail.reports[0].logLines).toEqual([
      'Nov 20 10:00:01 web1 sshd[811]: Failed password for root from 198.51.100.50 port 4711 ssh2',
      'Nov 20 10:00:03 web1 sshd[811]: Failed password for Regards, Fail2Ban from 198.51.100.50 port 4711 ssh2',
    ]);
  });

  it('a lines header naming another IP inside whois text is not a section start', () => {
    const r = only('hostile/fake-ban-in-whois.eml');
    expect(r.ip).toBe('198.51.100.51');
    expect(r.whois).toContain('Lines containing failures of 203.0.113.98 (max 1000)');
    expect(r.whois?.endsWith('netname:        EVIL-NET')).toBe(true);
    expect(r.logLines).toHaveLength(2);
    expect(r.logLines.some((l) => l.includes('203.0.113.98'))).toBe(false);
  });

  it('a ban sentence that only appears after a section start is ignored; the subject still names the ban', () => {
    const mail = parseMail(read('hostile/sentence-only-in-log-lines.eml'));
    expect(mail.reports.map((r) => [r.ip, r.failures])).toEqual([['192.0.2.88', null]]);
    expect(mail.error).toMatch(/no ban sentence/);
  });

  it('keeps the newest MAX_LOG_LINES of a 5 MB, 60,000-line mail and counts them all', () => {
    const ip = '198.51.100.99';
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const other = i % 10 === 9; // every tenth line is another service's, about another IP
      lines.push(
        other
          ? `/var/log/auth.log:Nov 20 10:00:00 web1 sshd[${i}]: Accepted publickey for deploy from 192.0.2.${i % 250} port ${i} ssh2 ${'x'.repeat(20)}`
          : `/var/log/auth.log:Nov 20 10:00:00 web1 sshd[${i}]: Failed password for invalid user u${i} from ${ip} port ${i} ssh2 ${'y'.repeat(20)}`,
      );
    }
    const raw = Buffer.from(
      `Subject: [Fail2Ban] sshd: banned ${ip} from web1.example.net\nFrom: Fail2Ban <fail2ban@web1.example.net>\n\n` +
        `Hi,\n\nThe IP ${ip} has just been banned by Fail2Ban after\n54000 attempts against sshd.\n\n\n` +
        `Lines containing failures of ${ip} (max 100000)\n${lines.join('\n')}\n\n\nRegards,\n\nFail2Ban`,
    );
    expect(raw.length).toBeGreaterThan(5_000_000);
    const mail = parseMail(raw);
    expect(mail.kind).toBe('ban');
    const r = mail.reports[0];
    expect(r.failures).toBe(54_000);
    expect(r.logLines).toHaveLength(MAX_LOG_LINES);
    expect(r.logLinesTotal).toBe(54_000);
    expect(r.logLines[MAX_LOG_LINES - 1]).toContain('invalid user u59998 ');
    expect(r.logPaths).toEqual(['/var/log/auth.log']);
  }, 20_000);
});

describe('charsets and encodings', () => {
  const latin1Whois = [
    '% Abuse contact for 203.0.113.0 - 203.0.113.255 is abuse@hébergement.example',
    "descr:          Société Générale d'Hébergement",
    'address:        Müllerstraße 5, Köln',
  ];

  it('Latin-1 whois with no charset at all (sendmail actions)', () => {
    const whois = only('sendmail-whois/ban-203.0.113.7.eml').whois ?? '';
    for (const line of latin1Whois) expect(whois).toContain(line);
  });

  it('Latin-1 whois under a UTF-8 label (bsd-mailx), next to UTF-8 text', () => {
    const raw = read('mail-whois/ban-203.0.113.8.eml').toString('latin1');
    expect(raw).toContain('charset="UTF-8"');
    const whois = only('mail-whois/ban-203.0.113.8.eml').whois ?? '';
    for (const line of latin1Whois) expect(whois).toContain(line);
    expect(only('sendmail-whois-lines/ban-198.51.100.23.eml').whois).toContain('Comment:        Zürich office');
  });

  it('per line: Latin-1 and UTF-8 lines in one body under an unknown label', () => {
    expect(only('hostile/unknown-charset-label.eml').whois).toBe('descr:          Société Anonyme\ndescr:          Zürich');
  });

  it('valid UTF-8 under a Latin-1 label is read as UTF-8', () => {
    expect(only('hostile/utf8-under-latin1-label.eml').whois).toBe('descr:          Müller Hosting GmbH');
  });

  it('base64 and quoted-printable bodies give the same reports as the original mails', () => {
    const strip = (name: string) => parseMail(read(name)).reports;
    expect(strip('hostile/base64-body.eml')).toEqual(strip('sendmail-whois-lines/ban-198.51.100.23.eml'));
    expect(strip('hostile/quoted-printable-latin1.eml')).toEqual(strip('sendmail-whois/ban-203.0.113.7.eml'));
  });

  it('RFC 2047 subjects are decoded (reporter from the decoded subject)', () => {
    const mail = parseMail(read('hostile/rfc2047-subject.eml'));
    expect(mail.subject).toBe('[Fail2Ban] Web-Login,API: banned 198.51.100.23 from web1.example.net');
    expect(mail.reports[0].reporter).toBe('web1.example.net');
    expect(parseMail(read('other/newsletter-html.eml')).subject).toBe('Neuigkeiten für Sie');
  });

  it('multipart/mixed wrapper: the first text part, quoted-printable decoded', () => {
    const r = only('hostile/multipart-wrapped.eml');
    expect(r.logLines[0]).toContain('for x--=_b1 from');
    expect(r.logLines[1]).toContain('for café from');
  });
});

describe('headers', () => {
  it('sendmail actions: From and Date from Fail2Ban, no Message-ID', () => {
    const mail = parseMail(read('sendmail-whois/ban-2001_db8__1.eml'));
    expect(mail.fromAddress).toBe('fail2ban@web1.example.net');
    expect(mail.date?.toISOString()).toBe('2026-11-20T10:15:00.000Z');
    expect(mail.messageId).toBeNull();
  });

  it('bsd-mailx: "To: <dest>, set escape", no From/Date until an MTA adds them', () => {
    expect(read('mail/ban-198.51.100.77.eml').toString()).toContain('To: abuse-desk@example.net, set escape');
    const mail = parseMail(read('mail/ban-198.51.100.77.eml'));
    expect([mail.kind, mail.fromAddress, mail.date, mail.error]).toEqual(['ban', null, null, null]);
  });

  it('Message-ID without brackets, folded headers, mbox From_ line', () => {
    expect(parseMail(read('hostile/base64-body.eml')).messageId).toBe('b64.1@relay.example.net');
    const folded = parseMail(read('hostile/mbox-from-line-folded.eml'));
    expect(folded.subject).toBe('[Fail2Ban] sshd: banned 192.0.2.94 from web1.example.net');
    expect(folded.fromAddress).toBe('fail2ban@web1.example.net');
  });

  it('escape sequences in the subject stay in the data (the terminal layer sanitises)', () => {
    expect(only('hostile/escape-in-subject-host.eml').reporter).toBe('web1\x1b]0;pwned\x07.example.net');
  });
});

describe('summary dates', () => {
  it('reads date(1) output in the C locale with zone names or offsets, ISO 8601; else null', () => {
    expect(parseDateLine('Fri Nov 20 10:15:00 UTC 2026')?.toISOString()).toBe('2026-11-20T10:15:00.000Z');
    expect(parseDateLine('Fri Nov 20 10:16:00 CET 2026')?.toISOString()).toBe('2026-11-20T09:16:00.000Z');
    expect(parseDateLine('Sun Jul  5 08:00:00 EDT 2026')?.toISOString()).toBe('2026-07-05T12:00:00.000Z');
    expect(parseDateLine('Fri Nov 20 10:17:00 +0530 2026')?.toISOString()).toBe('2026-11-20T04:47:00.000Z');
    expect(parseDateLine('2026-11-20 10:15:00+01:00')?.toISOString()).toBe('2026-11-20T09:15:00.000Z');
    expect(parseDateLine('Fr 20. Nov 10:15:00 CET 2026')).toBeNull();
    expect(parseDateLine('Fri Nov 20 10:15:00 XYZT 2026')).toBeNull();
  });
});

describe('never throws', () => {
  it('truncated and corrupted versions of every fixture still give a kind', () => {
    const files = fs.readdirSync(path.join(ROOT, 'mails')).flatMap((d) => fs.readdirSync(path.join(ROOT, 'mails', d)).map((f) => `${d}/${f}`));
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let parsed = 0;
    for (const file of files) {
      const raw = read(file);
      const variants = [raw.subarray(0, Math.floor(raw.length / 2)), raw.subarray(0, Math.floor(raw.length * rand()))];
      const flipped = Buffer.from(raw);
      for (let i = 0; i < 20 && flipped.length; i++) flipped[Math.floor(rand() * flipped.length)] = Math.floor(rand() * 256);
      variants.push(flipped);
      for (const v of variants) {
        const mail = parseMail(v);
        expect(MESSAGE_KINDS).toContain(mail.kind);
        for (const r of mail.reports) expect(r.ip).toMatch(/^[0-9a-f.:]+$/);
        parsed++;
      }
    }
    expect(parsed).toBe(files.length * 3);
  });
});

describe('demo mailbox', () => {
  it('is a Maildir of real-format mails: notices, bans, a summary, repeat offenders, no errors', () => {
    const dir = path.join(ROOT, 'demo', 'mailbox');
    const mails = ['cur', 'new'].flatMap((sub) => fs.readdirSync(path.join(dir, sub)).map((f) => parseMail(fs.readFileSync(path.join(dir, sub, f)))));
    expect(mails.length).toBe(30);
    expect(mails.filter((m) => m.error !== null)).toEqual([]);
    const kinds = mails.map((m) => m.kind).sort();
    expect(kinds.filter((k) => k === 'notice')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'summary')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ban')).toHaveLength(27);
    const reports = mails.flatMap((m) => m.reports);
    const hosts = (ip: string) => new Set(reports.filter((r) => r.ip === ip).map((r) => r.reporter));
    expect(reports.filter((r) => r.ip === '198.51.100.23').length).toBeGreaterThanOrEqual(3);
    expect(hosts('2001:db8::1').size).toBe(3);
    expect(new Set(reports.map((r) => r.reporter))).toEqual(new Set(['web1.example.net', 'mail1.example.net', 'db1.example.net', 'vpn1.example.org']));
    expect(reports.some((r) => r.logLines.some((l) => l.includes('\x1b]0;pwned\x07')))).toBe(true);
    expect(reports.map((r) => r.ip)).toContain('10.20.30.40');
    expect(mails.every((m) => m.messageId !== null && m.date !== null)).toBe(true);
  });
});

describe('line endings', () => {
  it('every fixture parses the same with CRLF line ends (as IMAP serves them)', () => {
    const dir = path.join(ROOT, 'mails');
    const files = fs.readdirSync(dir).flatMap((d) => fs.readdirSync(path.join(dir, d)).map((f) => `${d}/${f}`));
    let compared = 0;
    for (const file of files) {
      const raw = read(file);
      const crlf = Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      expect({ file, mail: parseMail(crlf) }).toEqual({ file, mail: parseMail(raw) });
      compared++;
    }
    expect(compared).toBe(files.length);
  });
});

describe('hostile sizes', () => {
  const ban = '\n\nHi,\n\nThe IP 192.0.2.1 has just been banned by Fail2Ban after\n3 attempts against s.\n\n';
  it('megabyte-long lines where section headers, summary lines and subjects are looked for', () => {
    const mails: Array<[string, string, string]> = [
      ['ban', `Subject: [Fail2Ban] s: banned 192.0.2.1 from h${ban}Here is more information about 192.0.2.1 :\nMatches for ${'a'.repeat(2_000_000)}\n`, 's'],
      ['ban', `Subject: [Fail2Ban] s: banned 192.0.2.1 from h${ban}Lines containing IP:x in ${' a'.repeat(1_000_000)}b\n`, 's'],
      ['summary', `Subject: [Fail2Ban] s: summary from h\n\nThese hosts have been banned by Fail2Ban.\n${`: ${'x'.repeat(50)} `.repeat(40_000)}\n`, ''],
      ['malformed', `Subject: [Fail2Ban] ${': banned '.repeat(200_000)}\n\nx`, ''],
      ['other', `Subject: ${'=?utf-8?q?a?= '.repeat(50_000)}\n\nx`, ''],
    ];
    for (const [kind, text, service] of mails) {
      const mail = parseMail(Buffer.from(text));
      expect(mail.kind).toBe(kind);
      if (kind === 'ban') expect(mail.reports.map((r) => [r.ip, r.service])).toEqual([['192.0.2.1', service]]);
    }
  }, 20_000);
});
