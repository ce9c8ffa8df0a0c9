// The outbox: the complaint state machine and the lease that makes sending happen
// exactly once, even with the desk and cron working on the same database.
//
//   draft -> approved -> sending -> sent
//                                -> approved (4xx: again after next_attempt_at)
//                                -> failed   (5xx, with the server's answer)
//                                -> sending + needsOperator (outcome unknown: never resent on its own)
//   draft|approved|deferred|failed|sending(needsOperator) -> rejected
//   draft|approved -> deferred -> approved (approve again)
//
// Public API (the desk, the commands and --auto call these):
//   approveComplaints(store, ids, { by?, now? })                  -> TransitionResult[]
//   rejectComplaints(store, ids, { reason, release?, now? })      -> TransitionResult[]
//   deferComplaints(store, ids, { note?, now? })                  -> TransitionResult[]
//   editComplaint(store, id, { subject?, bodyText?, recipient? }) -> TransitionResult
//   retryComplaint(store, id, { now? })   failed, or sending + needsOperator -> approved (the operator checked)
//   markComplaintSent(store, id, { note?, now? })  sending + needsOperator -> sent (the operator found it delivered)
//   claimNext / beginSending / recordOutcome / releaseClaim / recoverInterrupted: the protocol used by services/send.ts
//
// Every change is one UPDATE whose WHERE clause names the state (and the lease) it
// expects, so a change that lost a race changes nothing and says so.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.js';
import { complaintFromRow } from '../store/repos/complaints.js';
import type { ComplaintRow, ComplaintState } from '../store/schema/complaints.js';
import type { SendOutcome } from '../mail/smtp-sender.js';

export interface TransitionResult {
  id: number;
  ok: boolean;
  /** The state after the call (null when the complaint does not exist). */
  state: ComplaintState | null;
  /** Why nothing changed. */
  error?: string;
}

export const INTERRUPTED_SEND =
  'was being sent when the process stopped; check the recipient\'s mailbox / SMTP log before retrying (retry resends it, "mark sent" records it as delivered)';
export const UNKNOWN_OUTCOME =
  'the connection broke after the mail was handed over, so it may have been delivered; check the recipient\'s mailbox / SMTP log before retrying';

/** A lease owner name: host, pid and a random part (several senders in one process stay apart). */
export function newLeaseOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

function transition(
  store: Store,
  id: number,
  sql: string,
  params: Record<string, unknown>,
  expected: string,
): TransitionResult {
  const changed = store.sqlite.prepare(sql).run({ id, ...params }).changes;
  const row = store.sqlite.prepare('SELECT state, lease_owner, lease_until, needs_operator FROM complaints WHERE id = ?').get(id) as
    | { state: ComplaintState; lease_owner: string | null; lease_until: number | null; needs_operator: number }
    | undefined;
  if (!row) return { id, ok: false, state: null, error: `no complaint #${id}` };
  if (changed) return { id, ok: true, state: row.state };
  const busy = row.state === 'approved' && row.lease_owner && (row.lease_until ?? 0) > Date.now() ? ' (a sender holds it right now)' : '';
  const waiting = row.state === 'sending' && !row.needs_operator ? ' (being sent right now)' : '';
  return { id, ok: false, state: row.state, error: `complaint #${id} is ${row.state}${busy}${waiting}; ${expected}` };
}

const FREE = '(lease_until IS NULL OR lease_until < @now)';

export function approveComplaints(store: Store, ids: readonly number[], opts: { by?: string; now?: Date } = {}): TransitionResult[] {
  const now = (opts.now ?? new Date()).getTime();
  return ids.map((id) =>
    transition(
      store,
      id,
      `UPDATE complaints SET state = 'approved', approved_by = @by, approved_at = @now, updated_at = @now, next_attempt_at = NULL, last_error = NULL
       WHERE id = @id AND state IN ('draft', 'deferred')`,
      { now, by: opts.by ?? 'operator' },
      'only drafts and deferred complaints can be approved',
    ),
  );
}

