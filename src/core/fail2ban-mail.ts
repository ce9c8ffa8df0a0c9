// Fail2Ban report mails -> ParsedMail. Pure and synchronous; never throws.
//
// Trust model of a ban mail (REFERENCE.md section 1): the IP, the failure count and
// the jail come from the FIRST ban sentence, which Fail2Ban writes before any
// attacker-influenced text; the reporting host comes from the subject. Everything
// after the sentence (whois, log lines, matches) is data, never structure: fake
// footers, fake ban sentences and escape sequences there are kept as text at most.
import { parseIp, type ParsedIp } from './ip-ranges.js';
import {
  binaryString,
  decodeHeaderText,
  firstAddress,
  headerValue,
  messageIdOf,
  parseContentType,
  parseDateHeader,
  readHeaders,
  type ContentType,
  type MailHeaders,
} from './mail-headers.js';
import { decodeCharset, decodeTransfer, partText, splitMultipart, type MimePart } from './mime.js';
import type { MessageKind, ParsedMail, ParsedReport } from './parsed-mail.js';

/** Log lines kept per report (Fail2Ban's own default grep cap); the newest are kept. */
export const MAX_LOG_LINES = 1000;
const MAX_WHOIS_CHARS = 64 * 1024;
/** How far into the body the ban sentence may start (it is the second line in every version). */
const PREAMBLE_LINES = 30;

