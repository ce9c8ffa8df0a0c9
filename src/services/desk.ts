// What the desk reads: the lists it pages through in both directions by key (the
// repositories page newest-first only; a windowed list also needs the rows above its
// first one and the tail of the list for G), the detail of one mail, search, and the
// figures of the Stats screen. Everything here is synchronous better-sqlite3 work
// bounded by a LIMIT, so a key press never waits for more than one page.
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../store/db.js';
import { messages, reports, type ReportRow } from '../store/schema/messages.js';
import {
  countMessages,
  getMessage,
  getRawMessage,
  findMessagesByMessageId,
  messageSummaryColumns,
  type MessageSummary,
} from '../store/repos/messages.js';
import { countReports, parseReportQuery, reportQueryWhere, reportsOfMessage, type ReportQuery } from '../store/repos/reports.js';
import { complaintFromRow, complaintIpsOf, getComplaint, reportsOfComplaint } from '../store/repos/complaints.js';
import { addOverride } from '../store/repos/contacts.js';
import { listRuns, runLogOf } from '../store/repos/runs.js';
import type { ComplaintRow, RunLogRow, RunRow } from '../store/schema/complaints.js';
import { ipFromKey, parseCidr, parseIp } from '../core/ip-ranges.js';
import { normalizeAddress } from '../core/abuse-contact.js';

/**
 * A list the desk can window: rows in list order (newest first), fetched relative
 * to a row already shown. `after` = the rows below `row`, `before` = the rows above
 * it (returned in list order), `last` = the bottom of the list.
 */
export interface PageSource<Row> {
  key(row: Row): string;
  count(): number;
  first(limit: number): Row[];
  last(limit: number): Row[];
  after(row: Row, limit: number): Row[];
  before(row: Row, limit: number): Row[];
}

export type IncomingFilter = 'all' | 'bans' | 'notices' | 'unrecognised' | 'errors' | 'untrusted';
export const INCOMING_FILTERS: readonly IncomingFilter[] = ['all', 'bans', 'notices', 'unrecognised', 'errors', 'untrusted'];

const BAN_KINDS = ['ban', 'summary'];
const NOTICE_KINDS = ['notice'];
const UNRECOGNISED_KINDS = ['other', 'malformed'];

function incomingWhere(filter: IncomingFilter): SQL | undefined {
  switch (filter) {
    case 'all':
      return undefined;
    case 'bans':
      return inArray(messages.kind, BAN_KINDS);
    case 'notices':
      return inArray(messages.kind, NOTICE_KINDS);
    case 'unrecognised':
      return inArray(messages.kind, UNRECOGNISED_KINDS);
    case 'errors':
      return sql`${messages.error} IS NOT NULL`;
    case 'untrusted':
      return eq(messages.trusted, false);
  }
}

/** Stored mails, newest first (by row id: the order they arrived in). */
export function incomingSource(store: Store, filter: IncomingFilter): PageSource<MessageSummary> {
  const base = incomingWhere(filter);
  const page = (extra: SQL | undefined, ascending: boolean, limit: number) => {
    const where = [base, extra].filter((w): w is SQL => w !== undefined);
    const rows = store.db
      .select(messageSummaryColumns)
      .from(messages)
      .where(where.length ? and(...where) : undefined)
      .orderBy(ascending ? asc(messages.id) : desc(messages.id))
      .limit(limit)
      .all();
    return ascending ? rows.reverse() : rows;
  };
  return {
    key: (row) => String(row.id),
    count: () => {
      const row = store.db.select({ n: sql<number>`count(*)` }).from(messages).where(base).get();
      return row?.n ?? 0;
    },
    first: (limit) => page(undefined, false, limit),
    last: (limit) => page(undefined, true, limit),
    after: (row, limit) => page(lt(messages.id, row.id), false, limit),
    before: (row, limit) => page(gt(messages.id, row.id), true, limit),
  };
}

