// Reports: queries by IP, CIDR range and Message-ID, paged newest first.
import { and, desc, eq, gte, lte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db.js';
import { reports, type ReportRow } from '../schema/messages.js';
import { parseCidr, parseIp } from '../../core/ip-ranges.js';

export type ReportQuery =
  | { type: 'all' }
  | { type: 'ip'; ip: string; key: string }
  | { type: 'range'; cidr: string; firstKey: string; lastKey: string }
  | { type: 'message'; messageId: string };

/** Reads a QUERY argument: an IP address, a CIDR range, or else a Message-ID. */
export function parseReportQuery(text: string | undefined): ReportQuery {
  const trimmed = text?.trim();
  if (!trimmed) return { type: 'all' };
  const ip = parseIp(trimmed);
  if (ip) return { type: 'ip', ip: ip.ip, key: ip.key };
  if (trimmed.includes('/')) {
    const range = parseCidr(trimmed);
    if (range) return { type: 'range', cidr: range.cidr, firstKey: range.firstKey, lastKey: range.lastKey };
  }
  return { type: 'message', messageId: normaliseMessageId(trimmed) };
}

export function normaliseMessageId(text: string): string {
  return text.trim().replace(/^<+|>+$/g, '');
}

/** The WHERE clause of a report query (undefined: every report). */
export function reportQueryWhere(query: ReportQuery): SQL | undefined {
  switch (query.type) {
    case 'all':
      return undefined;
    case 'ip':
      return eq(reports.ipKey, query.key);
    case 'range':
      return and(gte(reports.ipKey, query.firstKey), lte(reports.ipKey, query.lastKey));
    case 'message':
      return eq(reports.messageId, query.messageId);
  }
}

/** Newest ban first; keyset paging by (bannedAt, id). */
export function listReports(
  store: Store,
  query: ReportQuery,
  page: { limit?: number; before?: { bannedAt: Date; id: number } } = {},
): ReportRow[] {
  const where: SQL[] = [];
  const q = reportQueryWhere(query);
  if (q) where.push(q);
  if (page.before) {
    const { bannedAt, id } = page.before;
    where.push(or(lt(reports.bannedAt, bannedAt), and(eq(reports.bannedAt, bannedAt), lt(reports.id, id)))!);
  }
  return store.db
    .select()
    .from(reports)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(reports.bannedAt), desc(reports.id))
    .limit(page.limit ?? 100)
    .all();
}

/** Streams every report matching the query, newest first, without holding them all. */
export function* iterateReports(store: Store, query: ReportQuery, pageSize = 1000): Generator<ReportRow> {
  let before: { bannedAt: Date; id: number } | undefined;
  for (;;) {
    const page = listReports(store, query, { limit: pageSize, before });
    yield* page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    before = { bannedAt: last.bannedAt, id: last.id };
  }
}

export function countReports(store: Store, query: ReportQuery = { type: 'all' }): number {
  const row = store.db
    .select({ n: sql<number>`count(*)` })
    .from(reports)
    .where(reportQueryWhere(query))
    .get();
  return row?.n ?? 0;
}

export function reportsOfMessage(store: Store, messageRowId: number): ReportRow[] {
  return store.db.select().from(reports).where(eq(reports.messageRowId, messageRowId)).orderBy(reports.id).all();
}
