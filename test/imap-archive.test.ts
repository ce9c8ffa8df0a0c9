// Moving fetched mails to the archive mailbox on a real Dovecot: IMAP MOVE with the
// server's UID map, the archive created when missing, stale UIDVALIDITY refused, and
// the store following the mails while their bytes stay exactly as received.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { moveToArchive } from '../src/mail/imap-archive.js';
import { archiveStoredMessages, recordArchived } from '../src/services/archive-moves.js';
import { fetchMail } from '../src/services/fetch.js';
import { openStore, type Store } from '../src/store/db.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { banMail } from './helpers/mails.js';

let dovecot: Dovecot;
let tmp: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-archive-'));
});

afterAll(async () => {
  await dovecot?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
function crlfMails(count: number, tag: string): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(
      banMail({ ip: `203.0.113.${i + 1}`, messageId: `${tag}-${i}@web2.example.net` })
        .toString('latin1')
        .replace(/\r?\n/g, '\r\n'),
      'latin1',
    ),
  );
}

interface Row {
  id: number;
  raw: Buffer;
  mailbox: string | null;
  uid_validity: number | null;
  uid: number | null;
  archived_at: number | null;
}
const rows = (store: Store) =>
  store.sqlite.prepare('SELECT id, raw, mailbox, uid_validity, uid, archived_at FROM messages ORDER BY id').all() as Row[];

async function serverMails(mailbox: string): Promise<Map<number, Buffer>> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  try {
    if (!client.mailbox || client.mailbox.exists === 0) return new Map();
    const all = await client.fetchAll('1:*', { uid: true, source: true }, { uid: true });
    return new Map(all.map((m) => [m.uid, m.source!]));
  } finally {
    lock.release();
    await client.logout();
  }
}

async function fetchedStore(mailbox: string, count: number, archiveMailbox?: string) {
  const store = openStore(path.join(tmp, `store-${++n}.db`));
  const sent = crlfMails(count, mailbox);
  dovecot.seedMaildir(sent, mailbox);
  const config = parseConfig({ imap: { url: dovecot.imapUrl(mailbox), ...(archiveMailbox ? { archiveMailbox } : {}) } });
  const fetched = await fetchMail(store, config);
  expect(fetched.stored).toBe(count);
  return { store, config, sent };
}

