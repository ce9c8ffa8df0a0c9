// Ingest: raw mails in, messages + reports stored. Parsing is pure CPU and runs
// before the transaction; the batch (and, for IMAP, the new sync position) is then
// written in one short synchronous transaction, so a crash or a broken connection
// leaves either the whole batch stored or none of it, and the next run resumes.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { parseMail } from '../core/fail2ban-mail.js';
import { neverReportReason, parseIp, parseRangeList, type NeverReportLists } from '../core/ip-ranges.js';
import type { MessageKind, ParsedMail } from '../core/parsed-mail.js';
import { isTrustedSender } from '../core/trust.js';
import type { Store } from '../store/db.js';
import { ingestStatements } from '../store/repos/messages.js';

export type MailSource = 'imap' | 'file' | 'maildir' | 'mbox' | 'stdin';

export interface IncomingMail {
  raw: Buffer;
  source: MailSource;
  /** File path, or "user@host:port/Mailbox" for IMAP. */
  sourceRef: string | null;
  mailbox?: string | null;
  uidValidity?: number | null;
  uid?: number | null;
}

export interface IngestContext {
  trustedReporters: readonly string[];
  neverReport: NeverReportLists;
  now: () => Date;
}

export function ingestContext(config: Config, now: () => Date = () => new Date()): IngestContext {
  return {
    trustedReporters: config.trustedReporters,
    neverReport: {
      ownNetworks: parseRangeList(config.operator.ownNetworks).ranges,
      allowList: parseRangeList(config.policy.allowList).ranges,
    },
    now,
  };
}

export interface IngestResult {
  /** Mails looked at. */
  seen: number;
  /** New mails stored. */
  stored: number;
  /** Mails already in the store (same bytes or same Message-ID). */
  duplicates: number;
  /** Reports stored from the new mails. */
  reports: number;
  /** New mails that could not be fully understood (stored anyway, with the reason). */
  errors: number;
  byKind: Partial<Record<MessageKind, number>>;
}

export function emptyIngestResult(): IngestResult {
  return { seen: 0, stored: 0, duplicates: 0, reports: 0, errors: 0, byKind: {} };
}

export function addIngestResults(total: IngestResult, part: IngestResult): IngestResult {
  total.seen += part.seen;
  total.stored += part.stored;
  total.duplicates += part.duplicates;
  total.reports += part.reports;
  total.errors += part.errors;
  for (const [kind, n] of Object.entries(part.byKind)) {
    total.byKind[kind as MessageKind] = (total.byKind[kind as MessageKind] ?? 0) + (n ?? 0);
  }
  return total;
}

export interface SyncPosition {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
}

/** A synthetic Message-ID for mails without one (sendmail-* actions send none). */
export function syntheticMessageId(sha256: string): string {
  return `sha256.${sha256.slice(0, 32)}@abusedesk.invalid`;
}

function safeParse(raw: Buffer): ParsedMail {
  try {
    return parseMail(raw);
  } catch (err) {
    // The parser is written never to throw; if it does, the mail is still kept.
    return {
      messageId: null,
      fromAddress: null,
      subject: null,
      date: null,
      kind: 'malformed',
      reports: [],
      error: `parser failed: ${(err as Error).message}`,
    };
  }
}

/**
 * The same mail can arrive with other bytes (CRLF from IMAP, LF from a file; an MTA's
 * extra Received: header). A Message-ID alone is not proof, though: anyone can send a
 * mail with a copied Message-ID, which must not suppress the real report. So a mail
 * with a known Message-ID is a duplicate only when its body is the same too.
 */
function sameMailByMessageId(
  statements: ReturnType<typeof ingestStatements>,
  messageId: string | null,
  raw: Buffer,
): number | null {
  if (!messageId) return null;
  const body = normalisedBody(raw);
  for (const candidate of statements.findByMessageId(messageId)) {
    if (normalisedBody(candidate.raw) === body) return candidate.id;
  }
  return null;
}

function normalisedBody(raw: Buffer): string {
  const text = raw.toString('latin1').replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  return (split < 0 ? '' : text.slice(split + 2)).replace(/\s+$/, '');
}

/**
 * Stores a batch of mails. Duplicates (same sha256, or same Message-ID and body) are
 * not stored again; an IMAP duplicate only updates where the mail now is. With
 * `sync`, the mailbox position is written in the same transaction.
 */
export function ingestBatch(
  store: Store,
  ctx: IngestContext,
  mails: readonly IncomingMail[],
  sync?: SyncPosition,
): IngestResult {
  const now = ctx.now();
  const prepared = mails.map((mail) => ({
    mail,
    sha256: createHash('sha256').update(mail.raw).digest('hex'),
    parsed: safeParse(mail.raw),
  }));
  const statements = ingestStatements(store);
  const result = emptyIngestResult();

  // IMMEDIATE: the batch reads (is this mail known?) before it writes. A deferred
  // transaction whose snapshot went stale while another process (the desk, cron)
  // committed cannot upgrade to a writer and fails at once with "database is locked";
  // taking the write lock first makes the busy timeout apply and the reads current.
  const write = store.sqlite.transaction(() => {
    for (const { mail, sha256, parsed } of prepared) {
      result.seen++;
      const existing = statements.findBySha(sha256) ?? sameMailByMessageId(statements, parsed.messageId, mail.raw);
      if (existing !== null) {
        result.duplicates++;
        if (mail.mailbox && mail.uidValidity && mail.uid) {
          statements.updateLocation(existing, { mailbox: mail.mailbox, uidValidity: mail.uidValidity, uid: mail.uid });
        }
        continue;
      }
      const messageId = parsed.messageId ?? syntheticMessageId(sha256);
      const reporter = parsed.reports.find((r) => r.reporter)?.reporter ?? parsed.notice?.host ?? null;
      const trusted = isTrustedSender(parsed.fromAddress, reporter, ctx.trustedReporters);
      const rowId = statements.insertMessage({
        messageId,
        sha256,
        raw: mail.raw,
        size: mail.raw.length,
        source: mail.source,
        sourceRef: mail.sourceRef,
        mailbox: mail.mailbox ?? null,
        uidValidity: mail.uidValidity ?? null,
        uid: mail.uid ?? null,
        storedAt: now,
        date: parsed.date,
        fromAddress: parsed.fromAddress,
        subject: parsed.subject,
        kind: parsed.kind,
        trusted,
        error: parsed.error,
        reportCount: parsed.reports.length,
      });
      for (const report of parsed.reports) {
        const ip = parseIp(report.ip);
        const reason = ip ? neverReportReason(ip, ctx.neverReport) : 'reserved';
        statements.insertReport({
          messageRowId: rowId,
          messageId,
          kind: parsed.kind === 'summary' ? 'summary' : 'ban',
          ip: report.ip,
          ipVersion: report.ipVersion,
          ipKey: report.ipKey,
          service: report.service,
          reporter: report.reporter,
          failures: report.failures,
          bannedAt: report.bannedAt ?? parsed.date ?? now,
          whois: report.whois,
          logLines: report.logLines,
          logPaths: report.logPaths,
          private: reason !== null,
          privateReason: reason,
          trusted,
        });
      }
      result.stored++;
      result.reports += parsed.reports.length;
      if (parsed.error) result.errors++;
      result.byKind[parsed.kind] = (result.byKind[parsed.kind] ?? 0) + 1;
    }
    if (sync) statements.upsertSync(sync.mailbox, sync.uidValidity, sync.lastUid, now);
  });
  write.immediate();
  return result;
}
