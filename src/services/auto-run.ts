// The headless pipeline (`abusedesk --auto`, cron): fetch, flag bounces, group,
// resolve contacts, draft, approve what config.auto.approve allows, send, archive,
// and record the run (start, end, counts, errors, log lines) in the runs table.
//
// Public API:
//   runAuto(store, config, { dryRun?, now?, transport?, resolver?, retry?, onLog?, kind? }) -> Promise<AutoRunSummary>
//   describeRun(summary) -> string | null   the one summary line; null when nothing happened
//   listRuns(store, limit?) / lastRun(store) / getRun(store, id) / runLogOf(store, runId)   the record, for the desk
//
// --dry-run changes nothing: no fetch, no lookups over the network (cache and offline
// data only), no inserts, no SMTP, no IMAP moves, no run record. It renders exactly the
// mails that would go out now: the complaints already approved and due, and the ones
// this run would draft and approve.
import type { Config } from '../config/schema.js';
import { formatCount } from '../core/presentation.js';
import type { ComplaintTransport } from '../mail/smtp-sender.js';
import type { Store } from '../store/db.js';
import { complaintFromRow, complaintIpsOf } from '../store/repos/complaints.js';
import { closeAbandonedRuns, finishRun, logRun, pruneQuietRuns, startRun, type LogLevel, type RunKind } from '../store/repos/runs.js';
export { getRun, lastRun, listRuns, runLogOf } from '../store/repos/runs.js';
import { draftableIpKeys } from './candidates.js';
import type { DraftSummary } from './drafts.js';
import type { RetryPolicy } from './outbox.js';
import type { ContactResolver } from './resolve-contact.js';
import { flagBounces, renderComplaintMail, sendApproved } from './send.js';
// IMAP, the registries and the template engine load only when a run needs them:
// cron's run with nothing new should cost little more than starting the process.
import type { ComplaintRow } from '../store/schema/complaints.js';

export interface WouldSend {
  /** Stored complaint id; null for one this run would draft. */
  id: number | null;
  ips: string[];
  recipient: string;
  subject: string;
  messageId: string;
  /** The mail exactly as it would be handed to SMTP. */
  raw: string;
}

export interface AutoRunSummary {
  runId: number | null;
  dryRun: boolean;
  startedAt: string;
  endedAt: string;
  ms: number;
  fetched: number;
  newMails: number;
  newReports: number;
  bounced: number;
  evaluated: number;
  drafted: number;
  approved: number;
  /** Drafts left for the operator (not auto-approved). */
  awaitingReview: number;
  sent: number;
  retrying: number;
  failed: number;
  /** Sends whose outcome is unknown (now or found from an earlier run): wait for the operator. */
  needsOperator: number;
  archived: number;
  archiveFailed: number;
  /** Eligible by the reports but held back, with why (no contact yet, a daily cap). */
  heldBack: Array<{ ip: string; reason: string }>;
  errors: string[];
  /** Dry run only. */
  wouldSend?: WouldSend[];
}

export interface AutoRunOptions {
  dryRun?: boolean;
  now?: () => Date;
  transport?: ComplaintTransport;
  resolver?: ContactResolver;
  retry?: RetryPolicy;
  /** Every log line as it happens (the command prints them with --verbose). */
  onLog?: (level: LogLevel, message: string) => void;
  kind?: RunKind;
  /** Directory relative config paths are resolved from (the config file's). */
  baseDir?: string;
}

/** Quiet runs are kept this long (the desk shows when cron last ran). */
const QUIET_RUNS_KEPT_MS = 7 * 86_400_000;