export function parseMail(raw: Uint8Array): ParsedMail {
  const mail: ParsedMail = {
    messageId: null,
    fromAddress: null,
    subject: null,
    date: null,
    kind: 'other',
    reports: [],
    error: null,
  };
  let fail2banLike = false;
  try {
    if (raw.byteLength === 0) return { ...mail, error: 'empty mail' };
    const bin = binaryString(raw);
    const headers = readHeaders(bin);
    const subjectRaw = headerValue(headers, 'subject');
    mail.subject = subjectRaw === null ? null : decodeHeaderText(subjectRaw);
    mail.fromAddress = firstAddress(headerValue(headers, 'from'));
    mail.messageId = messageIdOf(headerValue(headers, 'message-id'));
    mail.date = parseDateHeader(headerValue(headers, 'date'));
    const contentType = parseContentType(headerValue(headers, 'content-type'));
    fail2banLike = /^\s*\[Fail2Ban\]/i.test(mail.subject ?? '');

    const early = classifyByHeaders(headers, contentType, mail.fromAddress, mail.subject ?? '');
    if (early) {
      mail.kind = early;
      return mail;
    }
    const text = bodyText(headers, contentType, bin);
    fail2banLike ||= text !== null && FAIL2BAN_BODY.test(text.slice(0, 4096));
    if (fail2banLike) {
      readFail2Ban(mail, text);
      return mail;
    }
    if (isWeakAutoReply(headers)) mail.kind = 'autoreply';
    else if (!KNOWN_HEADERS.some((name) => headers.fields.has(name))) mail.error = 'no mail headers found: not a mail?';
    return mail;
  } catch (err) {
    // Defensive: nothing above should throw, but a bad mail must never stop a run.
    return {
      ...mail,
      kind: fail2banLike ? 'malformed' : 'other',
      reports: [],
      notice: undefined,
      error: `could not read the mail: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

// ---------------------------------------------------------------- classification

const KNOWN_HEADERS = ['from', 'to', 'subject', 'date', 'message-id', 'received', 'content-type', 'mime-version', 'return-path'];

const FAIL2BAN_BODY =
  /^\s*(?:The IP \S+ has just been banned by Fail2Ban|These hosts have been banned by Fail2Ban\.|The jail .+ has been (?:started successfully|stopped)\.)/m;

const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mdaemon|mail delivery subsystem)(?:@|$)/;
const BOUNCE_SUBJECT =
  /undeliver|delivery (?:status|failure|failed|notification|has failed|problem)|returned mail|failure notice|mail delivery failed|non-?delivery|could not be delivered/i;
const AUTOREPLY_SUBJECT =
  /^\s*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|autoreply|auto:|out of (?:the )?office|abwesenheit|abwesend|vacation|absence|r[ée]ponse automatique|ticket (?:received|created|#)|\[ticket)/i;

function field(headers: MailHeaders, name: string): string {
  return (headerValue(headers, name) ?? '').toLowerCase();
}

/** Kinds recognisable from the headers alone; checked before the body so a bounce or
 *  a quoted complaint that carries a Fail2Ban report inside is not read as a ban. */
function classifyByHeaders(headers: MailHeaders, ct: ContentType, from: string | null, subject: string): MessageKind | null {
  const reportType = (ct.params['report-type'] ?? '').toLowerCase();
  if (ct.mime === 'multipart/report' && reportType === 'delivery-status') return 'bounce';
  if (ct.mime === 'message/delivery-status' || headers.fields.has('x-failed-recipients')) return 'bounce';
  if (from !== null && BOUNCE_SENDER.test(from) && !/^\s*\[Fail2Ban\]/i.test(subject)) return 'bounce';
  if (headers.fields.has('x-xarf') || headers.fields.has('x-arf')) return 'complaint';
  if (ct.mime === 'multipart/report' && reportType === 'feedback-report') return 'complaint';
  if (/^\s*\[Fail2Ban\]/i.test(subject)) return null;
  const autoSubmitted = field(headers, 'auto-submitted');
  if (autoSubmitted.startsWith('auto-replied')) return 'autoreply';
  if (headers.fields.has('x-autoreply') || headers.fields.has('x-autorespond') || headers.fields.has('x-autoreply-from')) {
    return 'autoreply';
  }
  if (/auto[_-]?reply/.test(field(headers, 'precedence')) || AUTOREPLY_SUBJECT.test(subject)) return 'autoreply';
  if (BOUNCE_SUBJECT.test(subject) && /^(?:<>)?$/.test((headerValue(headers, 'return-path') ?? 'x').trim())) return 'bounce';
  return null;
}

/** Machine-made mails that are not Fail2Ban's (ticket systems acknowledging a complaint,
 *  vacation(1) with "Precedence: junk"). "bulk" is newsletters: those stay 'other'. */
function isWeakAutoReply(headers: MailHeaders): boolean {
  const autoSubmitted = field(headers, 'auto-submitted');
  return (autoSubmitted !== '' && autoSubmitted !== 'no') || field(headers, 'precedence') === 'junk';
}

/** The text body: the mail itself, or its first text/plain part. */
function bodyText(headers: MailHeaders, ct: ContentType, bin: string): string | null {
  const body = bin.slice(headers.bodyStart);
  if (ct.mime.startsWith('multipart/')) {
    const part = firstTextPart(splitMultipart(body, ct.params.boundary ?? ''), 0);
    return part ? partText(part) : null;
  }
  if (!ct.mime.startsWith('text/')) return null;
  const bytes = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding'));
  return decodeCharset(bytes, ct.params.charset);
}

function firstTextPart(parts: MimePart[], depth: number): MimePart | null {
  for (const part of parts) {
    if (part.contentType.mime === 'text/plain') return part;
    if (part.contentType.mime.startsWith('multipart/') && depth < 3) {
      const inner = firstTextPart(splitMultipart(part.body, part.contentType.params.boundary ?? ''), depth + 1);
      if (inner) return inner;
    }
  }
  return null;
}

// ---------------------------------------------------------------- subject

interface Fail2BanSubject {
  jail: string;
  event: 'banned' | 'started' | 'stopped' | 'summary';
  ip: string | null;
  host: string | null;
}

const SUBJECT = /^\s*\[Fail2Ban\]\s+(.+):\s+(banned|started|stopped|summary)\b(.*)$/i;

function parseSubject(subject: string | null): Fail2BanSubject | null {
  if (subject === null) return null;
  const m = SUBJECT.exec(subject);
  if (!m) return null;
  const event = m[2].toLowerCase() as Fail2BanSubject['event'];
  const rest = m[3];
  const jail = m[1].trim();
  if (event === 'banned') {
    const b = /^\s+(\S+)(?:\s+from\s+(\S+))?\s*$/.exec(rest);
    return { jail, event, ip: b ? b[1] : null, host: b?.[2] ?? null };
  }
  const on = /^\s+(?:on|from)\s+(\S+)\s*$/.exec(rest);
  return { jail, event, ip: null, host: on ? on[1] : null };
}

// ---------------------------------------------------------------- body

function readFail2Ban(mail: ParsedMail, text: string | null): void {
  const subject = parseSubject(mail.subject);
  if (text === null) {
    mail.kind = 'malformed';
    mail.error = 'Fail2Ban subject but no readable text body';
    return;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  const end = footerStart(lines);
  const sentence = findBanSentence(lines);
  if (sentence) return readBan(mail, lines, end, sentence, subject);
  if (findLine(lines, /^\s*These hosts have been banned by Fail2Ban\.\s*$/) >= 0 || subject?.event === 'summary') {
    return readSummary(mail, lines, end, subject);
  }
  const notice = findNotice(lines);
  if (notice || subject?.event === 'started' || subject?.event === 'stopped') {
    mail.kind = 'notice';
    const jail = notice?.jail ?? subject?.jail ?? '';
    const event = notice?.event ?? (subject?.event === 'stopped' ? 'stopped' : 'started');
    mail.notice = { jail, host: subject?.host ?? null, event };
    return;
  }
  if (subject?.event === 'banned' && subject.ip !== null) {
    // The body lost its sentence (truncated, rewritten): the subject still names the ban.
    const ip = parseIp(subject.ip);
    if (!ip) {
      mail.kind = 'malformed';
      mail.error = `no ban sentence in the body, and the subject's "${clip(subject.ip)}" is not an IP address`;
      return;
    }
    mail.kind = 'ban';
    mail.reports = [report(ip, subject.jail, subject.host, null, mail.date, null, [], [], 0)];
    mail.error = 'no ban sentence in the body: IP and jail taken from the subject';
    return;
  }
  mail.kind = 'malformed';
  mail.error = subject ? `unrecognised Fail2Ban mail (subject "${clip(mail.subject ?? '')}")` : 'Fail2Ban text without a ban sentence, summary or notice';
}

