// Small Fail2Ban-format mails for tests that need a few specific ones. The parser's
// own tests run on the real Fail2Ban output in fixtures/mails/.
export interface BanMailOptions {
  ip: string;
  jail?: string;
  host?: string;
  failures?: number;
  date?: Date;
  from?: string;
  messageId?: string | null;
  logLines?: string[];
}

/** A sendmail-whois-lines ban mail as Fail2Ban 1.0 writes it (no MIME headers). */
export function banMail(o: BanMailOptions): Buffer {
  const jail = o.jail ?? 'sshd';
  const host = o.host ?? 'web1.example.net';
  const failures = o.failures ?? 5;
  const date = (o.date ?? new Date('2026-11-20T10:00:00Z')).toUTCString().replace('GMT', '+0000');
  const lines = o.logLines ?? [
    `Nov 20 10:00:01 ${host.split('.')[0]} sshd[1234]: Failed password for root from ${o.ip} port 50022 ssh2`,
    `Nov 20 10:00:05 ${host.split('.')[0]} sshd[1234]: Failed password for admin from ${o.ip} port 50023 ssh2`,
  ];
  const headers = [
    `Subject: [Fail2Ban] ${jail}: banned ${o.ip} from ${host}`,
    `Date: ${date}`,
    `From: ${o.from ?? `Fail2Ban <fail2ban@${host}>`}`,
    `To: abuse-desk@example.net`,
  ];
  if (o.messageId !== null) headers.push(`Message-ID: <${o.messageId ?? `${o.ip}.${jail}.${date.length}.${Math.random().toString(36).slice(2)}@${host}>`}>`);
  const body = [
    'Hi,',
    '',
    `The IP ${o.ip} has just been banned by Fail2Ban after`,
    `${failures} attempts against ${jail}.`,
    '',
    '',
    `Here is more information about ${o.ip} :`,
    'inetnum:        192.0.2.0 - 192.0.2.255',
    'netname:        TEST-NET-1',
    '',
    `Lines containing failures of ${o.ip} (max 1000)`,
    ...lines,
    '',
    '',
    'Regards,',
    '',
    'Fail2Ban',
  ];
  return Buffer.from(`${headers.join('\n')}\n\n${body.join('\n')}`);
}
