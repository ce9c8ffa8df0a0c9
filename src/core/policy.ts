// The complaint policy: is a candidate eligible for a complaint now, and why
// (or why not) in words an operator reads in a list. Pure: the caller gathers
// the facts (counts from the store, the contact) and passes them in.
//
// API (stable):
//   PolicyConfig                         = Config['policy']
//   PolicyFacts, PolicyContact, Eligibility, Blocking
//   evaluateCandidate(facts, policy)     -> Eligibility
//   capWindowStart(now)                  -> Date: "today" for the daily caps is the last 24 hours
//                                           (rolling, so a cap does not reset at midnight in one zone)
//   neverReportText(reason)              -> human text for a NeverReportReason ("private" -> "private range")
//
// Rules (DESIGN.md "Policy defaults"), checked in this order, the first that blocks is the reason:
//   1. never: facts.neverReport, every report private, or the contact is a "never report" override
//   2. untrusted reports are not evidence: only untrusted ones -> "untrusted sender only"
//   3. counted = trusted, non-private, within windowDays, newer than lastComplaintAt;
//      eligible when counted >= minReports OR distinct reporting hosts in counted >= minReporters
//   4. at most maxComplaintsPerIpPerDay complaints per IP ("sent 4 today"); 0 means none at all
//   5. a usable abuse contact ("no abuse contact")
//   6. at most maxComplaintsPerRecipientPerDay per recipient ("recipient cap reached (20 today)")
import type { Config } from '../config/schema.js';
import type { Candidate, CandidateReport } from './candidate.js';
import { distinctNames } from './candidate.js';
import { formatCount as plural } from './presentation.js';

export type PolicyConfig = Config['policy'];

export interface PolicyContact {
  status: 'found' | 'none' | 'never-report' | 'failed' | 'pending';
  address: string | null;
  confidence: 'high' | 'medium' | 'low' | null;
  /** Why there is none / why never / why the lookup failed. */
  reason?: string | null;
}

export interface PolicyFacts {
  candidate: Candidate;
  now: Date;
  /** Why this IP is never reported: a NeverReportReason, an override 'never', an ignored-IP note; null: reportable. */
  neverReport: string | null;
  contact: PolicyContact;
  /** Complaints about this IP since capWindowStart(now) (sent or on their way). */
  complaintsForIpToday: number;
  /** When the last complaint about this IP was sent (only newer reports count); null: never. */
  lastComplaintAt: Date | null;
  /** Complaints to the contact's address since capWindowStart(now). */
  complaintsForRecipientToday: number;
  /** When a complaint to the contact's address last bounced (null or absent: never). */
  recipientBouncedAt?: Date | null;
}

/** A bounce this recent makes the operator look before anything goes to that address again. */
export const BOUNCE_MEMORY_DAYS = 30;

export type Blocking = 'policy' | 'never' | 'contact' | 'cap' | null;

export interface Eligibility {
  eligible: boolean;
  /** One short human line: "3 reports from 2 hosts in 7 days", "2 reports, needs 3", "private range" ... */
  reason: string;
  /** Trusted, non-private reports within the window and newer than lastComplaintAt (empty when blocked as never). */
  countedReports: CandidateReport[];
  blocking: Blocking;
  /** Eligible and the contact is confident enough for --auto to approve on its own. */
  autoApprovable: boolean;
}

const DAY_MS = 86_400_000;

export function capWindowStart(now: Date): Date {
  return new Date(now.getTime() - DAY_MS);
}

const NEVER_TEXT: Record<string, string> = {
  unspecified: 'unspecified address',
  loopback: 'loopback address',
  private: 'private range',
  'link-local': 'link-local address',
  cgnat: 'CGNAT range',
  multicast: 'multicast address',
  reserved: 'reserved range',
  'own network': 'own network',
  'allow-listed': 'allow-listed',
};

export function neverReportText(reason: string): string {
  return NEVER_TEXT[reason] ?? reason;
}

function days(windowDays: number): string {
  return windowDays === 1 ? '1 day' : `${Number(windowDays.toFixed(2))} days`;
}

function blocked(reason: string, blocking: Exclude<Blocking, null>, countedReports: CandidateReport[] = []): Eligibility {
  return { eligible: false, reason, countedReports, blocking, autoApprovable: false };
}

export function evaluateCandidate(facts: PolicyFacts, policy: PolicyConfig): Eligibility {
  const { candidate, now, contact } = facts;
  const reports = candidate.reports;

  if (facts.neverReport) return blocked(neverReportText(facts.neverReport), 'never');
  const publicReports = reports.filter((r) => !r.private);
  if (publicReports.length === 0) {
    const why = reports.find((r) => r.privateReason)?.privateReason ?? 'private';
    return blocked(neverReportText(why), 'never');
  }
  if (contact.status === 'never-report') return blocked(contact.reason || 'never report (override)', 'never');

  const trusted = publicReports.filter((r) => r.trusted);
  if (trusted.length === 0) return blocked('untrusted sender only', 'policy');

  const windowStart = now.getTime() - policy.windowDays * DAY_MS;
  const since = facts.lastComplaintAt?.getTime() ?? -Infinity;
  const inWindow = trusted.filter((r) => r.bannedAt.getTime() >= windowStart);
  const counted = inWindow.filter((r) => r.bannedAt.getTime() > since);
  const hosts = distinctNames(counted.map((r) => r.reporter)).length;
  const isNew = facts.lastComplaintAt !== null;
  const reportsText = plural(counted.length, isNew ? 'new report' : 'report');

  if (counted.length < policy.minReports && hosts < policy.minReporters) {
    if (inWindow.length === 0) return blocked(`no reports in ${days(policy.windowDays)}`, 'policy', counted);
    if (counted.length === 0) return blocked('no new reports since the last complaint', 'policy', counted);
    return blocked(`${reportsText}, needs ${policy.minReports}`, 'policy', counted);
  }

  if (facts.complaintsForIpToday >= policy.maxComplaintsPerIpPerDay) {
    return blocked(`sent ${facts.complaintsForIpToday} today`, 'cap', counted);
  }

  if (contact.status === 'pending') return blocked('abuse contact not looked up yet', 'contact', counted);
  if (contact.status === 'failed') {
    return blocked(contact.reason ? `abuse contact lookup failed: ${contact.reason}` : 'abuse contact lookup failed', 'contact', counted);
  }
  if (contact.status !== 'found' || !contact.address) return blocked('no abuse contact', 'contact', counted);

  if (facts.complaintsForRecipientToday >= policy.maxComplaintsPerRecipientPerDay) {
    return blocked(`recipient cap reached (${facts.complaintsForRecipientToday} today)`, 'cap', counted);
  }

  const reason = `${reportsText} from ${plural(hosts, 'host')} in ${days(policy.windowDays)}`;
  // Still eligible (the operator may know the address works again), but --auto never
  // mails an address that bounced lately on its own.
  const bounced = facts.recipientBouncedAt;
  if (bounced && now.getTime() - bounced.getTime() < BOUNCE_MEMORY_DAYS * DAY_MS) {
    return {
      eligible: true,
      reason: `${reason}; the recipient bounced on ${bounced.toISOString().slice(0, 10)}, review it`,
      countedReports: counted,
      blocking: null,
      autoApprovable: false,
    };
  }
  return { eligible: true, reason, countedReports: counted, blocking: null, autoApprovable: contact.confidence === 'high' };
}
