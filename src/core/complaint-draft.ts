// Drafting a complaint: from the reports about one IP (or several IPs for one
// recipient) to everything the outbox stores and sends: subject, human text
// (Handlebars template), X-ARF report.txt, logfile.log evidence and header values.
// Pure: the caller loads a custom template file, the reports and the contact, picks
// the Message-ID and Report-ID, and passes `now`.
//
// API (stable):
//   DraftInput, DraftContact, ComplaintDraft
//   draftComplaint(input)                     -> ComplaintDraft (one IP)
//   draftCombinedComplaint(inputs)            -> ComplaintDraft (several IPs, same recipient; one mail)
//   validateComplaintText(text, ips?)         -> problems after an operator edit ([] = fine)
//   checkComplaintTemplate(template, config?) -> problems rendering a custom template against a sample
//   complaintSubject(ips, now, timeZone)      -> "abuse report about <ip> - <date>"
//   addressOf(mailbox)                        -> "abuse@example.net" from "Desk <abuse@example.net>"
//   ABUSEDESK_USER_AGENT                      "abusedesk/<version>"
// Errors: ComplaintTemplateError (bad custom template), RedactionConfigError (bad redactPatterns or
// ownNetworks), ComplaintDraftError (no reports, mixed recipients).
//
// Headers (values sanitised with sanitizeHeaderValue): X-XARF: PLAIN, Auto-Submitted: auto-generated,
// X-Abusedesk-Report-ID, X-Abusedesk-Source (the IPs), and for a follow-up In-Reply-To and References
// (angle-bracketed). Message-ID, From, Reply-To, To, Cc, Bcc are the sender's job (nodemailer options).
//
// X-ARF report of a combined complaint: X-ARF 0.2 allows one Source per report, so report.txt
// describes the first address (the one with the most reports); the text and logfile.log cover all.
// logfile.log: every distinct log line per report (sanitised, redacted, cut at 1000 characters,
// at most 1000 lines per host),
// grouped by host in report order; the text shows the latest maxLogLinesPerHost per host.
import pkg from '../../package.json' with { type: 'json' };
import type { Config } from '../config/schema.js';
import type { CandidateReport } from './candidate.js';
import { distinctNames } from './candidate.js';
import {
  DEFAULT_COMPLAINT_TEMPLATE,
  renderComplaintTemplate,
  type AddressSection,
  type ComplaintTemplateContext,
  type ContactSection,
  type HostLog,
} from './complaint-template.js';
import { parseIp } from './ip-ranges.js';
import { formatDateTime, formatRfc3339, formatTimeRange } from './presentation.js';
import { createRedactor, type Redactor } from './redaction.js';
import { hasControlCharacters, sanitizeHeaderValue, sanitizeLine, sanitizeText } from './sanitize.js';
import { XARF_LOGIN_ATTACK_SCHEMA_URL, renderXarfReport, xarfService } from './xarf.js';

export const ABUSEDESK_USER_AGENT = `abusedesk/${pkg.version}`;

/** Evidence lines kept per host in logfile.log (the text shows fewer). */
const MAX_EVIDENCE_LINES_PER_HOST = 1000;
const MAX_REGISTRY_EVIDENCE_LINES = 12;
/** A log line longer than this is cut (attackers can make lines of any length). */
const MAX_LOG_LINE_CHARS = 1000;
const MAX_TEXT_BYTES = 256 * 1024;

export class ComplaintDraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComplaintDraftError';
  }
}

export interface DraftContact {
  /** How the contact was found ("RIPE whois", "RDAP", "override", "offline data"). */
  source: string;
  /** Server or URL asked. */
  via: string | null;
  range: string | null;
  network?: string | null;
  country?: string | null;
  /** The registry lines that name the contact (any text; sanitised and bounded here). */
  evidence: string;
}

