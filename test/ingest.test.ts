import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { ingestBatch, ingestContext, syntheticMessageId, type IncomingMail } from '../src/services/ingest.js';
import { openStore, type Store } from '../src/store/db.js';
import { getRawMessage, getSyncState, listMessages } from '../src/store/repos/messages.js';
import { listReports, parseReportQuery } from '../src/store/repos/reports.js';
import { banMail } from './helpers/mails.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-ingest-'));
  store = openStore(path.join(dir, 'test.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (raw: Buffer, ref = 'x.eml'): IncomingMail => ({ raw, source: 'file', sourceRef: ref });

describe('ingestBatch', () => {
  it('stores the mail verbatim and one report per ban', () => {
    const raw = banMail({ ip: '203.0.113.9', jail: 'sshd', host: 'web1.example.net', failures: 7, messageId: 'm1@web1' });
    const result = ingestBatch(store, ingestContext(parseConfig({})), [file(raw)]);
    expect(result).toMatchObject({ seen: 1, stored: 1, duplicates: 0, reports: 1, errors: 0, byKind: { ban: 1 } });
    const [message] = listMessages(store);
    expect(message).toMatchObject({ messageId: 'm1@web1', kind: 'ban', trusted: true, reportCount: 1, error: null });
    expect(getRawMessage(store, message!.id)!.equals(raw)).toBe(true);
    const [report] = listReports(store, { type: 'all' });
    expect(report).toMatchObject({
      ip: '203.0.113.9',
      service: 'sshd',
      reporter: 'web1.example.net',
      failures: 7,
      private: false,
      messageId: 'm1@web1',
      complaintId: null,
    });
    expect(report!.bannedAt.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(report!.logLines).toHaveLength(2);
  });

  it('stores a mail once, by bytes or by Message-ID', () => {
    const ctx = ingestContext(parseConfig({}));
    const raw = banMail({ ip: '198.51.100.1', messageId: 'same@web1' });
    const again = Buffer.concat([raw, Buffer.from('\n')]);
    expect(ingestBatch(store, ctx, [file(raw), file(raw)])).toMatchObject({ stored: 1, duplicates: 1 });
    expect(ingestBatch(store, ctx, [file(again)])).toMatchObject({ stored: 0, duplicates: 1 });
    expect(listMessages(store)).toHaveLength(1);
    expect(listReports(store, { type: 'all' })).toHaveLength(1);
  });

  it('does not let a forged Message-ID suppress a different mail', () => {
    const ctx = ingestContext(parseConfig({}));
    const real = banMail({ ip: '198.51.100.10', messageId: 'shared@web1' });
    const forged = banMail({ ip: '203.0.113.99', messageId: 'shared@web1', from: 'x@evil.example' });
    const crlf = Buffer.from(real.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    expect(ingestBatch(store, ctx, [file(forged), file(real), file(crlf)])).toMatchObject({ stored: 2, duplicates: 1 });
    expect(listReports(store, { type: 'all' }).map((r) => r.ip).sort()).toEqual(['198.51.100.10', '203.0.113.99']);
  });

  it('never moves the IMAP position backwards within one UIDVALIDITY', () => {
    const ctx = ingestContext(parseConfig({}));
    ingestBatch(store, ctx, [], { mailbox: 'm', uidValidity: 5, lastUid: 40 });
    ingestBatch(store, ctx, [], { mailbox: 'm', uidValidity: 5, lastUid: 30 });
    expect(getSyncState(store, 'm')).toMatchObject({ uidValidity: 5, lastUid: 40 });
    ingestBatch(store, ctx, [], { mailbox: 'm', uidValidity: 6, lastUid: 3 });
    expect(getSyncState(store, 'm')).toMatchObject({ uidValidity: 6, lastUid: 3 });
  });

  it('gives a mail without Message-ID a synthetic one from its hash', () => {
    const raw = banMail({ ip: '198.51.100.2', messageId: null });
    ingestBatch(store, ingestContext(parseConfig({})), [file(raw)]);
    const [message] = listMessages(store);
    expect(message!.messageId).toBe(syntheticMessageId(message!.sha256));
    expect(message!.messageId).toMatch(/^sha256\.[0-9a-f]{32}@abusedesk\.invalid$/);
  });

  it('marks private and own-network addresses, and untrusted senders', () => {
    const config = parseConfig({
      operator: { ownNetworks: ['192.0.2.0/24'] },
      trustedReporters: ['example.net'],
    });
    const ctx = ingestContext(config);
    ingestBatch(store, ctx, [
      file(banMail({ ip: '10.0.0.5', messageId: 'a@x' })),
      file(banMail({ ip: '192.0.2.50', messageId: 'b@x' })),
      file(banMail({ ip: '203.0.113.50', messageId: 'c@x', from: 'attacker@evil.example', host: 'evil.example' })),
    ]);
    const byIp = Object.fromEntries(listReports(store, { type: 'all' }).map((r) => [r.ip, r]));
    expect(byIp['10.0.0.5']).toMatchObject({ private: true, privateReason: 'private', trusted: true });
    expect(byIp['192.0.2.50']).toMatchObject({ private: true, privateReason: 'own network' });
    expect(byIp['203.0.113.50']).toMatchObject({ private: false, trusted: false });
    expect(listMessages(store, { untrusted: true }).map((m) => m.messageId)).toEqual(['c@x']);
  });

  it('stores a mail it cannot understand, with the reason', () => {
    const junk = Buffer.from('\x00\x01\x02 not a mail at all \xff\xfe');
    const result = ingestBatch(store, ingestContext(parseConfig({})), [file(junk)]);
    expect(result.stored).toBe(1);
    const [message] = listMessages(store);
    expect(['other', 'malformed']).toContain(message!.kind);
    expect(getRawMessage(store, message!.id)!.equals(junk)).toBe(true);
  });

  it('writes the IMAP sync position with the batch and updates a duplicate location', () => {
    const ctx = ingestContext(parseConfig({}));
    const raw = banMail({ ip: '198.51.100.3', messageId: 'loc@web1' });
    const imap = (uidValidity: number, uid: number): IncomingMail => ({
      raw,
      source: 'imap',
      sourceRef: 'u@h:1/INBOX',
      mailbox: 'INBOX',
      uidValidity,
      uid,
    });
    ingestBatch(store, ctx, [imap(1, 7)], { mailbox: 'u@h:1/INBOX', uidValidity: 1, lastUid: 7 });
    expect(getSyncState(store, 'u@h:1/INBOX')).toEqual({ mailbox: 'u@h:1/INBOX', uidValidity: 1, lastUid: 7 });
    ingestBatch(store, ctx, [imap(2, 1)], { mailbox: 'u@h:1/INBOX', uidValidity: 2, lastUid: 1 });
    expect(getSyncState(store, 'u@h:1/INBOX')).toMatchObject({ uidValidity: 2, lastUid: 1 });
    const [message] = listMessages(store);
    expect(message).toMatchObject({ mailbox: 'INBOX', uidValidity: 2, uid: 1 });
    expect(listMessages(store)).toHaveLength(1);
  });

  it('finds reports by IP, CIDR range and Message-ID', () => {
    const ctx = ingestContext(parseConfig({}));
    ingestBatch(store, ctx, [
      file(banMail({ ip: '203.0.113.1', messageId: 'q1@x' })),
      file(banMail({ ip: '203.0.113.200', messageId: 'q2@x' })),
      file(banMail({ ip: '198.51.100.1', messageId: 'q3@x' })),
      file(banMail({ ip: '2001:db8::1', messageId: 'q4@x' })),
    ]);
    const ips = (q: string) => listReports(store, parseReportQuery(q)).map((r) => r.ip).sort();
    expect(ips('203.0.113.1')).toEqual(['203.0.113.1']);
    expect(ips('203.0.113.0/24')).toEqual(['203.0.113.1', '203.0.113.200']);
    expect(ips('203.0.113.0/25')).toEqual(['203.0.113.1']);
    expect(ips('2001:db8::/32')).toEqual(['2001:db8::1']);
    expect(ips('2001:0db8:0::1')).toEqual(['2001:db8::1']);
    expect(ips('<q3@x>')).toEqual(['198.51.100.1']);
    expect(ips('nothing@here')).toEqual([]);
  });
});
