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
  if (options.signal?.aborted) return { ...summary, aborted: true };
  const recovery: Recovery = { current: null, singleUntil: 0, strikes: new Map() };

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
        recovery,
      });
      return summary;
    } catch (err) {
      // The caller's own failure (the store) is theirs to report, not an IMAP problem.
      if (err instanceof BatchFailure) throw err.cause;
      const error = describeImapError(err, account, `fetching ${mailbox}`);
      // A mail that makes the server drop the connection (Dovecot does so for a broken
      // Maildir file) must not block the mailbox: retry its batch one mail at a time, and
      // skip a single mail that killed the connection twice (reported as a problem).
      let decided = false;
      const failed = recovery.current;
      recovery.current = null;
      if (error.kind === 'connect' && failed?.length) {
        if (failed.length > 1) recovery.singleUntil = Math.max(recovery.singleUntil, failed[failed.length - 1]!);
        else {
          const strikes = (recovery.strikes.get(failed[0]!) ?? 0) + 1;
          recovery.strikes.set(failed[0]!, strikes);
          decided = strikes >= SKIP_AFTER_STRIKES;
        }
      }
      if (progressed || decided) failures = 0;
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

/** A single mail is skipped after killing the connection this many times in a row. */
const SKIP_AFTER_STRIKES = 2;

/** What a reconnect needs to know about the batch that was in flight when the connection died. */
interface Recovery {
  /** UIDs of the batch being fetched right now; null between batches. */
  current: number[] | null;
  /** Fetch UIDs up to here one by one (a batch with them broke the connection). */
  singleUntil: number;
  /** Connections lost while fetching this single UID. */
  strikes: Map<number, number>;
}

class BatchFailure extends Error {
  constructor(readonly cause: unknown) {
    super('batch handler failed');
  }
}

interface SessionOptions extends ImapFetchOptions {
  summary: ImapFetchSummary;
  recovery: Recovery;
}

async function fetchSession(client: ImapFlow, options: SessionOptions): Promise<void> {
  const { account, summary, recovery } = options;
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
    if (!Number.isSafeInteger(uidValidity) || uidValidity <= 0) {
      // Without UIDVALIDITY a UID means nothing from one session to the next.
      throw new ImapError('protocol', `the server reported no UIDVALIDITY for "${mailbox}"; cannot fetch incrementally`);
    }
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

    // UIDs from SEARCH (index only): a FETCH of sizes would already trip over a broken mail.
    const found = await client.search({ uid: `${from}:*` }, { uid: true });
    if (!Array.isArray(found)) {
      if (!client.usable) throw new ImapError('connect', `connection to IMAP server ${account.server.host}:${account.server.port} lost`);
      throw new ImapError('protocol', `the server refused to list the mails in "${mailbox}"`);
    }
    const wanted = [...new Set(found.filter((uid) => uid >= from))].sort((a, b) => a - b);
    const planner = new BatchPlanner(wanted, options.imap.batchSize, recovery.singleUntil, MAX_BATCH_BYTES);
    const total = summary.fetched + wanted.length;
    options.onProgress?.({ fetched: summary.fetched, total });

    const fetchBatch = async (uids: number[]): Promise<FetchMessageObject[]> => {
      if (uids.length === 1 && (recovery.strikes.get(uids[0]!) ?? 0) >= SKIP_AFTER_STRIKES) {
        summary.problems.push(`UID ${uids[0]}: the server drops the connection whenever this mail is fetched; skipped (see the server's log)`);
        return [];
      }
      try {
        return await client.fetchAll(compactUidSet(uids), { uid: true, source: true }, { uid: true });
      } catch (err) {
        // A server may refuse a whole FETCH over one broken mail ("Some messages could not be
        // FETCHed"): ask one by one, so one bad mail cannot block the mailbox forever.
        if (describeImapError(err, account).kind !== 'protocol' || !client.usable) throw err;
        const messages: FetchMessageObject[] = [];
        for (const uid of uids) {
          try {
            messages.push(...(await client.fetchAll(String(uid), { uid: true, source: true }, { uid: true })));
          } catch (single) {
            if (describeImapError(single, account).kind !== 'protocol' || !client.usable) throw single;
            summary.problems.push(`UID ${uid}: the server could not deliver it: ${serverText(single)}`);
          }
        }
        return messages;
      }
    };
    // The next batch is requested before the current one is stored, so the server
    // streams it while the (synchronous) store transaction runs. Commands are only
    // issued between batches, never while iterating a fetch.
    let current = planner.take();
    let pending: Promise<FetchMessageObject[]> | null = current ? fetchBatch(current) : null;
    while (current) {
      recovery.current = current;
      const messages = await pending!;
      planner.observe(messages.length, messages.reduce((n, m) => n + (m.source?.length ?? 0), 0));
      const following = options.signal?.aborted ? null : planner.take();
      pending = following ? fetchBatch(following) : null;
      pending?.catch(() => undefined); // observed when awaited; avoids an unhandled rejection meanwhile

      const wantedUids = new Set(current);
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
      await options.onBatch({ mails, sync: { mailbox: ref, uidValidity, lastUid: current[current.length - 1]! } });
      recovery.current = null;
      options.onProgress?.({ fetched: summary.fetched, total });
      if (options.signal?.aborted) {
        summary.aborted = following !== null || !planner.done;
        if (pending) await pending.catch(() => undefined);
        return;
      }
      current = following;
    }
  } finally {
    lock.release();
  }
}

/**
 * Hands out batches of sorted UIDs: those up to `singleUntil` (a batch with them broke
 * the connection) one at a time, the rest `batchSize` at a time, fewer when the mails
 * seen so far are large, so one batch stays around `maxBytes` in memory.
 */
export class BatchPlanner {
  private next = 0;
  private limit: number;
  constructor(
    private readonly uids: readonly number[],
    private readonly batchSize: number,
    private readonly singleUntil: number,
    private readonly maxBytes: number,
  ) {
    this.limit = batchSize;
  }

  get done(): boolean {
    return this.next >= this.uids.length;
  }

  take(): number[] | null {
    if (this.done) return null;
    const size = this.uids[this.next]! <= this.singleUntil ? 1 : this.limit;
    const batch = this.uids.slice(this.next, this.next + size);
    this.next += batch.length;
    return batch;
  }

  /** After a batch arrived: its average mail size sets how many the next batches take. */
  observe(mails: number, bytes: number): void {
    if (!mails) return;
    const average = Math.max(1, bytes / mails);
    this.limit = Math.max(1, Math.min(this.batchSize, Math.floor(this.maxBytes / average)));
  }
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
