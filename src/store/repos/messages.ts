// Stored mails: the ingest write path (prepared statements, one transaction per
// batch) and the read paths the commands and the desk page through.
import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db.js';
import { messages, type MessageRow, type NewMessageRow, type NewReportRow } from '../schema/messages.js';

export interface MessageLocation {
  mailbox: string;
  uidValidity: number;
  uid: number;
}

/** The statements the ingest batch runs many times; prepared once per batch. */
export function ingestStatements(store: Store) {
  const { sqlite } = store;
  const findBySha = sqlite.prepare<[string], { id: number }>('SELECT id FROM messages WHERE sha256 = ?');
  const findByMessageId = sqlite.prepare<[string], { id: number; raw: Buffer }>(
    'SELECT id, raw FROM messages WHERE message_id = ?',
  );
  const insertMessage = sqlite.prepare(
    `INSERT INTO messages (message_id, sha256, raw, size, source, source_ref, mailbox, uid_validity, uid,
       stored_at, date, from_address, subject, kind, trusted, error, report_count)
     VALUES (@messageId, @sha256, @raw, @size, @source, @sourceRef, @mailbox, @uidValidity, @uid,
       @storedAt, @date, @fromAddress, @subject, @kind, @trusted, @error, @reportCount)`,
  );
  const insertReport = sqlite.prepare(
    `INSERT INTO reports (message_row_id, message_id, kind, ip, ip_version, ip_key, service, reporter, failures,
       banned_at, whois, log_lines, log_paths, private, private_reason, trusted)
     VALUES (@messageRowId, @messageId, @kind, @ip, @ipVersion, @ipKey, @service, @reporter, @failures,
       @bannedAt, @whois, @logLines, @logPaths, @private, @privateReason, @trusted)`,
  );
  // A mail seen again at a new IMAP location (UIDVALIDITY change, or imported from a file first):
  // remember where it is now, so archiving can move it. The mail itself is not touched.
  const updateLocation = sqlite.prepare(
    'UPDATE messages SET mailbox = ?, uid_validity = ?, uid = ? WHERE id = ? AND archived_at IS NULL',
  );
  const upsertSync = sqlite.prepare(
    `INSERT INTO mailbox_sync (mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
       updated_at = excluded.updated_at
     -- Two fetches at once (desk and cron) must not move the position backwards.
     WHERE excluded.uid_validity != mailbox_sync.uid_validity OR excluded.last_uid > mailbox_sync.last_uid`,
  );
  return {
    findBySha: (sha: string) => findBySha.get(sha)?.id ?? null,
    /** Stored mails with this Message-ID, with their bytes (rare: only when the hash differed). */
    findByMessageId: (id: string) => findByMessageId.all(id),
    insertMessage: (row: Omit<NewMessageRow, 'id'>): number => {
      const result = insertMessage.run({
        ...row,
        sourceRef: row.sourceRef ?? null,
        mailbox: row.mailbox ?? null,
        uidValidity: row.uidValidity ?? null,
        uid: row.uid ?? null,
        storedAt: (row.storedAt as Date).getTime(),
        date: row.date ? (row.date as Date).getTime() : null,
        fromAddress: row.fromAddress ?? null,
        subject: row.subject ?? null,
        trusted: row.trusted ? 1 : 0,
        error: row.error ?? null,
        reportCount: row.reportCount ?? 0,
      });
      return Number(result.lastInsertRowid);
    },
    insertReport: (row: Omit<NewReportRow, 'id' | 'complaintId'>) => {
      insertReport.run({
        ...row,
        kind: row.kind ?? 'ban',
        reporter: row.reporter ?? null,
        failures: row.failures ?? null,
        bannedAt: (row.bannedAt as Date).getTime(),
        whois: row.whois ?? null,
        logLines: JSON.stringify(row.logLines ?? []),
        logPaths: JSON.stringify(row.logPaths ?? []),
        private: row.private ? 1 : 0,
        privateReason: row.privateReason ?? null,
        trusted: row.trusted ? 1 : 0,
      });
    },
    updateLocation: (id: number, location: MessageLocation) =>
      updateLocation.run(location.mailbox, location.uidValidity, location.uid, id),
    upsertSync: (mailbox: string, uidValidity: number, lastUid: number, at: Date) =>
      upsertSync.run(mailbox, uidValidity, lastUid, at.getTime()),
  };
}

export interface SyncState {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
}

export function getSyncState(store: Store, mailbox: string): SyncState | null {
  const row = store.sqlite
    .prepare<[string], { mailbox: string; uid_validity: number; last_uid: number }>(
      'SELECT mailbox, uid_validity, last_uid FROM mailbox_sync WHERE mailbox = ?',
    )
    .get(mailbox);
  return row ? { mailbox: row.mailbox, uidValidity: row.uid_validity, lastUid: row.last_uid } : null;
}

/** A message without its raw bytes (lists never load the mails themselves). */
export type MessageSummary = Omit<MessageRow, 'raw'>;

/** The columns of a message without its raw bytes (lists never load the mails themselves). */
export const messageSummaryColumns = {
  id: messages.id,
  messageId: messages.messageId,
  sha256: messages.sha256,
  size: messages.size,
  source: messages.source,
  sourceRef: messages.sourceRef,
  mailbox: messages.mailbox,
  uidValidity: messages.uidValidity,
  uid: messages.uid,
  storedAt: messages.storedAt,
  date: messages.date,
  fromAddress: messages.fromAddress,
  subject: messages.subject,
  kind: messages.kind,
  trusted: messages.trusted,
  error: messages.error,
  reportCount: messages.reportCount,
  archivedAt: messages.archivedAt,
};

export interface MessageFilter {
  kind?: string;
  /** Only mails with a parse error. */
  withError?: boolean;
  untrusted?: boolean;
  messageId?: string;
}

function messageWhere(filter: MessageFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(messages.kind, filter.kind));
  if (filter.withError) where.push(sql`${messages.error} IS NOT NULL`);
  if (filter.untrusted) where.push(eq(messages.trusted, false));
  if (filter.messageId) where.push(eq(messages.messageId, filter.messageId));
  return where;
}

/** Newest first, paged by id (keyset: pass the last id of the previous page as beforeId). */
export function listMessages(
  store: Store,
  filter: MessageFilter = {},
  page: { limit?: number; beforeId?: number } = {},
): MessageSummary[] {
  const where = messageWhere(filter);
  if (page.beforeId !== undefined) where.push(lt(messages.id, page.beforeId));
  return store.db
    .select(messageSummaryColumns)
    .from(messages)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(messages.id))
    .limit(page.limit ?? 100)
    .all();
}

export function countMessages(store: Store, filter: MessageFilter = {}): number {
  const where = messageWhere(filter);
  const row = store.db
    .select({ n: sql<number>`count(*)` })
    .from(messages)
    .where(where.length ? and(...where) : undefined)
    .get();
  return row?.n ?? 0;
}

export function getMessage(store: Store, id: number): MessageSummary | null {
  return store.db.select(messageSummaryColumns).from(messages).where(eq(messages.id, id)).get() ?? null;
}

/** The verbatim mail. */
export function getRawMessage(store: Store, id: number): Buffer | null {
  const row = store.sqlite.prepare<[number], { raw: Buffer }>('SELECT raw FROM messages WHERE id = ?').get(id);
  return row?.raw ?? null;
}

export function findMessagesByMessageId(store: Store, messageId: string): MessageSummary[] {
  return store.db.select(messageSummaryColumns).from(messages).where(eq(messages.messageId, messageId)).all();
}
