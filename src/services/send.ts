// Sending approved complaints, exactly once. For each: claim it (lease), compose
// the mail to bytes, record "sending" with those bytes, hand them to the server,
// record the answer. Each step is committed before the next, so a crash at any
// point leaves a state that says what is known: approved (not sent), sending (maybe
// sent: waits for the operator, never resent on its own), or the final answer.
//
// Public API:
//   sendApproved(store, config, { ids?, transport?, now?, retry?, onEvent? }) -> Promise<SendSummary>
//   transportFor(config) -> Promise<ComplaintTransport>   (smtp.outboxDir: .eml files; else smtp.url)
//   outgoingFor(complaint, config) -> OutgoingComplaint   (headers from config.operator; test mode)
//   renderComplaintMail(complaint, config, now?) -> Promise<Buffer>   what would be sent (dry runs, previews)
//   flagBounces(store, config, { now? }) -> number   marks sent complaints whose mail bounced
import type { Config } from '../config/schema.js';
import type { ComplaintTransport, OutgoingComplaint, SendOutcome } from '../mail/smtp-sender.js';
import type { Store } from '../store/db.js';
import { getComplaintByMessageId } from '../store/repos/complaints.js';
import type { ComplaintRow, ComplaintState } from '../store/schema/complaints.js';
import {
  beginSending,
  claimNext,
  newLeaseOwner,
  recordOutcome,
  recoverInterrupted,
  releaseClaim,
  type RetryPolicy,
} from './outbox.js';

export interface SendEvent {
  complaint: ComplaintRow;
  phase: 'sending' | 'done';
  outcome?: SendOutcome;
  state?: ComplaintState;
}

export interface SendResult {
  id: number;
  ip: string;
  recipient: string;
  messageId: string;
  state: ComplaintState;
  outcome: SendOutcome;
}

export interface SendSummary {
  /** Hand-overs tried. */
  attempted: number;
  sent: number;
  /** 4xx (or no connection): back to approved, retried after the backoff. */
  retrying: number;
  /** 5xx or gave up. */
  failed: number;
  /** Outcome unknown: waits for the operator. */
  unknown: number;
  /** Interrupted sends found (now waiting for the operator) and stale claims freed. */
  interrupted: number;
  freed: number;
  /** Complaints that could not be composed (left approved, with the error). */
  composeErrors: number;
  results: SendResult[];
  /** Ids of the complaints sent in this call (their mails can be archived). */
  sentIds: number[];
}

export interface SendOptions {
  /** Only these complaints (still only when approved and due). */
  ids?: readonly number[];
  transport?: ComplaintTransport;
  now?: () => Date;
  retry?: RetryPolicy;
  owner?: string;
  onEvent?: (event: SendEvent) => void;
  /** Stop after this many hand-overs. */
  limit?: number;
}

// nodemailer loads only when there is something to compose or send.
const sender = () => import('../mail/smtp-sender.js');

export async function transportFor(config: Config): Promise<ComplaintTransport> {
  if (config.smtp.outboxDir) return (await import('../mail/file-outbox.js')).createFileOutbox(config.smtp.outboxDir);
  return (await sender()).createSmtpTransport(config.smtp);
}

/** The mail for a complaint: From/Reply-To/Cc/Bcc from config.operator; test mode sends to testRecipient only. */
export function outgoingFor(c: ComplaintRow, config: Config): OutgoingComplaint {
  const test = config.complaint.testRecipient;
  return {
    from: config.operator.from,
    to: test ?? c.recipient,
    cc: test ? [] : config.operator.cc,
    bcc: test ? [] : config.operator.bcc,
    replyTo: config.operator.replyTo,
    subject: c.subject,
    messageId: c.messageId,
    date: new Date(),
    inReplyTo: c.inReplyTo,
    text: c.bodyText,
    report: c.xarfReport,
    evidence: c.evidenceLog,
  };
}

/** The exact bytes: the stored ones once a send began, else a fresh rendering. */
export async function renderComplaintMail(c: ComplaintRow, config: Config, now: Date = new Date()): Promise<Buffer> {
  if (c.rawMail) return c.rawMail;
  return (await (await sender()).composeComplaintMail({ ...outgoingFor(c, config), date: now })).raw;
}

