// Hand-made fixtures: the old Fail2Ban forms (from the action templates quoted in
// REFERENCE.md section 1), hostile and broken reports, re-encoded copies of real ones,
// and the non-Fail2Ban mails a desk mailbox also receives (complaints, bounces,
// auto-replies, others). Called by make-fixtures.ts after the real action mails exist.
import fs from 'node:fs';
import path from 'node:path';

const WHOIS_RIPE = [
  '% This is the RIPE Database query service.',
  'inetnum:        192.0.2.0 - 192.0.2.255',
  'netname:        TEST-NET-1',
  'descr:          Documentation network',
  'country:        NL',
  'abuse-mailbox:  abuse@test-net.example',
  'source:         RIPE',
].join('\n');

function bytes(text: string): Buffer {
  // Fixture text below is written with \xNN escapes for exact bytes: one char = one byte.
  return Buffer.from(text, 'latin1');
}

function mail(headers: string[], body: string, eol = '\n'): Buffer {
  return bytes(`${headers.join(eol)}${eol}${eol}${body.split('\n').join(eol)}`);
}

const ssh = (t: string, ip: string, user = 'root', port = 4711) => `Nov 20 ${t} web1 sshd[811]: Failed password for ${user} from ${ip} port ${port} ssh2`;

function banBody(o: { ip: string; failures: number; jail: string; whoisHead?: string; whois?: string; linesHead?: string; lines: string[]; footer?: boolean }): string {
  const parts = ['Hi,', '', `The IP ${o.ip} has just been banned by Fail2Ban after`, `${o.failures} attempts against ${o.jail}.`, '', ''];
  if (o.whois !== undefined) parts.push(o.whoisHead ?? `Here is more information about ${o.ip} :`, o.whois, '');
  parts.push(o.linesHead ?? `Lines containing failures of ${o.ip} (max 1000)`, ...o.lines);
  let text = parts.join('\n');
  if (o.footer !== false) text += '\n\n\nRegards,\n\nFail2Ban';
  return text;
}

const sendmailHeaders = (subject: string, host = 'web1.example.net', date = 'Fri, 20 Nov 2026 10:15:00 +0000') => [
  `Subject: ${subject}`,
  `Date: ${date}`,
  `From: Fail2Ban <fail2ban@${host}>`,
  'To: abuse-desk@example.net',
];

