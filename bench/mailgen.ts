// Realistic Fail2Ban sendmail-whois-lines mails (~3-4 KB: whois block + log lines)
// for benchmarks, deterministic for a given index.
export function benchMail(i: number, now = Date.UTC(2026, 10, 20)): Buffer {
  const net = i % 500;
  const ip = `${[198, 203, 192][net % 3]}.${(net >> 2) & 255}.${(i * 7) % 256}.${(i * 13) % 254 + 1}`;
  const host = ['web1', 'web2', 'mail1', 'db1'][i % 4]! + '.example.net';
  const jail = ['sshd', 'postfix-sasl', 'dovecot', 'nginx-http-auth'][i % 4]!;
  const date = new Date(now - (i % 10_000) * 60_000).toUTCString().replace('GMT', '+0000');
  const whois = [
    '% This is the RIPE Database query service.',
    '% The objects are in RPSL format.',
    '%',
    '% The RIPE Database is subject to Terms and Conditions.',
    '% See https://apps.db.ripe.net/docs/HTML-Terms-And-Conditions',
    '',
    '% Note: this output has been filtered.',
    '%       To receive output for a database update, use the "-B" flag.',
    '',
    `% Information related to '${ip.split('.').slice(0, 3).join('.')}.0 - ${ip.split('.').slice(0, 3).join('.')}.255'`,
    '',
    `% Abuse contact for '${ip.split('.').slice(0, 3).join('.')}.0 - ${ip.split('.').slice(0, 3).join('.')}.255' is 'abuse@hoster${net}.example'`,
    '',
    `inetnum:        ${ip.split('.').slice(0, 3).join('.')}.0 - ${ip.split('.').slice(0, 3).join('.')}.255`,
    `netname:        HOSTER${net}-NET`,
    'descr:          Example Hosting Customer Network',
    'country:        DE',
    `admin-c:        EH${net}-RIPE`,
    `tech-c:         EH${net}-RIPE`,
    'status:         ASSIGNED PA',
    `mnt-by:         HOSTER${net}-MNT`,
    'created:        2019-03-12T09:21:43Z',
    'last-modified:  2024-01-08T14:02:11Z',
    'source:         RIPE',
    '',
    'role:           Example Hosting Abuse Team',
    'address:        Examplestrasse 1',
    'address:        12345 Examplestadt',
    `abuse-mailbox:  abuse@hoster${net}.example`,
    `nic-hdl:        EH${net}-RIPE`,
    `mnt-by:         HOSTER${net}-MNT`,
    'source:         RIPE',
    '',
    `% This query was served by the RIPE Database Query Service version 1.109 (ABERDEEN)`,
  ];
  const lines: string[] = [];
  for (let n = 0; n < 12; n++) {
    lines.push(
      `2026-11-20 10:${String(n).padStart(2, '0')}:0${n % 10} ${host.split('.')[0]} ${jail}[${1000 + n}]: ` +
        `Failed password for invalid user user${n} from ${ip} port ${40000 + n} ssh2`,
    );
  }
  const text = [
    `Subject: [Fail2Ban] ${jail}: banned ${ip} from ${host}`,
    `Date: ${date}`,
    `From: Fail2Ban <fail2ban@${host}>`,
    'To: abuse-desk@example.net',
    `Message-ID: <bench.${i}@${host}>`,
    '',
    'Hi,',
    '',
    `The IP ${ip} has just been banned by Fail2Ban after`,
    `${5 + (i % 7)} attempts against ${jail}.`,
    '',
    '',
    `Here is more information about ${ip} :`,
    '',
    ...whois,
    '',
    `Lines containing failures of ${ip} (max 1000)`,
    ...lines,
    '',
    '',
    'Regards,',
    '',
    'Fail2Ban',
  ].join('\n');
  return Buffer.from(text);
}
