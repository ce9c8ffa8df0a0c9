// `fetch`: new mail from the configured IMAP mailbox into the store. Each batch and
// the mailbox position it completes are written in one transaction (ingestBatch), so
// an interrupted fetch leaves the store consistent and the next one resumes there.
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { imapAccount, mailboxRef } from '../mail/imap-connection.js';
import { fetchFromImap } from '../mail/imap-source.js';
import type { Store } from '../store/db.js';
import { getSyncState } from '../store/repos/messages.js';
import { addIngestResults, emptyIngestResult, ingestBatch, ingestContext, type IngestResult } from './ingest.js';

export interface FetchProgress {
  /** Mails received so far. */
  fetched: number;
  /** Mails that were new on the server at the start. */
  total: number;
  /** New mails stored so far. */
  stored: number;
}

export interface FetchResult extends IngestResult {
  /** Mails received from the server (= seen). */
  fetched: number;
  /** Something new was stored. */
  newMail: boolean;
  /** "user@host:port/Mailbox". */
  mailbox: string;
  uidValidity: number | null;
  lastUid: number;
  /** The server's UIDVALIDITY differed from the stored one: the mailbox was read from UID 1 again. */
  uidValidityChanged: boolean;
  /** Connections re-opened after being lost. */
  reconnects: number;
  /** Stopped early by the signal (what was fetched until then is stored). */
  aborted: boolean;
  /** Mails the server listed but could not deliver. */
  problems: string[];
}

export interface FetchOptions {
  onProgress?: (progress: FetchProgress) => void;
  signal?: AbortSignal;
  /** Called after each successful login. */
  onConnected?: () => void;
  /** Reconnect attempts after a lost connection (default 3), and the first delay (default 500 ms). */
  maxReconnects?: number;
  reconnectDelayMs?: number;
}

/**
 * Fetches what is new since the last run. Throws ConfigError when no mailbox is
 * configured and ImapError (kind 'connect' | 'auth' | 'mailbox' | 'protocol') when the
 * server cannot be reached, refuses the login or fails; batches stored before a
 * failure stay stored.
 */
export async function fetchMail(store: Store, config: Config, options: FetchOptions = {}): Promise<FetchResult> {
  if (!config.imap.url) {
    throw new ConfigError('imap.url: no mailbox configured (set imap.url in the config file, or ABUSEDESK_IMAP_URL)');
  }
  const account = imapAccount(config.imap.url);
  const ctx = ingestContext(config);
  const total = emptyIngestResult();
  const position = getSyncState(store, mailboxRef(account, account.mailbox));
  const summary = await fetchFromImap({
    account,
    imap: config.imap,
    position,
    signal: options.signal,
    onConnected: options.onConnected,
    maxReconnects: options.maxReconnects,
    reconnectDelayMs: options.reconnectDelayMs,
    onBatch: (batch) => {
      addIngestResults(total, ingestBatch(store, ctx, batch.mails, batch.sync));
    },
    onProgress: (p) => {
      options.onProgress?.({ fetched: p.fetched, total: p.total, stored: total.stored });
    },
  });
  return {
    ...total,
    fetched: summary.fetched,
    newMail: total.stored > 0,
    mailbox: summary.mailboxRef,
    uidValidity: summary.uidValidity,
    lastUid: summary.lastUid,
    uidValidityChanged: summary.uidValidityChanged,
    reconnects: summary.reconnects,
    aborted: summary.aborted,
    problems: summary.problems,
  };
}
