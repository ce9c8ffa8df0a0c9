// Fetching from a real Dovecot: first, incremental and empty fetches, a UIDVALIDITY
// change, connections lost and the server gone mid-fetch, bad logins.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { imapAccount, ImapError } from '../src/mail/imap-connection.js';
import { BatchPlanner, compactUidSet, fetchFromImap } from '../src/mail/imap-source.js';
import { fetchMail } from '../src/services/fetch.js';
import { openStore, type Store } from '../src/store/db.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { banMail } from './helpers/mails.js';

let dovecot: Dovecot;
let tmp: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-fetch-'));
});

afterAll(async () => {
  await dovecot?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let storeCount = 0;
function freshStore(): Store {
  return openStore(path.join(tmp, `store-${++storeCount}.db`));
}

/** Ban mails with CRLF line ends: IMAP serves CRLF, so the stored bytes must equal these. */
function mails(count: number, offset = 0, tag = 'm'): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const n = offset + i;
    const raw = banMail({ ip: `198.51.100.${(n % 250) + 1}`, jail: 'sshd', messageId: `${tag}${n}@web1.example.net` });
    return Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  });
}

function config(mailbox: string, extra: Record<string, unknown> = {}) {
  return parseConfig({ imap: { url: dovecot.imapUrl(mailbox), connectTimeoutMs: 3000, ...extra } });
}

interface Row {
  id: number;
  raw: Buffer;
  mailbox: string;
  uid_validity: number;
  uid: number;
  source: string;
  source_ref: string;
}
function rows(store: Store): Row[] {
  return store.sqlite
    .prepare('SELECT id, raw, mailbox, uid_validity, uid, source, source_ref FROM messages ORDER BY id')
    .all() as Row[];
}
function sync(store: Store) {
  return store.sqlite.prepare('SELECT mailbox, uid_validity, last_uid, updated_at FROM mailbox_sync').all() as Array<{
    mailbox: string;
    uid_validity: number;
    last_uid: number;
    updated_at: number;
  }>;
}

/** What the server holds: UID -> bytes (fetched read-only). */
async function serverMails(mailbox: string): Promise<Map<number, Buffer>> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.pass }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock(mailbox, { readOnly: true });
  try {
    const all = await client.fetchAll('1:*', { uid: true, source: true }, { uid: true });
    return new Map(all.map((m) => [m.uid, m.source!]));
  } finally {
    lock.release();
    await client.logout();
  }
}