interface BanSentence {
  ip: string;
  failures: number | null;
  jail: string;
  /** Index of the first line after the sentence. */
  next: number;
}

const SECTION_START = /^(?:Here (?:is|are) more information about |Lines containing |Matches\b|These hosts have been banned)/;
const SENTENCE_HEAD = /^\s*The IP (\S+) has just been banned by Fail2Ban after\s*(.*)$/;
const SENTENCE_TAIL = /^\s*(\d+) attempts against (.*\S)\s*$/;

/** The first ban sentence, only before any section starts (later ones are attacker text). */
function findBanSentence(lines: string[]): BanSentence | null {
  const limit = Math.min(lines.length, PREAMBLE_LINES);
  for (let i = 0; i < limit; i++) {
    const line = lines[i];
    if (SECTION_START.test(line)) return null;
    const head = SENTENCE_HEAD.exec(line);
    if (!head) continue;
    let tailText = head[2].trim();
    let next = i + 1;
    if (tailText === '' && i + 1 < lines.length) {
      tailText = lines[i + 1];
      next = i + 2;
    }
    const tail = SENTENCE_TAIL.exec(tailText);
    if (!tail) return { ip: head[1], failures: null, jail: '', next };
    const n = Number(tail[1]);
    return { ip: head[1], failures: Number.isSafeInteger(n) ? n : null, jail: tail[2].replace(/\.$/, '').trim(), next };
  }
  return null;
}

function findNotice(lines: string[]): { jail: string; event: 'started' | 'stopped' } | null {
  const limit = Math.min(lines.length, PREAMBLE_LINES);
  for (let i = 0; i < limit; i++) {
    const m = /^\s*The jail (.+) has been (started successfully|stopped)\.\s*$/.exec(lines[i]);
    if (m) return { jail: m[1], event: m[2] === 'stopped' ? 'stopped' : 'started' };
  }
  return null;
}

function findLine(lines: string[], re: RegExp): number {
  const limit = Math.min(lines.length, PREAMBLE_LINES);
  for (let i = 0; i < limit; i++) if (re.test(lines[i])) return i;
  return -1;
}

/** Index where Fail2Ban's own closing "Regards,\n\nFail2Ban" starts; only at the very end. */
function footerStart(lines: string[]): number {
  let i = lines.length - 1;
  while (i >= 0 && lines[i].trim() === '') i--;
  if (i < 0 || lines[i].trim() !== 'Fail2Ban') return lines.length;
  i--;
  while (i >= 0 && lines[i].trim() === '') i--;
  return i >= 0 && lines[i].trim() === 'Regards,' ? i : lines.length;
}

