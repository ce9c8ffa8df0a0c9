// Complaints: insert a draft together with the reports it uses (one transaction),
// the counts the policy needs, listing and paging, and ignored IPs. State changes
// live in services/outbox.ts (they are the exactly-once protocol); this module
// only reads and inserts.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Store } from '../db.js';
import { complaintReports, COMPLAINT_STATES, type ComplaintRow, type ComplaintState, type IgnoredIpRow } from '../schema/complaints.js';
import { reports, type ReportRow } from '../schema/messages.js';

export class ReportsAlreadyUsedError extends Error {
  constructor(public readonly reportIds: number[]) {
    super(`reports already used by another complaint: ${reportIds.slice(0, 10).join(', ')}`);
    this.name = 'ReportsAlreadyUsedError';
  }
}

export interface NewComplaint {
  state: 'draft' | 'approved';
  ips: Array<{ ip: string; ipKey: string }>;
  recipient: string;
  abuseContact: string;
  contact: Record<string, unknown>;
  messageId: string;
  inReplyTo: string | null;
  subject: string;
  bodyText: string;
  xarfReport: string;
  evidenceLog: string;
  sourceMessageIds: string[];
  reason: string | null;
  approvedBy?: string | null;
  runId?: number | null;
  /** Reports the complaint uses: they are marked used in the same transaction. */
  reports: Array<{ id: number; messageRowId: number }>;
}

type Raw = Record<string, unknown>;

/** better-sqlite3 row (snake_case, ms integers) -> ComplaintRow. */
export function complaintFromRow(r: Raw): ComplaintRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return {
    id: Number(r.id),
    state: r.state as ComplaintState,
    ip: String(r.ip),
    ipKey: String(r.ip_key),
    recipient: String(r.recipient),
    abuseContact: String(r.abuse_contact),
    contact: JSON.parse(String(r.contact)) as Record<string, unknown>,
    messageId: String(r.message_id),
    inReplyTo: (r.in_reply_to as string | null) ?? null,
    subject: String(r.subject),
    bodyText: String(r.body_text),
    xarfReport: String(r.xarf_report),
    evidenceLog: String(r.evidence_log),
    sourceMessageIds: JSON.parse(String(r.source_message_ids)) as string[],
    reason: (r.reason as string | null) ?? null,
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
    approvedBy: (r.approved_by as string | null) ?? null,
    approvedAt: date(r.approved_at),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseUntil: date(r.lease_until),
    attempts: Number(r.attempts ?? 0),
    nextAttemptAt: date(r.next_attempt_at),
    sendingAt: date(r.sending_at),
    sentAt: date(r.sent_at),
    smtpResponse: (r.smtp_response as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    needsOperator: Boolean(r.needs_operator),
    rejectReason: (r.reject_reason as string | null) ?? null,
    rawMail: (r.raw_mail as Buffer | null) ?? null,
    bouncedAt: date(r.bounced_at),
    bounceMessageRowId: (r.bounce_message_row_id as number | null) ?? null,
    runId: (r.run_id as number | null) ?? null,
  };
}

/**
 * Inserts a complaint and marks its reports used, atomically. Throws
 * ReportsAlreadyUsedError (and inserts nothing) when another process used any of them first.
 */
export function insertComplaint(store: Store, c: NewComplaint, now: Date = new Date()): number {
  const s = store.sqlite;
  const insert = s.prepare(
    `INSERT INTO complaints (state, ip, ip_key, recipient, abuse_contact, contact, message_id, in_reply_to, subject, body_text,
       xarf_report, evidence_log, source_message_ids, reason, created_at, updated_at, approved_by, approved_at, run_id)
     VALUES (@state, @ip, @ipKey, @recipient, @abuseContact, @contact, @messageId, @inReplyTo, @subject, @bodyText,
       @xarfReport, @evidenceLog, @sourceMessageIds, @reason, @now, @now, @approvedBy, @approvedAt, @runId)`,
  );
  const insertIp = s.prepare('INSERT OR IGNORE INTO complaint_ips (complaint_id, ip, ip_key) VALUES (?, ?, ?)');
  const link = s.prepare('INSERT INTO complaint_reports (complaint_id, report_id, message_row_id) VALUES (?, ?, ?)');
  const use = s.prepare('UPDATE reports SET complaint_id = ? WHERE id = ? AND complaint_id IS NULL');
  return s.transaction(() => {
    const first = c.ips[0];
    if (!first) throw new Error('a complaint needs at least one IP');
    const id = Number(
      insert.run({
        state: c.state,
        ip: first.ip,
        ipKey: first.ipKey,
        recipient: c.recipient,
        abuseContact: c.abuseContact,
        contact: JSON.stringify(c.contact),
        messageId: c.messageId,
        inReplyTo: c.inReplyTo,
        subject: c.subject,
        bodyText: c.bodyText,
        xarfReport: c.xarfReport,
        evidenceLog: c.evidenceLog,
        sourceMessageIds: JSON.stringify(c.sourceMessageIds),
        reason: c.reason,
        now: now.getTime(),
        approvedBy: c.state === 'approved' ? (c.approvedBy ?? 'auto') : null,
        approvedAt: c.state === 'approved' ? now.getTime() : null,
        runId: c.runId ?? null,
      }).lastInsertRowid,
    );
    for (const ip of c.ips) insertIp.run(id, ip.ip, ip.ipKey);
    const taken: number[] = [];
    for (const r of c.reports) {
      if (use.run(id, r.id).changes !== 1) taken.push(r.id);
      else link.run(id, r.id, r.messageRowId);
    }
    if (taken.length) throw new ReportsAlreadyUsedError(taken);
    return id;
  })();
}

