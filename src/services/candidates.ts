// Candidates: the unused reports (reports.complaint_id IS NULL) grouped by IP, with
// the abuse contact and the policy's verdict. Pages come from SQLite (an aggregate
// GROUP BY ip_key with keyset paging); full reports are loaded only for the
// candidates on the page, or for the ones a run may draft.
//
// Public API (the desk, `abusedesk candidates` and --auto call these):
//   listCandidates(store, config, { limit?, after?, resolver?, now? })
//       -> Promise<{ items: CandidateView[]; next: CandidateCursor | null; total: number }>
//       newest last-seen first; pass `next` back as `after` for the following page.
//   getCandidate(store, config, ip, { resolver?, now? }) -> Promise<CandidateView | null>
//   countCandidates(store) -> number (distinct IPs with unused reports)
//   ignoreCandidate(store, ip, note) / unignoreCandidate(store, ip) -> boolean
//   draftableIpKeys(store, policy, now) -> string[]   IPs that may pass the report rule (cheap, indexed)
//   evaluateIp(store, config, ipKey, { resolver, now, lookup }) -> Promise<CandidateView | null>
import type { Config } from '../config/schema.js';
import { summarizeCandidate, type Candidate, type CandidateReport } from '../core/candidate.js';
import { neverReportReason, parseIp } from '../core/ip-ranges.js';
import { capWindowStart, evaluateCandidate, type Eligibility, type PolicyContact } from '../core/policy.js';
import type { Store } from '../store/db.js';
import { findCachedRange, findOverride } from '../store/repos/contacts.js';
import {
  countComplaintsForIpSince,
  countComplaintsForRecipientSince,
  lastBounceForRecipient,
  getIgnoredIp,
  ignoreIp,
  lastComplaintForIp,
  unignoreIp,
} from '../store/repos/complaints.js';
import type { ContactResolution, ContactResolver } from './resolve-contact.js';

export interface CandidateContact extends PolicyContact {
  /** 'override', 'rdap', 'whois', 'offline', 'cache', ... ; null when not looked up. */
  source: string | null;
  /** The range the contact covers, when known. */
  range: string | null;
  /** The full resolution when a lookup ran in this call (drafts quote its evidence). */
  resolution?: ContactResolution;
}

export interface CandidateView {
  ip: string;
  ipKey: string;
  ipVersion: 4 | 6;
  /** Unused reports of this IP (all of them, counted or not). */
  reportCount: number;
  reporters: string[];
  services: string[];
  firstSeen: Date;
  lastSeen: Date;
  private: boolean;
  privateReason: string | null;
  ignored: { note: string | null; at: Date } | null;
  contact: CandidateContact;
  eligibility: Omit<Eligibility, 'countedReports'> & { countedReports: number };
  /** The candidate with its reports (for drafting); present when loaded. */
  candidate: Candidate;
  /** The reports that would go into a complaint now. */
  countedReports: CandidateReport[];
}

export interface CandidateCursor {
  lastSeen: number;
  ipKey: string;
}

interface Options {
  resolver?: ContactResolver;
  now?: Date;
  /** Look the contact up (network allowed) instead of using only the cache and overrides. */
  lookup?: boolean;
}

type ReportRaw = {
  id: number;
  message_id: string;
  ip: string;
  service: string;
  reporter: string | null;
  failures: number | null;
  banned_at: number;
  log_lines: string;
  whois: string | null;
  trusted: number;
  private: number;
  private_reason: string | null;
  message_row_id: number;
};

export function candidateReportFromRaw(r: ReportRaw): CandidateReport & { messageRowId: number } {
  let logLines: string[] = [];
  try {
    const parsed = JSON.parse(r.log_lines) as unknown;
    if (Array.isArray(parsed)) logLines = parsed.map(String);
  } catch {
    // A damaged column is no evidence.
  }
  return {
    id: r.id,
    messageId: r.message_id,
    ip: r.ip,
    service: r.service,
    reporter: r.reporter,
    failures: r.failures,
    bannedAt: new Date(r.banned_at),
    logLines,
    whois: r.whois,
    trusted: Boolean(r.trusted),
    private: Boolean(r.private),
    privateReason: r.private_reason,
    messageRowId: r.message_row_id,
  };
}

/** Unused reports of one IP, oldest first (uses the reports_unused index). */
export function unusedReports(store: Store, ipKey: string): Array<CandidateReport & { messageRowId: number }> {
  const rows = store.sqlite
    .prepare(
      `SELECT id, message_id, ip, service, reporter, failures, banned_at, log_lines, whois, trusted, private, private_reason, message_row_id
       FROM reports WHERE complaint_id IS NULL AND ip_key = ? ORDER BY banned_at, id`,
    )
    .all(ipKey) as ReportRaw[];
  return rows.map(candidateReportFromRaw);
}