/** Reports matching a query, newest ban first, keyset-paged on (bannedAt, id). */
export function reportSource(store: Store, query: ReportQuery): PageSource<ReportRow> {
  const base = reportQueryWhere(query);
  const page = (extra: SQL | undefined, ascending: boolean, limit: number) => {
    const where = [base, extra].filter((w): w is SQL => w !== undefined);
    const rows = store.db
      .select()
      .from(reports)
      .where(where.length ? and(...where) : undefined)
      .orderBy(...(ascending ? [asc(reports.bannedAt), asc(reports.id)] : [desc(reports.bannedAt), desc(reports.id)]))
      .limit(limit)
      .all();
    return ascending ? rows.reverse() : rows;
  };
  const older = (row: ReportRow) =>
    or(lt(reports.bannedAt, row.bannedAt), and(eq(reports.bannedAt, row.bannedAt), lt(reports.id, row.id)));
  const newer = (row: ReportRow) =>
    or(gt(reports.bannedAt, row.bannedAt), and(eq(reports.bannedAt, row.bannedAt), gt(reports.id, row.id)));
  return {
    key: (row) => String(row.id),
    count: () => countReports(store, query),
    first: (limit) => page(undefined, false, limit),
    last: (limit) => page(undefined, true, limit),
    after: (row, limit) => page(older(row), false, limit),
    before: (row, limit) => page(newer(row), true, limit),
  };
}

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

export interface Counted {
  name: string;
  count: number;
}

export interface DeskStats {
  /** Reports per UTC day, oldest first, for the last `days` days (days without reports included). */
  perDay: { day: string; count: number }[];
  topServices: Counted[];
  topReporters: Counted[];
  topCountries: Counted[];
  /** Attacking networks: /24 for IPv4, /48 for IPv6. */
  topNetworks: Counted[];
  totals: { messages: number; reports: number; privateReports: number; untrustedMessages: number; errors: number };
  /** Complaints by state, when the complaints table exists. */
  complaints: Counted[];
}

