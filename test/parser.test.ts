// The parser on every fixture mail: real Fail2Ban 1.0.2 output (fixtures/mails/<action>/,
// made by scripts/make-fixtures.ts), old-version forms, hostile and broken mails, and the
// non-Fail2Ban mails of a desk mailbox. Every expected value below was checked by hand
// against the mail text.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../src/core/fail2ban-mail.js';
import type { MessageKind, ParsedMail } from '../src/core/parsed-mail.js';

const MAILS = path.join(import.meta.dirname, '..', 'fixtures', 'mails');

interface ReportExpect {
  ip: string;
  service: string;
  reporter: string | null;
  failures: number | null;
  bannedAt: string | null;
  /** Number of log lines kept. */
  logLines: number;
  logPaths?: string[];
  /** Length of the whois text, or null when the mail has none. */
  whois: number | null;
}

interface MailExpect {
  kind: MessageKind;
  error?: string;
  notice?: ParsedMail['notice'];
  reports?: ReportExpect[];
}

const EXPECTED: Record<string, MailExpect> = {
  'autoreply/precedence-auto-reply.eml': {
    kind: 'autoreply',
  },
  'autoreply/ticket-ack.eml': {
    kind: 'autoreply',
  },
  'autoreply/vacation-precedence-junk.eml': {
    kind: 'autoreply',
  },
  'autoreply/vacation.eml': {
    kind: 'autoreply',
  },
  'autoreply/x-autoreply.eml': {
    kind: 'autoreply',
  },
  'bounce/dsn-postfix.eml': {
    kind: 'bounce',
  },
  'bounce/exim-failed.eml': {
    kind: 'bounce',
  },
  'bounce/qmail-failure-notice.eml': {
    kind: 'bounce',
  },
  'complaint/arf-feedback.eml': {
    kind: 'complaint',
  },
  'complaint/xarf-0.2.eml': {
    kind: 'complaint',
  },
  'complaint/xarf-v4.eml': {
    kind: 'complaint',
  },
  'hostile/base64-body.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.23', service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 5, logPaths: ['/tmp/abusedesk-fixtures/log/web-a/auth.log', '/tmp/abusedesk-fixtures/log/web-b/auth.log'], whois: 212 },
    ],
  },
  'hostile/binary-garbage.eml': {
    kind: 'other',
    error: 'no mail headers found: not a mail?',
  },
  'hostile/empty.eml': {
    kind: 'other',
    error: 'empty mail',
  },
  'hostile/escape-in-subject-host.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.91', service: 'sshd', reporter: 'web1\x1b]0;pwned\x07.example.net', failures: 3, bannedAt: null, logLines: 0, whois: null },
    ],
  },
  'hostile/fail2ban-html-only.eml': {
    kind: 'ban',
    error: 'no ban sentence in the body: IP and jail taken from the subject',
    reports: [
      { ip: '192.0.2.93', service: 'sshd', reporter: 'web1.example.net', failures: null, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'hostile/fail2ban-subject-empty-body.eml': {
    kind: 'ban',
    error: 'no ban sentence in the body: IP and jail taken from the subject',
    reports: [
      { ip: '192.0.2.92', service: 'sshd', reporter: 'web1.example.net', failures: null, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'hostile/fail2ban-subject-garbage-ip.eml': {
    kind: 'malformed',
    error: 'no ban sentence in the body, and the subject\'s "<script>alert(1)</script>" is not an IP address',
  },
  'hostile/fake-ban-in-whois.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.51', service: 'sshd', reporter: 'web1.example.net', failures: 4, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: 190 },
    ],
  },
  'hostile/fake-second-ban-sentence.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.50', service: 'sshd', reporter: 'web1.example.net', failures: 7, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: 226 },
    ],
  },
  'hostile/fid-not-an-ip.eml': {
    kind: 'ban',
    error: 'banned identifier "admin@example.com" is not an IP address: no report',
  },
  'hostile/ipv4-mapped-ban.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.55', service: 'dovecot', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 1, whois: null },
    ],
  },
  'hostile/ipv6-expanded-uppercase.eml': {
    kind: 'ban',
    reports: [
      { ip: '2001:db8::ab', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: null },
    ],
  },
  'hostile/mbox-from-line-folded.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.94', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: null, logLines: 0, whois: null },
    ],
  },
  'hostile/missing-footer-no-newline.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.90', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: null },
    ],
  },
  'hostile/multipart-wrapped.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.95', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: null },
    ],
  },
  'hostile/quoted-printable-latin1.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.7', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: 357 },
    ],
  },
  'hostile/raw-control-bytes-crlf.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.89', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: null },
    ],
  },
  'hostile/rfc2047-subject.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.23', service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 5, logPaths: ['/tmp/abusedesk-fixtures/log/web-a/auth.log', '/tmp/abusedesk-fixtures/log/web-b/auth.log'], whois: 212 },
    ],
  },
  'hostile/sentence-only-in-log-lines.eml': {
    kind: 'ban',
    error: 'no ban sentence in the body: IP and jail taken from the subject',
    reports: [
      { ip: '192.0.2.88', service: 'sshd', reporter: 'web1.example.net', failures: null, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'hostile/subject-ip-differs.eml': {
    kind: 'ban',
    error: 'subject names 192.0.2.1 but the ban sentence 192.0.2.2: the sentence counts',
    reports: [
      { ip: '192.0.2.2', service: 'sshd', reporter: 'web1.example.net', failures: 4, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'hostile/summary-with-bad-lines.eml': {
    kind: 'summary',
    error: '1 listed identifier(s) are not IP addresses: no report',
    reports: [
      { ip: '198.51.100.52', service: 'sshd', reporter: 'web1.example.net', failures: 4, bannedAt: '2026-11-20T10:16:00.000Z', logLines: 0, whois: null },
    ],
  },
  'hostile/unknown-charset-label.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.61', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 1, whois: 54 },
    ],
  },
  'hostile/utf8-under-latin1-label.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.60', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 1, whois: 35 },
    ],
  },
  'legacy/0.10-sendmail-whois-ipmatches.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.41', service: 'postfix-sasl', reporter: 'mail1.example.net', failures: 5, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: 43 },
    ],
  },
  'legacy/0.10-sendmail-whois-lines.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.40', service: 'sshd', reporter: 'web3.example.net', failures: 3, bannedAt: '2026-11-18T01:02:03.000Z', logLines: 3, whois: 70 },
    ],
  },
  'legacy/0.8-sendmail-start.eml': {
    kind: 'notice',
    notice: { jail: 'ssh', host: null, event: 'started' },
  },
  'legacy/0.8-sendmail-whois-lines.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.30', service: 'ssh', reporter: null, failures: 6, bannedAt: '2026-11-16T07:00:00.000Z', logLines: 3, logPaths: ['/var/log/auth.log'], whois: 226 },
    ],
  },
  'legacy/0.9-mail-buffered-summary.eml': {
    kind: 'summary',
    reports: [
      { ip: '192.0.2.60', service: 'ssh', reporter: null, failures: 4, bannedAt: null, logLines: 0, whois: null },
      { ip: '192.0.2.61', service: 'ssh', reporter: null, failures: 5, bannedAt: '2026-11-20T09:16:00.000Z', logLines: 0, whois: null },
      { ip: '2001:db8::61', service: 'ssh', reporter: null, failures: 6, bannedAt: '2026-11-20T04:47:00.000Z', logLines: 0, whois: null },
    ],
  },
  'legacy/0.9-sendmail-whois-lines.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.31', service: 'ssh-iptables', reporter: 'web2', failures: 5, bannedAt: '2026-11-17T11:30:00.000Z', logLines: 5, logPaths: ['/var/log/secure'], whois: 72 },
    ],
  },
  'mail/ban-198.51.100.77.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.77', service: 'sshd-mail', reporter: 'web1.example.net', failures: 3, bannedAt: null, logLines: 0, whois: null },
    ],
  },
  'mail/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail', host: 'web1.example.net', event: 'started' },
  },
  'mail/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail', host: 'web1.example.net', event: 'stopped' },
  },
  'mail-buffered/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-buffered', host: 'web1.example.net', event: 'started' },
  },
  'mail-buffered/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-buffered', host: 'web1.example.net', event: 'stopped' },
  },
  'mail-buffered/summary-1.eml': {
    kind: 'summary',
    reports: [
      { ip: '203.0.113.30', service: 'sshd-mail-buffered', reporter: null, failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
      { ip: '203.0.113.31', service: 'sshd-mail-buffered', reporter: null, failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'mail-buffered/summary-2.eml': {
    kind: 'summary',
    reports: [
      { ip: '203.0.113.32', service: 'sshd-mail-buffered', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'mail-whois/ban-203.0.113.8.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.8', service: 'sshd-mail-whois', reporter: 'web1.example.net', failures: 3, bannedAt: null, logLines: 0, whois: 357 },
    ],
  },
  'mail-whois/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-whois', host: 'web1.example.net', event: 'started' },
  },
  'mail-whois/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-whois', host: 'web1.example.net', event: 'stopped' },
  },
  'mail-whois-lines/ban-192.168.1.20.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.168.1.20', service: 'sshd-mail-lines', reporter: 'web1.example.net', failures: 3, bannedAt: null, logLines: 3, whois: 169 },
    ],
  },
  'mail-whois-lines/ban-2001_db8__5.eml': {
    kind: 'ban',
    reports: [
      { ip: '2001:db8::5', service: 'sshd-mail-lines', reporter: 'web1.example.net', failures: 3, bannedAt: null, logLines: 3, whois: 226 },
    ],
  },
  'mail-whois-lines/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-lines', host: 'web1.example.net', event: 'started' },
  },
  'mail-whois-lines/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-mail-lines', host: 'web1.example.net', event: 'stopped' },
  },
  'other/human.eml': {
    kind: 'other',
  },
  'other/newsletter-html.eml': {
    kind: 'other',
  },
  'other/reply-quoting-report.eml': {
    kind: 'other',
  },
  'sendmail/ban-192.0.2.10.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.10', service: 'sshd-basic', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'sendmail/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-basic', host: 'web1.example.net', event: 'started' },
  },
  'sendmail/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-basic', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-buffered/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-buffered', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-buffered/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-buffered', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-buffered/summary-1.eml': {
    kind: 'summary',
    reports: [
      { ip: '192.0.2.101', service: 'sshd-buffered', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
      { ip: '192.0.2.102', service: 'sshd-buffered', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'sendmail-buffered/summary-2.eml': {
    kind: 'summary',
    reports: [
      { ip: '2001:db8::103', service: 'sshd-buffered', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: null },
    ],
  },
  'sendmail-geoip-lines/ban-2001_db8__abcd.eml': {
    kind: 'ban',
    reports: [
      { ip: '2001:db8::abcd', service: 'sshd-geo', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: 203 },
    ],
  },
  'sendmail-geoip-lines/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-geo', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-geoip-lines/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-geo', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-whois/ban-2001_db8__1.eml': {
    kind: 'ban',
    reports: [
      { ip: '2001:db8::1', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: 226 },
    ],
  },
  'sendmail-whois/ban-203.0.113.7.eml': {
    kind: 'ban',
    reports: [
      { ip: '203.0.113.7', service: 'sshd', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 0, whois: 357 },
    ],
  },
  'sendmail-whois/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-whois/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-whois-ipjailmatches/ban-192.0.2.50.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.50', service: 'dovecot', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: 226 },
    ],
  },
  'sendmail-whois-ipjailmatches/started.eml': {
    kind: 'notice',
    notice: { jail: 'dovecot', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-whois-ipjailmatches/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'dovecot', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-whois-ipmatches/ban-198.51.100.42.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.42', service: 'postfix-sasl', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: 212 },
    ],
  },
  'sendmail-whois-ipmatches/started.eml': {
    kind: 'notice',
    notice: { jail: 'postfix-sasl', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-whois-ipmatches/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'postfix-sasl', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-whois-lines/ban-10.0.0.5.eml': {
    kind: 'ban',
    reports: [
      { ip: '10.0.0.5', service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, logPaths: ['/tmp/abusedesk-fixtures/log/web-a/auth.log'], whois: 165 },
    ],
  },
  'sendmail-whois-lines/ban-198.51.100.23.eml': {
    kind: 'ban',
    reports: [
      { ip: '198.51.100.23', service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 5, logPaths: ['/tmp/abusedesk-fixtures/log/web-a/auth.log', '/tmp/abusedesk-fixtures/log/web-b/auth.log'], whois: 212 },
    ],
  },
  'sendmail-whois-lines/ban-2001_db8__2.eml': {
    kind: 'ban',
    reports: [
      { ip: '2001:db8::2', service: 'Web-Login,API', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 4, logPaths: ['/tmp/abusedesk-fixtures/log/web-a/auth.log', '/tmp/abusedesk-fixtures/log/web-b/auth.log'], whois: 226 },
    ],
  },
  'sendmail-whois-lines/started.eml': {
    kind: 'notice',
    notice: { jail: 'Web-Login,API', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-whois-lines/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'Web-Login,API', host: 'web1.example.net', event: 'stopped' },
  },
  'sendmail-whois-matches/ban-192.0.2.66.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.66', service: 'sshd-matches', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 3, whois: 226 },
    ],
  },
  'sendmail-whois-matches/ban-192.0.2.77.eml': {
    kind: 'ban',
    reports: [
      { ip: '192.0.2.77', service: 'sshd-matches', reporter: 'web1.example.net', failures: 3, bannedAt: '2026-11-20T10:15:00.000Z', logLines: 2, whois: 226 },
    ],
  },
  'sendmail-whois-matches/started.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-matches', host: 'web1.example.net', event: 'started' },
  },
  'sendmail-whois-matches/stopped.eml': {
    kind: 'notice',
    notice: { jail: 'sshd-matches', host: 'web1.example.net', event: 'stopped' },
  },
};

function readFixture(name: string): Buffer {
  return fs.readFileSync(path.join(MAILS, name));
}

function fixtureFiles(): string[] {
  return fs
    .readdirSync(MAILS)
    .flatMap((dir) => fs.readdirSync(path.join(MAILS, dir)).map((f) => `${dir}/${f}`))
    .sort();
}

describe('parseMail on every fixture', () => {
  it('has an expectation for every fixture file and a file for every expectation', () => {
    expect(fixtureFiles()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, want) => {
    const mail = parseMail(readFixture(name));
    expect(mail.kind).toBe(want.kind);
    expect(mail.error).toBe(want.error ?? null);
    expect(mail.notice).toEqual(want.notice);
    const got = mail.reports.map((r) => ({
      ip: r.ip,
      service: r.service,
      reporter: r.reporter,
      failures: r.failures,
      bannedAt: r.bannedAt ? r.bannedAt.toISOString() : null,
      logLines: r.logLines.length,
      ...(r.logPaths.length ? { logPaths: r.logPaths } : {}),
      whois: r.whois === null ? null : r.whois.length,
    }));
    expect(got).toEqual(want.reports ?? []);
  });
});