export interface DraftInput {
  ip: string;
  /** The reports the complaint uses (the policy's countedReports). */
  reports: CandidateReport[];
  /** Where it goes (the abuse contact, or the test recipient). */
  recipient: string;
  contact: DraftContact;
  operator: Config['operator'];
  complaint: Config['complaint'];
  /** Template text; DEFAULT_COMPLAINT_TEMPLATE when unset (the caller reads complaint.template). */
  template?: string;
  /** An earlier complaint about this IP to this recipient: this one follows up on it. */
  followUp?: { messageId: string; sentAt: Date } | null;
  now: Date;
  /** Unique; the X-ARF Report-ID is "<reportId>@<operator.domain>" unless it already has an "@". */
  reportId: string;
  /** Our Message-ID, without angle brackets. */
  messageId: string;
  /** X-ARF User-Agent; ABUSEDESK_USER_AGENT by default. */
  userAgent?: string;
}

export interface ComplaintDraft {
  subject: string;
  /** Part 1: the human-readable text. */
  text: string;
  /** Part 2: report.txt (X-ARF YAML). */
  xarfReport: string;
  /** Part 3: logfile.log. */
  evidenceLog: string;
  headers: Record<string, string>;
  /** Message-IDs of the source Fail2Ban mails, distinct, in report order. */
  sourceMessageIds: string[];
  /** reports.id of every report used. */
  reportIds: number[];
  /** The attacking addresses, first = the one report.txt describes. */
  ips: string[];
  /** Message-ID (no brackets) this one follows up on, or null. */
  inReplyTo: string | null;
}

/** The addr-spec of a mailbox ("Desk <abuse@example.net>" -> "abuse@example.net"). */
export function addressOf(mailbox: string): string {
  const angle = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(mailbox);
  if (angle) return angle[1];
  const bare = /[^\s<>"',;]+@[^\s<>"',;]+/.exec(mailbox);
  return bare ? bare[0] : mailbox.trim();
}

export function complaintSubject(ips: readonly string[], now: Date, timeZone: string): string {
  const shown = ips.length <= 3 ? ips.join(', ') : `${ips.slice(0, 3).join(', ')} and ${ips.length - 3} more`;
  return sanitizeHeaderValue(`abuse report about ${shown} - ${formatRfc3339(now, timeZone)}`);
}

interface AddressWork {
  input: DraftInput;
  ip: string;
  ipVersion: 4 | 6;
  reports: CandidateReport[];
  section: AddressSection;
  evidence: string[];
  failures: number | null;
  mainService: string;
}

function byTime(a: CandidateReport, b: CandidateReport): number {
  return a.bannedAt.getTime() - b.bannedAt.getTime() || a.id - b.id;
}

function registryEvidence(text: string): string[] {
  return sanitizeText(text)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, MAX_REGISTRY_EVIDENCE_LINES)
    .map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
}

function optionalLine(value: string | null | undefined): string | null {
  const clean = value ? sanitizeLine(value).trim() : '';
  return clean || null;
}