function tableExists(store: Store, name: string): boolean {
  return !!store.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

function networkOfKey(prefix: string): string {
  // A key prefix: "4:" + 6 hex digits (a /24) or "6:" + 12 hex digits (a /48) of an address key (core/ip-ranges).
  const v4 = prefix.startsWith('4:');
  const full = prefix.padEnd(v4 ? 10 : 34, '0');
  return parseCidr(`${ipFromKey(full)}/${v4 ? 24 : 48}`)?.cidr ?? prefix;
}

/**
 * The Stats figures one query at a time: the generator yields between queries so
 * the desk can let keys through on a big store (each is tens of ms at 100,000 reports).
 */
export function* deskStatsSteps(store: Store, now: Date = new Date(), days = 14): Generator<void, DeskStats> {
  const { sqlite } = store;
  const dayMs = 86_400_000;
  const today = Math.floor(now.getTime() / dayMs);
  const since = (today - days + 1) * dayMs;
  const perDayRows = sqlite
    .prepare<[number], { d: number; n: number }>(
      'SELECT banned_at / 86400000 AS d, count(*) AS n FROM reports WHERE banned_at >= ? GROUP BY d',
    )
    .all(since);
  yield;
  const byDay = new Map(perDayRows.map((r) => [r.d, r.n]));
  const perDay = [];
  for (let d = today - days + 1; d <= today; d++) {
    perDay.push({ day: new Date(d * dayMs).toISOString().slice(0, 10), count: byDay.get(d) ?? 0 });
  }
  const top = (column: string): Counted[] =>
    sqlite
      .prepare<[], Counted>(
        `SELECT coalesce(${column}, '(unknown)') AS name, count(*) AS count FROM reports GROUP BY ${column} ORDER BY count DESC LIMIT 8`,
      )
      .all();
  const topNetworks = sqlite
    .prepare<[], { k: string; count: number }>(
      `SELECT CASE ip_version WHEN 4 THEN substr(ip_key, 1, 8) ELSE substr(ip_key, 1, 14) END AS k, count(*) AS count
       FROM reports WHERE private = 0 GROUP BY k ORDER BY count DESC LIMIT 8`,
    )
    .all()
    .map((r) => ({ name: networkOfKey(r.k), count: r.count }));
  yield;
  // Countries come from the abuse-contact range cache; ranges are few, reports many,
  // so count per cached range through the (ip_key) index.
  const topCountries = tableExists(store, 'contact_ranges')
    ? sqlite
        .prepare<[], Counted>(
          `SELECT country AS name, sum((SELECT count(*) FROM reports r WHERE r.ip_key BETWEEN c.first_key AND c.last_key)) AS count
           FROM (SELECT * FROM contact_ranges WHERE country IS NOT NULL ORDER BY fetched_at DESC LIMIT 5000) c
           GROUP BY country ORDER BY count DESC LIMIT 8`,
        )
        .all()
        .filter((r) => r.count > 0)
    : [];
  yield;
  const complaints = tableExists(store, 'complaints')
    ? sqlite.prepare<[], Counted>('SELECT state AS name, count(*) AS count FROM complaints GROUP BY state ORDER BY count DESC').all()
    : [];
  const one = (q: string) => (sqlite.prepare<[], { n: number }>(q).get()?.n ?? 0);
  const topServices = top('service');
  yield;
  const topReporters = top('reporter');
  yield;
  const totals = {
    messages: countMessages(store),
    reports: countReports(store),
    privateReports: one('SELECT count(*) AS n FROM reports WHERE private = 1'),
    untrustedMessages: one('SELECT count(*) AS n FROM messages WHERE trusted = 0'),
    errors: one('SELECT count(*) AS n FROM messages WHERE error IS NOT NULL'),
  };
  return { perDay, topServices, topReporters, topCountries, topNetworks, totals, complaints };
}

export function deskStats(store: Store, now: Date = new Date(), days = 14): DeskStats {
  const steps = deskStatsSteps(store, now, days);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}


// ---- candidates, complaints, runs: the rest of the desk's reads ----

/** One row of the Candidates list: the aggregate of an IP's unused reports (cheap, from one GROUP BY). */
export interface CandidateRow {
  ipKey: string;
  ip: string;
  reports: number;
  reporters: number;
  services: string;
  firstSeen: Date;
  lastSeen: Date;
  private: boolean;
}

type CandidateRaw = { ip_key: string; ip: string; n: number; hosts: number; services: string | null; first: number; last: number; priv: number };

function candidateFromRaw(r: CandidateRaw): CandidateRow {
  return {
    ipKey: r.ip_key,
    ip: r.ip,
    reports: r.n,
    reporters: r.hosts,
    services: r.services ?? '',
    firstSeen: new Date(r.first),
    lastSeen: new Date(r.last),
    private: r.priv > 0,
  };
}

/**
 * Candidates (IPs with unused reports), newest last-seen first, keyset-paged on
 * (lastSeen, ipKey) like services/candidates listCandidates, in both directions.
 * Eligibility and contact (services/candidates evaluateIp) are filled in by the
 * desk for the rows on screen only.
 */
export function candidateSource(store: Store): PageSource<CandidateRow> {
  // A candidate's last-seen is its newest unused report. Walking unused reports
  // newest first (reports_banned_at; "+" keeps SQLite off reports_unused, which
  // would read every unused report and sort), the row that is its IP's newest is
  // where that candidate sits in the list: a page costs the rows walked, not the
  // table. The aggregate is then computed for the page's IPs only.
  const walk = (order: 'DESC' | 'ASC', anchored: boolean) => {
    const cmp = order === 'DESC' ? '<' : '>';
    return store.sqlite.prepare<Record<string, unknown>, { ip_key: string }>(
      `SELECT r.ip_key AS ip_key FROM reports r
       WHERE +r.complaint_id IS NULL
         ${anchored ? `AND (r.banned_at ${cmp} @last OR (r.banned_at = @last AND r.ip_key ${cmp} @key))` : ''}
         AND NOT EXISTS (SELECT 1 FROM reports n WHERE n.ip_key = r.ip_key AND n.complaint_id IS NULL
           AND (n.banned_at > r.banned_at OR (n.banned_at = r.banned_at AND n.id > r.id)))
       ORDER BY r.banned_at ${order}, r.ip_key ${order} LIMIT @limit`,
    );
  };
  const newestFirst = walk('DESC', false);
  const oldestFirst = walk('ASC', false);
  const older = walk('DESC', true);
  const newer = walk('ASC', true);
  const details = store.sqlite.prepare<[string], CandidateRaw>(
    `SELECT ip_key, min(ip) AS ip, count(*) AS n, count(DISTINCT lower(reporter)) AS hosts,
       group_concat(DISTINCT service) AS services, min(banned_at) AS first, max(banned_at) AS last, max(private) AS priv
     FROM reports WHERE complaint_id IS NULL AND ip_key IN (SELECT value FROM json_each(?)) GROUP BY ip_key`,
  );
  const rowsOf = (keys: { ip_key: string }[]): CandidateRow[] => {
    if (!keys.length) return [];
    const byKey = new Map(details.all(JSON.stringify(keys.map((k) => k.ip_key))).map((r) => [r.ip_key, candidateFromRaw(r)]));
    return keys.map((k) => byKey.get(k.ip_key)).filter((r): r is CandidateRow => r !== undefined);
  };
  const count = store.sqlite.prepare<[], { n: number }>('SELECT count(DISTINCT ip_key) AS n FROM reports WHERE complaint_id IS NULL');
  const anchor = (row: CandidateRow, limit: number) => ({ limit, last: row.lastSeen.getTime(), key: row.ipKey });
  return {
    key: (row) => row.ipKey,
    count: () => count.get()?.n ?? 0,
    first: (limit) => rowsOf(newestFirst.all({ limit })),
    last: (limit) => rowsOf(oldestFirst.all({ limit })).reverse(),
    after: (row, limit) => rowsOf(older.all(anchor(row, limit))),
    before: (row, limit) => rowsOf(newer.all(anchor(row, limit))).reverse(),
  };
}

export type ComplaintList = 'pending' | 'sent';

/** Pending: drafts, approved (not yet sent) and deferred. Sent: everything that went out or ended. */
const LIST_STATES: Record<ComplaintList, string> = {
  pending: "state IN ('draft', 'approved', 'deferred')",
  sent: "state IN ('sending', 'sent', 'failed', 'rejected')",
};

/**
 * Complaints of one list, newest change first, keyset-paged on (updatedAt, id) in
 * both directions (repos/complaints pages one way only). Rows come without the
 * raw mail.
 */
export function complaintSource(store: Store, list: ComplaintList): PageSource<ComplaintRow> {
  const where = LIST_STATES[list];
  const cols = `id, state, ip, ip_key, recipient, abuse_contact, contact, message_id, in_reply_to, subject, body_text,
    xarf_report, evidence_log, source_message_ids, reason, created_at, updated_at, approved_by, approved_at, lease_owner,
    lease_until, attempts, next_attempt_at, sending_at, sent_at, smtp_response, last_error, needs_operator, reject_reason,
    NULL AS raw_mail, bounced_at, bounce_message_row_id, run_id`;
  const q = (extra: string, order: 'DESC' | 'ASC') =>
    store.sqlite.prepare(`SELECT ${cols} FROM complaints WHERE ${where} ${extra} ORDER BY updated_at ${order}, id ${order} LIMIT @limit`);
  const first = q('', 'DESC');
  const last = q('', 'ASC');
  const older = q('AND (updated_at < @at OR (updated_at = @at AND id < @id))', 'DESC');
  const newer = q('AND (updated_at > @at OR (updated_at = @at AND id > @id))', 'ASC');
  const count = store.sqlite.prepare<[], { n: number }>(`SELECT count(*) AS n FROM complaints WHERE ${where}`);
  const rows = (raw: unknown[]) => (raw as Record<string, unknown>[]).map(complaintFromRow);
  return {
    key: (row) => String(row.id),
    count: () => count.get()?.n ?? 0,
    first: (limit) => rows(first.all({ limit })),
    last: (limit) => rows(last.all({ limit })).reverse(),
    after: (row, limit) => rows(older.all({ limit, at: row.updatedAt.getTime(), id: row.id })),
    before: (row, limit) => rows(newer.all({ limit, at: row.updatedAt.getTime(), id: row.id })).reverse(),
  };
}

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

/** The counts in the desk's tab bar. */
export function deskCounts(store: Store): { incoming: number; candidates: number; pending: number; sent: number } {
  const one = (q: string) => (store.sqlite.prepare<[], { n: number }>(q).get()?.n ?? 0);
  return {
    incoming: one('SELECT count(*) AS n FROM messages'),
    candidates: one('SELECT count(DISTINCT ip_key) AS n FROM reports WHERE complaint_id IS NULL'),
    pending: one(`SELECT count(*) AS n FROM complaints WHERE ${LIST_STATES.pending}`),
    sent: one(`SELECT count(*) AS n FROM complaints WHERE ${LIST_STATES.sent}`),
  };
}

/**
 * SQLite's data_version: changes when another connection (cron's --auto, a
 * `abusedesk fetch` in another terminal) committed. The desk polls it to show new
 * mail and new outcomes without a restart.
 */
export function dataVersion(store: Store): number {
  return Number(store.sqlite.pragma('data_version', { simple: true }));
}
