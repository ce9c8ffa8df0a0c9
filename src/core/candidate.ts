// Candidates: the reports not yet used in a complaint, grouped by attacking IP.
// Pure: the store hands over the reports, this groups them.
//
// API (stable; the outbox and UI call it):
//   CandidateReport            one stored report as the complaint code sees it
//   Candidate                  the reports of one IP with their summary facts
//   groupCandidates(reports)   -> Candidate[] by IP, newest last-seen first
//   summarizeCandidate(ip, reports) -> Candidate for one IP (reports of that IP only)
//   distinctNames(values, foldCase?) -> distinct non-empty names, first spelling kept, sorted
import { parseIp } from './ip-ranges.js';

export interface CandidateReport {
  /** reports.id */
  id: number;
  /** Message-ID of the Fail2Ban mail the report came from. */
  messageId: string;
  ip: string;
  /** Fail2Ban jail name ("sshd", "postfix-sasl"). */
  service: string;
  /** Reporting host from the subject, null when the mail did not name one. */
  reporter: string | null;
  failures: number | null;
  bannedAt: Date;
  logLines: string[];
  whois: string | null;
  /** The mail came from a trusted sender (only trusted reports are evidence). */
  trusted: boolean;
  /** The IP is private/reserved/own/allow-listed (never reported). */
  private: boolean;
  privateReason: string | null;
}

export interface Candidate {
  ip: string;
  ipVersion: 4 | 6;
  /** Sorted oldest first. */
  reports: CandidateReport[];
  reportCount: number;
  /** Distinct reporting hosts (case-insensitive), sorted. */
  reporters: string[];
  /** Distinct services (jails), sorted. */
  services: string[];
  firstSeen: Date;
  lastSeen: Date;
}

function byBannedAt(a: CandidateReport, b: CandidateReport): number {
  return a.bannedAt.getTime() - b.bannedAt.getTime() || a.id - b.id;
}

/** Distinct, case-insensitive for host names, first spelling kept, sorted. */
export function distinctNames(values: Iterable<string | null>, foldCase = true): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    if (!value) continue;
    const key = foldCase ? value.toLowerCase() : value;
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b, 'en'));
}

export function summarizeCandidate(ip: string, reports: readonly CandidateReport[]): Candidate {
  if (reports.length === 0) throw new Error(`candidate ${ip} has no reports`);
  const sorted = [...reports].sort(byBannedAt);
  const parsed = parseIp(ip);
  return {
    ip: parsed?.ip ?? ip,
    ipVersion: parsed?.version ?? (ip.includes(':') ? 6 : 4),
    reports: sorted,
    reportCount: sorted.length,
    reporters: distinctNames(sorted.map((r) => r.reporter)),
    services: distinctNames(sorted.map((r) => r.service), false),
    firstSeen: sorted[0].bannedAt,
    lastSeen: sorted[sorted.length - 1].bannedAt,
  };
}

/** Groups by canonical IP; newest last-seen first, ties by IP text so the order is stable. */
export function groupCandidates(reports: readonly CandidateReport[]): Candidate[] {
  const groups = new Map<string, CandidateReport[]>();
  for (const report of reports) {
    const ip = parseIp(report.ip)?.ip ?? report.ip;
    let list = groups.get(ip);
    if (!list) groups.set(ip, (list = []));
    list.push(report);
  }
  const candidates = [...groups].map(([ip, list]) => summarizeCandidate(ip, list));
  return candidates.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime() || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}
