// Moving mails to the archive mailbox with IMAP MOVE (UID MOVE), creating the
// archive when it is missing. Where each mail went is taken from the server's UID
// map (COPYUID), so the store can follow it. Called only after the database has
// committed whatever made the mail archivable; nothing here touches the store.
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Config } from '../config/schema.js';
import { connectImap, describeImapError, disconnectImap, imapAccount, ImapError } from './imap-connection.js';
import { compactUidSet } from './imap-source.js';

export interface MailLocation {
  mailbox: string;
  uidValidity: number;
  uid: number;
}

export interface ArchiveItem extends MailLocation {
  /**
   * The mail's Message-ID (without brackets), when it has a real one. A mail no longer at
   * its UID (an earlier move whose answer was lost) is then looked for in the archive.
   */
  messageId?: string | null;
}

export interface ArchiveMove {
  from: MailLocation;
  /** Where the mail is now; null when it was not moved (see error) or the server did not say. */
  to: MailLocation | null;
  /** The mail left its mailbox (true also when the server did not report the new UID). */
  moved: boolean;
  /** It was already in the archive (found there by Message-ID), moved by an earlier run. */
  foundInArchive?: boolean;
  error?: string;
}

/** UIDs per MOVE command: keeps command lines short on servers with line limits. */
const MOVE_CHUNK = 500;

/**
 * Moves the given mails to `config.imap.archiveMailbox`. Never throws for a single
 * mail: each result says what happened. Throws ImapError only when the server cannot
 * be reached, refuses the login, or the archive mailbox cannot be created; a connection
 * lost half-way returns the moves done so far and an error for the rest.
 */
export async function moveToArchive(config: Config, items: readonly ArchiveItem[]): Promise<ArchiveMove[]> {
  if (!items.length) return [];
  if (!config.imap.url) throw new ImapError('mailbox', 'no mailbox configured (imap.url)');
  const account = imapAccount(config.imap.url);
  const archive = config.imap.archiveMailbox;
  const outcomes = new Map<string, Outcome>();
  const client = await connectImap(account, config.imap);
  try {
    await ensureMailbox(client, archive, account);
    const byMailbox = new Map<string, ArchiveItem[]>();
    for (const item of items) {
      if (item.mailbox === archive) continue;
      const list = byMailbox.get(item.mailbox) ?? [];
      list.push(item);
      byMailbox.set(item.mailbox, list);
    }
    let lost: string | null = null;
    for (const [mailbox, group] of byMailbox) {
      try {
        await moveGroup(client, mailbox, group, archive, outcomes);
      } catch (err) {
        const error = describeImapError(err, account, `moving mails out of ${mailbox}`);
        if (error.kind === 'connect' || error.kind === 'auth') {
          // The moves done so far are reported (the caller records them); the rest is not attempted.
          lost = `${error.message}; the mail may already be in ${archive} (a later run finds it by Message-ID)`;
          break;
        }
        for (const item of group) {
          if (!outcomes.has(locationKey(item))) outcomes.set(locationKey(item), { to: null, moved: false, error: error.message });
        }
      }
    }
    if (lost) {
      for (const item of items) {
        if (item.mailbox !== archive && !outcomes.has(locationKey(item))) outcomes.set(locationKey(item), { to: null, moved: false, error: lost });
      }
    } else {
      await findInArchive(client, archive, items, outcomes);
    }
  } catch (err) {
    throw describeImapError(err, account, 'archiving');
  } finally {
    await disconnectImap(client);
  }
  return items.map(({ mailbox, uidValidity, uid }) => {
    const item = { mailbox, uidValidity, uid };
    if (item.mailbox === archive) return { from: item, to: { ...item }, moved: false };
    return { from: item, ...(outcomes.get(locationKey(item)) ?? { to: null, moved: false, error: 'not attempted' }) };
  });
}

type Outcome = Omit<ArchiveMove, 'from'>;

const locationKey = (l: MailLocation) => `${l.uidValidity} ${l.uid} ${l.mailbox}`;

async function ensureMailbox(client: ImapFlow, path: string, account: ReturnType<typeof imapAccount>): Promise<void> {
  const list = await client.list();
  if (list.some((box) => box.path === path)) return;
  try {
    await client.mailboxCreate(path);
  } catch (err) {
    const e = err as { serverResponseCode?: string };
    if (e.serverResponseCode === 'ALREADYEXISTS') return;
    const error = describeImapError(err, account, `creating ${path}`);
    throw error.kind === 'protocol' ? new ImapError('mailbox', `cannot create archive mailbox "${path}": ${error.message}`) : error;
  }
}