export function countCandidates(store: Store): number {
  const row = store.sqlite.prepare('SELECT count(DISTINCT ip_key) AS n FROM reports WHERE complaint_id IS NULL').get() as { n: number };
  return row.n;
}

/** The contact from overrides and the cache only (no network); status 'pending' when never looked up. */
export function cachedContact(store: Store, ipText: string, now: Date): CandidateContact {
  const ip = parseIp(ipText);
  if (!ip) return { status: 'failed', address: null, confidence: null, reason: 'not an IP address', source: null, range: null };
  const special = neverReportReason(ip);
  if (special) return { status: 'never-report', address: null, confidence: null, reason: `${special} address`, source: 'special-range', range: null };
  const override = findOverride(store, ip);
  if (override) {
    if (override.neverReport) {
      return {
        status: 'never-report',
        address: null,
        confidence: null,
        reason: `override for ${override.cidr ?? `AS${override.asn}`}: never report${override.note ? ` (${override.note})` : ''}`,
        source: 'override',
        range: override.cidr,
      };
    }
    return { status: 'found', address: override.addresses[0] ?? null, confidence: 'high', reason: null, source: 'override', range: override.cidr };
  }
  const row = findCachedRange(store, ip, now);
  if (row) {
    let reason: string | null = null;
    try {
      reason = (JSON.parse(row.resolution) as { reason?: string | null }).reason ?? null;
    } catch {
      // the status and address columns still hold
    }
    return {
      status: row.status as CandidateContact['status'],
      address: row.address,
      confidence: (row.confidence as CandidateContact['confidence']) ?? null,
      reason,
      source: row.source,
      range: row.cidr ?? `${row.first} - ${row.last}`,
    };
  }
  return { status: 'pending', address: null, confidence: null, reason: null, source: null, range: null };
}

export function contactFromResolution(r: ContactResolution): CandidateContact {
  return {
    status: r.status,
    address: r.chosen?.address ?? null,
    confidence: r.chosen?.confidence ?? null,
    reason: r.reason,
    source: r.source,
    range: r.range ? (r.range.cidr ?? `${r.range.first} - ${r.range.last}`) : null,
    resolution: r,
  };
}

async function contactFor(store: Store, config: Config, ip: string, now: Date, opts: Options): Promise<CandidateContact> {
  // Offline mode never touches the network, so the resolver can answer even for a list.
  if (opts.resolver && (opts.lookup || config.lookup.offline)) return contactFromResolution(await opts.resolver.resolve(ip));
  return cachedContact(store, ip, now);
}

/** Builds the full view of one IP's candidate from its unused reports. */
export async function evaluateIp(store: Store, config: Config, ipKey: string, opts: Options = {}): Promise<CandidateView | null> {
  const now = opts.now ?? new Date();
  const reports = unusedReports(store, ipKey);
  if (!reports.length) return null;
  const candidate = summarizeCandidate(reports[0]!.ip, reports);
  const ignored = getIgnoredIp(store, ipKey);
  const contact = await contactFor(store, config, candidate.ip, now, opts);
  const since = capWindowStart(now);
  const last = lastComplaintForIp(store, ipKey);
  const eligibility = evaluateCandidate(
    {
      candidate,
      now,
      neverReport: ignored ? `ignored${ignored.note ? `: ${ignored.note}` : ''}` : null,
      contact,
      complaintsForIpToday: countComplaintsForIpSince(store, ipKey, since),
      lastComplaintAt: last?.createdAt ?? null,
      complaintsForRecipientToday: contact.address ? countComplaintsForRecipientSince(store, contact.address, since) : 0,
      recipientBouncedAt: contact.address ? lastBounceForRecipient(store, contact.address) : null,
    },
    config.policy,
  );
  const privateReport = reports.find((r) => r.private);
  return {
    ip: candidate.ip,
    ipKey,
    ipVersion: candidate.ipVersion,
    reportCount: candidate.reportCount,
    reporters: candidate.reporters,
    services: candidate.services,
    firstSeen: candidate.firstSeen,
    lastSeen: candidate.lastSeen,
    private: Boolean(privateReport),
    privateReason: privateReport?.privateReason ?? null,
    ignored: ignored ? { note: ignored.note, at: ignored.createdAt } : null,
    contact,
    eligibility: { ...eligibility, countedReports: eligibility.countedReports.length },
    candidate,
    countedReports: eligibility.countedReports,
  };
}