export function getComplaint(store: Store, id: number): ComplaintRow | null {
  const row = store.sqlite.prepare('SELECT * FROM complaints WHERE id = ?').get(id) as Raw | undefined;
  return row ? complaintFromRow(row) : null;
}

export function getComplaintByMessageId(store: Store, messageId: string): ComplaintRow | null {
  const row = store.sqlite.prepare('SELECT * FROM complaints WHERE message_id = ?').get(messageId) as Raw | undefined;
  return row ? complaintFromRow(row) : null;
}

export interface ComplaintFilter {
  state?: ComplaintState | ComplaintState[];
  /** Only those waiting for the operator (a send with unknown outcome). */
  needsOperator?: boolean;
}

export function isComplaintState(text: string): text is ComplaintState {
  return (COMPLAINT_STATES as readonly string[]).includes(text);
}

/** Newest change first; keyset paging by (updatedAt, id). The raw mail is not loaded. */
export function listComplaints(
  store: Store,
  filter: ComplaintFilter = {},
  page: { limit?: number; before?: { updatedAt: Date; id: number } } = {},
): ComplaintRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const states = filter.state === undefined ? [] : Array.isArray(filter.state) ? filter.state : [filter.state];
  if (states.length) {
    where.push(`state IN (${states.map(() => '?').join(', ')})`);
    params.push(...states);
  }
  if (filter.needsOperator !== undefined) {
    where.push('needs_operator = ?');
    params.push(filter.needsOperator ? 1 : 0);
  }
  if (page.before) {
    where.push('(updated_at < ? OR (updated_at = ? AND id < ?))');
    params.push(page.before.updatedAt.getTime(), page.before.updatedAt.getTime(), page.before.id);
  }
  const rows = store.sqlite
    .prepare(
      `SELECT ${LIST_COLUMNS} FROM complaints ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY updated_at DESC, id DESC LIMIT ?`,
    )
    .all(...params, page.limit ?? 100) as Raw[];
  return rows.map(complaintFromRow);
}

const LIST_COLUMNS = `id, state, ip, ip_key, recipient, abuse_contact, contact, message_id, in_reply_to, subject, body_text,
  xarf_report, evidence_log, source_message_ids, reason, created_at, updated_at, approved_by, approved_at, lease_owner,
  lease_until, attempts, next_attempt_at, sending_at, sent_at, smtp_response, last_error, needs_operator, reject_reason,
  NULL AS raw_mail, bounced_at, bounce_message_row_id, run_id`;

export function countComplaintsByState(store: Store): Record<ComplaintState, number> {
  const counts = Object.fromEntries(COMPLAINT_STATES.map((s) => [s, 0])) as Record<ComplaintState, number>;
  const rows = store.sqlite.prepare('SELECT state, count(*) AS n FROM complaints GROUP BY state').all() as Array<{ state: string; n: number }>;
  for (const r of rows) if (isComplaintState(r.state)) counts[r.state] = r.n;
  return counts;
}

/** The IPs of a complaint (one, or several when combined). */
export function complaintIpsOf(store: Store, complaintId: number): string[] {
  return (store.sqlite.prepare('SELECT ip FROM complaint_ips WHERE complaint_id = ? ORDER BY ip_key').all(complaintId) as Array<{ ip: string }>).map(
    (r) => r.ip,
  );
}

/** The reports a complaint used, oldest first. */
export function reportsOfComplaint(store: Store, complaintId: number): ReportRow[] {
  const used = store.db.select({ id: complaintReports.reportId }).from(complaintReports).where(eq(complaintReports.complaintId, complaintId));
  return store.db.select().from(reports).where(inArray(reports.id, used)).orderBy(asc(reports.bannedAt), asc(reports.id)).all();
}

/** Stored mails (row ids) a complaint used. */
export function messageRowIdsOfComplaint(store: Store, complaintId: number): number[] {
  return (
    store.sqlite.prepare('SELECT DISTINCT message_row_id FROM complaint_reports WHERE complaint_id = ?').all(complaintId) as Array<{ message_row_id: number }>
  ).map((r) => r.message_row_id);
}

