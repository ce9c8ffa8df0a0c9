// `abusedesk override add <cidr|ASn> <email...|--never> [--note TEXT]`,
// `abusedesk override remove <cidr|ASn|id>`, `abusedesk override list`:
// the operator's own answer for a range or an origin AS, ahead of any registry.
import { normalizeAddress } from '../core/abuse-contact.js';
import { parseCidr, parseIp, type IpRange } from '../core/ip-ranges.js';
import { addOverride, listOverrides, removeOverrides } from '../store/repos/contacts.js';
import type { ContactOverrideRow } from '../store/schema/contacts.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type CommandContext } from './context.js';

const USAGE = 'abusedesk override add <cidr|ASn> <email...|--never> [--note TEXT] | remove <cidr|ASn|id> | list';

export async function run(ctx: CommandContext): Promise<number> {
  const [action, ...rest] = ctx.args;
  switch (action) {
    case 'add':
      return add(ctx, rest);
    case 'remove':
    case 'rm':
      return remove(ctx, rest);
    case 'list':
    case undefined:
      return list(ctx);
    default:
      throw new UsageError(`unknown override action "${action}": ${USAGE}`);
  }
}

function parseTarget(text: string | undefined): { range: IpRange | null; asn: number | null } {
  if (!text) throw new UsageError(`override needs a CIDR range or AS number: ${USAGE}`);
  const as = /^AS(\d{1,10})$/i.exec(text);
  if (as && Number(as[1]) <= 4294967295) return { range: null, asn: Number(as[1]) };
  const single = parseIp(text);
  const range = single ? parseCidr(`${single.ip}/${single.version === 4 ? 32 : 128}`) : parseCidr(text);
  if (!range) throw new UsageError(`not a CIDR range or AS number: ${text}`);
  return { range, asn: null };
}

function add(ctx: CommandContext, args: string[]): number {
  const { range, asn } = parseTarget(args[0]);
  const never = Boolean(ctx.flags.never);
  const raw = args.slice(1);
  if (never && raw.length) throw new UsageError('give addresses or --never, not both');
  if (!never && !raw.length) throw new UsageError(`override add needs at least one address or --never: ${USAGE}`);
  const addresses = raw.map((a) => {
    const n = normalizeAddress(a);
    if (!n) throw new UsageError(`not a valid e-mail address: ${a}`);
    return n;
  });
  const note = typeof ctx.flags.note === 'string' ? ctx.flags.note : null;
  const row = addOverride(ctx.store(), { range, asn, addresses, neverReport: never, note, createdAt: new Date() });
  if (ctx.out.jsonMode) ctx.out.json(overrideView(row));
  else if (!ctx.out.quiet) ctx.out.line(`override #${row.id}: ${describe(row)}`);
  return EXIT_OK;
}

function remove(ctx: CommandContext, args: string[]): number {
  if (args.length !== 1) throw new UsageError(`override remove takes one CIDR, AS number or id: ${USAGE}`);
  const arg = args[0]!;
  let removed: number;
  if (/^\d+$/.test(arg)) removed = removeOverrides(ctx.store(), { id: Number(arg) });
  else {
    const { range, asn } = parseTarget(arg);
    removed = range ? removeOverrides(ctx.store(), { cidr: range.cidr }) : removeOverrides(ctx.store(), { asn: asn! });
  }
  if (ctx.out.jsonMode) ctx.out.json({ removed });
  else if (!ctx.out.quiet) ctx.out.line(removed ? `removed ${removed} override${removed === 1 ? '' : 's'}` : `no override matches ${arg}`);
  return removed ? EXIT_OK : EXIT_FAILED;
}

function list(ctx: CommandContext): number {
  const rows = listOverrides(ctx.store());
  if (ctx.out.jsonMode) {
    for (const r of rows) ctx.out.json(overrideView(r));
    return EXIT_OK;
  }
  if (!rows.length) {
    if (!ctx.out.quiet) ctx.out.line('no overrides');
    return EXIT_OK;
  }
  ctx.out.table(
    ['ID', 'TARGET', 'CONTACT', 'NOTE', 'CREATED (UTC)'],
    rows.map((r) => [r.id, r.cidr ?? `AS${r.asn}`, r.neverReport ? 'never report' : r.addresses.join(', '), r.note, r.createdAt.toISOString().slice(0, 16).replace('T', ' ')]),
    [6, 43, 60, 40, 16],
  );
  return EXIT_OK;
}

function describe(r: ContactOverrideRow): string {
  return `${r.cidr ?? `AS${r.asn}`} -> ${r.neverReport ? 'never report' : r.addresses.join(', ')}${r.note ? ` (${r.note})` : ''}`;
}

function overrideView(r: ContactOverrideRow) {
  return {
    id: r.id,
    cidr: r.cidr,
    asn: r.asn,
    addresses: r.addresses,
    neverReport: r.neverReport,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  };
}
