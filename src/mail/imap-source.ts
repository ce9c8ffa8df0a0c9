// Incremental, read-only fetching from one IMAP mailbox by UID.
//
// The mailbox is opened with EXAMINE (read-only) and mails are fetched with
// BODY.PEEK[] (imapflow's `source`), so fetching never flags, moves or deletes
// server mail. Each batch is handed to `onBatch` together with the sync position it
// completes; the caller stores both in one transaction, so a connection lost at any
// point resumes from the last stored batch. A lost connection is re-opened a few
// times before the fetch gives up; a UIDVALIDITY change starts over from UID 1 (the
// store recognises the mails it already has).
import type { FetchMessageObject, ImapFlow, MailboxObject } from 'imapflow';
import type { Config } from '../config/schema.js';
import type { IncomingMail, SyncPosition } from '../services/ingest.js';
import { connectImap, describeImapError, disconnectImap, ImapError, mailboxRef, serverText, type ImapAccount } from './imap-connection.js';

export interface ImapBatch {
  mails: IncomingMail[];
  /** The position this batch completes (mailbox = "user@host:port/Mailbox"). */
  sync: SyncPosition;
}

export interface ImapFetchProgress {
  /** Mails received so far in this run. */
  fetched: number;
  /** Mails that were new on the server when the run (or its last reconnect) started. */
  total: number;
}

export interface ImapFetchOptions {
  account: ImapAccount;
  imap: Config['imap'];
  /** Where the previous run stopped (from the store), or null for the first run. */
  position: { uidValidity: number; lastUid: number } | null;
  /** Store the batch and its position; must finish before the next batch is requested. */
  onBatch(batch: ImapBatch): void | Promise<void>;
  onProgress?(progress: ImapFetchProgress): void;
  /** Called after each successful login (status lines, timing). */
  onConnected?(): void;
  /** Checked between batches: an aborted fetch stops after the batch in hand is stored. */
  signal?: AbortSignal;
  /** Reconnects after a lost connection before giving up (consecutive, default 3). */
  maxReconnects?: number;
  /** First reconnect delay; doubles each time (default 500 ms). */
  reconnectDelayMs?: number;
}

export interface ImapFetchSummary {
  /** "user@host:port/Mailbox". */
  mailboxRef: string;
  uidValidity: number | null;
  lastUid: number;
  fetched: number;
  uidValidityChanged: boolean;
  reconnects: number;
  aborted: boolean;
  /** Mails the server listed but could not deliver (skipped, named by UID). */
  problems: string[];
}

