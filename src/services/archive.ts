// Archiving on the IMAP server: the mails a sent complaint used, and every mail the
// store has held longer than policy.archiveAfterDays. Called only after the database
// has committed the send; the move itself and the new locations are the IMAP
// helper's (services/archive-moves.ts). Nothing is deleted, here or anywhere.
//
// Public API:
//   archiveUsedMails(store, config, complaintIds, { now? }) -> Promise<ArchiveSummary>
//   archiveOldMails(store, config, { now? })                -> Promise<ArchiveSummary>
// Both do nothing (and say so) when no IMAP mailbox is configured.
import type { Config } from '../config/schema.js';
import type { Store } from '../store/db.js';
import { imapAccount } from '../mail/imap-connection.js';
import { archiveStoredMessages } from './archive-moves.js';

export interface ArchiveSummary {
  /** Mails moved to the archive mailbox (and recorded). */
  archived: number;
  /** Moves that failed (the mail stays where it was; tried again next run). */
  failed: number;
  errors: string[];
  /** No IMAP mailbox configured: nothing to move. */
  skipped: boolean;
}

const NONE: ArchiveSummary = { archived: 0, failed: 0, errors: [], skipped: false };

export async function archiveUsedMails(
  store: Store,
  config: Config,
  complaintIds: readonly number[],
  opts: { now?: Date } = {},
): Promise<ArchiveSummary> {
  if (!config.imap.url) return { ...NONE, skipped: true };
  if (!complaintIds.length) return { ...NONE };
  const rows = store.sqlite
    .prepare(
      `SELECT DISTINCT cr.message_row_id AS id FROM complaint_reports cr JOIN messages m ON m.id = cr.message_row_id
       WHERE cr.complaint_id IN (${complaintIds.map((n) => Number(n)).join(', ')}) AND m.archived_at IS NULL AND m.mailbox IS NOT NULL`,
    )
    .all() as Array<{ id: number }>;
  return move(store, config, rows.map((r) => r.id), opts.now);
}

export async function archiveOldMails(store: Store, config: Config, opts: { now?: Date } = {}): Promise<ArchiveSummary> {
  if (!config.imap.url) return { ...NONE, skipped: true };
  const now = opts.now ?? new Date();
  const cutoff = now.getTime() - config.policy.archiveAfterDays * 86_400_000;
  // By when the store received the mail: a mailbox's first fetch does not empty it at once.
  // Only the fetched mailbox's mails (indexed by location), not every old mail ever stored.
  const rows = store.sqlite
    .prepare('SELECT id FROM messages WHERE mailbox = ? AND archived_at IS NULL AND uid IS NOT NULL AND stored_at < ?')
    .all(imapAccount(config.imap.url).mailbox, cutoff) as Array<{ id: number }>;
  return move(store, config, rows.map((r) => r.id), now);
}

async function move(store: Store, config: Config, ids: number[], now?: Date): Promise<ArchiveSummary> {
  if (!ids.length) return { ...NONE };
  const result = await archiveStoredMessages(store, config, ids, now);
  return { archived: result.archived, failed: result.failed, errors: result.errors, skipped: false };
}
