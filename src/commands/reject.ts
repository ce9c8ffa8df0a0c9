// `abusedesk reject <id...> --reason R [--release]`: the complaint is not sent. Its
// reports stay used unless --release gives them back to the candidates.
import { rejectComplaints, type TransitionResult } from '../services/outbox.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';

export function parseIds(args: string[], usage: string): number[] {
  if (!args.length) throw new UsageError(`usage: abusedesk ${usage}`);
  return args.map((a) => {
    const id = Number(a.replace(/^#/, ''));
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`not a complaint id: ${a}`);
    return id;
  });
}

export function printTransitions(ctx: CommandContext, results: TransitionResult[], verb: string): number {
  for (const r of results) {
    if (ctx.out.jsonMode) ctx.out.json(r);
    else if (!r.ok) ctx.out.error(`abusedesk: ${r.error}`);
    else if (!ctx.out.quiet) ctx.out.line(`complaint #${r.id} ${verb}`);
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
}

export async function run(ctx: CommandContext): Promise<number> {
  const ids = parseIds(ctx.args, 'reject <id...> --reason TEXT [--release]');
  const reason = (ctx.flags.reason as string | undefined)?.trim();
  if (!reason) throw new UsageError('reject needs --reason TEXT (kept with the complaint)');
  const results = rejectComplaints(ctx.store(), ids, { reason, release: Boolean(ctx.flags.release) });
  return printTransitions(ctx, results, ctx.flags.release ? 'rejected (its reports are free again)' : 'rejected');
}