export async function sendApproved(store: Store, config: Config, opts: SendOptions = {}): Promise<SendSummary> {
  const clock = opts.now ?? (() => new Date());
  const owner = opts.owner ?? newLeaseOwner();
  const summary: SendSummary = {
    attempted: 0,
    sent: 0,
    retrying: 0,
    failed: 0,
    unknown: 0,
    interrupted: 0,
    freed: 0,
    composeErrors: 0,
    results: [],
    sentIds: [],
  };
  const recovered = recoverInterrupted(store, clock());
  summary.interrupted = recovered.flagged;
  summary.freed = recovered.freed;
  // A claim must outlive the slowest hand-over, or a second sender could take it over.
  const leaseMs = config.smtp.timeoutMs * 4 + 60_000;
  let transport = opts.transport ?? null;
  const seen = new Set<number>();
  try {
    while (opts.limit === undefined || summary.attempted < opts.limit) {
      const complaint = claimNext(store, owner, { now: clock(), leaseMs, ids: opts.ids, skip: seen });
      if (!complaint) break;
      seen.add(complaint.id);
      transport ??= await transportFor(config);
      const { composeComplaintMail } = await sender();
      let mail;
      try {
        const outgoing = outgoingFor(complaint, config);
        mail = complaint.rawMail
          ? { raw: complaint.rawMail, envelope: (await composeComplaintMail(outgoing)).envelope }
          : await composeComplaintMail({ ...outgoing, date: clock() });
      } catch (err) {
        summary.composeErrors++;
        releaseClaim(store, complaint.id, owner, `cannot compose the mail: ${(err as Error).message}`, clock());
        continue;
      }
      if (!beginSending(store, complaint.id, owner, mail.raw, { now: clock(), leaseMs })) continue;
      opts.onEvent?.({ complaint, phase: 'sending' });
      summary.attempted++;
      const outcome = await transport.send({ ...mail, messageId: complaint.messageId });
      const state = recordOutcome(store, complaint.id, owner, outcome, { now: clock(), retry: opts.retry });
      opts.onEvent?.({ complaint, phase: 'done', outcome, state });
      summary.results.push({ id: complaint.id, ip: complaint.ip, recipient: complaint.recipient, messageId: complaint.messageId, state, outcome });
      if (outcome.kind === 'sent') {
        summary.sent++;
        summary.sentIds.push(complaint.id);
      } else if (outcome.kind === 'temporary') {
        if (state === 'failed') summary.failed++;
        else summary.retrying++;
      } else if (outcome.kind === 'permanent') summary.failed++;
      else summary.unknown++;
    }
  } finally {
    transport?.close();
  }
  return summary;
}

const BOUNCE_LOOKBACK_MS = 30 * 86_400_000;

/**
 * Marks sent complaints whose mail bounced: a stored bounce mail that quotes one of
 * our Message-IDs (the usual DSN carries the original headers), or else names the
 * complaint's recipient as the failed one. Returns how many were marked.
 */
export function flagBounces(store: Store, config: Config, opts: { now?: Date } = {}): number {
  const now = opts.now ?? new Date();
  const bounces = store.sqlite
    .prepare(
      `SELECT m.id, m.raw, m.stored_at FROM messages m WHERE m.kind = 'bounce' AND m.stored_at >= ?
       AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.bounce_message_row_id = m.id)`,
    )
    .all(now.getTime() - BOUNCE_LOOKBACK_MS) as Array<{ id: number; raw: Buffer; stored_at: number }>;
  if (!bounces.length) return 0;
  const domain = config.operator.domain.toLowerCase();
  const mark = store.sqlite.prepare(
    `UPDATE complaints SET bounced_at = @now, bounce_message_row_id = @bounce, last_error = @note, updated_at = @now
     WHERE id = @id AND state = 'sent' AND bounced_at IS NULL`,
  );
  const byRecipient = store.sqlite.prepare(
    `SELECT id FROM complaints WHERE state = 'sent' AND bounced_at IS NULL AND lower(recipient) = ? AND sent_at <= ?
     ORDER BY sent_at DESC LIMIT 1`,
  );
  let marked = 0;
  for (const bounce of bounces) {
    const text = bounce.raw.toString('latin1');
    const ids = new Set<number>();
    for (const m of text.matchAll(/<([^<>\s@]{1,200}@([^<>\s]{1,200}))>/g)) {
      if (m[2]!.toLowerCase() !== domain) continue;
      const c = getComplaintByMessageId(store, m[1]!);
      if (c) ids.add(c.id);
    }
    if (!ids.size) {
      for (const m of text.matchAll(/^(?:Final|Original)-Recipient:\s*rfc822;\s*<?([^\s<>;]+@[^\s<>;]+)>?/gim)) {
        const row = byRecipient.get(m[1]!.toLowerCase(), bounce.stored_at) as { id: number } | undefined;
        if (row) ids.add(row.id);
      }
    }
    for (const id of ids) {
      marked += mark.run({ id, bounce: bounce.id, now: now.getTime(), note: `bounced: the recipient's server returned it (stored mail #${bounce.id})` }).changes;
    }
  }
  return marked;
}