/**
 * Rejects complaints that were not sent. The reports they used stay used by default
 * (the operator judged this evidence: it must not come straight back as a new
 * candidate); `release` frees them so they count towards a new complaint.
 */
export function rejectComplaints(
  store: Store,
  ids: readonly number[],
  opts: { reason: string; release?: boolean; now?: Date },
): TransitionResult[] {
  const now = (opts.now ?? new Date()).getTime();
  const release = store.sqlite.prepare('UPDATE reports SET complaint_id = NULL WHERE complaint_id = ?');
  return ids.map((id) =>
    store.sqlite.transaction(() => {
      const result = transition(
        store,
        id,
        `UPDATE complaints SET state = 'rejected', reject_reason = @reason, updated_at = @now, lease_owner = NULL, lease_until = NULL,
           needs_operator = 0, next_attempt_at = NULL
         WHERE id = @id AND (state IN ('draft', 'deferred', 'failed') OR (state = 'approved' AND ${FREE}) OR (state = 'sending' AND needs_operator = 1))`,
        { now, reason: opts.reason },
        'only complaints that were not sent (and are not being sent) can be rejected',
      );
      if (result.ok && opts.release) release.run(id);
      return result;
    })(),
  );
}

export function deferComplaints(store: Store, ids: readonly number[], opts: { note?: string; now?: Date } = {}): TransitionResult[] {
  const now = (opts.now ?? new Date()).getTime();
  return ids.map((id) =>
    transition(
      store,
      id,
      `UPDATE complaints SET state = 'deferred', last_error = @note, updated_at = @now, approved_by = NULL, approved_at = NULL
       WHERE id = @id AND (state = 'draft' OR (state = 'approved' AND ${FREE}))`,
      { now, note: opts.note ?? null },
      'only drafts and approved complaints not being sent can be deferred',
    ),
  );
}

/** Edits a draft (or deferred) complaint's text, subject or recipient. Approved ones go back to draft first (defer). */
export function editComplaint(
  store: Store,
  id: number,
  changes: { subject?: string; bodyText?: string; recipient?: string },
  opts: { now?: Date } = {},
): TransitionResult {
  const now = (opts.now ?? new Date()).getTime();
  const current = store.sqlite.prepare('SELECT subject, body_text, recipient FROM complaints WHERE id = ?').get(id) as
    | { subject: string; body_text: string; recipient: string }
    | undefined;
  if (!current) return { id, ok: false, state: null, error: `no complaint #${id}` };
  if (changes.recipient !== undefined && !/^[^\s@<>]+@[^\s@<>]+$/.test(changes.recipient)) {
    return { id, ok: false, state: null, error: `not an e-mail address: ${changes.recipient}` };
  }
  return transition(
    store,
    id,
    `UPDATE complaints SET subject = @subject, body_text = @bodyText, recipient = @recipient, updated_at = @now
     WHERE id = @id AND state IN ('draft', 'deferred')`,
    {
      now,
      subject: changes.subject ?? current.subject,
      bodyText: changes.bodyText ?? current.body_text,
      recipient: changes.recipient ?? current.recipient,
    },
    'only drafts and deferred complaints can be edited',
  );
}

/**
 * The operator's decision after checking: a failed complaint, or one whose send
 * outcome is unknown, goes back to approved and will be sent (again).
 */
export function retryComplaint(store: Store, id: number, opts: { now?: Date } = {}): TransitionResult {
  const now = (opts.now ?? new Date()).getTime();
  return transition(
    store,
    id,
    `UPDATE complaints SET state = 'approved', needs_operator = 0, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL,
       approved_by = 'operator', approved_at = @now, updated_at = @now
     WHERE id = @id AND (state = 'failed' OR (state = 'sending' AND needs_operator = 1))`,
    { now },
    'only failed complaints and interrupted sends waiting for the operator can be retried',
  );
}

