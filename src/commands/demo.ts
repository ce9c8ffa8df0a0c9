// `abusedesk demo [--db FILE]`: the whole pipeline in a sandbox (sample mailbox, offline
// contacts, file outbox), then where everything is and how to open the desk on it.
import { runDemo } from '../services/demo.js';
import { describeRun } from '../services/auto-run.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.args.length) throw new UsageError('usage: abusedesk demo [--db FILE]');
  const result = await runDemo({ dbPath: ctx.flags.db });
  const { run: summary } = result;
  for (const e of summary.errors) ctx.out.error(`abusedesk: ${e}`);
  if (ctx.out.jsonMode) {
    ctx.out.json({
      dir: result.dir,
      db: result.dbPath,
      config: result.configPath,
      outbox: result.outboxDir,
      mailbox: result.mailboxDir,
      shiftedDays: result.shiftedDays,
      imported: { mails: result.imported.stored, reports: result.imported.reports, byKind: result.imported.byKind },
      run: { ...summary, wouldSend: undefined },
      complaints: result.complaints.map((c) => ({ id: c.id, state: c.state, ip: c.ip, recipient: c.recipient, messageId: c.messageId })),
      outboxFiles: result.outboxFiles,
    });
    return summary.errors.length ? EXIT_FAILED : EXIT_OK;
  }
  if (ctx.out.quiet) return summary.errors.length ? EXIT_FAILED : EXIT_OK;
  const o = ctx.out;
  o.line(`abusedesk demo in ${result.dir}`);
  o.line('');
  o.line(`1. Imported the sample mailbox (a copy in ${result.mailboxDir}):`);
  const kinds = Object.entries(result.imported.byKind).map(([k, n]) => `${n} ${k}`).join(', ');
  o.line(`   ${result.imported.stored} mails (${kinds}), ${result.imported.reports} reports.`);
  if (result.shiftedDays) {
    o.line(`   The sample mails are from a fixed week: their Date headers were moved forward by ${result.shiftedDays} days`);
    o.line('   so the 7-day policy window sees them as recent (the log lines inside keep their original times).');
  }
  o.line('2. Grouped the reports by IP, found abuse contacts in the offline data (no network),');
  o.line(`   drafted ${summary.drafted} complaints and approved ${summary.approved} (eligible, with a confident contact).`);
  o.line(`3. "Sent" ${summary.sent} into the file outbox ${result.outboxDir}:`);
  for (const c of result.complaints) {
    const file = result.outboxFiles.find((f) => f.startsWith(c.messageId.replace(/[^A-Za-z0-9._@-]/g, '_')));
    o.line(`   #${c.id} ${c.state.padEnd(8)} ${c.ip.padEnd(16)} -> ${c.recipient}${file ? `  ${file}` : ''}`);
  }
  const line = describeRun(summary);
  if (line) o.line(`   (${line})`);
  o.line('');
  o.line(`Database: ${result.dbPath}`);
  o.line(`Config:   ${result.configPath}`);
  o.line('Open the desk on the demo data:');
  o.line(`   abusedesk --config ${result.configPath}`);
  o.line('Or look around from the shell:');
  o.line(`   abusedesk --config ${result.configPath} candidates`);
  o.line(`   abusedesk --config ${result.configPath} complaints`);
  o.line(`   abusedesk --config ${result.configPath} complaint ${result.complaints[0]?.id ?? 1} --raw`);
  return summary.errors.length ? EXIT_FAILED : EXIT_OK;
}