describe('archive moves (real Dovecot)', () => {
  it('moves mails with UID MOVE, takes the new UIDs from the UID map, and the store follows', async () => {
    const { store, config, sent } = await fetchedStore('Inbox1', 6);
    const before = rows(store);
    const picked = before.filter((r) => [2, 3, 5, 6].includes(r.uid!));
    const items = picked.map((r) => ({ mailbox: r.mailbox!, uidValidity: r.uid_validity!, uid: r.uid! }));

    const moves = await moveToArchive(config, items);
    const archiveStatus = await dovecot.status('Archive');
    expect(moves.map((m) => m.from)).toEqual(items); // in the order asked
    for (const move of moves) {
      expect(move).toMatchObject({ moved: true, to: { mailbox: 'Archive', uidValidity: archiveStatus.uidValidity } });
      expect(move.error).toBeUndefined();
    }
    expect(new Set(moves.map((m) => m.to!.uid)).size).toBe(4);
    expect(await dovecot.count('Inbox1')).toBe(2);
    expect(archiveStatus.messages).toBe(4);

    // The UID map is right: each new UID holds exactly the mail that had the old one.
    const archived = await serverMails('Archive');
    for (const move of moves) {
      const row = picked.find((r) => r.uid === move.from.uid)!;
      expect(archived.get(move.to!.uid)?.equals(row.raw)).toBe(true);
    }

    const recorded = recordArchived(store, moves, new Date('2026-11-24T05:00:00Z'));
    expect(recorded).toEqual({ archived: 4, failed: 0 });
    const after = rows(store);
    for (const move of moves) {
      const row = after.find((r) => r.id === picked.find((p) => p.uid === move.from.uid)!.id)!;
      expect(row).toMatchObject({ mailbox: 'Archive', uid_validity: move.to!.uidValidity, uid: move.to!.uid });
      expect(row.archived_at).toBe(Date.parse('2026-11-24T05:00:00Z'));
    }
    // Untouched mails stay where they were; every stored mail is still byte for byte what was delivered.
    expect(after.filter((r) => r.mailbox === 'Inbox1').map((r) => r.uid)).toEqual([1, 4]);
    expect(after.every((r, i) => r.raw.equals(sent[i]!))).toBe(true);

    // A later fetch of the inbox finds nothing new and changes nothing.
    const again = await fetchMail(store, config);
    expect(again).toMatchObject({ fetched: 0, stored: 0 });
    expect(rows(store)).toEqual(after);
    store.close();
  });

  it('creates a missing archive mailbox, refuses a stale UIDVALIDITY and reports mails that are gone', async () => {
    const { store, config } = await fetchedStore('Inbox2', 3, 'Done');
    expect((await dovecot.doveadm(['mailbox', 'list', '-u', dovecot.user])).split('\n')).not.toContain('Done');
    const [first, second, third] = rows(store);
    const moves = await moveToArchive(config, [
      { mailbox: 'Inbox2', uidValidity: first!.uid_validity!, uid: first!.uid! },
      { mailbox: 'Inbox2', uidValidity: second!.uid_validity! - 1, uid: second!.uid! },
      { mailbox: 'Inbox2', uidValidity: third!.uid_validity!, uid: 99 },
    ]);
    expect(await dovecot.count('Done')).toBe(1);
    expect(moves[0]).toMatchObject({ moved: true, to: { mailbox: 'Done', uid: 1 } });
    expect(moves[1]).toMatchObject({ moved: false, to: null });
    expect(moves[1]!.error).toMatch(/renumbered \(UIDVALIDITY/);
    expect(moves[2]).toMatchObject({ moved: false, to: null, error: 'UID 99 is no longer in Inbox2' });
    expect(await dovecot.count('Inbox2')).toBe(2); // the stale one was not touched

    expect(recordArchived(store, moves)).toEqual({ archived: 1, failed: 2 });
    const after = rows(store);
    expect(after[0]).toMatchObject({ mailbox: 'Done', uid: 1 });
    expect(after[0]!.archived_at).not.toBeNull();
    expect(after[1]).toMatchObject({ mailbox: 'Inbox2', uid: second!.uid, archived_at: null });
    store.close();
  });

  it('finds a mail an earlier, unrecorded move already put in the archive (by Message-ID)', async () => {
    const { store, config } = await fetchedStore('Inbox4', 3);
    const [, second, third] = rows(store);
    // Moved behind the store's back, as when the answer to a MOVE was lost with the connection.
    await dovecot.doveadm(['move', '-u', dovecot.user, 'Archive', 'mailbox', 'Inbox4', 'uid', String(second!.uid)]);
    const result = await archiveStoredMessages(store, config, [second!.id, third!.id]);
    expect(result).toEqual({ archived: 2, failed: 0, skipped: 0, errors: [] });
    const after = rows(store);
    const archived = await serverMails('Archive');
    for (const row of [after[1]!, after[2]!]) {
      expect(row.mailbox).toBe('Archive');
      expect(archived.get(row.uid!)?.equals(row.raw)).toBe(true);
    }
    // Without a Message-ID to look for, a vanished mail is reported, not guessed.
    const [lost] = await moveToArchive(config, [{ mailbox: 'Inbox4', uidValidity: after[0]!.uid_validity!, uid: 77 }]);
    expect(lost).toMatchObject({ to: null, moved: false, error: 'UID 77 is no longer in Inbox4' });
    store.close();
  });

  it('archives stored messages by row id and skips what has no IMAP location or is archived', async () => {
    const { store, config } = await fetchedStore('Inbox3', 3);
    const ids = rows(store).map((r) => r.id);
    const result = await archiveStoredMessages(store, config, [ids[0]!, ids[2]!, ids[0]!, 9999]);
    expect(result).toEqual({ archived: 2, failed: 0, skipped: 1, errors: [] });
    expect(await dovecot.count('Inbox3')).toBe(1);
    const again = await archiveStoredMessages(store, config, [ids[0]!]);
    expect(again).toEqual({ archived: 0, failed: 0, skipped: 1, errors: [] });
    store.close();
  });
});
