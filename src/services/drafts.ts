// Drafting: one complaint per eligible candidate (or one per recipient when
// complaint.combinePerRecipient is set), rendered by the core from the template,
// and stored together with the reports it uses in one transaction
// (complaint_reports rows + reports.complaint_id), so a report is never in two
// complaints and a crash never leaves a half-made one.
//
// Public API:
//   draftEligible(store, config, { now?, runId?, resolver?, approve?, dryRun? }) -> Promise<DraftSummary>
//       every IP whose unused reports pass the policy: drafted; approved too when `approve`
//       says so ('confident' = eligible with a high-confidence contact; 'none' = all wait for review)
//   draftCandidate(store, config, ip, { now?, resolver?, force? }) -> Promise<DraftOne>
//   editDraft(store, id, { subject?, bodyText?, recipient? }) -> TransitionResult
//       the operator's edit of a draft (or deferred) complaint, checked first: the text must
//       still name every attacking address and hold no control characters
//       the desk's "draft now" for one IP; `force` drafts even when the report rule or a
//       daily cap says no (never for never-report addresses, never without a contact)
//
// Rejected complaints keep their reports used (see services/outbox rejectComplaints).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../config/schema.js';
import { draftCombinedComplaint, draftComplaint, validateComplaintText, type ComplaintDraft, type DraftContact, type DraftInput } from '../core/complaint-draft.js';
import { parseIp } from '../core/ip-ranges.js';
import type { Store } from '../store/db.js';
import { complaintIpsOf, insertComplaint, previousSentComplaint, ReportsAlreadyUsedError, type NewComplaint } from '../store/repos/complaints.js';
import { draftableIpKeys, evaluateIp, type CandidateView } from './candidates.js';
import { editComplaint, type TransitionResult } from './outbox.js';
import type { ContactResolver } from './resolve-contact.js';

export type ApprovePolicy = 'confident' | 'none';

export interface PlannedComplaint {
  /** The stored id; null in a dry run. */
  id: number | null;
  ips: string[];
  recipient: string;
  abuseContact: string;
  state: 'draft' | 'approved';
  subject: string;
  messageId: string;
  reports: number;
  reason: string;
  complaint: NewComplaint;
}

export interface DraftSummary {
  /** IPs looked at. */
  evaluated: number;
  eligible: number;
  drafted: number;
  approved: number;
  /** Eligible but left for later, with why ("no abuse contact" ...). */
  skipped: Array<{ ip: string; reason: string }>;
  complaints: PlannedComplaint[];
  errors: string[];
}

export interface DraftOptions {
  now?: Date;
  runId?: number | null;
  resolver?: ContactResolver;
  approve?: ApprovePolicy;
  /** Plan only: nothing is written (contacts come from the cache and offline data only). */
  dryRun?: boolean;
  /** The IPs to look at, when the caller already asked draftableIpKeys. */
  ipKeys?: readonly string[];
}

export interface DraftOne {
  ok: boolean;
  complaintId: number | null;
  error?: string;
}

function newMessageId(config: Config): string {
  return `${randomUUID()}@${config.operator.domain}`;
}

