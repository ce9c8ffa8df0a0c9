// `abusedesk candidates [--limit N]`: unused reports grouped by IP, newest first, with
// the abuse contact (from overrides and the cache; no lookups here) and the policy's verdict.
// `abusedesk candidates ignore <ip> [--note TEXT]` / `unignore <ip>`: never (again) complain about an IP.
import { ContactResolver } from '../services/resolve-contact.js';
import { ignoreCandidate, listCandidates, unignoreCandidate, type CandidateView } from '../services/candidates.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';
import { shortTime } from './views.js';

export function candidateView(c: CandidateView) {
  return {
    ip: c.ip,
    reports: c.reportCount,
    countedReports: c.eligibility.countedReports,
    reporters: c.reporters,
    services: c.services,
    firstSeen: c.firstSeen.toISOString(),
    lastSeen: c.lastSeen.toISOString(),
    private: c.private,
    privateReason: c.privateReason,
    ignored: c.ignored ? { note: c.ignored.note, at: c.ignored.at.toISOString() } : null,
    contact: { status: c.contact.status, address: c.contact.address, confidence: c.contact.confidence, source: c.contact.source, range: c.contact.range },
    eligible: c.eligibility.eligible,
    reason: c.eligibility.reason,
    blocking: c.eligibility.blocking,
    autoApprovable: c.eligibility.autoApprovable,
  };
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, ip, ...rest] = ctx.args;
  if (sub === 'ignore' || sub === 'unignore') {
    if (!ip || rest.length) throw new UsageError(`usage: abusedesk candidates ${sub} <ip>${sub === 'ignore' ? ' [--note TEXT]' : ''}`);
    const store = ctx.store();
    const ok = sub === 'ignore' ? ignoreCandidate(store, ip, (ctx.flags.note as string | undefined) ?? null) : unignoreCandidate(store, ip);
    if (!ok) {
      ctx.out.error(`abusedesk: ${sub === 'ignore' ? `not an IP address: ${ip}` : `${ip} was not ignored`}`);
      return EXIT_FAILED;
    }
    if (ctx.out.jsonMode) ctx.out.json({ ip, ignored: sub === 'ignore' });
    else if (!ctx.out.quiet) ctx.out.line(sub === 'ignore' ? `${ip} is ignored: no complaints about it` : `${ip} is no longer ignored`);
    return EXIT_OK;
  }
  if (ctx.args.length) throw new UsageError('usage: abusedesk candidates [--limit N] | ignore <ip> [--note TEXT] | unignore <ip>');
  const limit = (ctx.flags.limit as number | undefined) ?? 50;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
  const { config, configPath } = ctx.config();
  const store = ctx.store();
  const baseDir = configPath ? (await import('node:path')).dirname(configPath) : undefined;
  const resolver = config.lookup.offline ? new ContactResolver(store, config.lookup, { baseDir }) : undefined;
  const page = await listCandidates(store, config, { limit, resolver });
  if (ctx.out.jsonMode) {
    for (const c of page.items) ctx.out.json(candidateView(c));
    return EXIT_OK;
  }
  if (!page.items.length) {
    if (!ctx.out.quiet) ctx.out.line('no candidates: every report is used in a complaint');
    return EXIT_OK;
  }
  ctx.out.table(
    ['IP', 'REPORTS', 'HOSTS', 'SERVICES', 'LAST SEEN (UTC)', 'CONTACT', 'VERDICT'],
    page.items.map((c) => [
      c.ip,
      c.reportCount,
      c.reporters.length,
      c.services.join(','),
      shortTime(c.lastSeen),
      c.contact.address ?? (c.contact.status === 'pending' ? 'not looked up' : c.contact.status),
      `${c.eligibility.eligible ? 'eligible: ' : ''}${c.eligibility.reason}`,
    ]),
    [39, 7, 5, 24, 16, 40, 60],
  );
  if (!ctx.out.quiet && page.total > page.items.length) ctx.out.line(`${page.items.length} of ${page.total} candidates shown (--limit N for more)`);
  return EXIT_OK;
}