const MISSING = 'is no longer in';

/** imapflow answers some failed commands with `false`: a lost connection is not a refusal. */
function commandFailed(client: ImapFlow, refusal: string): Error {
  return client.usable ? new ImapError('protocol', refusal) : Object.assign(new Error('connection closed'), { code: 'NoConnection' });
}

/**
 * Mails that were gone from their UID but carry a Message-ID: if the archive holds
 * exactly one mail with it, that is where an earlier, unrecorded move put it.
 */
async function findInArchive(client: ImapFlow, archive: string, items: readonly ArchiveItem[], outcomes: Map<string, Outcome>): Promise<void> {
  const lost = items.filter((item) => {
    const outcome = outcomes.get(locationKey(item));
    return item.messageId && !item.messageId.endsWith('@abusedesk.invalid') && outcome?.error?.includes(MISSING);
  });
  if (!lost.length) return;
  const lock = await client.getMailboxLock(archive, { readOnly: true, description: 'abusedesk archive lookup' });
  try {
    const uidValidity = Number((client.mailbox as MailboxObject).uidValidity);
    for (const item of lost) {
      const found = await client.search({ header: { 'message-id': `<${item.messageId}>` } }, { uid: true });
      if (Array.isArray(found) && found.length === 1) {
        outcomes.set(locationKey(item), { to: { mailbox: archive, uidValidity, uid: found[0]! }, moved: true, foundInArchive: true });
      }
    }
  } finally {
    lock.release();
  }
}

/** Moves one mailbox's mails, recording the outcome per location. */
async function moveGroup(
  client: ImapFlow,
  mailbox: string,
  group: ArchiveItem[],
  archive: string,
  outcomes: Map<string, Outcome>,
): Promise<void> {
  const lock = await client.getMailboxLock(mailbox, { description: 'abusedesk archive' });
  try {
    const uidValidity = Number((client.mailbox as MailboxObject).uidValidity);
    const uids = new Set<number>();
    for (const item of group) {
      if (item.uidValidity === uidValidity) uids.add(item.uid);
      else {
        // The UID may now name a different mail: never move on a stale UIDVALIDITY.
        outcomes.set(locationKey(item), {
          to: null,
          moved: false,
          error: `${mailbox} was renumbered (UIDVALIDITY ${item.uidValidity} is now ${uidValidity}); fetch again first`,
        });
      }
    }
    const sorted = [...uids].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += MOVE_CHUNK) {
      const chunk = sorted.slice(i, i + MOVE_CHUNK);
      // Which of them are still here: a mail moved or deleted by someone else is reported, not guessed.
      const found = await client.search({ uid: compactUidSet(chunk) }, { uid: true });
      if (!Array.isArray(found)) throw commandFailed(client, `the server refused to search ${mailbox}`);
      const present = new Set(found);
      const existing = chunk.filter((uid) => present.has(uid));
      for (const uid of chunk) {
        if (!present.has(uid)) {
          outcomes.set(locationKey({ mailbox, uidValidity, uid }), {
            to: null,
            moved: false,
            error: `UID ${uid} ${MISSING} ${mailbox}`,
          });
        }
      }
      if (!existing.length) continue;
      const response = await client.messageMove(compactUidSet(existing), archive, { uid: true });
      if (!response && !client.usable) throw commandFailed(client, 'connection lost during MOVE');
      const uidMap = response ? response.uidMap : undefined;
      const archiveValidity = response && response.uidValidity !== undefined ? Number(response.uidValidity) : null;
      for (const uid of existing) {
        const newUid = uidMap?.get(uid);
        outcomes.set(
          locationKey({ mailbox, uidValidity, uid }),
          !response
            ? { to: null, moved: false, error: `the server refused to move UID ${uid} to ${archive}` }
            : newUid !== undefined && archiveValidity !== null
            ? { to: { mailbox: archive, uidValidity: archiveValidity, uid: newUid }, moved: true }
            : // Without UIDPLUS the server does not say where the mail went; it is in the archive all the same.
              { to: null, moved: true, error: 'moved, but the server did not report the new UID' },
        );
      }
    }
  } finally {
    lock.release();
  }
}
