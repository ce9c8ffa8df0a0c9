// Complaints (the outbox), which reports each used, IPs the operator chose to ignore,
// and the record of every headless run with its log.
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const COMPLAINT_STATES = ['draft', 'approved', 'sending', 'sent', 'failed', 'rejected', 'deferred'] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

export const complaints = sqliteTable(
  'complaints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** draft, approved, sending, sent, failed, rejected, deferred (see services/outbox). */
    state: text('state').$type<ComplaintState>().notNull(),
    /** The first (or only) attacking address; combined complaints list all in complaint_ips. */
    ip: text('ip').notNull(),
    ipKey: text('ip_key').notNull(),
    /** Where it goes (the test recipient in test mode). */
    recipient: text('recipient').notNull(),
    /** The abuse contact the registry named (differs from recipient in test mode). */
    abuseContact: text('abuse_contact').notNull(),
    /** JSON: how the contact was found (source, via, confidence, range, evidence). */
    contact: text('contact', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Our Message-ID (no angle brackets), on operator.domain. Fixed at draft time. */
    messageId: text('message_id').notNull(),
    /** Message-ID of an earlier complaint about the same IP to the same recipient (a follow-up). */
    inReplyTo: text('in_reply_to'),
    subject: text('subject').notNull(),
    /** Human-readable text (part 1). */
    bodyText: text('body_text').notNull(),
    /** X-ARF report.txt (part 2). */
    xarfReport: text('xarf_report').notNull(),
    /** logfile.log evidence (part 3). */
    evidenceLog: text('evidence_log').notNull(),
    /** JSON array of the source report Message-IDs. */
    sourceMessageIds: text('source_message_ids', { mode: 'json' }).$type<string[]>().notNull(),
    /** Eligibility reason at draft time ("5 reports from 2 hosts in 7 days"). */
    reason: text('reason'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** 'auto' (the --auto policy) or 'operator'. */
    approvedBy: text('approved_by'),
    approvedAt: integer('approved_at', { mode: 'timestamp_ms' }),
    /** Lease: who is sending it and until when (see services/outbox claim). */
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    attempts: integer('attempts').notNull().default(0),
    /** After a temporary (4xx) failure: not before this time. */
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    sendingAt: integer('sending_at', { mode: 'timestamp_ms' }),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    /** The SMTP server's last answer (or the file written, for the file outbox). */
    smtpResponse: text('smtp_response'),
    /** Why it failed / waits for the operator / was rejected or deferred. */
    lastError: text('last_error'),
    /** Set when the outcome of a send is unknown: never retried without the operator. */
    needsOperator: integer('needs_operator', { mode: 'boolean' }).notNull().default(false),
    rejectReason: text('reject_reason'),
    /** The exact bytes handed to SMTP (kept for `complaint --raw` and audits). */
    rawMail: blob('raw_mail', { mode: 'buffer' }),
    /** A bounce for this complaint arrived (the stored bounce mail's row id). */
    bouncedAt: integer('bounced_at', { mode: 'timestamp_ms' }),
    bounceMessageRowId: integer('bounce_message_row_id'),
    /** The run that drafted it (null: drafted from the desk or a command). */
    runId: integer('run_id'),
  },
  (t) => [
    uniqueIndex('complaints_message_id').on(t.messageId),
    index('complaints_state').on(t.state, t.nextAttemptAt),
    index('complaints_ip').on(t.ipKey, t.createdAt),
    index('complaints_recipient').on(t.abuseContact, t.createdAt),
    index('complaints_updated').on(t.updatedAt, t.id),
    index('complaints_bounce').on(t.bounceMessageRowId),
  ],
);

/** Every attacking address of a complaint (one row, or several when combined per recipient). */
export const complaintIps = sqliteTable(
  'complaint_ips',
  {
    complaintId: integer('complaint_id')
      .notNull()
      .references(() => complaints.id),
    ip: text('ip').notNull(),
    ipKey: text('ip_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.ipKey] }), index('complaint_ips_ip').on(t.ipKey, t.complaintId)],
);

/** The reports a complaint used (kept after a reject, as history). */
export const complaintReports = sqliteTable(
  'complaint_reports',
  {
    complaintId: integer('complaint_id')
      .notNull()
      .references(() => complaints.id),
    reportId: integer('report_id').notNull(),
    messageRowId: integer('message_row_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.complaintId, t.reportId] }), index('complaint_reports_report').on(t.reportId)],
);

/** Addresses the operator chose not to complain about (with why). */
export const ignoredIps = sqliteTable('ignored_ips', {
  ipKey: text('ip_key').primaryKey(),
  ip: text('ip').notNull(),
  note: text('note'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/** One row per headless run (`--auto`, `demo`). */
export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** auto, dry-run, demo. */
    kind: text('kind').notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
    /** running, ok, failed (some work failed). A "running" row whose process died stays so. */
    status: text('status').notNull(),
    /** JSON: the summary counts. */
    counts: text('counts', { mode: 'json' }).$type<Record<string, number>>(),
    errors: integer('errors').notNull().default(0),
    summary: text('summary'),
    pid: integer('pid'),
  },
  (t) => [index('runs_started').on(t.startedAt)],
);

export const runLog = sqliteTable(
  'run_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** info, warn, error. */
    level: text('level').notNull(),
    message: text('message').notNull(),
  },
  (t) => [index('run_log_run').on(t.runId, t.id)],
);

export type ComplaintRow = typeof complaints.$inferSelect;
export type NewComplaintRow = typeof complaints.$inferInsert;
export type RunRow = typeof runs.$inferSelect;
export type RunLogRow = typeof runLog.$inferSelect;
export type IgnoredIpRow = typeof ignoredIps.$inferSelect;