function buildAddress(input: DraftInput, redactor: Redactor): AddressWork {
  if (input.reports.length === 0) throw new ComplaintDraftError(`no reports to complain about for ${input.ip}`);
  const parsed = parseIp(input.ip);
  if (!parsed) throw new ComplaintDraftError(`not an IP address: ${sanitizeLine(input.ip)}`);
  const tz = input.operator.timezone;
  const reports = [...input.reports].sort(byTime);
  const keep = [parsed.ip];

  // Per host: distinct lines in report order (each Fail2Ban mail repeats earlier lines of the log).
  const hosts = new Map<string, { host: string; services: Set<string>; reports: number; lines: string[]; seen: Set<string> }>();
  const evidence: string[] = [];
  const evidenceSeen = new Set<string>();
  for (const report of reports) {
    const host = redactor.host(report.reporter);
    let entry = hosts.get(host);
    if (!entry) hosts.set(host, (entry = { host, services: new Set(), reports: 0, lines: [], seen: new Set() }));
    entry.services.add(sanitizeLine(report.service));
    entry.reports++;
    // Actions without log lines (sendmail-whois, mail-whois): the ban itself is the evidence,
    // so logfile.log is never empty.
    const banLine = report.logLines.some((l) => l.trim())
      ? []
      : [
          `${formatRfc3339(report.bannedAt, tz)} ${host} fail2ban: banned ${parsed.ip}` +
            `${report.failures != null ? ` after ${report.failures} failures` : ''} against ${sanitizeLine(report.service)}`,
        ];
    for (const raw of [...report.logLines, ...banLine]) {
      if (!raw.trim()) continue;
      // Cut before redacting too, so a megabyte line costs no more than a long one.
      let line = redactor.line(raw.length > 4 * MAX_LOG_LINE_CHARS ? raw.slice(0, 4 * MAX_LOG_LINE_CHARS) : raw, keep);
      if (line.length > MAX_LOG_LINE_CHARS) line = `${line.slice(0, MAX_LOG_LINE_CHARS)}… (cut, ${raw.length} characters)`;
      if (entry.seen.has(line)) continue;
      entry.seen.add(line);
      if (entry.lines.length < MAX_EVIDENCE_LINES_PER_HOST) {
        entry.lines.push(line);
        const key = `${host}\u0000${line}`;
        if (!evidenceSeen.has(key)) {
          evidenceSeen.add(key);
          evidence.push(line);
        }
      }
    }
  }
  const max = input.complaint.maxLogLinesPerHost;
  const hostLogs: HostLog[] = [...hosts.values()].map((h) => {
    const lines = max > 0 ? h.lines.slice(-max) : [];
    return {
      host: h.host,
      services: [...h.services].sort(),
      reports: h.reports,
      lines,
      total: h.seen.size,
      omitted: h.seen.size - lines.length,
    };
  });

  const withFailures = reports.filter((r) => r.failures != null && r.failures > 0);
  const failures = withFailures.length ? withFailures.reduce((sum, r) => sum + (r.failures ?? 0), 0) : null;
  // The jail with the most reports decides the X-ARF Service/Port.
  const serviceCounts = new Map<string, number>();
  for (const r of reports) serviceCounts.set(r.service, (serviceCounts.get(r.service) ?? 0) + 1);
  const mainService = [...serviceCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const guess = xarfService(mainService);

  const contact: ContactSection = {
    recipient: sanitizeLine(input.recipient),
    source: sanitizeLine(input.contact.source),
    via: optionalLine(input.contact.via),
    range: optionalLine(input.contact.range),
    network: optionalLine(input.contact.network),
    country: optionalLine(input.contact.country),
    evidence: registryEvidence(input.contact.evidence),
  };
  const first = reports[0].bannedAt;
  const last = reports[reports.length - 1].bannedAt;
  const section: AddressSection = {
    ip: parsed.ip,
    ipVersion: parsed.version,
    reports: reports.length,
    failures,
    hosts: [...hosts.keys()],
    hostCount: hosts.size,
    services: distinctNames(reports.map((r) => sanitizeLine(r.service)), false),
    servicePorts: distinctNames(reports.map((r) => sanitizeLine(r.service)), false).map((s) => {
      const g = xarfService(s);
      return g.known ? `${s} (port ${g.port})` : s;
    }),
    xarfService: guess.service,
    port: guess.port,
    firstSeen: formatDateTime(first, tz),
    lastSeen: formatDateTime(last, tz),
    timeRange: formatTimeRange(first, last, tz),
    hostLogs,
    sourceMessageIds: [...new Set(reports.map((r) => redactor.hostsIn(bareId(r.messageId))))],
    contact,
    followUp: input.followUp
      ? { messageId: bareId(input.followUp.messageId), sentAt: formatDateTime(input.followUp.sentAt, tz) }
      : null,
  };
  return { input, ip: parsed.ip, ipVersion: parsed.version, reports, section, evidence, failures, mainService };
}

/** A Message-ID without angle brackets, sanitised to one header-safe token. */
function bareId(messageId: string): string {
  return sanitizeHeaderValue(messageId, 300).replace(/^<|>$/g, '').replace(/\s/g, '');
}

function reportIdOf(input: DraftInput): string {
  const id = sanitizeHeaderValue(input.reportId, 200).replace(/\s/g, '');
  return id.includes('@') ? id : `${id}@${sanitizeHeaderValue(input.operator.domain, 200).replace(/\s/g, '')}`;
}

function draft(inputs: readonly DraftInput[]): ComplaintDraft {
  if (inputs.length === 0) throw new ComplaintDraftError('no addresses to complain about');
  const head = inputs[0];
  const recipient = head.recipient.trim().toLowerCase();
  for (const other of inputs) {
    if (other.recipient.trim().toLowerCase() !== recipient) {
      throw new ComplaintDraftError(`a combined complaint needs one recipient, got ${sanitizeLine(head.recipient)} and ${sanitizeLine(other.recipient)}`);
    }
  }
  const { operator, complaint, now } = head;
  const tz = operator.timezone;
  // One redactor for the whole mail so host numbers agree between text and evidence.
  const redactor = createRedactor({
    redactOwnHosts: complaint.redactOwnHosts,
    ownHostnames: operator.ownHostnames,
    ownNetworks: operator.ownNetworks,
    redactPatterns: complaint.redactPatterns,
    // Numbered in order of first appearance, so the text lists <redacted-host-1> first.
    reportingHosts: inputs.flatMap((i) => [...i.reports].sort(byTime).map((r) => r.reporter)),
  });
  const works = inputs.map((input) => buildAddress(input, redactor));
  // Combined: the address with the most reports first (report.txt describes it).
  if (works.length > 1) works.sort((a, b) => b.reports.length - a.reports.length || (a.ip < b.ip ? -1 : 1));
  const main = works[0];
  const ips = works.map((w) => w.ip);
  const sourceMessageIds = [...new Set(works.flatMap((w) => w.reports.map((r) => bareId(r.messageId))))];
  const followUps = works.flatMap((w) => (w.input.followUp ? [w.input.followUp] : []));
  const replyTo = operator.replyTo ? sanitizeHeaderValue(operator.replyTo) : null;
  const from = sanitizeHeaderValue(operator.from);
  const reportId = reportIdOf(head);
  const failureSum = works.reduce<number | null>((sum, w) => (w.failures == null ? sum : (sum ?? 0) + w.failures), null);

  const context: ComplaintTemplateContext = {
    combined: works.length > 1,
    ip: main.ip,
    ips,
    addresses: works.map((w) => w.section),
    recipient: main.section.contact.recipient,
    contact: main.section.contact,
    followUp: works.find((w) => w.section.followUp)?.section.followUp ?? null,
    operator: {
      organisation: sanitizeLine(operator.organisation),
      from,
      replyTo,
      contact: addressOf(replyTo ?? from),
    },
    timezone: tz,
    date: formatDateTime(now, tz),
    totals: {
      reports: works.reduce((n, w) => n + w.reports.length, 0),
      failures: failureSum,
      hosts: new Set(works.flatMap((w) => w.section.hosts)).size,
    },
    sourceMessageIds,
    xarf: { reportType: 'login-attack', schemaUrl: XARF_LOGIN_ATTACK_SCHEMA_URL, reportId },
  };
  // The template output is sanitised again: a custom template or helper must not smuggle control bytes out.
  const text = sanitizeText(renderComplaintTemplate(head.template ?? DEFAULT_COMPLAINT_TEMPLATE, context));

  const guess = xarfService(main.mainService);
  const xarfReport = renderXarfReport({
    reportedFrom: addressOf(operator.replyTo ?? operator.from),
    service: guess.service,
    port: guess.port,
    userAgent: head.userAgent ?? ABUSEDESK_USER_AGENT,
    reportId,
    date: formatRfc3339(main.reports[main.reports.length - 1].bannedAt, tz),
    source: main.ip,
    sourceType: main.ipVersion === 4 ? 'ipv4' : 'ipv6',
    occurrences: main.failures,
    tlp: complaint.tlp,
  });

  const evidenceLog = works.map((w) => w.evidence.join('\n')).filter(Boolean).join('\n');

  const headers: Record<string, string> = {
    'X-XARF': 'PLAIN',
    'Auto-Submitted': 'auto-generated',
    'X-Abusedesk-Report-ID': reportId,
    'X-Abusedesk-Source': sanitizeHeaderValue(ips.join(', ')),
  };
  let inReplyTo: string | null = null;
  if (followUps.length) {
    const ordered = [...followUps].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    const ids = [...new Set(ordered.map((f) => bareId(f.messageId)))];
    inReplyTo = ids[ids.length - 1];
    headers['In-Reply-To'] = `<${inReplyTo}>`;
    headers.References = ids.map((id) => `<${id}>`).join(' ');
  }

  return {
    subject: complaintSubject(ips, now, tz),
    text,
    xarfReport,
    evidenceLog: evidenceLog ? `${evidenceLog}\n` : '',
    headers,
    sourceMessageIds,
    reportIds: works.flatMap((w) => w.reports.map((r) => r.id)),
    ips,
    inReplyTo,
  };
}

export function draftComplaint(input: DraftInput): ComplaintDraft {
  return draft([input]);
}

export function draftCombinedComplaint(inputs: DraftInput[]): ComplaintDraft {
  return draft(inputs);
}

/** Problems with a complaint text after an operator edit; [] when it can be sent. */
export function validateComplaintText(text: string, ips: readonly string[] = []): string[] {
  const problems: string[] = [];
  if (!text.trim()) return ['the text is empty'];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TEXT_BYTES) problems.push(`the text is ${Math.round(bytes / 1024)} KiB, more than ${MAX_TEXT_BYTES / 1024} KiB`);
  if (text.trim().length < 40) problems.push('the text is too short to be a complaint');
  if (hasControlCharacters(text.replace(/\r\n/g, '\n'))) problems.push('the text holds control characters or escape sequences');
  for (const ip of ips) {
    const canonical = parseIp(ip)?.ip ?? ip;
    if (!text.includes(canonical) && !text.includes(ip)) problems.push(`the text does not name the attacking address ${canonical}`);
  }
  if (text.split('\n').some((l) => l.length > 5000)) problems.push('a line is longer than 5000 characters');
  return problems;
}

