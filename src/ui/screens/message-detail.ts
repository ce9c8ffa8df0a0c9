// The detail of one stored mail as text lines for the popup: parsed fields and
// reports with their log lines, and (toggled with r) the raw mail. Everything
// from the mail goes through sanitizeText/sanitizeLine here, before rendering.
import { sanitizeLine, sanitizeText } from '../../core/sanitize.js';
import type { MessageDetail } from '../../services/desk.js';
import type { TextOverlay } from '../state/focus.js';
import { shortTime } from '../format.js';

/** Raw mails can be huge (attachments): show the first lines only. */
const RAW_LINE_LIMIT = 5000;

export function messageOverlay(detail: MessageDetail): TextOverlay {
  const m = detail.message;
  const s = (v: string | null | undefined) => sanitizeLine(v ?? '-');
  const lines = [
    `Message-ID: ${s(m.messageId)}`,
    `From:       ${s(m.fromAddress)}`,
    `Subject:    ${s(m.subject)}`,
    `Date:       ${shortTime(m.date)}   stored ${shortTime(m.storedAt)}`,
    `Kind:       ${m.kind}${m.trusted ? '' : '  (UNTRUSTED sender: its reports are never used)'}`,
    `Source:     ${m.source} ${s(m.sourceRef)}${m.archivedAt ? `  archived ${shortTime(m.archivedAt)}` : ''}`,
  ];
  if (m.error) lines.push(`Error:      ${s(m.error)}`);
  lines.push(`Reports:    ${detail.reports.length}`, '');
  for (const r of detail.reports) {
    lines.push(
      `# ${r.ip}  ${s(r.service)}  from ${s(r.reporter)}  ${r.failures ?? '?'} failures  banned ${shortTime(r.bannedAt)}`,
    );
    if (r.private) lines.push(`  never reported: ${s(r.privateReason)}`);
    if (!r.trusted) lines.push('  untrusted reporter');
    if (r.complaintId !== null) lines.push(`  used in complaint #${r.complaintId}`);
    if (r.logLines.length) lines.push(`  log lines (${r.logLines.length}):`);
    for (const line of r.logLines) lines.push(`    ${sanitizeLine(line)}`);
    lines.push('');
  }
  const rawLines = sanitizeText(detail.raw).split('\n');
  const raw = rawLines.length > RAW_LINE_LIMIT ? [...rawLines.slice(0, RAW_LINE_LIMIT), `… ${rawLines.length - RAW_LINE_LIMIT} more lines`] : rawLines;
  return {
    kind: 'text',
    title: `Mail ${s(m.messageId)}`,
    lines,
    alt: { title: `Raw mail ${s(m.messageId)}`, lines: raw },
    top: 0,
  };
}