// ---- what the policy counts (states that did or will reach a recipient) ----

const COUNTED = `state NOT IN ('rejected', 'failed')`;

/** Complaints about an IP created since `since` (not rejected or failed). */
export function countComplaintsForIpSince(store: Store, ipKey: string, since: Date): number {
  const row = store.sqlite
    .prepare(
      `SELECT count(*) AS n FROM complaint_ips ci JOIN complaints c ON c.id = ci.complaint_id
       WHERE ci.ip_key = ? AND c.created_at >= ? AND c.${COUNTED}`,
    )
    .get(ipKey, since.getTime()) as { n: number };
  return row.n;
}

/** Complaints to an abuse address created since `since` (not rejected or failed). */
export function countComplaintsForRecipientSince(store: Store, abuseContact: string, since: Date): number {
  const row = store.sqlite
    .prepare(`SELECT count(*) AS n FROM complaints WHERE abuse_contact = ? AND created_at >= ? AND ${COUNTED}`)
    .get(abuseContact, since.getTime()) as { n: number };
  return row.n;
}

/** When a complaint to this abuse address last bounced; null when none did. */
export function lastBounceForRecipient(store: Store, abuseContact: string): Date | null {
  const row = store.sqlite
    .prepare('SELECT max(bounced_at) AS at FROM complaints WHERE abuse_contact = ? AND bounced_at IS NOT NULL')
    .get(abuseContact) as { at: number | null };
  return row.at === null ? null : new Date(row.at);
}

/** The newest complaint about an IP that went or goes out, for "only newer reports count" and follow-ups. */
export function lastComplaintForIp(store: Store, ipKey: string): { id: number; createdAt: Date; messageId: string; abuseContact: string; state: ComplaintState } | null {
  const row = store.sqlite
    .prepare(
      `SELECT c.id, c.created_at, c.message_id, c.abuse_contact, c.state FROM complaint_ips ci JOIN complaints c ON c.id = ci.complaint_id
       WHERE ci.ip_key = ? AND c.${COUNTED} ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
    )
    .get(ipKey) as { id: number; created_at: number; message_id: string; abuse_contact: string; state: ComplaintState } | undefined;
  return row ? { id: row.id, createdAt: new Date(row.created_at), messageId: row.message_id, abuseContact: row.abuse_contact, state: row.state } : null;
}

/** The earlier sent complaint about this IP to this address: a new one follows it up. */
export function previousSentComplaint(store: Store, ipKey: string, abuseContact: string): { id: number; messageId: string; sentAt: Date } | null {
  const row = store.sqlite
    .prepare(
      `SELECT c.id, c.message_id, c.sent_at FROM complaint_ips ci JOIN complaints c ON c.id = ci.complaint_id
       WHERE ci.ip_key = ? AND c.abuse_contact = ? AND c.state = 'sent' ORDER BY c.sent_at DESC, c.id DESC LIMIT 1`,
    )
    .get(ipKey, abuseContact) as { id: number; message_id: string; sent_at: number } | undefined;
  return row ? { id: row.id, messageId: row.message_id, sentAt: new Date(row.sent_at) } : null;
}

// ---- ignored IPs ----

export function ignoreIp(store: Store, ip: { ip: string; ipKey: string }, note: string | null, now: Date = new Date()): void {
  store.sqlite
    .prepare(
      `INSERT INTO ignored_ips (ip_key, ip, note, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(ip_key) DO UPDATE SET note = excluded.note`,
    )
    .run(ip.ipKey, ip.ip, note, now.getTime());
}

export function unignoreIp(store: Store, ipKey: string): boolean {
  return store.sqlite.prepare('DELETE FROM ignored_ips WHERE ip_key = ?').run(ipKey).changes > 0;
}

export function getIgnoredIp(store: Store, ipKey: string): IgnoredIpRow | null {
  const row = store.sqlite.prepare('SELECT ip_key, ip, note, created_at FROM ignored_ips WHERE ip_key = ?').get(ipKey) as
    | { ip_key: string; ip: string; note: string | null; created_at: number }
    | undefined;
  return row ? { ipKey: row.ip_key, ip: row.ip, note: row.note, createdAt: new Date(row.created_at) } : null;
}

export function listIgnoredIps(store: Store): IgnoredIpRow[] {
  return (store.sqlite.prepare('SELECT ip_key, ip, note, created_at FROM ignored_ips ORDER BY created_at DESC').all() as Array<{
    ip_key: string;
    ip: string;
    note: string | null;
    created_at: number;
  }>).map((row) => ({ ipKey: row.ip_key, ip: row.ip, note: row.note, createdAt: new Date(row.created_at) }));
}
