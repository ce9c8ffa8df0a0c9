// `abusedesk contact <ip...> [--refresh] [--json]`: who gets the complaint for an
// address, why, from where, and what else the registry named.
import path from 'node:path';
import { ConfigError } from '../config/load.js';
import { parseIp } from '../core/ip-ranges.js';
import { ContactResolver, LookupConfigError, type ContactResolution } from '../services/resolve-contact.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (!ctx.args.length) throw new UsageError('contact needs an IP address: abusedesk contact <ip> [--refresh] [--json]');
  const bad = ctx.args.filter((a) => !parseIp(a));
  if (bad.length) throw new UsageError(`not an IP address: ${bad.join(', ')}`);
  const resolver = openResolver(ctx);
  let failed = false;
  for (const ip of ctx.args) {
    const r = await resolver.resolve(ip, { refresh: Boolean(ctx.flags.refresh) });
    if (r.status === 'failed') failed = true;
    if (ctx.out.jsonMode) ctx.out.json(resolutionView(r));
    else printResolution(ctx, r);
  }
  const problem = resolver.bootstrapProblem();
  if (problem) ctx.out.verbose(`abusedesk: ${problem}`);
  const cacheProblem = resolver.cacheProblem();
  if (cacheProblem) ctx.out.error(`abusedesk: warning: ${cacheProblem}`);
  return failed ? EXIT_FAILED : EXIT_OK;
}

export function openResolver(ctx: CommandContext): ContactResolver {
  const loaded = ctx.config();
  try {
    return new ContactResolver(ctx.store(), loaded.config.lookup, {
      baseDir: loaded.configPath ? path.dirname(loaded.configPath) : process.cwd(),
    });
  } catch (err) {
    if (err instanceof LookupConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** The public JSON shape of a resolution. */
export function resolutionView(r: ContactResolution) {
  return {
    ip: r.ip,
    status: r.status,
    address: r.chosen?.address ?? null,
    confidence: r.chosen?.confidence ?? null,
    chosen: r.chosen,
    alternatives: r.alternatives,
    webFormOnly: r.webFormOnly,
    range: r.range,
    network: r.network,
    source: r.source,
    server: r.server,
    fetchedAt: r.fetchedAt.toISOString(),
    fromCache: r.fromCache,
    reason: r.reason,
    evidence: r.evidence,
  };
}

function printResolution(ctx: CommandContext, r: ContactResolution) {
  const out = ctx.out;
  const head = r.chosen ? r.chosen.address : r.status === 'never-report' ? 'never report' : r.status === 'failed' ? 'lookup failed' : 'no abuse contact';
  out.line(`${r.ip}  ${r.status}  ${head}`);
  const row = (label: string, value: string) => out.line(`  ${label.padEnd(12)}${value}`);
  if (r.chosen) row('confidence', `${r.chosen.confidence} (${r.chosen.reason})`);
  if (r.webFormOnly) row('web form', r.webFormOnly);
  if (r.reason) row('reason', r.reason);
  row('source', `${r.source}${r.server ? `  ${r.server}` : ''}  ${r.fetchedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${r.fromCache ? '  (cached)' : ''}`);
  if (r.range) row('range', `${r.range.cidr ? `${r.range.cidr}  ` : ''}(${r.range.first} - ${r.range.last})`);
  if (r.network) {
    const n = r.network;
    const parts = [n.name, n.country, n.asn !== undefined ? `AS${n.asn}` : undefined, n.org].filter(Boolean);
    if (parts.length) row('network', parts.join('  '));
  }
  if (r.alternatives.length) {
    out.line('  alternatives');
    for (const a of r.alternatives) out.line(`    ${a.accepted ? '+' : '-'} ${a.address}  ${a.confidence}  ${a.source}  ${a.reason}`);
  }
  if (r.evidence) {
    out.line('  evidence');
    for (const line of r.evidence.split('\n')) out.line(`    ${line}`);
  }
}
