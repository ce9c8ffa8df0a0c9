// The outbox against a real SQLite file and a real SMTP server (smtp-server sink):
// drafting with the reports in one transaction, the mail as it arrives, the state
// machine under 4xx / 5xx / a connection dropped after DATA / a crash in "sending",
// the lease between two senders, reject/release, test mode, follow-ups, bounces,
// candidate paging.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { validateXarfReport } from '../src/core/xarf.js';
import { ingestBatch, ingestContext } from '../src/services/ingest.js';
import { countCandidates, listCandidates, type CandidateCursor } from '../src/services/candidates.js';
import { draftCandidate, draftEligible, editDraft } from '../src/services/drafts.js';
import {
  approveComplaints,
  beginSending,
  claimNext,
  INTERRUPTED_SEND,
  markComplaintSent,
  rejectComplaints,
  retryComplaint,
} from '../src/services/outbox.js';
import { flagBounces, sendApproved } from '../src/services/send.js';
import { describeRun, runAuto } from '../src/services/auto-run.js';
import { deferComplaints, recordOutcome, recoverInterrupted } from '../src/services/outbox.js';
import { ContactResolver } from '../src/services/resolve-contact.js';
import { openStore, type Store } from '../src/store/db.js';
import { getComplaint, listComplaints } from '../src/store/repos/complaints.js';
import { banMail } from './helpers/mails.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';

let sink: SmtpSink;
let dir: string;
let store: Store;
let config: Config;
const HOUR = 3_600_000;
const RETRY = { backoffMs: 60_000, maxBackoffMs: 600_000, maxAttempts: 3 };

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});

function makeConfig(extra: Record<string, unknown> = {}): Config {
  const contacts = path.join(dir, 'contacts.json');
  fs.writeFileSync(
    contacts,
    JSON.stringify([
      { cidr: '198.51.100.0/24', address: 'abuse@net-a.test' },
      { cidr: '203.0.113.0/24', address: 'abuse@net-b.test' },
    ]),
  );
  return parseConfig({
    smtp: { url: sink.url, insecureTls: true, timeoutMs: 3000 },
    operator: {
      organisation: 'Test desk',
      from: 'Test desk <abuse@desk.test>',
      replyTo: 'replies@desk.test',
      cc: ['copy@desk.test'],
      bcc: ['hidden@desk.test'],
      domain: 'desk.test',
    },
    lookup: { offline: true, offlineContactsFile: contacts },
    ...extra,
  });
}