/** The operator found an interrupted send delivered: record it as sent. */
export function markComplaintSent(store: Store, id: number, opts: { note?: string; now?: Date } = {}): TransitionResult {
  const now = (opts.now ?? new Date()).getTime();
  return transition(
    store,
    id,
    `UPDATE complaints SET state = 'sent', sent_at = @now, needs_operator = 0, lease_owner = NULL, lease_until = NULL, updated_at = @now,
       smtp_response = coalesce(@note, 'marked sent by the operator')
     WHERE id = @id AND state = 'sending' AND needs_operator = 1`,
    { now, note: opts.note ?? null },
    'only interrupted sends waiting for the operator can be marked sent',
  );
}

// ---- the sending protocol (services/send.ts) ----

/**
 * Takes the next approved complaint that is due and not leased, in one UPDATE ...
 * RETURNING: two processes can never both hold it.
 */
export function claimNext(
  store: Store,
  owner: string,
  opts: { now: Date; leaseMs: number; ids?: readonly number[]; skip?: ReadonlySet<number> },
): ComplaintRow | null {
  const now = opts.now.getTime();
  const only = opts.ids?.length ? `AND id IN (${opts.ids.map((n) => Number(n)).join(', ')})` : '';
  const skip = opts.skip?.size ? `AND id NOT IN (${[...opts.skip].map((n) => Number(n)).join(', ')})` : '';
  const row = store.sqlite
    .prepare(
      `UPDATE complaints SET lease_owner = @owner, lease_until = @until
       WHERE id = (SELECT id FROM complaints WHERE state = 'approved' AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
                   AND ${FREE} ${only} ${skip} ORDER BY id LIMIT 1)
         AND state = 'approved' AND ${FREE}
       RETURNING *`,
    )
    .get({ owner, until: now + opts.leaseMs, now }) as Record<string, unknown> | undefined;
  return row ? complaintFromRow(row) : null;
}

/** Records "sending" with the exact bytes, before they go to the server. False: the lease was lost. */
export function beginSending(store: Store, id: number, owner: string, raw: Buffer, opts: { now: Date; leaseMs: number }): boolean {
  const now = opts.now.getTime();
  return (
    store.sqlite
      .prepare(
        `UPDATE complaints SET state = 'sending', sending_at = @now, raw_mail = @raw, attempts = attempts + 1, lease_until = @until, updated_at = @now
         WHERE id = @id AND state = 'approved' AND lease_owner = @owner`,
      )
      .run({ id, owner, raw, now, until: now + opts.leaseMs }).changes === 1
  );
}

/** Gives a claimed (not yet sending) complaint back, e.g. when composing it failed. */
export function releaseClaim(store: Store, id: number, owner: string, error: string | null, now: Date): void {
  store.sqlite
    .prepare(
      `UPDATE complaints SET lease_owner = NULL, lease_until = NULL, last_error = coalesce(@error, last_error), updated_at = @now
       WHERE id = @id AND state = 'approved' AND lease_owner = @owner`,
    )
    .run({ id, owner, error, now: now.getTime() });
}