describe('fetch from IMAP (real Dovecot)', () => {
  it('stores every mail verbatim, then only new ones, and writes nothing when nothing is new', async () => {
    const store = freshStore();
    const first = mails(5, 0, 'inc');
    for (const raw of first) await dovecot.deliver(raw, 'Incremental');
    const cfg = config('Incremental', { batchSize: 2 });
    const progress: number[] = [];

    const r1 = await fetchMail(store, cfg, { onProgress: (p) => progress.push(p.fetched) });
    expect(r1).toMatchObject({ fetched: 5, stored: 5, duplicates: 0, newMail: true, uidValidityChanged: false, lastUid: 5 });
    expect(r1.reports).toBe(5);
    expect(progress).toEqual([0, 2, 4, 5]); // three batches of at most 2
    const status = await dovecot.status('Incremental');
    const stored = rows(store);
    expect(stored.map((r) => r.uid)).toEqual([1, 2, 3, 4, 5]);
    stored.forEach((row, i) => {
      expect(row.raw.equals(first[i]!)).toBe(true);
      expect(row).toMatchObject({ mailbox: 'Incremental', uid_validity: status.uidValidity, source: 'imap' });
      expect(row.source_ref).toBe(`${dovecot.user}@127.0.0.1:${dovecot.port}/Incremental`);
    });
    expect(sync(store)).toEqual([
      expect.objectContaining({ mailbox: `${dovecot.user}@127.0.0.1:${dovecot.port}/Incremental`, uid_validity: status.uidValidity, last_uid: 5 }),
    ]);

    const second = mails(3, 5, 'inc');
    for (const raw of second) await dovecot.deliver(raw, 'Incremental');
    const r2 = await fetchMail(store, cfg);
    expect(r2).toMatchObject({ fetched: 3, stored: 3, duplicates: 0, newMail: true, lastUid: 8 });
    expect(rows(store).map((r) => r.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows(store).slice(5).every((row, i) => row.raw.equals(second[i]!))).toBe(true);

    const syncBefore = sync(store);
    const r3 = await fetchMail(store, cfg);
    expect(r3).toMatchObject({ fetched: 0, stored: 0, duplicates: 0, newMail: false, lastUid: 8 });
    expect(rows(store)).toHaveLength(8);
    expect(sync(store)).toEqual(syncBefore); // not even the sync row was rewritten

    // Fetching never flags, moves or deletes server mail.
    expect(await dovecot.count('Incremental')).toBe(8);
    const flags = await dovecot.doveadm(['fetch', '-u', dovecot.user, 'flags', 'mailbox', 'Incremental', 'all']);
    expect(flags).not.toMatch(/\\Seen|\\Deleted/);
    store.close();
  });

  it('reads a renumbered mailbox (UIDVALIDITY change) again from UID 1 without storing anything twice', async () => {
    const store = freshStore();
    const before = mails(4, 0, 'uv');
    dovecot.seedMaildir(before, 'Renumbered');
    const cfg = config('Renumbered');
    const r1 = await fetchMail(store, cfg);
    expect(r1).toMatchObject({ fetched: 4, stored: 4 });
    const oldValidity = (await dovecot.status('Renumbered')).uidValidity;

    await dovecot.resetUidValidity('Renumbered');
    const newer = mails(1, 4, 'uv');
    await dovecot.deliver(newer[0]!, 'Renumbered');
    const status = await dovecot.status('Renumbered');
    expect(status.uidValidity).not.toBe(oldValidity);

    const r2 = await fetchMail(store, cfg);
    expect(r2).toMatchObject({ uidValidityChanged: true, fetched: 5, stored: 1, duplicates: 4, uidValidity: status.uidValidity, lastUid: 5 });
    const stored = rows(store);
    expect(stored).toHaveLength(5);
    // Every stored mail points at where it is now: same bytes at that UID on the server.
    const server = await serverMails('Renumbered');
    for (const row of stored) {
      expect(row.uid_validity).toBe(status.uidValidity);
      expect(server.get(row.uid)?.equals(row.raw)).toBe(true);
    }
    expect(sync(store)[0]).toMatchObject({ uid_validity: status.uidValidity, last_uid: 5 });

    const r3 = await fetchMail(store, cfg);
    expect(r3).toMatchObject({ fetched: 0, uidValidityChanged: false });
    store.close();
  });

  it('reconnects after the connection is killed mid-fetch and stores each mail once', async () => {
    const store = freshStore();
    const all = mails(30, 0, 'drop');
    dovecot.seedMaildir(all, 'Dropped');
    let dropped = 0;
    const result = await fetchMail(store, config('Dropped', { batchSize: 5 }), {
      reconnectDelayMs: 50,
      onProgress: (p) => {
        if (p.fetched === 10 && !dropped) dropped = dovecot.dropConnections();
      },
    });
    expect(dropped).toBeGreaterThan(0);
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ fetched: 30, stored: 30, duplicates: 0, lastUid: 30 });
    const stored = rows(store);
    expect(stored.map((r) => r.uid)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(stored.every((row, i) => row.raw.equals(all[i]!))).toBe(true);
    store.close();
  });

  it('leaves a consistent store when the server goes away mid-fetch; the next fetch resumes without loss or duplicates', async () => {
    const store = freshStore();
    const all = mails(40, 0, 'gone');
    dovecot.seedMaildir(all, 'Gone');
    const cfg = config('Gone', { batchSize: 5 });
    let killed = false;
    const failed = await fetchMail(store, cfg, {
      maxReconnects: 1,
      reconnectDelayMs: 20,
      onProgress: (p) => {
        if (p.fetched >= 10 && !killed) {
          killed = true;
          dovecot.dropConnections();
          void dovecot.kill();
        }
      },
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(ImapError);
    expect((failed as ImapError).kind).toBe('connect');
    expect((failed as ImapError).message).toMatch(/cannot reach|lost/);

    // Consistent: whole batches only, and the position says exactly how far.
    const partial = rows(store);
    const position = sync(store)[0]!;
    expect(partial.length).toBeGreaterThanOrEqual(10);
    expect(partial.length).toBeLessThan(40);
    expect(partial.length % 5).toBe(0);
    expect(position.last_uid).toBe(partial.length);
    expect(partial.map((r) => r.uid)).toEqual(Array.from({ length: partial.length }, (_, i) => i + 1));

    await dovecot.start();
    const resumed = await fetchMail(store, cfg);
    expect(resumed).toMatchObject({ fetched: 40 - partial.length, stored: 40 - partial.length, duplicates: 0, lastUid: 40 });
    const stored = rows(store);
    expect(stored.map((r) => r.uid)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(stored.every((row, i) => row.raw.equals(all[i]!))).toBe(true);
    store.close();
  });

  it('gets past a mail that makes Dovecot drop the connection, and names it', async () => {
    const store = freshStore();
    const all = mails(7, 0, 'broken');
    dovecot.seedMaildir(all, 'Broken');
    // A Maildir file whose name claims a wrong size: Dovecot disconnects whenever it is fetched.
    const cur = path.join(dovecot.maildir, '.Broken', 'cur');
    const victim = fs.readdirSync(cur).sort()[3]!;
    fs.renameSync(path.join(cur, victim), path.join(cur, victim.replace(/S=\d+/, 'S=99999')));
    const result = await fetchMail(store, config('Broken', { batchSize: 5 }), { reconnectDelayMs: 20 });
    expect(result.problems).toEqual([
      "UID 4: the server drops the connection whenever this mail is fetched; skipped (see the server's log)",
    ]);
    expect(result).toMatchObject({ fetched: 6, stored: 6, lastUid: 7 });
    expect(rows(store).map((r) => r.uid)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(rows(store).map((r) => r.raw.toString())).toEqual([0, 1, 2, 4, 5, 6].map((i) => all[i]!.toString()));
    const again = await fetchMail(store, config('Broken'));
    expect(again).toMatchObject({ fetched: 0, problems: [] });
    store.close();
  });

  it('stops after the batch in hand when aborted, and the next fetch picks up the rest', async () => {
    const store = freshStore();
    dovecot.seedMaildir(mails(12, 0, 'abort'), 'Aborted');
    const cfg = config('Aborted', { batchSize: 5 });
    const controller = new AbortController();
    const r1 = await fetchMail(store, cfg, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.fetched >= 5) controller.abort();
      },
    });
    expect(r1).toMatchObject({ aborted: true, fetched: 5, stored: 5, lastUid: 5 });
    expect(sync(store)[0]).toMatchObject({ last_uid: 5 });
    const r2 = await fetchMail(store, cfg);
    expect(r2).toMatchObject({ aborted: false, fetched: 7, stored: 7, duplicates: 0, lastUid: 12 });
    store.close();
  });

  it("passes the store's own failure through unchanged, with earlier batches kept", async () => {
    dovecot.seedMaildir(mails(6, 0, 'fail'), 'StoreFails');
    const cfg = config('StoreFails', { batchSize: 3 });
    const batches: number[] = [];
    const diskFull = new Error('database or disk is full');
    const err = await fetchFromImap({
      account: imapAccount(cfg.imap.url!),
      imap: cfg.imap,
      position: null,
      onBatch: (batch) => {
        if (batches.length === 1) throw diskFull;
        batches.push(batch.sync.lastUid);
      },
    }).catch((e: unknown) => e);
    expect(err).toBe(diskFull);
    expect(batches).toEqual([3]);
  });

  it('says clearly when the login is refused or the server cannot be reached', async () => {
    const store = freshStore();
    const badPass = parseConfig({ imap: { url: `imap://${dovecot.user}:wrong-password@127.0.0.1:${dovecot.port}/INBOX` } });
    const auth = await fetchMail(store, badPass).catch((err: unknown) => err);
    expect(auth).toBeInstanceOf(ImapError);
    expect((auth as ImapError).kind).toBe('auth');
    expect((auth as ImapError).message).toMatch(new RegExp(`login failed for ${dovecot.user} at 127\\.0\\.0\\.1:${dovecot.port}`));
    expect((auth as ImapError).message).not.toContain('wrong-password');

    const closedPort = parseConfig({ imap: { url: `imap://u:p@127.0.0.1:1/INBOX`, connectTimeoutMs: 2000 } });
    const connect = await fetchMail(store, closedPort).catch((err: unknown) => err);
    expect((connect as ImapError).kind).toBe('connect');
    expect((connect as ImapError).message).toBe('cannot reach IMAP server 127.0.0.1:1: connection refused');

    const missing = await fetchMail(store, config('NoSuchMailbox')).catch((err: unknown) => err);
    expect((missing as ImapError).kind).toBe('mailbox');
    expect((missing as ImapError).message).toMatch(/cannot open mailbox "NoSuchMailbox"/);
    expect(rows(store)).toHaveLength(0);
    expect(sync(store)).toHaveLength(0);
    store.close();
  });
});

describe('fetch over implicit TLS (imaps://, self-signed certificate)', () => {
  it('refuses an unverified certificate with a hint, and fetches with imap.insecureTls', async () => {
    const secure = await startDovecot({ tls: true });
    try {
      secure.seedMaildir(mails(2, 0, 'tls'));
      const store = freshStore();
      const strict = await fetchMail(store, parseConfig({ imap: { url: secure.imapUrl() } })).catch((e: unknown) => e);
      expect((strict as ImapError).kind).toBe('connect');
      expect((strict as ImapError).message).toMatch(/^TLS with 127\.0\.0\.1:\d+ failed: .*self-signed.*imap\.insecureTls/);
      const relaxed = await fetchMail(store, parseConfig({ imap: { url: secure.imapUrl(), insecureTls: true } }));
      expect(relaxed).toMatchObject({ fetched: 2, stored: 2 });
      store.close();
    } finally {
      await secure.stop();
    }
  });
});

describe('UID sets and batches', () => {
  it('compacts sorted UIDs into ranges', () => {
    expect(compactUidSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(compactUidSet([5])).toBe('5');
    expect(compactUidSet([4, 6, 8])).toBe('4,6,8');
  });

  it('hands out suspects one by one, then batches by count, shrinking them when mails are large', () => {
    const planner = new BatchPlanner([3, 4, 5, 6, 7, 8, 9, 10, 11], 3, 4, 1000);
    expect(planner.take()).toEqual([3]);
    expect(planner.take()).toEqual([4]);
    expect(planner.take()).toEqual([5, 6, 7]);
    planner.observe(3, 1500); // 500 bytes each: two fit in 1000
    expect(planner.take()).toEqual([8, 9]);
    planner.observe(2, 20); // small again: back to batchSize
    expect(planner.take()).toEqual([10, 11]);
    expect(planner.done).toBe(true);
    expect(planner.take()).toBeNull();
  });
});