/** Stores Fail2Ban ban mails: `hosts` reporting hosts each banning the IP once, recently. */
function addBans(ip: string, hosts: string[], now = Date.now()) {
  const mails = hosts.map((host, i) => ({
    raw: banMail({ ip, host, date: new Date(now - (i + 1) * HOUR) }),
    source: 'file' as const,
    sourceRef: `${ip}-${host}.eml`,
  }));
  ingestBatch(store, ingestContext(config), mails);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-outbox-'));
  store = openStore(path.join(dir, 'desk.db'));
  config = makeConfig();
  sink.clear();
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const resolver = () => new ContactResolver(store, config.lookup);

describe('drafts', () => {
  it('drafts one complaint per eligible IP, marking exactly its reports used in the same transaction', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']); // 2 hosts: eligible
    addBans('203.0.113.9', ['web1.example.net']); // 1 report: not yet
    addBans('10.1.2.3', ['web1.example.net', 'web2.example.net', 'web3.example.net']); // private: never
    const summary = await draftEligible(store, config, { resolver: resolver(), approve: 'none' });
    expect(summary.drafted).toBe(1);
    const [c] = listComplaints(store);
    expect(c!.ip).toBe('198.51.100.7');
    expect(c!.state).toBe('draft');
    expect(c!.recipient).toBe('abuse@net-a.test');
    const used = store.sqlite.prepare('SELECT ip, complaint_id FROM reports WHERE complaint_id IS NOT NULL').all() as Array<{ ip: string; complaint_id: number }>;
    expect(used).toHaveLength(2);
    expect(new Set(used.map((u) => u.ip))).toEqual(new Set(['198.51.100.7']));
    const links = store.sqlite.prepare('SELECT count(*) AS n FROM complaint_reports WHERE complaint_id = ?').get(c!.id) as { n: number };
    expect(links.n).toBe(2);
    // Nothing new: a second pass drafts nothing.
    expect((await draftEligible(store, config, { resolver: resolver() })).drafted).toBe(0);
    const page = await listCandidates(store, config, { resolver: resolver() });
    const byIp = new Map(page.items.map((v) => [v.ip, v]));
    expect(byIp.get('203.0.113.9')!.eligibility.reason).toBe('1 report, needs 3');
    expect(byIp.get('10.1.2.3')!.eligibility.reason).toBe('private range');
    expect(byIp.has('198.51.100.7')).toBe(false);
  });

  it('a dry run plans the same complaint and writes nothing', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    const before = store.sqlite.prepare('SELECT count(*) AS n FROM reports WHERE complaint_id IS NULL').get() as { n: number };
    const plan = await draftEligible(store, config, { resolver: resolver(), dryRun: true });
    expect(plan.complaints.map((c) => [c.ips, c.recipient, c.id])).toEqual([[['198.51.100.7'], 'abuse@net-a.test', null]]);
    expect(listComplaints(store)).toHaveLength(0);
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM reports WHERE complaint_id IS NULL').get()).toEqual(before);
  });

  it('ignored IPs are not drafted; draft-now with force overrides the report rule but not "never"', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    addBans('203.0.113.9', ['web1.example.net']);
    const { ignoreCandidate } = await import('../src/services/candidates.js');
    ignoreCandidate(store, '198.51.100.7', 'our customer, handled by phone');
    expect((await draftEligible(store, config, { resolver: resolver() })).drafted).toBe(0);
    expect((await draftCandidate(store, config, '198.51.100.7', { resolver: resolver(), force: true })).error).toMatch(/ignored: our customer/);
    expect((await draftCandidate(store, config, '203.0.113.9', { resolver: resolver() })).error).toMatch(/needs 3/);
    const forced = await draftCandidate(store, config, '203.0.113.9', { resolver: resolver(), force: true });
    expect(forced.ok).toBe(true);
    expect(getComplaint(store, forced.complaintId!)!.state).toBe('draft');
  });
});

async function draftedAndApproved(ip = '198.51.100.7'): Promise<number> {
  addBans(ip, ['web1.example.net', 'web2.example.net']);
  const summary = await draftEligible(store, config, { resolver: resolver(), approve: 'confident' });
  const id = summary.complaints.find((c) => c.ips.includes(ip))!.id!;
  expect(getComplaint(store, id)!.state).toBe('approved');
  return id;
}