/**
 * Renders a custom template against a realistic sample (one address, a follow-up, two hosts),
 * and a combined sample, so a typo is reported when the config is loaded, not at send time.
 */
export function checkComplaintTemplate(template: string, config?: { operator: Config['operator']; complaint: Config['complaint'] }): string[] {
  const now = new Date('2026-01-02T03:04:05Z');
  const operator: Config['operator'] = config?.operator ?? {
    organisation: 'Example hosting',
    from: 'Abuse desk <abuse@example.net>',
    cc: [],
    bcc: [],
    domain: 'example.net',
    timezone: 'UTC',
    ownNetworks: [],
    ownHostnames: [],
  };
  const complaint: Config['complaint'] = { ...(config?.complaint ?? { maxLogLinesPerHost: 20, redactOwnHosts: true, redactPatterns: [], combinePerRecipient: false, tlp: 'green' }) };
  const report = (id: number, ip: string, reporter: string): CandidateReport => ({
    id,
    messageId: `sample-${id}@example.net`,
    ip,
    service: 'sshd',
    reporter,
    failures: 5,
    bannedAt: new Date(now.getTime() - id * 60_000),
    logLines: [`Jan  2 03:0${id}:00 ${reporter.split('.')[0]} sshd[1]: Failed password for root from ${ip} port 4242 ssh2`],
    whois: null,
    trusted: true,
    private: false,
    privateReason: null,
  });
  const input = (ip: string, base: number): DraftInput => ({
    ip,
    reports: [report(base + 1, ip, 'web1.example.net'), report(base + 2, ip, 'mail.example.net')],
    recipient: 'abuse@provider.example',
    contact: { source: 'RIPE whois', via: 'whois.ripe.net', range: '192.0.2.0/24', network: 'EXAMPLE-NET', country: 'NL', evidence: "% Abuse contact for '192.0.2.0/24' is 'abuse@provider.example'" },
    operator,
    complaint,
    template,
    followUp: { messageId: 'earlier@example.net', sentAt: new Date(now.getTime() - 86_400_000) },
    now,
    reportId: `check-${base}`,
    messageId: `check-${base}@example.net`,
  });
  try {
    const drafts = [
      draftComplaint(input('192.0.2.10', 0)),
      draftCombinedComplaint([input('192.0.2.10', 0), { ...input('192.0.2.11', 3), followUp: null }]),
    ];
    return [...new Set(drafts.flatMap((d) => validateComplaintText(d.text, d.ips)))].map((p) => `complaint template: ${p}`);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