const WHOIS_HEAD = /^Here (?:is|are) more information about (\S+?)\s*:\s*$/;
const LINES_HEAD = /^Lines containing (?:failures of (\S+)(?: \(max \d+\))?|IP:(\S+) in (.+?))\s*$/;
const MATCHES_HEAD = /^Matches(?: for .+?)?(?: with \d+ failures IP:(\S+))?:?\s*$/;

function readBan(mail: ParsedMail, lines: string[], end: number, sentence: BanSentence, subject: Fail2BanSubject | null): void {
  mail.kind = 'ban';
  const errors: string[] = [];
  const jail = sentence.jail || subject?.jail || '';
  if (!sentence.jail) errors.push('ban sentence without "<n> attempts against <jail>"');
  const ip = parseIp(sentence.ip);
  if (!ip) {
    // <F-ID> filters ban user names, tokens... : a real Fail2Ban mail, but nothing to report.
    mail.error = `banned identifier "${clip(sentence.ip)}" is not an IP address: no report`;
    return;
  }
  if (subject?.ip && parseIp(subject.ip)?.ip !== ip.ip) {
    errors.push(`subject names ${clip(subject.ip)} but the ban sentence ${ip.ip}: the sentence counts`);
  }

  let whoisStart = -1;
  let whoisEnd = -1;
  let linesStart = -1;
  const logPaths: string[] = [];
  for (let i = sentence.next; i < end; i++) {
    const line = lines[i];
    if (WHOIS_HEAD.test(line) && whoisStart < 0) {
      whoisStart = i + 1;
      continue;
    }
    const head = LINES_HEAD.exec(line);
    const matches = head ? null : MATCHES_HEAD.exec(line);
    if (head || matches) {
      // A header naming another IP is registry or attacker text, not Fail2Ban's.
      const named = head ? (head[1] ?? head[2]) : matches?.[1];
      if (named !== undefined && named !== sentence.ip && parseIp(named)?.ip !== ip.ip) continue;
      if (whoisStart >= 0) whoisEnd = i;
      if (head?.[3]) logPaths.push(head[3]);
      linesStart = i + 1;
      break;
    }
  }
  let whois: string | null = null;
  if (whoisStart >= 0) {
    whois = trimBlankLines(lines.slice(whoisStart, whoisEnd >= 0 ? whoisEnd : end)).join('\n');
    if (whois.length > MAX_WHOIS_CHARS) whois = whois.slice(0, MAX_WHOIS_CHARS);
    if (whois === '') whois = null;
  }

  const logLines: string[] = [];
  let total = 0;
  if (linesStart >= 0) {
    const needles = ip.ip === sentence.ip ? [ip.ip] : [sentence.ip, ip.ip];
    for (let i = linesStart; i < end; i++) {
      let line = lines[i];
      if (line === '') continue;
      const prefixed = PATH_PREFIX.exec(line);
      if (prefixed && containsAddress(prefixed[2], needles, ip)) {
        if (!logPaths.includes(prefixed[1])) logPaths.push(prefixed[1]);
        line = prefixed[2];
      } else if (!containsAddress(line, needles, ip)) {
        continue;
      }
      total++;
      logLines.push(line);
      // Keep memory flat on huge mails: drop the oldest beyond the cap in chunks.
      if (logLines.length >= MAX_LOG_LINES * 2) logLines.splice(0, logLines.length - MAX_LOG_LINES);
    }
    if (logLines.length > MAX_LOG_LINES) logLines.splice(0, logLines.length - MAX_LOG_LINES);
  }
  mail.reports = [report(ip, jail, subject?.host ?? null, sentence.failures, mail.date, whois, logLines, logPaths, total)];
  if (errors.length) mail.error = errors.join('; ');
}

