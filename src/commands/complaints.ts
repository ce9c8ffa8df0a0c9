// `abusedesk complaints [--state S] [--limit N]`: complaints and their states, newest change first.
import { countComplaintsByState, isComplaintState, listComplaints } from '../store/repos/complaints.js';
import type { ComplaintRow } from '../store/schema/complaints.js';
import { COMPLAINT_STATES } from '../store/schema/complaints.js';
import { EXIT_OK, UsageError, type CommandContext } from './context.js';
import { shortTime } from './views.js';

/** The public JSON shape of a complaint (`complaints --json`, `complaint <id> --json`). */
export function complaintView(c: ComplaintRow, ips: string[] = [c.ip]) {
  return {
    id: c.id,
    state: c.state,
    needsOperator: c.needsOperator,
    ip: c.ip,
    ips,
    recipient: c.recipient,
    abuseContact: c.abuseContact,
    messageId: c.messageId,
    inReplyTo: c.inReplyTo,
    subject: c.subject,
    reason: c.reason,
    sourceMessageIds: c.sourceMessageIds,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    approvedBy: c.approvedBy,
    approvedAt: c.approvedAt?.toISOString() ?? null,
    attempts: c.attempts,
    nextAttemptAt: c.nextAttemptAt?.toISOString() ?? null,
    sentAt: c.sentAt?.toISOString() ?? null,
    smtpResponse: c.smtpResponse,
    lastError: c.lastError,
    rejectReason: c.rejectReason,
    bounced: c.bouncedAt !== null,
    contact: c.contact,
  };
}

/** "sending (waits for operator)" and the like: the state as an operator reads it. */
export function stateLabel(c: ComplaintRow): string {
  if (c.state === 'sending' && c.needsOperator) return 'sending?';
  if (c.state === 'sent' && c.bouncedAt) return 'bounced';
  if (c.state === 'approved' && c.nextAttemptAt) return 'retrying';
  return c.state;
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) throw new UsageError('complaints takes no arguments (see --state, --limit)');
  const stateText = ctx.flags.state as string | undefined;
  const states = stateText ? stateText.split(',').map((s) => s.trim()) : [];
  for (const s of states) if (!isComplaintState(s)) throw new UsageError(`--state must be one of ${COMPLAINT_STATES.join(', ')}`);
  const limit = (ctx.flags.limit as number | undefined) ?? 100;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  const store = ctx.store();
  const rows = listComplaints(store, states.length ? { state: states.filter(isComplaintState) } : {}, { limit });
  if (ctx.out.jsonMode) {
    for (const c of rows) ctx.out.json(complaintView(c));
    return EXIT_OK;
  }
  if (!rows.length) {
    if (!ctx.out.quiet) ctx.out.line(states.length ? `no complaints in state ${states.join(', ')}` : 'no complaints');
    return EXIT_OK;
  }
  ctx.out.table(
    ['ID', 'STATE', 'UPDATED (UTC)', 'IP', 'RECIPIENT', 'NOTE'],
    rows.map((c) => [c.id, stateLabel(c), shortTime(c.updatedAt), c.ip, c.recipient, c.lastError ?? c.rejectReason ?? c.reason]),
    [8, 10, 16, 39, 40, 80],
  );
  if (!ctx.out.quiet) {
    const counts = countComplaintsByState(store);
    ctx.out.line(
      COMPLAINT_STATES.filter((s) => counts[s])
        .map((s) => `${counts[s]} ${s}`)
        .join(', '),
    );
  }
  return EXIT_OK;
}
