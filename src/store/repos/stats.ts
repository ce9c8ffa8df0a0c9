// The figures of the desk's Stats screen and `abusedesk stats`.
import type { Store } from '../db.js';
import { ipFromKey, parseCidr } from '../../core/ip-ranges.js';
import { countMessages } from './messages.js';
import { countReports } from './reports.js';

export interface Counted {
  name: string;
  count: number;
}

export interface DeskStats {
  /** Reports per UTC day, oldest first, for the last `days` days (days without reports included). */
  perDay: { day: string; count: number }[];
  topServices: Counted[];
  topReporters: Counted[];
  topCountries: Counted[];
  /** Attacking networks: /24 for IPv4, /48 for IPv6. */
  topNetworks: Counted[];
  totals: { messages: number; reports: number; privateReports: number; untrustedMessages: number; errors: number };
  /** Complaints by state. */
  complaints: Counted[];
}

function networkOfKey(prefix: string): string {
  // A key prefix: "4:" + 6 hex digits (a /24) or "6:" + 12 hex digits (a /48) of an address key (core/ip-ranges).
  const v4 = prefix.startsWith('4:');
  const full = prefix.padEnd(v4 ? 10 : 34, '0');
  return parseCidr(`${ipFromKey(full)}/${v4 ? 24 : 48}`)?.cidr ?? prefix;
}

/**
 * The Stats figures one query at a time: the generator yields between queries so
 * the desk can let keys through on a big store (each is tens of ms at 100,000 reports).
 */
export function* deskStatsSteps(store: Store, now: Date = new Date(), days = 14): Generator<void, DeskStats> {
  const { sqlite } = store;
  const dayMs = 86_400_000;
  const today = Math.floor(now.getTime() / dayMs);
  const since = (today - days + 1) * dayMs;
  const perDayRows = sqlite
    .prepare<[number], { d: number; n: number }>(
      'SELECT banned_at / 86400000 AS d, count(*) AS n FROM reports WHERE banned_at >= ? GROUP BY d',
    )
    .all(since);
  yield;
  const byDay = new Map(perDayRows.map((r) => [r.d, r.n]));
  const perDay = [];
  for (let d = today - days + 1; d <= today; d++) {
    perDay.push({ day: new Date(d * dayMs).toISOString().slice(0, 10), count: byDay.get(d) ?? 0 });
  }
  const top = (column: string): Counted[] =>
    sqlite
      .prepare<[], Counted>(
        `SELECT coalesce(${column}, '(unknown)') AS name, count(*) AS count FROM reports GROUP BY ${column} ORDER BY count DESC LIMIT 8`,
      )
      .all();
  const topNetworks = sqlite
    .prepare<[], { k: string; count: number }>(
      `SELECT CASE ip_version WHEN 4 THEN substr(ip_key, 1, 8) ELSE substr(ip_key, 1, 14) END AS k, count(*) AS count
       FROM reports WHERE private = 0 GROUP BY k ORDER BY count DESC LIMIT 8`,
    )
    .all()
    .map((r) => ({ name: networkOfKey(r.k), count: r.count }));
  yield;
  // Countries come from the abuse-contact range cache; ranges are few, reports many,
  // so count per cached range through the (ip_key) index.
  const topCountries = sqlite
    .prepare<[], Counted>(
      `SELECT country AS name, sum((SELECT count(*) FROM reports r WHERE r.ip_key BETWEEN c.first_key AND c.last_key)) AS count
       FROM (SELECT * FROM contact_ranges WHERE country IS NOT NULL ORDER BY fetched_at DESC LIMIT 5000) c
       GROUP BY country ORDER BY count DESC LIMIT 8`,
    )
    .all()
    .filter((r) => r.count > 0);
  yield;
  const complaints = sqlite
    .prepare<[], Counted>('SELECT state AS name, count(*) AS count FROM complaints GROUP BY state ORDER BY count DESC')
    .all();
  const one = (q: string) => (sqlite.prepare<[], { n: number }>(q).get()?.n ?? 0);
  const topServices = top('service');
  yield;
  const topReporters = top('reporter');
  yield;
  const totals = {
    messages: countMessages(store),
    reports: countReports(store),
    privateReports: one('SELECT count(*) AS n FROM reports WHERE private = 1'),
    untrustedMessages: one('SELECT count(*) AS n FROM messages WHERE trusted = 0'),
    errors: one('SELECT count(*) AS n FROM messages WHERE error IS NOT NULL'),
  };
  return { perDay, topServices, topReporters, topCountries, topNetworks, totals, complaints };
}

export function deskStats(store: Store, now: Date = new Date(), days = 14): DeskStats {
  const steps = deskStatsSteps(store, now, days);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
