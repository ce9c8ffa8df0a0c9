// `abusedesk approve <id...>`: drafts (or deferred complaints) become approved; the next send or --auto sends them.
import { approveComplaints } from '../services/outbox.js';
import { parseIds, printTransitions } from './reject.js';
import type { CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const ids = parseIds(ctx.args, 'approve <id...>');
  return printTransitions(ctx, approveComplaints(ctx.store(), ids, { by: 'operator' }), 'approved');
}