describe('sending', () => {
  it('sends the complaint once: headers from config, three text/plain parts, a valid X-ARF report, the exact bytes stored', async () => {
    const id = await draftedAndApproved();
    const summary = await sendApproved(store, config, { retry: RETRY });
    expect(summary.sent).toBe(1);
    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0]!;
    const c = getComplaint(store, id)!;
    expect(c.state).toBe('sent');
    expect(c.rawMail!.equals(mail.raw)).toBe(true);
    expect(mail.messageId).toBe(c.messageId);
    expect(c.messageId).toMatch(/@desk\.test$/);
    expect(mail.from).toBe('abuse@desk.test');
    expect(new Set(mail.to)).toEqual(new Set(['abuse@net-a.test', 'copy@desk.test', 'hidden@desk.test']));
    const head = mail.raw.toString('utf8').split(/\r\n\r\n/)[0]!;
    expect(head).toMatch(/^X-XARF: PLAIN$/m);
    expect(head).toMatch(/^Auto-Submitted: auto-generated$/m);
    expect(head).toMatch(/^Reply-To: replies@desk\.test$/m);
    expect(head).toMatch(/^Cc: copy@desk\.test$/m);
    expect(head).not.toMatch(/hidden@desk\.test/);
    expect(head).toMatch(/^Content-Type: multipart\/mixed/m);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.text).toContain('198.51.100.7');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['report.txt', 'text/plain'],
      ['logfile.log', 'text/plain'],
    ]);
    const parts = mail.raw.toString('utf8').match(/^Content-Type: text\/plain; charset=utf-8/gm);
    expect(parts).toHaveLength(3);
    const report = parsed.attachments[0]!.content.toString('utf8');
    expect(validateXarfReport(report)).toEqual([]);
    expect(report).toMatch(/^Source: 198\.51\.100\.7$/m);
    expect(parsed.attachments[1]!.content.toString('utf8')).toContain('Failed password for root from 198.51.100.7');
    // Nothing left to send.
    expect((await sendApproved(store, config)).attempted).toBe(0);
    expect(sink.attempts).toHaveLength(1);
  });

  it('4xx: back to approved with a backoff, sent on the next due attempt', async () => {
    const id = await draftedAndApproved();
    sink.program('tempfail');
    const t0 = Date.now();
    const first = await sendApproved(store, config, { retry: RETRY, now: () => new Date(t0) });
    expect(first.retrying).toBe(1);
    let c = getComplaint(store, id)!;
    expect(c.state).toBe('approved');
    expect(c.nextAttemptAt!.getTime()).toBe(t0 + RETRY.backoffMs);
    expect(c.lastError).toMatch(/451 Greylisted/);
    // Not due yet: nothing happens.
    expect((await sendApproved(store, config, { retry: RETRY, now: () => new Date(t0 + 1000) })).attempted).toBe(0);
    const second = await sendApproved(store, config, { retry: RETRY, now: () => new Date(t0 + RETRY.backoffMs + 1) });
    expect(second.sent).toBe(1);
    c = getComplaint(store, id)!;
    expect(c.state).toBe('sent');
    expect(c.attempts).toBe(2);
    expect(sink.attempts).toHaveLength(2);
    expect(sink.mails).toHaveLength(1);
    // The retry sent the very bytes recorded before the first attempt.
    expect(sink.attempts[0]!.raw.equals(sink.attempts[1]!.raw)).toBe(true);
  });

  it('5xx: failed with the server answer, never retried on its own; the operator can retry', async () => {
    const id = await draftedAndApproved();
    sink.program('permfail');
    const s = await sendApproved(store, config, { retry: RETRY });
    expect(s.failed).toBe(1);
    const c = getComplaint(store, id)!;
    expect(c.state).toBe('failed');
    expect(c.lastError).toMatch(/550 Mailbox unavailable/);
    expect((await sendApproved(store, config, { now: () => new Date(Date.now() + 86_400_000) })).attempted).toBe(0);
    expect(retryComplaint(store, id).state).toBe('approved');
    expect((await sendApproved(store, config)).sent).toBe(1);
    expect(sink.mails).toHaveLength(1);
  });

  it('connection dropped after DATA: outcome unknown, waits for the operator, never resent automatically', async () => {
    const id = await draftedAndApproved();
    sink.program('drop');
    const s = await sendApproved(store, config, { retry: RETRY });
    expect(s.unknown).toBe(1);
    let c = getComplaint(store, id)!;
    expect(c.state).toBe('sending');
    expect(c.needsOperator).toBe(true);
    expect(c.lastError).toMatch(/may have been delivered/);
    for (let i = 0; i < 3; i++) {
      expect((await sendApproved(store, config, { now: () => new Date(Date.now() + (i + 1) * 86_400_000) })).attempted).toBe(0);
    }
    expect(sink.attempts).toHaveLength(1);
    // The operator found it delivered (the sink did receive the whole DATA).
    expect(markComplaintSent(store, id, { note: 'seen in the recipient log' }).state).toBe('sent');
    c = getComplaint(store, id)!;
    expect(c.smtpResponse).toBe('seen in the recipient log');
  });

  it('a crash while "sending": found later, flagged for the operator, not resent', async () => {
    const id = await draftedAndApproved();
    // A sender process that claimed, recorded "sending", and died before the answer.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const owner = `${os.hostname()}:${dead.stdout.toString()}:deadbeef`;
    const claimed = claimNext(store, owner, { now: new Date(), leaseMs: 600_000 });
    expect(claimed!.id).toBe(id);
    expect(beginSending(store, id, owner, Buffer.from('x'), { now: new Date(), leaseMs: 600_000 })).toBe(true);
    const s = await sendApproved(store, config);
    expect(s.interrupted).toBe(1);
    expect(s.attempted).toBe(0);
    const c = getComplaint(store, id)!;
    expect(c.state).toBe('sending');
    expect(c.needsOperator).toBe(true);
    expect(c.lastError).toBe(INTERRUPTED_SEND);
    expect(sink.attempts).toHaveLength(0);
    // The operator checked: not delivered. Retry sends it once.
    expect(retryComplaint(store, id).ok).toBe(true);
    expect((await sendApproved(store, config)).sent).toBe(1);
    expect(sink.mails).toHaveLength(1);
  });

  it('a sender outliving its lease: flagged for the operator meanwhile, its 250 still settles the complaint as sent', async () => {
    const id = await draftedAndApproved();
    const owner = `${os.hostname()}:${process.pid}:slow`;
    const t0 = Date.now();
    expect(claimNext(store, owner, { now: new Date(t0), leaseMs: 1000 })!.id).toBe(id);
    expect(beginSending(store, id, owner, Buffer.from('x'), { now: new Date(t0), leaseMs: 1000 })).toBe(true);
    expect(recoverInterrupted(store, new Date(t0 + 5000)).flagged).toBe(1);
    expect(getComplaint(store, id)!.needsOperator).toBe(true);
    expect(recordOutcome(store, id, owner, { kind: 'sent', response: '250 queued' }, { now: new Date(t0 + 6000) })).toBe('sent');
    expect(getComplaint(store, id)).toMatchObject({ state: 'sent', needsOperator: false, smtpResponse: '250 queued' });
  });

  it('a live sender keeps its claim: a second sender with its own connection takes nothing', async () => {
    const ids = [await draftedAndApproved('198.51.100.7'), await draftedAndApproved('198.51.100.8'), await draftedAndApproved('203.0.113.5')];
    const other = openStore(store.path);
    try {
      // Two senders on two connections at the same moment, as the desk and cron would be.
      const [a, b] = await Promise.all([sendApproved(store, config), sendApproved(other, config)]);
      expect(a.sent + b.sent).toBe(3);
    } finally {
      other.close();
    }
    expect(sink.mails.map((m) => m.messageId).sort()).toEqual(ids.map((id) => getComplaint(store, id)!.messageId).sort());
    expect(sink.attempts).toHaveLength(3);
  });

  it('test mode: everything goes to complaint.testRecipient only', async () => {
    config = makeConfig({ complaint: { testRecipient: 'me@desk.test' } });
    const id = await draftedAndApproved();
    await sendApproved(store, config);
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]!.to).toEqual(['me@desk.test']);
    const c = getComplaint(store, id)!;
    expect(c.recipient).toBe('me@desk.test');
    expect(c.abuseContact).toBe('abuse@net-a.test');
  });

  it('a later complaint about the same IP to the same recipient follows up on the first', async () => {
    const first = await draftedAndApproved();
    await sendApproved(store, config);
    // Policy: at most 4 per IP a day; new reports after the first complaint count.
    addBans('198.51.100.7', ['web3.example.net', 'web4.example.net'], Date.now() + 2 * HOUR + 1000);
    const summary = await draftEligible(store, config, { resolver: resolver(), now: new Date(Date.now() + 3 * HOUR) });
    expect(summary.drafted).toBe(1);
    await sendApproved(store, config);
    expect(sink.mails).toHaveLength(2);
    const firstId = getComplaint(store, first)!.messageId;
    const head = sink.mails[1]!.raw.toString('utf8').split(/\r\n\r\n/)[0]!;
    expect(head).toContain(`In-Reply-To: <${firstId}>`);
    expect(head).toContain(`References: <${firstId}>`);
  });

  it('a bounce quoting our Message-ID flags the sent complaint', async () => {
    const id = await draftedAndApproved();
    await sendApproved(store, config);
    const c = getComplaint(store, id)!;
    const bounce = [
      'From: MAILER-DAEMON@mx.net-a.test',
      'To: abuse@desk.test',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: ' + new Date().toUTCString(),
      'Message-ID: <bounce-1@mx.net-a.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'I could not deliver your message.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.net-a.test',
      '',
      'Final-Recipient: rfc822; abuse@net-a.test',
      'Action: failed',
      'Status: 5.1.1',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${c.messageId}>`,
      'Subject: ' + c.subject,
      '--b1--',
      '',
    ].join('\r\n');
    ingestBatch(store, ingestContext(config), [{ raw: Buffer.from(bounce), source: 'file', sourceRef: 'bounce.eml' }]);
    expect(flagBounces(store, config)).toBe(1);
    const flagged = getComplaint(store, id)!;
    expect(flagged.bouncedAt).not.toBeNull();
    expect(flagged.lastError).toMatch(/bounced/);
    expect(flagBounces(store, config)).toBe(0);

    // The next complaint to that address is drafted but waits for the operator.
    addBans('198.51.100.7', ['web3.example.net', 'web4.example.net'], Date.now() + 2 * HOUR + 1000);
    const next = await draftEligible(store, config, { resolver: resolver(), now: new Date(Date.now() + 3 * HOUR) });
    expect(next).toMatchObject({ drafted: 1, approved: 0 });
    const waiting = getComplaint(store, next.complaints[0]!.id!)!;
    expect(waiting.state).toBe('draft');
    expect(waiting.abuseContact).toBe('abuse@net-a.test');
    expect(waiting.reason).toMatch(/the recipient bounced on \d{4}-\d\d-\d\d, review it/);
  });
});

describe('operator actions', () => {
  it('reject keeps the reports used; with release they become a candidate again', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    addBans('203.0.113.5', ['web1.example.net', 'web2.example.net']);
    await draftEligible(store, config, { resolver: resolver(), approve: 'none' });
    const [b, a] = listComplaints(store).sort((x, y) => x.ip.localeCompare(y.ip));
    expect(rejectComplaints(store, [a!.id], { reason: 'false positive' })[0]!.ok).toBe(true);
    expect(rejectComplaints(store, [b!.id], { reason: 'wrong contact', release: true })[0]!.ok).toBe(true);
    const unused = (store.sqlite.prepare('SELECT DISTINCT ip FROM reports WHERE complaint_id IS NULL').all() as Array<{ ip: string }>).map((r) => r.ip);
    expect(unused).toEqual(['198.51.100.7']);
    expect(getComplaint(store, a!.id)!.rejectReason).toBe('false positive');
    // A rejected complaint cannot be approved or sent.
    expect(approveComplaints(store, [a!.id])[0]!.error).toMatch(/is rejected/);
    expect((await sendApproved(store, config)).attempted).toBe(0);
    // A sent complaint cannot be rejected.
    expect(approveComplaints(store, [999])[0]!.error).toMatch(/no complaint #999/);
  });
});

describe('editing', () => {
  it('saves an operator edit of a draft only when the text still names the address; approved ones are not edited', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    await draftEligible(store, config, { resolver: resolver(), approve: 'none' });
    const [c] = listComplaints(store);
    expect(editDraft(store, c!.id, { bodyText: 'Hello, please look into this address of yours. Thanks, the desk.' }).error).toMatch(
      /does not name the attacking address 198\.51\.100\.7/,
    );
    expect(editDraft(store, c!.id, { bodyText: `${c!.bodyText}\x1b[2J` }).error).toMatch(/control characters/);
    const text = `Dear abuse team,\n\n198.51.100.7 keeps attacking our mail servers; details below.\n`;
    expect(editDraft(store, c!.id, { bodyText: text, subject: 'abuse report about 198.51.100.7' }).ok).toBe(true);
    expect(getComplaint(store, c!.id)!.bodyText).toBe(text);
    expect(approveComplaints(store, [c!.id])[0]!.ok).toBe(true);
    expect(editDraft(store, c!.id, { bodyText: text + 'more 198.51.100.7\n' }).error).toMatch(/only drafts and deferred/);
  });

  it('a recipient that is not one bare address is never handed to SMTP', async () => {
    const id = await draftedAndApproved();
    store.sqlite.prepare('UPDATE complaints SET recipient = ? WHERE id = ?').run('abuse@net-a.test, victim@elsewhere.test', id);
    const s = await sendApproved(store, config);
    expect(s.composeErrors).toBe(1);
    expect(s.attempted).toBe(0);
    const c = getComplaint(store, id)!;
    expect(c.state).toBe('approved');
    expect(c.lastError).toMatch(/not a single e-mail address/);
    expect(sink.attempts).toHaveLength(0);
  });
});

describe('runs', () => {
  it('--dry-run renders exactly the mail that a run then sends, and writes nothing', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    const tables = () => store.sqlite.prepare('SELECT (SELECT count(*) FROM complaints) c, (SELECT count(*) FROM runs) r, (SELECT count(*) FROM reports WHERE complaint_id IS NULL) u').get();
    const before = tables();
    const dry = await runAuto(store, config, { dryRun: true });
    expect(tables()).toEqual(before);
    expect(dry.wouldSend).toHaveLength(1);
    expect(dry.wouldSend![0]!.recipient).toBe('abuse@net-a.test');
    expect(describeRun(dry)).toBe('abusedesk (dry run): 1 complaint would be drafted, 1 complaint would be sent');
    expect(sink.attempts).toHaveLength(0);
    const real = await runAuto(store, config, {});
    expect(real).toMatchObject({ drafted: 1, approved: 1, sent: 1, errors: [] });
    // The same mail, but for the Message-ID and Report-ID a dry run cannot reserve.
    const norm = (t: string) => t.replace(/"?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@desk\.test"?/g, 'ID').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'T');
    const [sent, planned] = await Promise.all([simpleParser(sink.mails[0]!.raw), simpleParser(dry.wouldSend![0]!.raw)]);
    expect(norm(sent.text!)).toBe(norm(planned.text!));
    expect(sent.attachments.map((a) => norm(a.content.toString('utf8')))).toEqual(planned.attachments.map((a) => norm(a.content.toString('utf8'))));
    for (const h of ['from', 'to', 'cc', 'reply-to', 'x-xarf', 'auto-submitted']) expect(JSON.stringify(sent.headers.get(h))).toBe(JSON.stringify(planned.headers.get(h)));
    const run = store.sqlite.prepare('SELECT kind, status, summary FROM runs').all();
    expect(run).toEqual([{ kind: 'auto', status: 'ok', summary: 'abusedesk: 1 complaint drafted, 1 sent' }]);
    // Nothing new: quiet. Quiet runs are recorded, and dropped after a week; runs that did something stay.
    expect(describeRun(await runAuto(store, config, {}))).toBeNull();
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 2 });
    await runAuto(store, config, { now: () => new Date(Date.now() + 8 * 86_400_000) });
    const left = store.sqlite.prepare('SELECT summary FROM runs ORDER BY id').all();
    expect(left).toEqual([{ summary: 'abusedesk: 1 complaint drafted, 1 sent' }, { summary: null }]);
  });

  it('a mailbox that cannot be reached is an error of the run (exit 1), and the rest of the run still happens', async () => {
    config = makeConfig({ imap: { url: 'imap://u:p@127.0.0.1:1/INBOX', connectTimeoutMs: 500 } });
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    const s = await runAuto(store, config, {});
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatch(/^fetch: .*127\.0\.0\.1/);
    // The stored reports were still drafted and sent (they came from files: nothing to archive).
    expect(s.sent).toBe(1);
    const run = store.sqlite.prepare('SELECT status, errors FROM runs').get();
    expect(run).toEqual({ status: 'failed', errors: 1 });
    const log = store.sqlite.prepare(`SELECT level, message FROM run_log WHERE level = 'error'`).all() as Array<{ message: string }>;
    expect(log.map((l) => l.message.split(':')[0])).toEqual(['fetch']);
  });

  it('the daily cap per recipient holds within one run, and a dry run plans the same', async () => {
    config = makeConfig({ policy: { maxComplaintsPerRecipientPerDay: 2 } });
    for (const ip of ['198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10']) addBans(ip, ['web1.example.net', 'web2.example.net']);
    const dry = await runAuto(store, config, { dryRun: true });
    expect(dry.wouldSend).toHaveLength(2);
    expect(dry.heldBack).toEqual([
      { ip: '198.51.100.9', reason: 'recipient cap reached (2 today)' },
      { ip: '198.51.100.10', reason: 'recipient cap reached (2 today)' },
    ]);
    expect(listComplaints(store)).toHaveLength(0);
    const real = await runAuto(store, config, {});
    expect(real).toMatchObject({ drafted: 2, sent: 2 });
    expect(real.heldBack.map((h) => h.ip)).toEqual(['198.51.100.9', '198.51.100.10']);
    expect(sink.mails).toHaveLength(2);
  });

  it('combines several IPs for one recipient into one mail when configured', async () => {
    config = makeConfig({ complaint: { combinePerRecipient: true } });
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    addBans('198.51.100.8', ['web1.example.net', 'web2.example.net']);
    addBans('203.0.113.5', ['web1.example.net', 'web2.example.net']);
    const s = await runAuto(store, config, {});
    expect(s).toMatchObject({ drafted: 2, sent: 2 });
    const to = sink.mails.map((m) => m.to[0]).sort();
    expect(to).toEqual(['abuse@net-a.test', 'abuse@net-b.test']);
    const combined = sink.mails.find((m) => m.to.includes('abuse@net-a.test'))!.raw.toString('utf8');
    expect(combined).toContain('198.51.100.7');
    expect(combined).toContain('198.51.100.8');
    const ips = store.sqlite.prepare('SELECT count(*) AS n FROM complaint_ips').get();
    expect(ips).toEqual({ n: 3 });
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM reports WHERE complaint_id IS NULL').get()).toEqual({ n: 0 });
  });

  it('a deferred complaint is not sent until approved again', async () => {
    addBans('198.51.100.7', ['web1.example.net', 'web2.example.net']);
    await draftEligible(store, config, { resolver: resolver(), approve: 'none' });
    const [c] = listComplaints(store);
    expect(deferComplaints(store, [c!.id], { note: 'ask the customer first' })[0]!.state).toBe('deferred');
    expect((await sendApproved(store, config)).attempted).toBe(0);
    expect(approveComplaints(store, [c!.id])[0]!.state).toBe('approved');
    expect((await sendApproved(store, config)).sent).toBe(1);
  });
});

describe('candidates', () => {
  it('pages by last seen with a cursor: every IP exactly once, newest first', async () => {
    const now = Date.now();
    const mails = [];
    for (let i = 0; i < 57; i++) {
      mails.push({ raw: banMail({ ip: `203.0.113.${i + 1}`, date: new Date(now - i * 60_000 - (i % 3) * 7) }), source: 'file' as const, sourceRef: `${i}.eml` });
    }
    ingestBatch(store, ingestContext(config), mails);
    expect(countCandidates(store)).toBe(57);
    const seen: string[] = [];
    let after: CandidateCursor | null = null;
    let pages = 0;
    do {
      const page = await listCandidates(store, config, { limit: 10, after });
      seen.push(...page.items.map((c) => c.ip));
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(6);
    expect(seen).toEqual(Array.from({ length: 57 }, (_, i) => `203.0.113.${i + 1}`));
    // The order is remembered between pages, but not past a change: a drafted IP leaves the list.
    expect((await draftCandidate(store, config, '203.0.113.1', { resolver: resolver(), force: true })).ok).toBe(true);
    const first = await listCandidates(store, config, { limit: 3 });
    expect(first.items.map((c) => c.ip)).toEqual(['203.0.113.2', '203.0.113.3', '203.0.113.4']);
    expect(first.total).toBe(56);
  });
});
