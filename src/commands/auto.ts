// `abusedesk --auto [--dry-run]`: the headless run for cron. Quiet when nothing
// happened, one summary line when something did, errors on stderr, exit 1 when some
// work failed; --json prints the summary object. --dry-run prints every mail that
// would be sent, exactly, and changes nothing.
import path from 'node:path';
import { describeRun, runAuto } from '../services/auto-run.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) throw new UsageError(`--auto takes no arguments (got "${ctx.args[0]}")`);
  const { config, configPath } = ctx.config();
  const store = ctx.store();
  const dryRun = Boolean(ctx.flags.dryRun);
  const summary = await runAuto(store, config, {
    dryRun,
    baseDir: configPath ? path.dirname(configPath) : undefined,
    onLog: (level, message) => {
      if (level !== 'error') ctx.out.verbose(message);
    },
  });
  for (const e of summary.errors) ctx.out.error(`abusedesk: ${e}`);
  if (ctx.out.jsonMode) {
    ctx.out.json(summary);
  } else {
    if (dryRun && !ctx.out.quiet) {
      ctx.out.line('dry run: no mail fetched, no registry asked (cached and offline contacts only), nothing written, nothing sent');
      for (const held of summary.heldBack) ctx.out.line(`held back: ${held.ip}: ${held.reason}`);
      for (const mail of summary.wouldSend ?? []) {
        ctx.out.line(`=== would send${mail.id ? ` complaint #${mail.id}` : ' (new draft)'} about ${mail.ips.join(', ')} to ${mail.recipient}`);
        // The mail as it would go out; sanitised for the terminal like every other line.
        ctx.out.line(mail.raw);
      }
    }
    const line = describeRun(summary);
    if (line && !ctx.out.quiet) ctx.out.line(line);
    if (dryRun && !line && !ctx.out.quiet) ctx.out.line('abusedesk (dry run): nothing would be drafted or sent');
  }
  return summary.errors.length ? EXIT_FAILED : EXIT_OK;
}
