// `abusedesk contacts [--json]`: the cached ranges (unexpired), one per line.
import { listRanges } from '../store/repos/contacts.js';
import { EXIT_OK, UsageError, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) throw new UsageError('contacts takes no arguments');
  const rows = listRanges(ctx.store());
  if (ctx.out.jsonMode) {
    for (const r of rows) {
      ctx.out.json({
        id: r.id,
        range: { ...(r.cidr ? { cidr: r.cidr } : {}), first: r.first, last: r.last },
        status: r.status,
        address: r.address,
        confidence: r.confidence,
        source: r.source,
        server: r.server,
        network: r.networkName,
        country: r.country,
        asn: r.asn,
        fetchedAt: r.fetchedAt.toISOString(),
        expiresAt: r.expiresAt.toISOString(),
      });
    }
    return EXIT_OK;
  }
  if (!rows.length) {
    if (!ctx.out.quiet) ctx.out.line('no cached contacts');
    return EXIT_OK;
  }
  const time = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  ctx.out.table(
    ['RANGE', 'STATUS', 'ADDRESS', 'CONF', 'SOURCE', 'NETWORK', 'FETCHED (UTC)', 'EXPIRES (UTC)'],
    rows.map((r) => [r.cidr ?? (r.first === r.last ? r.first : `${r.first} - ${r.last}`), r.status, r.address, r.confidence, r.source, r.networkName, time(r.fetchedAt), time(r.expiresAt)]),
    [43, 8, 40, 6, 6, 24, 16, 16],
  );
  return EXIT_OK;
}
