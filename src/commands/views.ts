// The public JSON shapes of stored objects (DESIGN.md: scripts depend on them).
import type { ReportRow } from '../store/schema/messages.js';
import type { MessageSummary } from '../store/repos/messages.js';

export function reportView(r: ReportRow) {
  return {
    id: r.id,
    messageId: r.messageId,
    kind: r.kind,
    ip: r.ip,
    service: r.service,
    reporter: r.reporter,
    failures: r.failures,
    bannedAt: r.bannedAt.toISOString(),
    logLines: r.logLines,
    logPaths: r.logPaths,
    private: r.private,
    privateReason: r.privateReason,
    trusted: r.trusted,
    complaintId: r.complaintId,
  };
}

export function messageView(m: MessageSummary) {
  return {
    id: m.id,
    messageId: m.messageId,
    kind: m.kind,
    trusted: m.trusted,
    reports: m.reportCount,
    error: m.error,
    subject: m.subject,
    from: m.fromAddress,
    date: m.date ? m.date.toISOString() : null,
    storedAt: m.storedAt.toISOString(),
    source: m.source,
    sourceRef: m.sourceRef,
    sha256: m.sha256,
    size: m.size,
    archived: m.archivedAt !== null,
  };
}

/** "2026-11-24 03:41" in UTC: short, sortable, unambiguous in a table. */
export function shortTime(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-';
}
