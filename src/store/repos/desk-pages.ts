// The desk's lists, paged by key in both directions (a windowed list also needs the
// rows above its first one, and the tail of the list for G), and the tab-bar counts.
// Every query is bounded by a LIMIT, so a key press never waits for more than a page.
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db.js';
import { messages, reports, type ReportRow } from '../schema/messages.js';
import type { ComplaintRow } from '../schema/complaints.js';
import { messageSummaryColumns, type MessageSummary } from './messages.js';
import { countReports, reportQueryWhere, type ReportQuery } from './reports.js';
import { complaintFromRow } from './complaints.js';

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
