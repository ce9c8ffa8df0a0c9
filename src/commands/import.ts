import { importPaths } from '../services/import.js';
import { UsageError, EXIT_FAILED, EXIT_OK, type CommandContext } from './context.js';
import { SourceError } from '../mail/local-sources.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (!ctx.args.length) throw new UsageError('import needs at least one path, or - for stdin');
  if (ctx.args.filter((a) => a === '-').length > 1) throw new UsageError('stdin (-) can be given once');
  const { config } = ctx.config();
  const store = ctx.store();
  const started = Date.now();
  let result;
  try {
    result = await importPaths(store, config, ctx.args, {
      stdin: ctx.stdin,
      onProgress: (r) => ctx.out.progress(`importing: ${r.seen} mails, ${r.stored} new, ${r.reports} reports`),
    });
  } catch (err) {
    if (err instanceof SourceError) {
      ctx.out.error(`abusedesk: ${err.message}`);
      return EXIT_FAILED;
    }
    throw err;
  }
  ctx.out.progressDone();
  for (const problem of result.problems) ctx.out.error(`abusedesk: ${problem.path}: ${problem.error}`);
  if (ctx.out.jsonMode) {
    ctx.out.json({
      seen: result.seen,
      stored: result.stored,
      duplicates: result.duplicates,
      reports: result.reports,
      errors: result.errors,
      byKind: result.byKind,
      problems: result.problems,
      seconds: (Date.now() - started) / 1000,
    });
  } else if (!ctx.out.quiet) {
    const kinds = Object.entries(result.byKind)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    ctx.out.line(
      `${result.stored} new mails stored (${kinds || 'none'}), ${result.duplicates} already stored, ` +
        `${result.reports} reports, ${result.errors} with errors`,
    );
    if (!config.trustedReporters.length && result.stored > 0) {
      ctx.out.line('note: no trustedReporters configured, so every sender is trusted');
    }
  }
  return result.problems.length ? EXIT_FAILED : EXIT_OK;
}
