// `abusedesk send [<id...>]`: sends approved complaints that are due now (all, or the given ones).
import { sendApproved } from '../services/send.js';
import { archiveUsedMails } from '../services/archive.js';
import { EXIT_FAILED, EXIT_OK, type CommandContext } from './context.js';
import { parseIds } from './reject.js';

export async function run(ctx: CommandContext): Promise<number> {
  const ids = ctx.args.length ? parseIds(ctx.args, 'send [<id...>]') : undefined;
  const { config } = ctx.config();
  const store = ctx.store();
  const summary = await sendApproved(store, config, { ids, onEvent: (e) => e.phase === 'sending' && ctx.out.progress(`sending #${e.complaint.id} to ${e.complaint.recipient}`) });
  ctx.out.progressDone();
  const archive = config.auto.archive ? await archiveUsedMails(store, config, summary.sentIds).catch((err: Error) => ({ archived: 0, failed: 0, errors: [err.message], skipped: false })) : null;
  for (const e of archive?.errors ?? []) ctx.out.error(`abusedesk: archive: ${e}`);
  if (ctx.out.jsonMode) {
    for (const r of summary.results) ctx.out.json({ id: r.id, ip: r.ip, recipient: r.recipient, messageId: r.messageId, state: r.state, outcome: r.outcome.kind, response: r.outcome.response });
  } else if (!ctx.out.quiet) {
    for (const r of summary.results) ctx.out.line(`#${r.id} ${r.ip} -> ${r.recipient}: ${r.state} (${r.outcome.response})`);
    if (!summary.results.length) ctx.out.line(ids ? 'nothing sent: none of them is approved and due' : 'nothing to send');
  }
  if (summary.interrupted) ctx.out.error(`abusedesk: ${summary.interrupted} complaint(s) found half-sent earlier: see abusedesk complaints --state sending`);
  if (ids) {
    const done = new Set(summary.results.map((r) => r.id));
    for (const id of ids) if (!done.has(id)) ctx.out.error(`abusedesk: complaint #${id} was not sent (not approved, not due, or being sent by another process)`);
    if (ids.some((id) => !done.has(id))) return EXIT_FAILED;
  }
  const bad = summary.failed + summary.unknown + summary.composeErrors + summary.interrupted + (archive?.errors.length ?? 0);
  return bad ? EXIT_FAILED : EXIT_OK;
}