export async function runAuto(store: Store, config: Config, opts: AutoRunOptions = {}): Promise<AutoRunSummary> {
  const clock = opts.now ?? (() => new Date());
  const started = clock();
  const dryRun = opts.dryRun ?? false;
  if (!dryRun) closeAbandonedRuns(store, started);
  const runId = dryRun ? null : startRun(store, opts.kind ?? 'auto', started);
  const s: AutoRunSummary = {
    runId,
    dryRun,
    startedAt: started.toISOString(),
    endedAt: started.toISOString(),
    ms: 0,
    fetched: 0,
    newMails: 0,
    newReports: 0,
    bounced: 0,
    evaluated: 0,
    drafted: 0,
    approved: 0,
    awaitingReview: 0,
    sent: 0,
    retrying: 0,
    failed: 0,
    needsOperator: 0,
    archived: 0,
    archiveFailed: 0,
    heldBack: [],
    errors: [],
  };
  const log = (level: LogLevel, message: string) => {
    if (runId !== null) logRun(store, runId, level, message, clock());
    opts.onLog?.(level, message);
  };
  const fail = (step: string, err: unknown) => {
    const message = `${step}: ${err instanceof Error ? err.message : String(err)}`;
    s.errors.push(message);
    log('error', message);
  };

  // 1. New mail.
  if (config.imap.url && !dryRun) {
    try {
      const { fetchMail } = await import('./fetch.js');
      const fetched = await fetchMail(store, config);
      s.fetched = fetched.fetched;
      s.newMails = fetched.stored;
      s.newReports = fetched.reports;
      for (const p of fetched.problems) fail('fetch', p);
      if (fetched.stored) log('info', `fetched ${fetched.fetched} mails: ${fetched.stored} new, ${fetched.reports} reports`);
    } catch (err) {
      fail('fetch', err);
    }
  }

  // 2. Bounces of earlier complaints.
  if (!dryRun) {
    try {
      s.bounced = flagBounces(store, config, { now: clock() });
      if (s.bounced) log('warn', `${formatCount(s.bounced, 'sent complaint')} bounced`);
    } catch (err) {
      fail('bounces', err);
    }
  }

  // 3. Candidates -> drafts (approved per config.auto.approve). A dry run does this inside a
  // transaction it rolls back, and renders every complaint a send would take at that point.
  // IMMEDIATE: it reads, then writes; a stale deferred snapshot could not upgrade (see ingest).
  if (dryRun) store.sqlite.exec('BEGIN IMMEDIATE');
  try {
    const keys = draftableIpKeys(store, config.policy, clock());
    let drafts: DraftSummary = { evaluated: 0, eligible: 0, drafted: 0, approved: 0, skipped: [], complaints: [], errors: [] };
    if (keys.length) {
      const { draftEligible } = await import('./drafts.js');
      const resolver = opts.resolver ?? new (await import('./resolve-contact.js')).ContactResolver(store, config.lookup, { baseDir: opts.baseDir });
      drafts = await draftEligible(store, config, { now: clock(), runId, resolver, dryRun, ipKeys: keys });
    }
    s.evaluated = drafts.evaluated;
    s.drafted = drafts.drafted;
    s.approved = drafts.approved;
    s.awaitingReview = drafts.drafted - drafts.approved;
    s.heldBack = drafts.skipped;
    for (const e of drafts.errors) fail('draft', e);
    for (const c of drafts.complaints) {
      log('info', `${dryRun ? 'would draft' : 'drafted'} complaint${c.id ? ` #${c.id}` : ''} about ${c.ips.join(', ')} to ${c.recipient} (${c.state}; ${c.reason})`);
    }
    if (dryRun) {
      const planned = new Set(drafts.complaints.map((c) => c.messageId));
      s.wouldSend = [];
      for (const c of dueApproved(store, clock())) {
        const mail = await wouldSend(c, config, clock());
        s.wouldSend.push({ ...mail, id: planned.has(c.messageId) ? null : c.id, ips: complaintIpsOf(store, c.id) });
      }
    }
  } catch (err) {
    fail('candidates', err);
  } finally {
    if (dryRun && store.sqlite.inTransaction) store.sqlite.exec('ROLLBACK');
  }

  // 4. Send what is approved and due.
  let sentIds: number[] = [];
  if (!dryRun && config.auto.send) {
    try {
      const sent = await sendApproved(store, config, { now: clock, transport: opts.transport, retry: opts.retry });
      s.sent = sent.sent;
      s.retrying = sent.retrying;
      s.failed = sent.failed;
      s.needsOperator = sent.unknown + sent.interrupted;
      sentIds = sent.sentIds;
      for (const r of sent.results) {
        const level: LogLevel = r.outcome.kind === 'sent' ? 'info' : r.outcome.kind === 'temporary' ? 'warn' : 'error';
        log(level, `complaint #${r.id} about ${r.ip} to ${r.recipient}: ${r.state} (${r.outcome.response})`);
        if (r.outcome.kind === 'permanent') s.errors.push(`complaint #${r.id} to ${r.recipient} refused: ${r.outcome.response}`);
        if (r.outcome.kind === 'unknown') s.errors.push(`complaint #${r.id} to ${r.recipient}: outcome unknown, waits for the operator`);
      }
      if (sent.interrupted) {
        const message = `${formatCount(sent.interrupted, 'complaint')} found half-sent from an earlier run: waiting for the operator (abusedesk complaints --state sending)`;
        s.errors.push(message);
        log('error', message);
      }
      if (sent.composeErrors) fail('send', `${formatCount(sent.composeErrors, 'complaint')} could not be composed`);
    } catch (err) {
      fail('send', err);
    }
  }

  // 5. Archive: only now that the sends are committed.
  if (!dryRun && config.auto.archive && config.imap.url) {
    try {
      const { archiveOldMails, archiveUsedMails } = await import('./archive.js');
      const used = await archiveUsedMails(store, config, pendingUsedComplaints(store, sentIds, clock(), config), { now: clock() });
      const old = await archiveOldMails(store, config, { now: clock() });
      s.archived = used.archived + old.archived;
      s.archiveFailed = used.failed + old.failed;
      for (const e of [...used.errors, ...old.errors]) fail('archive', e);
      if (s.archived) log('info', `archived ${formatCount(s.archived, 'mail')}`);
    } catch (err) {
      fail('archive', err);
    }
  }

  const ended = clock();
  s.endedAt = ended.toISOString();
  s.ms = ended.getTime() - started.getTime();
  if (runId !== null) {
    const { errors, wouldSend: _w, runId: _r, dryRun: _d, startedAt: _s, endedAt: _e, heldBack, ...counts } = s;
    finishRun(
      store,
      runId,
      { status: errors.length ? 'failed' : 'ok', counts: { ...counts, heldBack: heldBack.length, errors: errors.length }, errors: errors.length, summary: describeRun(s) },
      ended,
    );
    pruneQuietRuns(store, new Date(ended.getTime() - QUIET_RUNS_KEPT_MS));
  }
  return s;
}

/** Approved complaints that are due now (what a send would take). */
function dueApproved(store: Store, now: Date): ComplaintRow[] {
  const rows = store.sqlite
    .prepare(
      `SELECT * FROM complaints WHERE state = 'approved' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
       AND (lease_until IS NULL OR lease_until < ?) ORDER BY id`,
    )
    .all(now.getTime(), now.getTime()) as Array<Record<string, unknown>>;
  return rows.map(complaintFromRow);
}

async function wouldSend(c: ComplaintRow, config: Config, now: Date): Promise<WouldSend> {
  const raw = await renderComplaintMail(c, config, now);
  return { id: c.id, ips: [c.ip], recipient: config.complaint.testRecipient ?? c.recipient, subject: c.subject, messageId: c.messageId, raw: raw.toString('utf8') };
}

/**
 * Complaints whose used mails still wait to be archived: the ones sent now, and any
 * sent recently whose archiving was cut short (a crash or a lost connection after
 * the send was committed). Older ones are covered by the age-based archiving.
 */
function pendingUsedComplaints(store: Store, sentNow: number[], now: Date, config: Config): number[] {
  const since = now.getTime() - Math.max(1, config.policy.archiveAfterDays) * 86_400_000;
  const rows = store.sqlite
    .prepare(
      `SELECT DISTINCT c.id FROM complaints c INDEXED BY complaints_updated JOIN complaint_reports cr ON cr.complaint_id = c.id JOIN messages m ON m.id = cr.message_row_id
       WHERE c.updated_at >= ? AND c.state = 'sent' AND m.archived_at IS NULL AND m.mailbox IS NOT NULL`,
    )
    .all(since) as Array<{ id: number }>;
  return [...new Set([...sentNow, ...rows.map((r) => r.id)])];
}

/** The one summary line for cron; null when nothing happened (cron stays quiet). */
export function describeRun(s: AutoRunSummary): string | null {
  const parts: string[] = [];
  if (s.newMails) parts.push(`${formatCount(s.newMails, 'new mail')} (${formatCount(s.newReports, 'report')})`);
  if (s.drafted) {
    parts.push(
      `${formatCount(s.drafted, 'complaint')} ${s.dryRun ? 'would be drafted' : 'drafted'}` +
        (s.awaitingReview ? ` (${s.awaitingReview} for review)` : ''),
    );
  }
  if (s.wouldSend?.length) parts.push(`${formatCount(s.wouldSend.length, 'complaint')} would be sent`);
  if (s.sent) parts.push(`${s.sent} sent`);
  if (s.retrying) parts.push(`${s.retrying} to retry later`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.needsOperator) parts.push(`${s.needsOperator} waiting for the operator`);
  if (s.bounced) parts.push(`${s.bounced} bounced`);
  if (s.archived) parts.push(`${formatCount(s.archived, 'mail')} archived`);
  if (s.errors.length) parts.push(formatCount(s.errors.length, 'error'));
  if (!parts.length) return null;
  return `abusedesk${s.dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}`;
}
