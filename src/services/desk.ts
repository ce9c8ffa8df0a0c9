// What the desk reads and does beyond the outbox services: the details of one mail or
// complaint, search, the last --auto run, adding an override contact. The paged
// lists and the stats live in the repositories and are re-exported here, so the UI
// sees services only.
import type { Store } from '../store/db.js';
import type { ReportRow } from '../store/schema/messages.js';
import { getMessage, getRawMessage, findMessagesByMessageId, type MessageSummary } from '../store/repos/messages.js';
import { parseReportQuery, reportsOfMessage, type ReportQuery } from '../store/repos/reports.js';
import { complaintIpsOf, getComplaint, reportsOfComplaint } from '../store/repos/complaints.js';
import { addOverride } from '../store/repos/contacts.js';
import { listRuns, runLogOf } from '../store/repos/runs.js';
import type { ComplaintRow, RunLogRow, RunRow } from '../store/schema/complaints.js';
import { parseCidr, parseIp } from '../core/ip-ranges.js';
import { normalizeAddress } from '../core/abuse-contact.js';
import { reportSource, type PageSource } from '../store/repos/desk-pages.js';

export * from '../store/repos/desk-pages.js';
export * from '../store/repos/stats.js';

export interface MessageDetail {
  message: MessageSummary;
  reports: ReportRow[];
  /** The verbatim mail decoded as UTF-8 (unsanitised: the UI sanitises). */
  raw: string;
}

export function messageDetail(store: Store, id: number): MessageDetail | null {
  const message = getMessage(store, id);
  if (!message) return null;
  const raw = getRawMessage(store, id);
  return { message, reports: reportsOfMessage(store, id), raw: raw ? raw.toString('utf8') : '' };
}

export interface SearchResult {
  query: ReportQuery;
  /** A readable form of what was searched for. */
  label: string;
  reports: PageSource<ReportRow>;
  /** Mails with that Message-ID (only for a Message-ID search: a mail may hold no report). */
  messages: MessageSummary[];
}

export function search(store: Store, text: string): SearchResult {
  const query = parseReportQuery(text);
  const label =
    query.type === 'ip' ? `IP ${query.ip}` : query.type === 'range' ? `range ${query.cidr}` : query.type === 'message' ? `Message-ID <${query.messageId}>` : 'all reports';
  return {
    query,
    label,
    reports: reportSource(store, query),
    messages: query.type === 'message' ? findMessagesByMessageId(store, query.messageId) : [],
  };
}

// ---- candidates, complaints, runs: the rest of the desk's reads ----

export interface ComplaintDetail {
  complaint: ComplaintRow;
  ips: string[];
  reports: ReportRow[];
}

export function complaintDetail(store: Store, id: number): ComplaintDetail | null {
  const complaint = getComplaint(store, id);
  if (!complaint) return null;
  return { complaint, ips: complaintIpsOf(store, id), reports: reportsOfComplaint(store, id) };
}

/** Re-reads complaints (a bulk action's confirmation names their current recipients). */
export function complaintsByIds(store: Store, ids: readonly number[]): ComplaintRow[] {
  return ids.map((id) => getComplaint(store, id)).filter((c): c is ComplaintRow => c !== null);
}

export interface AutoRunView {
  run: RunRow;
  log: RunLogRow[];
}

/** The last --auto run (not dry runs or demos) and its log. */
export function lastAutoRun(store: Store, logLimit = 200): AutoRunView | null {
  const run = listRuns(store, 20).find((r) => r.kind === 'auto') ?? null;
  return run ? { run, log: runLogOf(store, run.id, logLimit) } : null;
}

/**
 * The desk's "add an override contact": the range (or the single address) and
 * the abuse address the operator names; same rules as `abusedesk override add`.
 */
export function addContactOverride(
  store: Store,
  target: string,
  address: string,
  note: string | null,
  now: Date = new Date(),
): { ok: true; cidr: string; address: string } | { ok: false; error: string } {
  const single = parseIp(target.trim());
  const range = single ? parseCidr(`${single.ip}/${single.version === 4 ? 32 : 128}`) : parseCidr(target.trim());
  if (!range) return { ok: false, error: `not an IP address or CIDR range: ${target}` };
  const normal = normalizeAddress(address.trim());
  if (!normal) return { ok: false, error: `not a valid e-mail address: ${address}` };
  addOverride(store, { range, addresses: [normal], neverReport: false, note, createdAt: now });
  return { ok: true, cidr: range.cidr, address: normal };
}