/** Upper bound of one batch in bytes, whatever batchSize says: a few huge mails must not fill memory. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

export async function fetchFromImap(options: ImapFetchOptions): Promise<ImapFetchSummary> {
  const { account } = options;
  const mailbox = account.mailbox;
  const ref = mailboxRef(account, mailbox);
  const maxReconnects = options.maxReconnects ?? 3;
  const reconnectDelayMs = options.reconnectDelayMs ?? 500;
  const summary: ImapFetchSummary = {
    mailboxRef: ref,
    uidValidity: options.position?.uidValidity ?? null,
    lastUid: options.position?.lastUid ?? 0,
    fetched: 0,
    uidValidityChanged: false,
    reconnects: 0,
    aborted: false,
    problems: [],
  };
  let position = options.position;
  let failures = 0;
  let everConnected = false;

  for (;;) {
    let client: ImapFlow | null = null;
    let progressed = false;
    try {
      client = await connectImap(account, options.imap);
      everConnected = true;
      options.onConnected?.();
      await fetchSession(client, {
        ...options,
        position,
        onBatch: async (batch) => {
          try {
            await options.onBatch(batch);
          } catch (err) {
            throw new BatchFailure(err);
          }
          // Only a stored batch moves the position: a reconnect resumes after it.
          position = { uidValidity: batch.sync.uidValidity, lastUid: batch.sync.lastUid };
          summary.uidValidity = batch.sync.uidValidity;
          summary.lastUid = batch.sync.lastUid;
          summary.fetched += batch.mails.length;
          progressed = true;
        },
        summary,
      });
      return summary;
    } catch (err) {
      // The caller's own failure (the store) is theirs to report, not an IMAP problem.
      if (err instanceof BatchFailure) throw err.cause;
      const error = describeImapError(err, account, `fetching ${mailbox}`);
      if (progressed) failures = 0;
      // Only a connection that worked and was lost is retried: a wrong password or an
      // unreachable server fails at once with its reason. The first connect never retries.
      if (error.kind !== 'connect' || !everConnected || failures >= maxReconnects || options.signal?.aborted) {
        throw error;
      }
      failures++;
      summary.reconnects++;
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs * 2 ** (failures - 1)));
    } finally {
      if (client) await disconnectImap(client);
    }
  }
}

class BatchFailure extends Error {
  constructor(readonly cause: unknown) {
    super('batch handler failed');
  }
}

interface SessionOptions extends ImapFetchOptions {
  summary: ImapFetchSummary;
}

async function fetchSession(client: ImapFlow, options: SessionOptions): Promise<void> {
  const { account, summary } = options;
  const mailbox = account.mailbox;
  const ref = mailboxRef(account, mailbox);
  let lock;
  try {
    lock = await client.getMailboxLock(mailbox, { readOnly: true, description: 'abusedesk fetch' });
  } catch (err) {
    const e = describeImapError(err, account, `opening ${mailbox}`);
    if (e.kind !== 'protocol') throw e;
    const server = account.server;
    throw new ImapError('mailbox', `cannot open mailbox "${mailbox}" at ${server.host}:${server.port}: ${serverText(err)}`);
  }
  try {
    const box = client.mailbox as MailboxObject;
    const uidValidity = Number(box.uidValidity);
    const known = options.position;
    let from = 1;
    if (known && known.uidValidity === uidValidity) from = known.lastUid + 1;
    else if (known) summary.uidValidityChanged = true;

    // `N:*` with N past the last UID still returns the last message: ask only when there is news.
    if (box.exists === 0 || (box.uidNext && from >= box.uidNext)) {
      if (known?.uidValidity !== uidValidity) {
        // Remember the new UIDVALIDITY even when the mailbox is empty, so it is not "changed" next time.
        await options.onBatch({ mails: [], sync: { mailbox: ref, uidValidity, lastUid: from - 1 } });
      }
      return;
    }

    const listing = await client.fetchAll(`${from}:*`, { uid: true, size: true }, { uid: true });
    const wanted = listing.filter((m) => m.uid >= from).sort((a, b) => a.uid - b.uid);
    const batches = planBatches(wanted, options.imap.batchSize, MAX_BATCH_BYTES);
    const total = summary.fetched + wanted.length;
    options.onProgress?.({ fetched: summary.fetched, total });

    const fetchBatch = (uids: number[]) =>
      client.fetchAll(compactUidSet(uids), { uid: true, source: true }, { uid: true });
    // The next batch is requested before the current one is stored, so the server
    // streams it while the (synchronous) store transaction runs. Commands are only
    // issued between batches, never while iterating a fetch.
    let pending: Promise<FetchMessageObject[]> | null = batches.length ? fetchBatch(batches[0]!) : null;
    for (let i = 0; i < batches.length; i++) {
      const uids = batches[i]!;
      const messages = await pending!;
      pending = null;
      if (i + 1 < batches.length && !options.signal?.aborted) {
        pending = fetchBatch(batches[i + 1]!);
        pending.catch(() => undefined); // observed when awaited; avoids an unhandled rejection meanwhile
      }
      const wantedUids = new Set(uids);
      const mails: IncomingMail[] = [];
      const seen = new Set<number>();
      for (const message of messages) {
        if (!wantedUids.has(message.uid) || seen.has(message.uid)) continue;
        seen.add(message.uid);
        if (!message.source) {
          summary.problems.push(`UID ${message.uid}: the server sent no content`);
          continue;
        }
        mails.push({ raw: message.source, source: 'imap', sourceRef: ref, mailbox, uidValidity, uid: message.uid });
      }
      // UIDs missing from the answer were expunged since the listing: nothing to keep, the position moves on.
      await options.onBatch({ mails, sync: { mailbox: ref, uidValidity, lastUid: uids[uids.length - 1]! } });
      options.onProgress?.({ fetched: summary.fetched, total });
      if (options.signal?.aborted) {
        summary.aborted = true;
        if (pending) await pending.catch(() => undefined);
        return;
      }
    }
  } finally {
    lock.release();
  }
}

/** Splits sorted messages into batches of at most `count` mails and about `maxBytes` bytes. */
export function planBatches(messages: ReadonlyArray<{ uid: number; size?: number }>, count: number, maxBytes: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const { uid, size } of messages) {
    const n = size ?? 0;
    if (current.length && (current.length >= count || bytes + n > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += n;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Sorted UIDs as an IMAP sequence set: [1,2,3,7,9,10] -> "1:3,7,9:10". */
export function compactUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let start = uids[0]!;
  let prev = start;
  for (let i = 1; i <= uids.length; i++) {
    const uid = uids[i];
    if (uid === prev + 1) {
      prev = uid;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}:${prev}`);
    if (uid === undefined) break;
    start = prev = uid;
  }
  return parts.join(',');
}
