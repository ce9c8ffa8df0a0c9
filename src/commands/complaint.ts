// `abusedesk complaint <id> [--raw]`: one complaint in full; --raw prints the mail
// exactly as it was (or, before sending, would be) handed to SMTP.
// `--retry` / `--mark-sent` settle a send whose outcome was unknown, after the operator checked.
import { complaintIpsOf, getComplaint, reportsOfComplaint } from '../store/repos/complaints.js';
import { markComplaintSent, retryComplaint } from '../services/outbox.js';
import { renderComplaintMail } from '../services/send.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';
import { complaintView, stateLabel } from './complaints.js';
import { shortTime } from './views.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length !== 1) throw new UsageError('usage: abusedesk complaint <id> [--raw] [--retry | --mark-sent]');
  const id = Number(ctx.args[0]);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`not a complaint id: ${ctx.args[0]}`);
  const store = ctx.store();
  if (ctx.flags.retry || ctx.flags.markSent) {
    const result = ctx.flags.retry ? retryComplaint(store, id) : markComplaintSent(store, id, { note: (ctx.flags.note as string | undefined) ?? undefined });
    if (ctx.out.jsonMode) ctx.out.json(result);
    else if (!result.ok) ctx.out.error(`abusedesk: ${result.error}`);
    else if (!ctx.out.quiet) ctx.out.line(`complaint #${id} is now ${result.state}`);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  }
  const c = getComplaint(store, id);
  if (!c) {
    ctx.out.error(`abusedesk: no complaint #${id}`);
    return EXIT_FAILED;
  }
  if (ctx.flags.raw) {
    const { config } = ctx.config();
    const raw = await renderComplaintMail(c, config);
    if (!c.rawMail) ctx.out.error(`note: complaint #${id} was not sent yet; this is how it would be sent now`);
    // The exact bytes: a mail is data here, not terminal text (pipe it to a file or a mail reader).
    process.stdout.write(raw);
    return EXIT_OK;
  }
  const ips = complaintIpsOf(store, id);
  if (ctx.out.jsonMode) {
    ctx.out.json({ ...complaintView(c, ips), text: c.bodyText, report: c.xarfReport, evidence: c.evidenceLog, reports: reportsOfComplaint(store, id).map((r) => r.id) });
    return EXIT_OK;
  }
  const o = ctx.out;
  o.line(`complaint #${c.id}  ${stateLabel(c)}`);
  o.line(`to:        ${c.recipient}${c.recipient !== c.abuseContact ? ` (test mode; abuse contact ${c.abuseContact})` : ''}`);
  o.line(`about:     ${ips.join(', ')}`);
  o.line(`subject:   ${c.subject}`);
  o.line(`message:   <${c.messageId}>${c.inReplyTo ? ` follows up <${c.inReplyTo}>` : ''}`);
  o.line(`created:   ${shortTime(c.createdAt)} UTC${c.reason ? `  (${c.reason})` : ''}`);
  if (c.approvedAt) o.line(`approved:  ${shortTime(c.approvedAt)} UTC by ${c.approvedBy ?? '?'}`);
  if (c.sentAt) o.line(`sent:      ${shortTime(c.sentAt)} UTC  ${c.smtpResponse ?? ''}`);
  if (c.nextAttemptAt && c.state === 'approved') o.line(`retry:     not before ${shortTime(c.nextAttemptAt)} UTC (attempt ${c.attempts + 1})`);
  if (c.lastError) o.line(`note:      ${c.lastError}`);
  if (c.rejectReason) o.line(`rejected:  ${c.rejectReason}`);
  if (c.needsOperator) o.line('action:    abusedesk complaint ' + c.id + ' --retry (it was not delivered) | --mark-sent (it was)');
  o.line('');
  o.line(c.bodyText);
  o.line('');
  o.line('--- report.txt');
  o.line(c.xarfReport);
  o.line('--- logfile.log');
  o.line(c.evidenceLog);
  return EXIT_OK;
}
