// After mails were moved to the archive mailbox: the store follows them (new
// mailbox, UIDVALIDITY, UID) and marks them archived. The mail itself (raw bytes,
// classification) is never touched.
import type { Config } from '../config/schema.js';
import { moveToArchive, type ArchiveItem, type ArchiveMove, type MailLocation } from '../mail/imap-archive.js';
import type { Store } from '../store/db.js';

export interface ArchiveRecordResult {
  /** Stored messages now marked archived. */
  archived: number;
  /** Moves that failed (the store still has the old location). */
  failed: number;
}

/** Applies the outcome of moveToArchive to the messages table, in one transaction. */
export function recordArchived(store: Store, moves: readonly ArchiveMove[], now: Date = new Date()): ArchiveRecordResult {
  const at = now.getTime();
  const follow = store.sqlite.prepare(
    `UPDATE messages SET mailbox = ?, uid_validity = ?, uid = ?, archived_at = COALESCE(archived_at, ?)
     WHERE mailbox = ? AND uid_validity = ? AND uid = ?`,
  );
  const result: ArchiveRecordResult = { archived: 0, failed: 0 };
  store.sqlite.transaction(() => {
    for (const move of moves) {
      const { from, to } = move;
      if (!move.moved && !(to && sameLocation(from, to))) {
        result.failed++;
        continue;
      }
      // Moved without a reported UID: the mail is in the archive; its UID is unknown until seen again.
      const target: { mailbox: string | null; uidValidity: number | null; uid: number | null } = to ?? {
        mailbox: null,
        uidValidity: null,
        uid: null,
      };
      const changes = follow.run(target.mailbox, target.uidValidity, target.uid, at, from.mailbox, from.uidValidity, from.uid).changes;
      result.archived += changes;
    }
  })();
  return result;
}

function sameLocation(a: MailLocation, b: MailLocation): boolean {
  return a.mailbox === b.mailbox && a.uidValidity === b.uidValidity && a.uid === b.uid;
}

export interface ArchiveMessagesResult extends ArchiveRecordResult {
  /** Messages with no IMAP location (imported from files) or already archived: nothing to move. */
  skipped: number;
  /** One line per failed move, for the operator. */
  errors: string[];
}

/**
 * Moves stored messages (by row id) to the archive mailbox and records where they went.
 * For callers that have already committed whatever made the mails archivable.
 */
export async function archiveStoredMessages(
  store: Store,
  config: Config,
  messageRowIds: readonly number[],
  now: Date = new Date(),
): Promise<ArchiveMessagesResult> {
  const select = store.sqlite.prepare<
    [number],
    { message_id: string; mailbox: string | null; uid_validity: number | null; uid: number | null; archived_at: number | null }
  >('SELECT message_id, mailbox, uid_validity, uid, archived_at FROM messages WHERE id = ?');
  const items: ArchiveItem[] = [];
  let skipped = 0;
  for (const id of new Set(messageRowIds)) {
    const row = select.get(id);
    if (!row || row.archived_at !== null || !row.mailbox || row.uid_validity === null || row.uid === null) {
      skipped++;
      continue;
    }
    items.push({ mailbox: row.mailbox, uidValidity: row.uid_validity, uid: row.uid, messageId: row.message_id });
  }
  const moves = await moveToArchive(config, items);
  const recorded = recordArchived(store, moves, now);
  const errors = moves.filter((m) => m.error).map((m) => `${m.from.mailbox} UID ${m.from.uid}: ${m.error}`);
  return { ...recorded, skipped, errors };
}
