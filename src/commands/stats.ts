// `abusedesk stats`: the desk's Stats screen for scripts and the shell.
import { deskStats, type Counted } from '../services/desk.js';
import { UsageError, EXIT_OK, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const days = (ctx.flags.limit as number | undefined) ?? 14;
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError('--limit (days) must be a whole number from 1 to 366');
  const stats = deskStats(ctx.store(), new Date(), days);
  if (ctx.out.jsonMode) {
    ctx.out.json(stats);
    return EXIT_OK;
  }
  const t = stats.totals;
  ctx.out.line(
    `${t.messages} mails, ${t.reports} reports (${t.privateReports} private), ` +
      `${t.untrustedMessages} untrusted mails, ${t.errors} mails with errors`,
  );
  const peak = Math.max(1, ...stats.perDay.map((d) => d.count));
  ctx.out.line('');
  ctx.out.line(`Reports per day (UTC, last ${days} days)`);
  for (const d of stats.perDay) {
    ctx.out.line(`  ${d.day}  ${String(d.count).padStart(6)}  ${'#'.repeat(Math.round((d.count / peak) * 40))}`);
  }
  const section = (title: string, rows: Counted[]) => {
    ctx.out.line('');
    ctx.out.line(title);
    if (!rows.length) ctx.out.line('  (none)');
    else ctx.out.table(['  NAME', 'COUNT'], rows.map((r) => [`  ${r.name}`, r.count]), [50, 8]);
  };
  section('Services', stats.topServices);
  section('Reporting hosts', stats.topReporters);
  section('Countries (from cached abuse contacts)', stats.topCountries);
  section('Attacking networks', stats.topNetworks);
  section('Complaints by state', stats.complaints);
  return EXIT_OK;
}
