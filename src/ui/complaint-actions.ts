// What the Pending and Sent screens do to complaints, over services/outbox and
// services/send: sending runs as long work (progress in the status line, input
// stays live), then the mails the sent complaints used are archived.
import { sanitizeLine, sanitizeText } from '../core/sanitize.js';
import type { ComplaintDetail } from '../services/desk.js';
import type { TransitionResult } from '../services/outbox.js';
import type { ComplaintRow } from '../store/schema/complaints.js';
import type { DeskApi } from './desk-context.js';
import type { TextOverlay } from './state/focus.js';
import { shortTime } from './format.js';

/** "abuse@a.example (2), abuse@b.example" for a confirmation. */
export function recipientsSummary(complaints: readonly ComplaintRow[], max = 3): string {
  const counts = new Map<string, number>();
  for (const c of complaints) counts.set(c.recipient, (counts.get(c.recipient) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => (n > 1 ? `${sanitizeLine(r)} (${n})` : sanitizeLine(r)));
  return parts.length > max ? `${parts.slice(0, max).join(', ')} and ${parts.length - max} more` : parts.join(', ');
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** One status line for a batch of transitions: how many worked, the first reason one did not. */
export function describeTransitions(verb: string, results: readonly TransitionResult[]): { message: string; ok: boolean } {
  const ok = results.filter((r) => r.ok).length;
  const failed = results.filter((r) => !r.ok);
  if (!failed.length) return { message: `${verb} ${plural(ok, 'complaint')}`, ok: true };
  return { message: `${verb} ${ok} of ${results.length}: ${failed[0]!.error ?? 'refused'}`, ok: false };
}

/** Sends the given approved complaints now; archives the mails they used when a mailbox is configured. */
export async function sendNow(desk: DeskApi, ids: readonly number[]): Promise<void> {
  const { store, config } = desk.deps;
  const summary = await desk.runTask('sending', async (progress) => {
    const { sendApproved } = await import('../services/send.js');
    let done = 0;
    return sendApproved(store, config, {
      ids,
      onEvent: (e) => {
        if (e.phase === 'sending') progress(`${done + 1}/${ids.length} to ${sanitizeLine(e.complaint.recipient)}`);
        else done++;
      },
    });
  });
  if (!summary) return;
  const parts = [`sent ${summary.sent}`];
  if (summary.retrying) parts.push(`${summary.retrying} will be retried`);
  if (summary.failed) parts.push(`${summary.failed} failed`);
  if (summary.unknown) parts.push(`${summary.unknown} outcome unknown (see Sent)`);
  if (summary.composeErrors) parts.push(`${summary.composeErrors} could not be composed`);
  if (summary.attempted === 0 && ids.length) parts.push('(nothing was due: see Sent / Pending for why)');
  const first = summary.results.find((r) => r.state !== 'sent');
  const detail = first ? `; #${first.id}: ${first.outcome.response || first.state}` : '';
  desk.flash(`${parts.join(', ')}${detail}`, summary.sent === summary.attempted && summary.attempted > 0 ? 'ok' : 'warning');
  if (summary.sentIds.length && config.imap.url) {
    await desk.runTask('archiving', async () => {
      const { archiveUsedMails } = await import('../services/archive.js');
      return archiveUsedMails(store, config, summary.sentIds);
    });
  }
}

function contactLines(c: ComplaintRow): string[] {
  const contact = c.contact as Record<string, unknown>;
  const bits = ['source', 'via', 'confidence', 'range', 'server']
    .filter((k) => contact[k] !== undefined && contact[k] !== null)
    .map((k) => `${k} ${sanitizeLine(String(contact[k]))}`);
  const lines = [`To:         ${sanitizeLine(c.recipient)}${c.recipient !== c.abuseContact ? `  (abuse contact ${sanitizeLine(c.abuseContact)}: test mode)` : ''}`];
  if (bits.length) lines.push(`Contact:    ${bits.join(', ')}`);
  return lines;
}

export function complaintOverlay(detail: ComplaintDetail): TextOverlay {
  const c = detail.complaint;
  const lines = [
    `Complaint #${c.id}  ${c.state}${c.needsOperator ? ' (outcome unknown: check, then R retries)' : ''}`,
    ...contactLines(c),
    `Subject:    ${sanitizeLine(c.subject)}`,
    `IPs:        ${detail.ips.map(sanitizeLine).join(', ') || sanitizeLine(c.ip)}`,
    `Why:        ${sanitizeLine(c.reason ?? '-')}`,
    `Created:    ${shortTime(c.createdAt)}   updated ${shortTime(c.updatedAt)}${c.sentAt ? `   sent ${shortTime(c.sentAt)}` : ''}`,
  ];
  if (c.smtpResponse) lines.push(`SMTP:       ${sanitizeLine(c.smtpResponse)}`);
  if (c.lastError) lines.push(`Note:       ${sanitizeLine(c.lastError)}`);
  if (c.rejectReason) lines.push(`Rejected:   ${sanitizeLine(c.rejectReason)}`);
  if (c.attempts) lines.push(`Attempts:   ${c.attempts}${c.nextAttemptAt ? `, next not before ${shortTime(c.nextAttemptAt)}` : ''}`);
  lines.push('', '--- text ---', ...sanitizeText(c.bodyText).split('\n'));
  lines.push('', '--- X-ARF report.txt ---', ...sanitizeText(c.xarfReport).split('\n'));
  lines.push('', `--- evidence: logfile.log (${plural(detail.reports.length, 'report')}) ---`, ...sanitizeText(c.evidenceLog).split('\n'));
  return { kind: 'text', title: `Complaint #${c.id} to ${sanitizeLine(c.recipient)}`, lines, top: 0 };
}