interface CandidateOrder {
  token: string;
  keys: string[];
  lastSeen: number[];
}

const orders = new WeakMap<Store, CandidateOrder>();

/**
 * Every candidate IP, newest last-seen first, from one aggregate query; kept per store
 * until the reports or complaints change, so paging through 10,000 candidates costs
 * one aggregate, not one per page.
 */
function candidateOrder(store: Store): CandidateOrder {
  const token = JSON.stringify(
    store.sqlite.prepare('SELECT (SELECT max(id) FROM reports) AS r, (SELECT count(*) FROM complaints) AS c, (SELECT max(updated_at) FROM complaints) AS u').get(),
  );
  const cached = orders.get(store);
  if (cached && cached.token === token) return cached;
  const rows = store.sqlite
    .prepare('SELECT ip_key, max(banned_at) AS last_seen FROM reports WHERE complaint_id IS NULL GROUP BY ip_key ORDER BY last_seen DESC, ip_key DESC')
    .raw()
    .all() as Array<[string, number]>;
  const order = { token, keys: rows.map((r) => r[0]), lastSeen: rows.map((r) => r[1]) };
  orders.set(store, order);
  return order;
}

/** One page of candidates, newest last-seen first; pass `next` back as `after`. */
export async function listCandidates(
  store: Store,
  config: Config,
  opts: Options & { limit?: number; after?: CandidateCursor | null } = {},
): Promise<{ items: CandidateView[]; next: CandidateCursor | null; total: number }> {
  const limit = opts.limit ?? 50;
  const after = opts.after ?? null;
  const order = candidateOrder(store);
  // First position strictly after the cursor in (last_seen DESC, ip_key DESC) order.
  let lo = 0;
  if (after) {
    let hi = order.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const seen = order.lastSeen[mid]!;
      const beyond = seen < after.lastSeen || (seen === after.lastSeen && order.keys[mid]! < after.ipKey);
      if (beyond) hi = mid;
      else lo = mid + 1;
    }
  }
  const page = order.keys.slice(lo, lo + limit);
  const items: CandidateView[] = [];
  for (const key of page) {
    const view = await evaluateIp(store, config, key, opts);
    if (view) items.push(view);
  }
  const last = lo + page.length - 1;
  return {
    items,
    next: lo + limit < order.keys.length && page.length ? { lastSeen: order.lastSeen[last]!, ipKey: order.keys[last]! } : null,
    total: order.keys.length,
  };
}

export async function getCandidate(store: Store, config: Config, ipText: string, opts: Options = {}): Promise<CandidateView | null> {
  const ip = parseIp(ipText);
  return ip ? evaluateIp(store, config, ip.key, opts) : null;
}

/**
 * IPs whose unused, trusted, public reports within the policy window could satisfy
 * the report rule. What a run with nothing new pays, so in two steps: an index-only
 * pass over the unused reports (reports_unused) keeps the IPs with at least as many
 * unused reports as either rule needs; only for those are the reports themselves read.
 */
export function draftableIpKeys(store: Store, policy: Config['policy'], now: Date): string[] {
  const windowStart = now.getTime() - policy.windowDays * 86_400_000;
  const least = Math.max(1, Math.min(policy.minReports, policy.minReporters));
  const keys = store.sqlite
    .prepare('SELECT ip_key FROM reports WHERE complaint_id IS NULL GROUP BY ip_key HAVING count(*) >= ? ORDER BY ip_key')
    .pluck()
    .all(least) as string[];
  const check = store.sqlite.prepare(
    `SELECT count(*) AS n, count(DISTINCT lower(reporter)) AS hosts FROM reports
     WHERE complaint_id IS NULL AND ip_key = ? AND banned_at >= ? AND trusted = 1 AND private = 0`,
  );
  return keys.filter((key) => {
    const row = check.get(key, windowStart) as { n: number; hosts: number };
    return row.n >= policy.minReports || row.hosts >= policy.minReporters;
  });
}

export function ignoreCandidate(store: Store, ipText: string, note: string | null, now: Date = new Date()): boolean {
  const ip = parseIp(ipText);
  if (!ip) return false;
  ignoreIp(store, { ip: ip.ip, ipKey: ip.key }, note, now);
  return true;
}

export function unignoreCandidate(store: Store, ipText: string): boolean {
  const ip = parseIp(ipText);
  return ip ? unignoreIp(store, ip.key) : false;
}
