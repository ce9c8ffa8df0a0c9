// `abusedesk fetch`: new mail from the configured IMAP mailbox into the store.
import { ImapError } from '../mail/imap-connection.js';
import { fetchMail } from '../services/fetch.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const { config } = ctx.config();
  if (!config.imap.url) {
    ctx.out.error('abusedesk: no mailbox configured: set imap.url in the config file, or ABUSEDESK_IMAP_URL');
    return EXIT_USAGE;
  }
  const store = ctx.store();
  const started = Date.now();
  let result;
  try {
    result = await fetchMail(store, config, {
      onProgress: (p) => ctx.out.progress(`fetching: ${p.fetched} of ${p.total} mails, ${p.stored} new`),
    });
  } catch (err) {
    ctx.out.progressDone();
    if (err instanceof ImapError) {
      ctx.out.error(`abusedesk: fetch: ${err.message}`);
      return EXIT_FAILED;
    }
    throw err;
  }
  ctx.out.progressDone();
  if (result.reconnects) ctx.out.verbose(`fetch: the connection was lost and re-opened ${result.reconnects} time(s)`);
  for (const problem of result.problems) ctx.out.error(`abusedesk: fetch: ${problem}`);
  if (ctx.out.jsonMode) {
    ctx.out.json({
      mailbox: result.mailbox,
      fetched: result.fetched,
      stored: result.stored,
      duplicates: result.duplicates,
      reports: result.reports,
      errors: result.errors,
      byKind: result.byKind,
      newMail: result.newMail,
      uidValidity: result.uidValidity,
      lastUid: result.lastUid,
      uidValidityChanged: result.uidValidityChanged,
      reconnects: result.reconnects,
      problems: result.problems,
      seconds: (Date.now() - started) / 1000,
    });
  } else if (!ctx.out.quiet) {
    if (result.uidValidityChanged) {
      ctx.out.line(`note: the server renumbered ${result.mailbox} (UIDVALIDITY changed); it was read again from the start`);
    }
    if (!result.fetched) {
      ctx.out.line('no new mail');
    } else {
      const kinds = Object.entries(result.byKind)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      ctx.out.line(
        `${result.fetched} mails fetched: ${result.stored} new stored (${kinds || 'none'}), ` +
          `${result.duplicates} already stored, ${result.reports} reports, ${result.errors} with errors`,
      );
      if (!config.trustedReporters.length && result.stored > 0) {
        ctx.out.line('note: no trustedReporters configured, so every sender is trusted');
      }
    }
  }
  return result.problems.length ? EXIT_FAILED : EXIT_OK;
}
