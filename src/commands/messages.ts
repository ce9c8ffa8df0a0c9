import { MESSAGE_KINDS, type MessageKind } from '../core/parsed-mail.js';
import { listMessages, type MessageFilter, type MessageSummary } from '../store/repos/messages.js';
import { UsageError, EXIT_OK, type CommandContext } from './context.js';
import { messageView, shortTime } from './views.js';

export async function run(ctx: CommandContext): Promise<number> {
  const kind = ctx.flags.kind as string | undefined;
  const filter: MessageFilter = {};
  if (kind === 'error' || kind === 'errors') filter.withError = true;
  else if (kind === 'untrusted') filter.untrusted = true;
  else if (kind) {
    if (!MESSAGE_KINDS.includes(kind as MessageKind)) {
      throw new UsageError(`--kind must be one of ${MESSAGE_KINDS.join(', ')}, errors, untrusted`);
    }
    filter.kind = kind;
  }
  const limit = ctx.flags.limit as number | undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit must be a positive whole number');
  const store = ctx.store();
  const rows: MessageSummary[] = [];
  let beforeId: number | undefined;
  // Page by id so a large store streams instead of loading at once.
  for (;;) {
    const pageSize = limit ? Math.min(1000, limit - rows.length) : 1000;
    if (pageSize <= 0) break;
    const page = listMessages(store, filter, { limit: pageSize, beforeId });
    if (ctx.out.jsonMode) for (const m of page) ctx.out.json(messageView(m));
    else rows.push(...page);
    if (page.length < pageSize) break;
    beforeId = page[page.length - 1]!.id;
    if (ctx.out.jsonMode) rows.length = 0;
  }
  if (ctx.out.jsonMode) return EXIT_OK;
  if (!rows.length) {
    if (!ctx.out.quiet) ctx.out.line('no messages');
    return EXIT_OK;
  }
  ctx.out.table(
    ['ID', 'STORED (UTC)', 'KIND', 'TRUST', 'REP', 'SUBJECT', 'ERROR'],
    rows.map((m) => [m.id, shortTime(m.storedAt), m.kind, m.trusted ? 'yes' : 'NO', m.reportCount, m.subject, m.error]),
    [8, 16, 9, 5, 4, 60, 50],
  );
  return EXIT_OK;
}
