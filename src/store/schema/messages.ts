// Mails as evidence (verbatim, never altered) and the reports parsed from them.
import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Message-ID without angle brackets; a synthetic "sha256.<hex>@abusedesk.invalid" when the mail had none. */
    messageId: text('message_id').notNull(),
    sha256: text('sha256').notNull(),
    /** The mail exactly as received. Never updated. */
    raw: blob('raw', { mode: 'buffer' }).notNull(),
    size: integer('size').notNull(),
    /** "imap", "file", "maildir", "mbox", "stdin". */
    source: text('source').notNull(),
    /** File path, or "user@host:port/Mailbox" for IMAP. */
    sourceRef: text('source_ref'),
    /** Where the mail currently is on the IMAP server (updated when it is moved). */
    mailbox: text('mailbox'),
    uidValidity: integer('uid_validity'),
    uid: integer('uid'),
    storedAt: integer('stored_at', { mode: 'timestamp_ms' }).notNull(),
    /** The Date: header, or null when missing or unparseable. */
    date: integer('date', { mode: 'timestamp_ms' }),
    fromAddress: text('from_address'),
    subject: text('subject'),
    /** ban, notice, summary, complaint, bounce, autoreply, other, malformed. */
    kind: text('kind').notNull(),
    trusted: integer('trusted', { mode: 'boolean' }).notNull(),
    /** Why the mail could not be fully understood; null when it was. */
    error: text('error'),
    reportCount: integer('report_count').notNull().default(0),
    /** Set once the mail was moved to the archive mailbox. */
    archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('messages_sha256').on(t.sha256),
    index('messages_message_id').on(t.messageId),
    index('messages_stored_at').on(t.storedAt, t.id),
    index('messages_kind').on(t.kind, t.storedAt),
    index('messages_location').on(t.mailbox, t.uidValidity, t.uid),
  ],
);

export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageRowId: integer('message_row_id')
      .notNull()
      .references(() => messages.id),
    /** The mail's Message-ID (denormalised: lists and complaints quote it). */
    messageId: text('message_id').notNull(),
    kind: text('kind').notNull().default('ban'),
    /** Canonical address text. */
    ip: text('ip').notNull(),
    ipVersion: integer('ip_version').notNull(),
    /** Sortable hex key of the address, for CIDR range queries (see core/ip-ranges). */
    ipKey: text('ip_key').notNull(),
    /** The Fail2Ban jail name. */
    service: text('service').notNull(),
    /** The reporting host (from the subject), or null when the mail did not name it. */
    reporter: text('reporter'),
    failures: integer('failures'),
    bannedAt: integer('banned_at', { mode: 'timestamp_ms' }).notNull(),
    whois: text('whois'),
    /** JSON array of log lines (path prefixes removed). */
    logLines: text('log_lines', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** JSON array of the log file paths the lines came from, when the mail named them. */
    logPaths: text('log_paths', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    private: integer('private', { mode: 'boolean' }).notNull(),
    /** Why the IP is never reported ("private", "own network", ...), null when public. */
    privateReason: text('private_reason'),
    trusted: integer('trusted', { mode: 'boolean' }).notNull(),
    /** The complaint that used this report; null while unused. */
    complaintId: integer('complaint_id'),
  },
  (t) => [
    index('reports_ip').on(t.ipKey, t.bannedAt),
    index('reports_banned_at').on(t.bannedAt, t.id),
    index('reports_message').on(t.messageRowId),
    index('reports_message_id').on(t.messageId),
    index('reports_unused').on(t.complaintId, t.ipKey),
  ],
);

/** IMAP sync position per mailbox: a UIDVALIDITY change means start over. */
export const mailboxSync = sqliteTable('mailbox_sync', {
  /** "user@host:port/Mailbox". */
  mailbox: text('mailbox').primaryKey(),
  uidValidity: integer('uid_validity').notNull(),
  lastUid: integer('last_uid').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
export type ReportRow = typeof reports.$inferSelect;
export type NewReportRow = typeof reports.$inferInsert;