function readSummary(mail: ParsedMail, lines: string[], end: number, subject: Fail2BanSubject | null): void {
  mail.kind = 'summary';
  const errors: string[] = [];
  const jail = subject?.jail ?? '';
  if (!subject) errors.push('summary without a Fail2Ban subject: jail unknown');
  const start = findLine(lines, /^\s*These hosts have been banned by Fail2Ban\.\s*$/) + 1;
  let skipped = 0;
  for (let i = start; i < end; i++) {
    const m = /^(.*):\s+(\S+)\s+\((\d+) failures\)\s*$/.exec(lines[i]);
    if (!m) continue;
    const ip = parseIp(m[2]);
    if (!ip) {
      skipped++;
      continue;
    }
    const n = Number(m[3]);
    mail.reports.push(
      report(ip, jail, subject?.host ?? null, Number.isSafeInteger(n) ? n : null, parseDateLine(m[1]), null, [], [], 0),
    );
  }
  if (skipped) errors.push(`${skipped} listed identifier(s) are not IP addresses: no report`);
  if (mail.reports.length === 0 && !skipped) errors.push('summary lists no bans');
  if (errors.length) mail.error = errors.join('; ');
}

function report(
  ip: ParsedIp,
  service: string,
  reporter: string | null,
  failures: number | null,
  bannedAt: Date | null,
  whois: string | null,
  logLines: string[],
  logPaths: string[],
  total: number,
): ParsedReport {
  const r: ParsedReport = { ip: ip.ip, ipVersion: ip.version, ipKey: ip.key, service, reporter, failures, bannedAt, whois, logLines, logPaths };
  if (total > logLines.length) r.logLinesTotal = total;
  return r;
}

function trimBlankLines(list: string[]): string[] {
  let a = 0;
  let b = list.length;
  while (a < b && list[a].trim() === '') a++;
  while (b > a && list[b - 1].trim() === '') b--;
  return list.slice(a, b);
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// ---------------------------------------------------------------- log lines

/** grep's "path:" prefix when several log files were searched. */
const PATH_PREFIX = /^(\/[^\s:]+):(.*)$/s;

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/**
 * True when the line holds the address as a whole address. grep -wF treats ':' and '.'
 * as word boundaries, so it also returns longer IPv6 addresses with the same prefix
 * (2001:db8::1 in 2001:db8::1:5) and IPv4 addresses inside longer dotted strings.
 */
export function containsAddress(line: string, needles: readonly string[], ip: Pick<ParsedIp, 'version'>): boolean {
  for (const needle of needles) {
    let from = 0;
    for (;;) {
      const at = line.indexOf(needle, from);
      if (at < 0) break;
      from = at + 1;
      const before = at > 0 ? line.charCodeAt(at - 1) : -1;
      const afterAt = at + needle.length;
      const after = afterAt < line.length ? line.charCodeAt(afterAt) : -1;
      if (before >= 0 && isWordChar(before)) continue;
      if (before === 0x2e) continue; // '.': part of a longer dotted string
      // ':' before: a longer IPv6 address, except IPv4 written as ::ffff:a.b.c.d.
      if (before === 0x3a && !(ip.version === 4 && line.slice(Math.max(0, at - 7), at).toLowerCase() === '::ffff:')) continue;
      if (after >= 0 && isWordChar(after)) continue;
      if (after === 0x2e && afterAt + 1 < line.length && isWordChar(line.charCodeAt(afterAt + 1))) continue;
      if (after === 0x3a && ip.version === 6) continue;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- summary dates

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = {
  utc: 0, gmt: 0, ut: 0, z: 0, wet: 0, west: 60, bst: 60, cet: 60, cest: 120, met: 60, mest: 120, eet: 120, eest: 180,
  msk: 180, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420, jst: 540, aest: 600, aedt: 660,
};

/** A buffered summary line's date: date(1) output in the C locale, or ISO 8601; else null. */
export function parseDateLine(text: string): Date | null {
  const t = text.trim();
  const c = /^(?:[A-Za-z]{2,3}\.?,?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(?:([A-Za-z]{1,5})|([+-])(\d{2}):?(\d{2}))\s+(\d{4})$/.exec(t);
  if (c) {
    const month = MONTHS[c[1].toLowerCase()];
    let offset: number | undefined;
    if (c[6]) offset = ZONES[c[6].toLowerCase()];
    else offset = (c[7] === '-' ? -1 : 1) * (Number(c[8]) * 60 + Number(c[9]));
    if (month === undefined || offset === undefined) return null;
    const ms = Date.UTC(Number(c[10]), month, Number(c[2]), Number(c[3]), Number(c[4]), Number(c[5])) - offset * 60_000;
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) {
    const ms = Date.parse(t.replace(' ', 'T'));
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}