function legacy(): Record<string, Buffer> {
  return {
    // 0.8.x: no host in the subject, "Here are more information", "Lines containing IP:<ip> in <logpath>".
    '0.8-sendmail-whois-lines.eml': mail(
      sendmailHeaders('[Fail2Ban] ssh: banned 192.0.2.30', 'oldhost.example.net', 'Mon, 16 Nov 2026 08:00:00 +0100'),
      banBody({
        ip: '192.0.2.30',
        failures: 6,
        jail: 'ssh',
        whoisHead: 'Here are more information about 192.0.2.30:',
        whois: WHOIS_RIPE,
        linesHead: 'Lines containing IP:192.0.2.30 in /var/log/auth.log',
        lines: [ssh('06:59:01', '192.0.2.30'), ssh('06:59:04', '192.0.2.30', 'admin'), ssh('06:59:09', '192.0.2.30', 'pi')],
      }),
    ),
    // 0.8.11-0.9.x: short host name, "Here is more information about <ip>:" without the space.
    '0.9-sendmail-whois-lines.eml': mail(
      sendmailHeaders('[Fail2Ban] ssh-iptables: banned 198.51.100.31 from web2', 'web2', 'Tue, 17 Nov 2026 11:30:00 +0000'),
      banBody({
        ip: '198.51.100.31',
        failures: 5,
        jail: 'ssh-iptables',
        whoisHead: 'Here is more information about 198.51.100.31:',
        whois: 'NetRange:       198.51.100.0 - 198.51.100.255\nNetName:        TEST-NET-2',
        linesHead: 'Lines containing IP:198.51.100.31 in /var/log/secure',
        lines: [ssh('11:29:01', '198.51.100.31'), ssh('11:29:02', '198.51.100.31'), ssh('11:29:03', '198.51.100.31'), ssh('11:29:04', '198.51.100.31'), ssh('11:29:05', '198.51.100.31')],
      }),
    ),
    // 0.10.0-0.10.4: "Lines containing failures of <ip>" without "(max N)".
    '0.10-sendmail-whois-lines.eml': mail(
      sendmailHeaders('[Fail2Ban] sshd: banned 203.0.113.40 from web3.example.net', 'web3.example.net', 'Wed, 18 Nov 2026 01:02:03 +0000'),
      banBody({
        ip: '203.0.113.40',
        failures: 3,
        jail: 'sshd',
        whois: 'inetnum:        203.0.113.0 - 203.0.113.255\nnetname:        TEST-NET-3',
        linesHead: 'Lines containing failures of 203.0.113.40',
        lines: [ssh('01:01:01', '203.0.113.40'), ssh('01:01:02', '203.0.113.40'), ssh('01:01:03', '203.0.113.40'), ssh('01:01:04', '203.0.113.41')],
      }),
    ),
    // "Matches with <n> failures IP:<ip>": n is the merged, capped match count, not the ban's.
    '0.10-sendmail-whois-ipmatches.eml': mail(
      sendmailHeaders('[Fail2Ban] postfix-sasl: banned 203.0.113.41 from mail1.example.net', 'mail1.example.net'),
      [
        'Hi,',
        '',
        'The IP 203.0.113.41 has just been banned by Fail2Ban after',
        '5 attempts against postfix-sasl.',
        '',
        '',
        'Here is more information about 203.0.113.41 :',
        'inetnum:        203.0.113.0 - 203.0.113.255',
        '',
        '',
        'Matches with 12 failures IP:203.0.113.41',
        'Nov 20 10:00:01 mail1 postfix/smtpd[1]: warning: unknown[203.0.113.41]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
        'Nov 20 10:00:02 mail1 postfix/smtpd[1]: warning: unknown[203.0.113.41]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
        '',
        '',
        'Regards,',
        '',
        'Fail2Ban',
      ].join('\n'),
    ),
    // mail-buffered from a German locale: date(1) lines that cannot be read keep bannedAt null.
    '0.9-mail-buffered-summary.eml': mail(
      ['To: root', 'Subject: [Fail2Ban] ssh: Summary', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: 8bit'],
      [
        'Hi,',
        '',
        'These hosts have been banned by Fail2Ban.',
        '',
        'Fr 20. Nov 10:15:00 CET 2026: 192.0.2.60 (4 failures)',
        'Fri Nov 20 10:16:00 CET 2026: 192.0.2.61 (5 failures)',
        'Fri Nov 20 10:17:00 +0530 2026: 2001:db8::61 (6 failures)',
        '',
        'Regards,',
        '',
        'Fail2Ban',
      ].join('\n'),
    ),
    // 0.8 start notice: no host in the subject.
    '0.8-sendmail-start.eml': mail(
      ['Subject: [Fail2Ban] ssh: started', 'From: Fail2Ban <fail2ban@oldhost.example.net>', 'To: root'],
      'Hi,\n\nThe jail ssh has been started successfully.\n\nRegards,\n\nFail2Ban',
    ),
  };
}

function hostile(realWhoisLines: Buffer, realLatin1: Buffer): Record<string, Buffer> {
  const subject = (ip: string, jail = 'sshd') => `[Fail2Ban] ${jail}: banned ${ip} from web1.example.net`;
  const files: Record<string, Buffer> = {
    // Log lines carry a fake footer and a fake second ban sentence; only the first sentence counts.
    'fake-second-ban-sentence.eml': mail(
      sendmailHeaders(subject('198.51.100.50')),
      banBody({
        ip: '198.51.100.50',
        failures: 7,
        jail: 'sshd',
        whois: WHOIS_RIPE,
        lines: [
          ssh('10:00:01', '198.51.100.50'),
          'Regards,',
          '',
          'Fail2Ban',
          '',
          'The IP 203.0.113.99 has just been banned by Fail2Ban after',
          '99 attempts against fake.',
          ssh('10:00:02', '203.0.113.99'),
          ssh('10:00:03', '198.51.100.50', 'Regards, Fail2Ban'),
        ],
      }),
    ),
    // Registry text (whois of an attacker-run block) with a fake sentence and a fake lines header.
    'fake-ban-in-whois.eml': mail(
      sendmailHeaders(subject('198.51.100.51')),
      banBody({
        ip: '198.51.100.51',
        failures: 4,
        jail: 'sshd',
        whois: 'remarks:        The IP 203.0.113.98 has just been banned by Fail2Ban after\nremarks:        1 attempts against x.\nLines containing failures of 203.0.113.98 (max 1000)\nnetname:        EVIL-NET',
        lines: [ssh('10:01:01', '198.51.100.51'), ssh('10:01:02', '198.51.100.51'), ssh('10:01:03', '203.0.113.98')],
      }),
    ),
    // No genuine sentence: the only one sits in the log lines. The subject still names the ban.
    'sentence-only-in-log-lines.eml': mail(
      sendmailHeaders(subject('192.0.2.88')),
      [
        'Hi,',
        '',
        'Lines containing failures of 192.0.2.88 (max 1000)',
        'The IP 203.0.113.97 has just been banned by Fail2Ban after',
        '50 attempts against fake.',
        ssh('10:02:01', '192.0.2.88'),
      ].join('\n'),
    ),
    // CRLF line endings, raw ESC/BEL/CR/NUL bytes from printf %b, no trailing newline, no footer.
    'raw-control-bytes-crlf.eml': mail(
      sendmailHeaders(subject('192.0.2.89')),
      banBody({
        ip: '192.0.2.89',
        failures: 3,
        jail: 'sshd',
        lines: [
          'Nov 20 10:03:01 web1 sshd[9]: Invalid user \x1b[2J\x1b[H\x1b]52;c;ZWNobyBwd25lZA==\x07 from 192.0.2.89 port 1',
          'Nov 20 10:03:02 web1 sshd[9]: Invalid user a\rSubject: fake header from 192.0.2.89 port 2',
          'Nov 20 10:03:03 web1 sshd[9]: Invalid user nul\x00byte from 192.0.2.89 port 3',
        ],
        footer: false,
      }),
      '\r\n',
    ),
    // printf %b stopped at "\c": the mail ends inside a log line.
    'missing-footer-no-newline.eml': mail(
      sendmailHeaders(subject('192.0.2.90')),
      banBody({ ip: '192.0.2.90', failures: 3, jail: 'sshd', lines: [ssh('10:04:01', '192.0.2.90'), ssh('10:04:02', '192.0.2.90'), 'Nov 20 10:04:03 web1 sshd[9]: Invalid user ab'], footer: false }),
    ),
    // <F-ID> filters ban identifiers that are not addresses.
    'fid-not-an-ip.eml': mail(
      sendmailHeaders('[Fail2Ban] roundcube-user: banned admin@example.com from web1.example.net'),
      'Hi,\n\nThe IP admin@example.com has just been banned by Fail2Ban after\n5 attempts against roundcube-user.\n\nRegards,\n\nFail2Ban',
    ),
    'subject-ip-differs.eml': mail(
      sendmailHeaders(subject('192.0.2.1')),
      'Hi,\n\nThe IP 192.0.2.2 has just been banned by Fail2Ban after\n4 attempts against sshd.\n\nRegards,\n\nFail2Ban',
    ),
    'ipv4-mapped-ban.eml': mail(
      sendmailHeaders(subject('::ffff:192.0.2.55', 'dovecot')),
      banBody({
        ip: '::ffff:192.0.2.55',
        failures: 3,
        jail: 'dovecot',
        lines: ['Nov 20 10:05:01 web1 dovecot: imap-login: Aborted login: user=<a>, rip=::ffff:192.0.2.55, lip=::ffff:10.1.2.3'],
      }),
    ),
    'ipv6-expanded-uppercase.eml': mail(
      sendmailHeaders(subject('2001:DB8:0:0:0:0:0:AB')),
      banBody({
        ip: '2001:DB8:0:0:0:0:0:AB',
        failures: 3,
        jail: 'sshd',
        lines: [ssh('10:06:01', '2001:DB8:0:0:0:0:0:AB'), ssh('10:06:02', '2001:DB8:0:0:0:0:0:ABC'), ssh('10:06:03', '2001:db8::ab')],
      }),
    ),
    'escape-in-subject-host.eml': mail(
      [`Subject: [Fail2Ban] sshd: banned 192.0.2.91 from web1\x1b]0;pwned\x07.example.net`, 'From: Fail2Ban <fail2ban@web1.example.net>', 'To: root'],
      'Hi,\n\nThe IP 192.0.2.91 has just been banned by Fail2Ban after\n3 attempts against sshd.\n\nRegards,\n\nFail2Ban',
    ),
    'summary-with-bad-lines.eml': mail(
      ['Subject: [Fail2Ban] sshd: summary from web1.example.net', 'From: Fail2Ban <fail2ban@web1.example.net>', 'To: root'],
      'Hi,\n\nThese hosts have been banned by Fail2Ban.\n\nFri Nov 20 10:15:00 UTC 2026: admin@example.com (3 failures)\nnot a ban line\nFri Nov 20 10:16:00 UTC 2026: 198.51.100.52 (4 failures)\nRegards,\n\nFail2Ban',
    ),
    'fail2ban-subject-empty-body.eml': mail(sendmailHeaders(subject('192.0.2.92')).map((h) => h), ''),
    'fail2ban-subject-garbage-ip.eml': mail(sendmailHeaders('[Fail2Ban] sshd: banned <script>alert(1)</script> from web1.example.net'), ''),
    'fail2ban-html-only.eml': mail(
      [...sendmailHeaders(subject('192.0.2.93')), 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8'],
      '<p>The IP 192.0.2.93 has just been banned</p>',
    ),
    'empty.eml': Buffer.alloc(0),
    'binary-garbage.eml': Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256)),
    // An mbox "From " line in front, folded headers, no Date.
    'mbox-from-line-folded.eml': mail(
      ['From fail2ban@web1.example.net Fri Nov 20 10:15:00 2026', 'Subject: [Fail2Ban] sshd:', ' banned 192.0.2.94 from', '\tweb1.example.net', 'From: Fail2Ban', ' <fail2ban@web1.example.net>', 'To: root'],
      'Hi,\n\nThe IP 192.0.2.94 has just been banned by Fail2Ban after\n3 attempts against sshd.\n\nRegards,\n\nFail2Ban',
    ),
  };

  // Real reports re-encoded the way relays and MUAs do it.
  const split = (raw: Buffer) => {
    const text = raw.toString('latin1');
    const at = text.indexOf('\n\n');
    return { head: text.slice(0, at), body: Buffer.from(text.slice(at + 2), 'latin1') };
  };
  const lines = split(realWhoisLines);
  const wrap76 = (s: string) => s.replace(/.{1,76}/g, '$&\n').trimEnd();
  files['base64-body.eml'] = bytes(
    `${lines.head}\nMessage-ID: <b64.1@relay.example.net>\nMIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n${wrap76(lines.body.toString('base64'))}\n`,
  );
  const latin = split(realLatin1);
  files['quoted-printable-latin1.eml'] = bytes(
    `${latin.head}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n${qpEncode(latin.body)}\n`,
  );
  files['rfc2047-subject.eml'] = bytes(
    lines.head.replace(
      /^Subject: .*$/m,
      `Subject: =?UTF-8?B?${Buffer.from('[Fail2Ban] Web-Login,API: banned').toString('base64')}?=\n =?UTF-8?Q?_198.51.100.23_from_web1.example.net?=`,
    ) + `\n\n${lines.body.toString('latin1')}`,
  );
  // A UTF-8 body under a Latin-1 label (the label loses: valid UTF-8 wins).
  files['utf8-under-latin1-label.eml'] = mail(
    [...sendmailHeaders(subject('203.0.113.60')), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1'],
    banBody({ ip: '203.0.113.60', failures: 3, jail: 'sshd', whois: 'descr:          M\xc3\xbcller Hosting GmbH', lines: [ssh('10:07:01', '203.0.113.60')] }),
  );
  files['unknown-charset-label.eml'] = mail(
    [...sendmailHeaders(subject('203.0.113.61')), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset="x-made-up"'],
    banBody({ ip: '203.0.113.61', failures: 3, jail: 'sshd', whois: 'descr:          Soci\xe9t\xe9 Anonyme\ndescr:          Z\xc3\xbcrich', lines: [ssh('10:08:01', '203.0.113.61')] }),
  );
  // A relay wrapped the report in multipart/mixed with a disclaimer; a log line holds the boundary text.
  files['multipart-wrapped.eml'] = mail(
    [...sendmailHeaders(subject('192.0.2.95')), 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="=_b1"'],
    [
      'This is a multi-part message in MIME format.',
      '',
      '--=_b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      banBody({
        ip: '192.0.2.95',
        failures: 3,
        jail: 'sshd',
        lines: [ssh('10:09:01', '192.0.2.95', 'x--=3D_b1'), ssh('10:09:02', '192.0.2.95', 'caf=C3=A9'), ssh('10:09:03', '192.0.2.95')],
      }),
      '--=_b1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This message was scanned by ExampleGuard.',
      '--=_b1--',
      '',
    ].join('\n'),
  );
  return files;
}

function qpEncode(buf: Buffer): string {
  let out = '';
  for (const line of buf.toString('latin1').split('\n')) {
    let encoded = '';
    for (const ch of line) {
      const c = ch.charCodeAt(0);
      encoded += c === 0x3d || c > 0x7e || (c < 0x20 && c !== 0x09) ? `=${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
    }
    // Soft line breaks at 76 columns, never inside an =XX escape.
    let rest = encoded;
    while (rest.length > 75) {
      let cut = 75;
      if (rest[cut - 1] === '=') cut -= 1;
      else if (rest[cut - 2] === '=') cut -= 2;
      out += `${rest.slice(0, cut)}=\n`;
      rest = rest.slice(cut);
    }
    out += `${rest}\n`;
  }
  return out.replace(/\n$/, '');
}

function complaints(): Record<string, Buffer> {
  return {
    'xarf-0.2.eml': mail(
      [
        'From: abuse-reports@blocklist.example',
        'To: abuse@example.net',
        'Subject: abuse report about 192.0.2.10 - 2026-11-20T10:15:00Z',
        'Date: Fri, 20 Nov 2026 10:20:00 +0000',
        'Message-ID: <xarf-1@blocklist.example>',
        'X-XARF: PLAIN',
        'Auto-Submitted: auto-generated',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="xarf-boundary"',
      ],
      [
        '--xarf-boundary',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello, 192.0.2.10 attacked our SSH service. The IP 192.0.2.10 has just been banned by Fail2Ban after',
        '--xarf-boundary',
        'Content-Type: text/plain; charset=utf-8; name="report.txt"',
        '',
        'Reported-From: abuse-reports@blocklist.example',
        'Category: abuse',
        'Report-Type: login-attack',
        'Service: ssh',
        'Port: 22',
        'User-Agent: example-xarf 1.0',
        'Report-ID: 42@blocklist.example',
        'Date: 2026-11-20T10:15:00Z',
        'Source: 192.0.2.10',
        'Source-Type: ipv4',
        'Attachment: text/plain',
        'Schema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json',
        '--xarf-boundary',
        'Content-Type: text/plain; charset=utf-8; name="logfile.log"',
        '',
        'Nov 20 10:14:01 web1 sshd[1]: Failed password for root from 192.0.2.10 port 1 ssh2',
        '--xarf-boundary--',
      ].join('\n'),
    ),
    'arf-feedback.eml': mail(
      [
        'From: feedback@isp.example',
        'To: abuse@example.net',
        'Subject: FW: spam report',
        'Date: Fri, 20 Nov 2026 11:00:00 +0000',
        'Message-ID: <arf-1@isp.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"',
      ],
      [
        '--arf',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'This is an email abuse report.',
        '--arf',
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: abuse',
        'User-Agent: ExampleFBL/1.0',
        'Version: 1',
        'Source-IP: 198.51.100.9',
        'Arrival-Date: Fri, 20 Nov 2026 10:00:00 +0000',
        '--arf--',
      ].join('\n'),
    ),
    'xarf-v4.eml': mail(
      [
        'From: reports@xarf.example',
        'To: abuse@example.net',
        'Subject: XARF report 203.0.113.7',
        'Message-ID: <xarf4-1@xarf.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type="feedback-report"; boundary="x4"',
      ],
      [
        '--x4',
        'Content-Type: text/plain',
        '',
        'login attack',
        '--x4',
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: xarf',
        '--x4',
        'Content-Type: application/json; name="xarf.json"',
        '',
        '{"xarf_version":"4.0.0","category":"connection","type":"login_attack","source_identifier":"203.0.113.7"}',
        '--x4--',
      ].join('\n'),
    ),
  };
}

function bounces(original: Buffer): Record<string, Buffer> {
  return {
    // A DSN that carries the original Fail2Ban report: a bounce, not a ban.
    'dsn-postfix.eml': Buffer.concat([
      mail(
        [
          'Return-Path: <>',
          'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)',
          'To: fail2ban@web1.example.net',
          'Subject: Undelivered Mail Returned to Sender',
          'Date: Fri, 20 Nov 2026 10:16:00 +0000',
          'Message-ID: <dsn-1@mx.example.net>',
          'Auto-Submitted: auto-replied',
          'MIME-Version: 1.0',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"',
        ],
        [
          '--dsn-b',
          'Content-Type: text/plain; charset=us-ascii',
          '',
          'I am sorry to have to inform you that your message could not be delivered.',
          '',
          '--dsn-b',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example.net',
          '',
          'Final-Recipient: rfc822; abuse-desk@example.net',
          'Action: failed',
          'Status: 5.1.1',
          '',
          '--dsn-b',
          'Content-Type: message/rfc822',
          '',
          '',
        ].join('\n'),
      ),
      original,
      Buffer.from('\n--dsn-b--\n'),
    ]),
    'exim-failed.eml': mail(
      [
        'From: Mail Delivery System <Mailer-Daemon@mail1.example.net>',
        'To: fail2ban@mail1.example.net',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: abuse-desk@example.net',
        'Auto-Submitted: auto-replied',
        'Message-ID: <E1bounce@mail1.example.net>',
      ],
      'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered.\n\n------ This is a copy of the message, including all the headers. ------\n\nSubject: [Fail2Ban] sshd: banned 192.0.2.10 from web1.example.net\n\nThe IP 192.0.2.10 has just been banned by Fail2Ban after\n3 attempts against sshd.',
    ),
    'qmail-failure-notice.eml': mail(
      ['From: MAILER-DAEMON@old.example.org', 'To: fail2ban@web1.example.net', 'Subject: failure notice', 'Date: Fri, 20 Nov 2026 10:17:00 +0000'],
      "Hi. This is the qmail-send program at old.example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.",
    ),
  };
}

function autoreplies(): Record<string, Buffer> {
  return {
    'vacation.eml': mail(
      ['From: Noc Team <noc@provider.example>', 'To: abuse@example.net', 'Subject: Out of office: abuse report about 198.51.100.23', 'Auto-Submitted: auto-replied', 'Message-ID: <oof-1@provider.example>'],
      'I am out of the office until Monday.',
    ),
    'x-autoreply.eml': mail(
      ['From: abuse@hoster.example', 'To: abuse@example.net', 'Subject: Re: abuse report about 203.0.113.7', 'X-Autoreply: yes', 'Message-ID: <ar-1@hoster.example>'],
      'Thank you, your message has been received.',
    ),
    'precedence-auto-reply.eml': mail(
      ['From: abuse@transit.example', 'To: abuse@example.net', 'Subject: Re: abuse report about 198.51.100.23', 'Precedence: auto_reply'],
      'We have received your report.',
    ),
    // vacation(1): no Auto-Submitted, only "Precedence: junk" and its own subject.
    'vacation-precedence-junk.eml': mail(
      ['From: ops@small-isp.example', 'To: abuse@example.net', 'Subject: Re: abuse report about 192.0.2.10', 'Precedence: junk'],
      'I am away until 1 December.',
    ),
    'ticket-ack.eml': mail(
      [
        'From: Abuse Desk <abuse@isp.example>',
        'To: abuse@example.net',
        'Subject: [Ticket#2026112010000123] Re: abuse report about 192.0.2.10',
        'Auto-Submitted: auto-generated',
        'Message-ID: <ticket-1@isp.example>',
      ],
      'Your ticket has been created.',
    ),
  };
}

function others(): Record<string, Buffer> {
  return {
    'human.eml': mail(
      ['From: "Jane Doe" <jane@customer.example>', 'To: abuse@example.net', 'Subject: Please unblock me', 'Date: Fri, 20 Nov 2026 12:00:00 +0100', 'Message-ID: <human-1@customer.example>'],
      'Hi, my IP 198.51.100.23 was blocked. Can you remove it?\n\nJane',
    ),
    'newsletter-html.eml': mail(
      ['From: news@vendor.example', 'To: abuse@example.net', 'Subject: =?iso-8859-1?Q?Neuigkeiten_f=FCr_Sie?=', 'Precedence: bulk', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=iso-8859-1', 'Message-ID: <news-1@vendor.example>'],
      '<html><body><p>Neuigkeiten f\xfcr Sie</p></body></html>',
    ),
    // A human reply quoting a report: quoted lines are not a report.
    'reply-quoting-report.eml': mail(
      ['From: Admin <admin@web1.example.net>', 'To: abuse@example.net', 'Subject: Re: [Fail2Ban] sshd: banned 192.0.2.10 from web1.example.net', 'Message-ID: <re-1@web1.example.net>'],
      'Is this one ours?\n\n> Hi,\n>\n> The IP 192.0.2.10 has just been banned by Fail2Ban after\n> 3 attempts against sshd.',
    ),
  };
}

export function writeHandMadeFixtures(mailsDir: string): void {
  const realWhoisLines = fs.readFileSync(path.join(mailsDir, 'sendmail-whois-lines', 'ban-198.51.100.23.eml'));
  const realLatin1 = fs.readFileSync(path.join(mailsDir, 'sendmail-whois', 'ban-203.0.113.7.eml'));
  const original = fs.readFileSync(path.join(mailsDir, 'sendmail-whois', 'ban-2001_db8__1.eml'));
  const sets: Record<string, Record<string, Buffer>> = {
    legacy: legacy(),
    hostile: hostile(realWhoisLines, realLatin1),
    complaint: complaints(),
    bounce: bounces(original),
    autoreply: autoreplies(),
    other: others(),
  };
  for (const [dir, files] of Object.entries(sets)) {
    const target = path.join(mailsDir, dir);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    for (const [name, raw] of Object.entries(files)) fs.writeFileSync(path.join(target, name), raw);
  }
}
