// The range cache and the overrides. The hot path (one cache probe per address)
// uses prepared statements: the most specific unexpired range holding the key.
import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import type { IpRange, ParsedIp } from '../../core/ip-ranges.js';
import type { Store } from '../db.js';
import {
  contactOverrides,
  contactRanges,
  type ContactOverrideRow,
  type ContactRangeRow,
  type NewContactRangeRow,
} from '../schema/contacts.js';

const statements = new WeakMap<Store, ReturnType<typeof prepare>>();

function prepare(store: Store) {
  return {
    // Among nested ranges holding the key, the one starting last (and ending first) is the most specific.
    // The lower bound keeps a miss from scanning every range below the key: cached ranges
    // never start before the widest block the resolver caches (services/resolve-contact).
    cached: store.sqlite.prepare<[number, string, string, string, number], RawRangeRow>(
      `SELECT id, ip_version, first_key, last_key, first, last, cidr, status, address, confidence, source, server,
         network_name, country, asn, resolution, NULL AS raw, fetched_at, expires_at FROM contact_ranges
       WHERE ip_version = ? AND first_key >= ? AND first_key <= ? AND last_key >= ? AND expires_at > ?
       ORDER BY first_key DESC, last_key ASC, fetched_at DESC LIMIT 1`,
    ),
    override: store.sqlite.prepare<[number, string, string], { id: number }>(
      `SELECT id FROM contact_overrides
       WHERE ip_version = ? AND first_key <= ? AND last_key >= ?
       ORDER BY first_key DESC, last_key ASC, id DESC LIMIT 1`,
    ),
  };
}

function stmts(store: Store) {
  let s = statements.get(store);
  if (!s) {
    s = prepare(store);
    statements.set(store, s);
  }
  return s;
}

/** The most specific unexpired cached range holding the address; `lowestFirstKey` bounds the search. */
export function findCachedRange(store: Store, ip: ParsedIp, now: Date, lowestFirstKey = `${ip.version}:`): ContactRangeRow | undefined {
  // Hot path (once or twice per address): a prepared statement, no query building, and
  // without the raw answer (up to maxAnswerBytes each; read it with the row id when needed).
  const r = stmts(store).cached.get(ip.version, lowestFirstKey, ip.key, ip.key, now.getTime());
  if (!r) return undefined;
  return {
    id: r.id,
    ipVersion: r.ip_version,
    firstKey: r.first_key,
    lastKey: r.last_key,
    first: r.first,
    last: r.last,
    cidr: r.cidr,
    status: r.status,
    address: r.address,
    confidence: r.confidence,
    source: r.source,
    server: r.server,
    networkName: r.network_name,
    country: r.country,
    asn: r.asn,
    resolution: r.resolution,
    raw: r.raw,
    fetchedAt: new Date(r.fetched_at),
    expiresAt: new Date(r.expires_at),
  };
}

interface RawRangeRow {
  id: number;
  ip_version: number;
  first_key: string;
  last_key: string;
  first: string;
  last: string;
  cidr: string | null;
  status: string;
  address: string | null;
  confidence: string | null;
  source: string;
  server: string | null;
  network_name: string | null;
  country: string | null;
  asn: number | null;
  resolution: string;
  raw: string | null;
  fetched_at: number;
  expires_at: number;
}

/** Stores a lookup result; an older entry for exactly the same range is replaced. */
export function saveRange(store: Store, row: NewContactRangeRow): number {
  return store.sqlite.transaction(() => {
    store.db
      .delete(contactRanges)
      .where(
        and(eq(contactRanges.ipVersion, row.ipVersion), eq(contactRanges.firstKey, row.firstKey), eq(contactRanges.lastKey, row.lastKey)),
      )
      .run();
    return Number(store.db.insert(contactRanges).values(row).run().lastInsertRowid);
  })();
}

export function listRanges(store: Store, options: { now?: Date; includeExpired?: boolean } = {}): ContactRangeRow[] {
  const q = store.db.select().from(contactRanges);
  const rows = options.includeExpired ? q : q.where(gt(contactRanges.expiresAt, options.now ?? new Date()));
  return rows.orderBy(asc(contactRanges.ipVersion), asc(contactRanges.firstKey), desc(contactRanges.lastKey)).all();
}

export interface NewOverride {
  range?: IpRange | null;
  asn?: number | null;
  addresses: string[];
  neverReport: boolean;
  note?: string | null;
  createdAt: Date;
}

export function addOverride(store: Store, o: NewOverride): ContactOverrideRow {
  return store.db
    .insert(contactOverrides)
    .values({
      cidr: o.range?.cidr ?? null,
      ipVersion: o.range?.version ?? null,
      firstKey: o.range?.firstKey ?? null,
      lastKey: o.range?.lastKey ?? null,
      asn: o.asn ?? null,
      addresses: o.addresses,
      neverReport: o.neverReport,
      note: o.note ?? null,
      createdAt: o.createdAt,
    })
    .returning()
    .get();
}

/** Removes by id, or every override of exactly that CIDR / AS number; returns how many. */
export function removeOverrides(store: Store, target: { id?: number; cidr?: string; asn?: number }): number {
  const where =
    target.id !== undefined
      ? eq(contactOverrides.id, target.id)
      : target.cidr !== undefined
        ? eq(contactOverrides.cidr, target.cidr)
        : and(eq(contactOverrides.asn, target.asn ?? -1), isNull(contactOverrides.cidr));
  return store.db.delete(contactOverrides).where(where).run().changes;
}

export function listOverrides(store: Store): ContactOverrideRow[] {
  return store.db.select().from(contactOverrides).orderBy(asc(contactOverrides.id)).all();
}

/** The most specific CIDR override holding the address. */
export function findOverride(store: Store, ip: ParsedIp): ContactOverrideRow | undefined {
  const hit = stmts(store).override.get(ip.version, ip.key, ip.key);
  if (!hit) return undefined;
  return store.db.select().from(contactOverrides).where(eq(contactOverrides.id, hit.id)).get();
}

/** The newest override for an origin AS without a CIDR. */
export function findAsnOverride(store: Store, asn: number): ContactOverrideRow | undefined {
  return store.db
    .select()
    .from(contactOverrides)
    .where(and(eq(contactOverrides.asn, asn), isNull(contactOverrides.cidr)))
    .orderBy(desc(contactOverrides.id))
    .get();
}