export interface RetryPolicy {
  /** First wait after a temporary failure; doubles per attempt. */
  backoffMs: number;
  maxBackoffMs: number;
  /** After this many attempts a temporary failure counts as final. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { backoffMs: 5 * 60_000, maxBackoffMs: 6 * 3_600_000, maxAttempts: 10 };

/** Records what the server said. Returns the new state. */
export function recordOutcome(
  store: Store,
  id: number,
  owner: string,
  outcome: SendOutcome,
  opts: { now: Date; retry?: RetryPolicy },
): ComplaintState {
  const now = opts.now.getTime();
  const retry = opts.retry ?? DEFAULT_RETRY;
  const row = store.sqlite.prepare('SELECT attempts FROM complaints WHERE id = ?').get(id) as { attempts: number } | undefined;
  const attempts = row?.attempts ?? 1;
  const where = `WHERE id = @id AND state = 'sending' AND lease_owner = @owner`;
  const base = { id, owner, now, response: outcome.response };
  switch (outcome.kind) {
    case 'sent':
      // Also when another process meanwhile took it for interrupted: the server's 250 settles it.
      store.sqlite
        .prepare(
          `UPDATE complaints SET state = 'sent', sent_at = @now, smtp_response = @response, last_error = NULL, next_attempt_at = NULL,
             needs_operator = 0, lease_owner = NULL, lease_until = NULL, updated_at = @now
           WHERE id = @id AND state = 'sending' AND (lease_owner = @owner OR (needs_operator = 1 AND lease_owner IS NULL))`,
        )
        .run(base);
      return 'sent';
    case 'temporary':
      if (attempts < retry.maxAttempts) {
        const wait = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** Math.max(0, attempts - 1));
        store.sqlite
          .prepare(
            `UPDATE complaints SET state = 'approved', next_attempt_at = @next, smtp_response = @response,
               last_error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now ${where}`,
          )
          .run({ ...base, next: now + wait, error: `temporary failure (attempt ${attempts}), retrying after ${Math.round(wait / 1000)} s: ${outcome.response}` });
        return 'approved';
      }
      store.sqlite
        .prepare(
          `UPDATE complaints SET state = 'failed', smtp_response = @response, last_error = @error,
             lease_owner = NULL, lease_until = NULL, updated_at = @now ${where}`,
        )
        .run({ ...base, error: `gave up after ${attempts} temporary failures: ${outcome.response}` });
      return 'failed';
    case 'permanent':
      store.sqlite
        .prepare(
          `UPDATE complaints SET state = 'failed', smtp_response = @response, last_error = @error,
             lease_owner = NULL, lease_until = NULL, updated_at = @now ${where}`,
        )
        .run({ ...base, error: `refused by the server: ${outcome.response}` });
      return 'failed';
    case 'unknown':
      store.sqlite
        .prepare(
          `UPDATE complaints SET needs_operator = 1, smtp_response = @response, last_error = @error,
             lease_owner = NULL, lease_until = NULL, updated_at = @now ${where}`,
        )
        .run({ ...base, error: `${UNKNOWN_OUTCOME} (${outcome.response})` });
      return 'sending';
  }
}

/**
 * Finds sends whose process is gone: a complaint in "sending" whose lease ran out,
 * or whose owner is a dead process on this host, waits for the operator from now on.
 * A claimed-but-not-yet-sending complaint of a dead process is simply freed.
 */
export function recoverInterrupted(store: Store, now: Date): { flagged: number; freed: number } {
  const rows = store.sqlite
    .prepare(
      `SELECT id, state, lease_owner, lease_until FROM complaints
       WHERE (state = 'sending' AND needs_operator = 0) OR (state = 'approved' AND lease_owner IS NOT NULL)`,
    )
    .all() as Array<{ id: number; state: ComplaintState; lease_owner: string | null; lease_until: number | null }>;
  let flagged = 0;
  let freed = 0;
  const flag = store.sqlite.prepare(
    `UPDATE complaints SET needs_operator = 1, last_error = @error, lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE id = @id AND state = 'sending' AND needs_operator = 0 AND coalesce(lease_owner, '') = coalesce(@owner, '')`,
  );
  const free = store.sqlite.prepare(
    `UPDATE complaints SET lease_owner = NULL, lease_until = NULL WHERE id = @id AND state = 'approved' AND lease_owner = @owner`,
  );
  for (const r of rows) {
    const gone = (r.lease_until ?? 0) < now.getTime() || ownerIsDead(r.lease_owner);
    if (!gone) continue;
    if (r.state === 'sending') flagged += flag.run({ id: r.id, owner: r.lease_owner, now: now.getTime(), error: INTERRUPTED_SEND }).changes;
    else freed += free.run({ id: r.id, owner: r.lease_owner }).changes;
  }
  return { flagged, freed };
}

/** True only when the owner is a process on this host that no longer exists. */
function ownerIsDead(owner: string | null): boolean {
  if (!owner) return true;
  const [host, pidText] = owner.split(':');
  if (host !== os.hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