/** Renders the complaint for one or several candidates with the same recipient. */
export function planComplaint(
  store: Store,
  config: Config,
  views: CandidateView[],
  opts: { now: Date; approve: boolean; runId?: number | null; reason: string },
): NewComplaint {
  const first = views[0];
  if (!first || !first.contact.address) throw new Error('planComplaint needs a candidate with an abuse contact');
  const abuseContact = first.contact.address;
  const recipient = config.complaint.testRecipient ?? abuseContact;
  const messageId = newMessageId(config);
  const previous = views.length === 1 ? previousSentComplaint(store, first.ipKey, abuseContact) : null;
  const template = loadTemplate(config);
  const inputs: DraftInput[] = views.map((v) => ({
    ip: v.ip,
    reports: v.countedReports,
    recipient,
    contact: draftContact(v),
    operator: config.operator,
    complaint: config.complaint,
    ...(template !== undefined ? { template } : {}),
    followUp: previous ? { messageId: previous.messageId, sentAt: previous.sentAt } : null,
    now: opts.now,
    reportId: messageId.split('@')[0]!,
    messageId,
  }));
  const draft: ComplaintDraft = inputs.length === 1 ? draftComplaint(inputs[0]!) : draftCombinedComplaint(inputs);
  const reports = views.flatMap((v) => v.countedReports.map((r) => ({ id: r.id, messageRowId: (r as { messageRowId?: number }).messageRowId ?? 0 })));
  return {
    state: opts.approve ? 'approved' : 'draft',
    ips: views.map((v) => ({ ip: v.ip, ipKey: v.ipKey })),
    recipient,
    abuseContact,
    contact: {
      address: abuseContact,
      status: first.contact.status,
      confidence: first.contact.confidence,
      source: first.contact.source,
      range: first.contact.range,
      via: first.contact.resolution?.chosen?.via ?? null,
      evidence: first.contact.resolution?.evidence ?? null,
    },
    messageId,
    inReplyTo: draft.inReplyTo,
    subject: draft.subject,
    bodyText: draft.text,
    xarfReport: draft.xarfReport,
    evidenceLog: draft.evidenceLog,
    sourceMessageIds: draft.sourceMessageIds,
    reason: opts.reason,
    approvedBy: opts.approve ? 'auto' : null,
    runId: opts.runId ?? null,
    reports,
  };
}

const SOURCE_NAMES: Record<string, string> = { rdap: 'RDAP', whois: 'whois', override: 'local override', offline: 'offline data', cache: 'cached lookup' };

function draftContact(v: CandidateView): DraftContact {
  const r = v.contact.resolution;
  return {
    source: SOURCE_NAMES[v.contact.source ?? ''] ?? v.contact.source ?? 'lookup',
    via: r?.chosen?.via ?? r?.server ?? null,
    range: v.contact.range,
    network: r?.network?.name ?? null,
    country: r?.network?.country ?? null,
    evidence: r?.evidence ?? '',
  };
}

