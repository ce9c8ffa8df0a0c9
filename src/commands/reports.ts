import { iterateReports, listReports, parseReportQuery } from '../store/repos/reports.js';
import { UsageError, EXIT_OK, type CommandContext } from './context.js';
import { reportView, shortTime } from './views.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length > 1) throw new UsageError('reports takes at most one QUERY (IP, CIDR range or Message-ID)');
  const query = parseReportQuery(ctx.args[0]);
  const limit = ctx.flags.limit as number | undefined;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit must be a positive whole number');
  const store = ctx.store();
  const rows = limit ? listReports(store, query, { limit }) : iterateReports(store, query);
  if (ctx.out.jsonMode) {
    for (const r of rows) ctx.out.json(reportView(r));
    return EXIT_OK;
  }
  const table: Array<Array<string | number | null>> = [];
  for (const r of rows) {
    table.push([
      r.id,
      shortTime(r.bannedAt),
      r.ip,
      r.service,
      r.reporter,
      r.failures,
      r.private ? (r.privateReason ?? 'private') : r.trusted ? '' : 'untrusted',
      r.messageId,
    ]);
  }
  if (!table.length) {
    if (!ctx.out.quiet) ctx.out.line('no reports');
    return EXIT_OK;
  }
  ctx.out.table(['ID', 'BANNED (UTC)', 'IP', 'SERVICE', 'REPORTER', 'FAIL', 'NOTE', 'MESSAGE-ID'], table, [
    8, 16, 39, 20, 30, 5, 12, 60,
  ]);
  return EXIT_OK;
}
