// What the mail parser makes of one raw mail. Pure data: no database ids, no config.

export type MessageKind =
  | 'ban' // one Fail2Ban ban report
  | 'notice' // jail started/stopped
  | 'summary' // buffered actions: several bans in one mail
  | 'complaint' // an X-ARF or ARF report (ours echoed back, or someone else's)
  | 'bounce' // a delivery status notification
  | 'autoreply' // vacation/ticket acknowledgement
  | 'other' // a mail that is none of the above
  | 'malformed'; // looked like a Fail2Ban mail but could not be read

export const MESSAGE_KINDS: readonly MessageKind[] = [
  'ban',
  'notice',
  'summary',
  'complaint',
  'bounce',
  'autoreply',
  'other',
  'malformed',
];

export interface ParsedReport {
  /** Canonical IP text (see core/ip-ranges parseIp). */
  ip: string;
  ipVersion: 4 | 6;
  ipKey: string;
  /** Jail name from the ban sentence (or subject when the body has none). */
  service: string;
  /** Reporting host from the subject ("from <host>"); null when the mail does not name one. */
  reporter: string | null;
  /** Failure count from the ban sentence (the summary's "(n failures)"); null when absent. */
  failures: number | null;
  /** When the ban happened: the Date header, the summary line's date, else null (ingest uses the receive time). */
  bannedAt: Date | null;
  /** The whois text included in the mail, or null. */
  whois: string | null;
  /** Log lines (or match lines), with any "path:" prefix removed. */
  logLines: string[];
  /** Distinct log file paths seen as prefixes, in order of first appearance. */
  logPaths: string[];
  /** How many log lines the mail held for this IP when more than logLines keeps (the newest are kept). */
  logLinesTotal?: number;
}

export interface ParsedMail {
  /** Message-ID without angle brackets, or null when the mail has none. */
  messageId: string | null;
  /** Sender address (lower case) from From:, or null. */
  fromAddress: string | null;
  /** Decoded subject (RFC 2047), or null. */
  subject: string | null;
  /** Date header, or null when missing or unparseable. */
  date: Date | null;
  kind: MessageKind;
  reports: ParsedReport[];
  /** Jail and host of a start/stop notice. */
  notice?: { jail: string; host: string | null; event: 'started' | 'stopped' };
  /** Why the mail could not be (fully) understood; null when it was. */
  error: string | null;
}