/** The operator's template file (complaint.template), read for each run so edits apply at once. */
function loadTemplate(config: Config): string | undefined {
  if (!config.complaint.template) return undefined;
  try {
    return fs.readFileSync(config.complaint.template, 'utf8');
  } catch (err) {
    throw new Error(`complaint.template ${config.complaint.template}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function summaryOf(c: NewComplaint, id: number | null): PlannedComplaint {
  return {
    id,
    ips: c.ips.map((i) => i.ip),
    recipient: c.recipient,
    abuseContact: c.abuseContact,
    state: c.state,
    subject: c.subject,
    messageId: c.messageId,
    reports: c.reports.length,
    reason: c.reason ?? '',
    complaint: c,
  };
}

export async function draftEligible(store: Store, config: Config, opts: DraftOptions = {}): Promise<DraftSummary> {
  // A dry run does the real work inside a transaction it rolls back, so the plan is exactly
  // what a run would do (caps counted as the run goes), and nothing stays written.
  const own = opts.dryRun && !store.sqlite.inTransaction;
  if (own) store.sqlite.exec('BEGIN IMMEDIATE');
  try {
    return await draftAll(store, config, opts);
  } finally {
    if (own && store.sqlite.inTransaction) store.sqlite.exec('ROLLBACK');
  }
}

async function draftAll(store: Store, config: Config, opts: DraftOptions): Promise<DraftSummary> {
  const now = opts.now ?? new Date();
  const approvePolicy = opts.approve ?? config.auto.approve;
  const summary: DraftSummary = { evaluated: 0, eligible: 0, drafted: 0, approved: 0, skipped: [], complaints: [], errors: [] };
  const keys = opts.ipKeys ?? draftableIpKeys(store, config.policy, now);
  const combine = config.complaint.combinePerRecipient;
  const eligible: CandidateView[] = [];

  const store1 = (group: CandidateView[]) => {
    const approve = approvePolicy === 'confident' && group.every((v) => v.eligibility.autoApprovable);
    const ips = group.map((v) => v.ip).join(', ');
    let planned: NewComplaint;
    try {
      planned = planComplaint(store, config, group, { now, approve, runId: opts.runId, reason: group.map((v) => v.eligibility.reason).join('; ') });
    } catch (err) {
      summary.errors.push(`drafting ${ips}: ${(err as Error).message}`);
      return;
    }
    try {
      const id = insertComplaint(store, planned, now);
      summary.complaints.push(summaryOf(planned, opts.dryRun ? null : id));
    } catch (err) {
      if (err instanceof ReportsAlreadyUsedError) {
        // Another process drafted these reports first: theirs stands.
        summary.skipped.push({ ip: ips, reason: 'drafted by another process meanwhile' });
      } else {
        summary.errors.push(`storing the complaint for ${ips}: ${(err as Error).message}`);
      }
      return;
    }
    summary.drafted++;
    if (planned.state === 'approved') summary.approved++;
  };

  for (const key of keys) {
    summary.evaluated++;
    let view: CandidateView | null;
    try {
      // Evaluated right before it is stored: the daily caps see the complaints this run already made.
      view = await evaluateIp(store, config, key, { resolver: opts.resolver, now, lookup: !opts.dryRun });
    } catch (err) {
      summary.errors.push(`candidate ${key}: ${(err as Error).message}`);
      continue;
    }
    if (!view) continue;
    if (view.eligibility.eligible) {
      summary.eligible++;
      if (combine) eligible.push(view);
      else store1([view]);
    } else if (view.eligibility.blocking === 'contact' || view.eligibility.blocking === 'cap') {
      summary.skipped.push({ ip: view.ip, reason: view.eligibility.reason });
    }
  }
  // Combined: one complaint per recipient and run (it counts once against the recipient's cap).
  if (combine) for (const group of groupByRecipient(eligible)) store1(group);
  return summary;
}

function groupByRecipient(views: CandidateView[]): CandidateView[][] {
  const groups = new Map<string, CandidateView[]>();
  for (const v of views) {
    const key = (v.contact.address ?? '').toLowerCase();
    const list = groups.get(key) ?? [];
    list.push(v);
    groups.set(key, list);
  }
  return [...groups.values()];
}

export async function draftCandidate(
  store: Store,
  config: Config,
  ipText: string,
  opts: { now?: Date; resolver?: ContactResolver; force?: boolean } = {},
): Promise<DraftOne> {
  const now = opts.now ?? new Date();
  const ip = parseIp(ipText);
  if (!ip) return { ok: false, complaintId: null, error: `not an IP address: ${ipText}` };
  const view = await evaluateIp(store, config, ip.key, { resolver: opts.resolver, now, lookup: true });
  if (!view) return { ok: false, complaintId: null, error: `no unused reports for ${ip.ip}` };
  const e = view.eligibility;
  if (!e.eligible) {
    const overridable = opts.force && (e.blocking === 'policy' || e.blocking === 'cap');
    if (!overridable) return { ok: false, complaintId: null, error: `${ip.ip}: ${e.reason}` };
    // Forced: every trusted public report of the IP is the evidence.
    view.countedReports = view.candidate.reports.filter((r) => r.trusted && !r.private);
    if (!view.countedReports.length) return { ok: false, complaintId: null, error: `${ip.ip}: no trusted public reports` };
  }
  try {
    const planned = planComplaint(store, config, [view], { now, approve: false, reason: e.eligible ? e.reason : `drafted by the operator (${e.reason})` });
    return { ok: true, complaintId: insertComplaint(store, planned, now) };
  } catch (err) {
    return { ok: false, complaintId: null, error: (err as Error).message };
  }
}

export function editDraft(
  store: Store,
  id: number,
  changes: { subject?: string; bodyText?: string; recipient?: string },
  opts: { now?: Date } = {},
): TransitionResult {
  if (changes.bodyText !== undefined) {
    const problems = validateComplaintText(changes.bodyText, complaintIpsOf(store, id));
    if (problems.length) return { id, ok: false, state: null, error: problems.join('; ') };
  }
  if (changes.subject !== undefined && (!changes.subject.trim() || /[\x00-\x1f\x7f]/.test(changes.subject))) {
    return { id, ok: false, state: null, error: 'the subject must be one line of text' };
  }
  return editComplaint(store, id, changes, opts);
}
