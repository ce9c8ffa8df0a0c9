// The desk's complaint flows on a real SQLite file with a real SMTP server (the
// sink): draft from Candidates, review on Pending (approve -> the sink receives it,
// edit with a scripted $EDITOR, change recipient, reject, defer, bulk approve with
// marks), and the history on Sent with retry of a failed send.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { banMail } from './helpers/mails.js';
import { ingest, KEYS, renderDesk, tempStore, type RenderedDesk, type TestStore } from './helpers/render.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { addContactOverride } from '../src/services/desk.js';
import { draftEligible } from '../src/services/drafts.js';
import { ContactResolver } from '../src/services/resolve-contact.js';
import { getComplaint } from '../src/store/repos/complaints.js';

let sink: SmtpSink;
let t: TestStore;
let desk: RenderedDesk | undefined;
const NOW = new Date();

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.stop();
});
beforeEach(() => {
  sink.clear();
  t = tempStore({
    smtp: { url: sink.url },
    operator: { from: 'Desk <abuse@desk.example>', domain: 'desk.example', organisation: 'Desk test' },
    lookup: { offline: true },
  });
});
afterEach(() => {
  desk?.unmount();
  desk = undefined;
  t.close();
});

/** `ips` each get 3 reports from 2 hosts in the last hours: eligible under the default policy. */
function seed(ips: string[], contact = 'abuse@net-a.example'): void {
  const mails = [];
  for (const [n, ip] of ips.entries()) {
    for (let i = 0; i < 3; i++) {
      mails.push(banMail({ ip, host: `mx${i % 2}.example.net`, date: new Date(NOW.getTime() - (n * 10 + i + 1) * 60_000), messageId: `${ip}-${i}@mx.example.net` }));
    }
    addContactOverride(t.store, ip, contact, 'test');
  }
  ingest(t, mails);
}

async function draftAll(): Promise<number[]> {
  const summary = await draftEligible(t.store, t.config, { approve: 'none', resolver: new ContactResolver(t.store, t.config.lookup), now: NOW });
  expect(summary.errors).toEqual([]);
  return summary.complaints.map((c) => c.id!).filter((id) => id !== null);
}

const state = (id: number) => getComplaint(t.store, id)?.state;

describe('Candidates', () => {
  it('shows contact and verdict for the rows on screen, Enter lists every report, d drafts a complaint', async () => {
    seed(['192.0.2.10']);
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('2');
    let f = await desk.waitFor('abuse@net-a.example');
    expect(f).toContain('2 Candidates 1');
    expect(f).toMatch(/192\.0\.2\.10\s+3\s+2 sshd/);
    expect(f).toContain('ready: ');
    await desk.press(KEYS.enter);
    f = await desk.waitFor('Candidate 192.0.2.10');
    expect(f).toContain('Contact:     abuse@net-a.example  (found, from override');
    expect(f).toContain('Reports:     3 unused, 3 counted now');
    // Every report with its log lines: page through the popup (long lines wrap, not cut).
    const headers = new Set<string>();
    for (let i = 0; i < 4; i++) {
      for (const m of desk.frame().matchAll(/# \d{4}-\d\d-\d\d \d\d:\d\d {2}sshd {2}from mx\d\.example\.net/g)) headers.add(m[0]);
      await desk.press(KEYS.pageDown);
    }
    expect(headers.size).toBe(3);
    await desk.press(KEYS.escape, 'd');
    await desk.waitFor(/complaint #\d+ drafted for 192\.0\.2\.10/);
    f = await desk.waitFor('3 Pending 1');
    expect(f).toContain('2 Candidates 0');
  });

  it('ignores an IP with a note and adds an override contact', async () => {
    seed(['192.0.2.11']);
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('2');
    await desk.waitFor('abuse@net-a.example');
    await desk.press('o');
    await desk.waitFor('Abuse contact override for 192.0.2.11');
    await desk.type('not an address');
    await desk.press(KEYS.enter);
    await desk.waitFor('no override added: not a valid e-mail address');
    await desk.press('o');
    await desk.type('noc@other.example');
    await desk.press(KEYS.enter);
    await desk.waitFor('override: 192.0.2.11/32 -> noc@other.example');
    await desk.press('i');
    await desk.type('our partner');
    await desk.press(KEYS.enter);
    await desk.waitFor('192.0.2.11 is ignored');
    await desk.waitFor('ignored: our');
    await desk.press('d');
    await desk.waitFor('draft a complaint for this IP now: never reported: ignored: our partner');
  });
});

describe('Pending and Sent', () => {
  it('shows the complaint (recipient with provenance, text, X-ARF, evidence); approve -> the SMTP sink receives it, Sent shows it', async () => {
    seed(['192.0.2.20']);
    const [id] = await draftAll();
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('3');
    await desk.waitFor('3 Pending 1');
    await desk.press(KEYS.enter);
    let f = await desk.waitFor(`Complaint #${id} to abuse@net-a.example`);
    expect(f).toContain('Contact:    source override');
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      seen.push(desk.frame());
      await desk.press(KEYS.pageDown);
    }
    const all = seen.join('\n');
    expect(all).toContain('--- X-ARF report.txt ---');
    expect(all).toContain('Source: 192.0.2.20');
    expect(all).toContain('--- evidence: logfile.log (3 reports) ---');
    await desk.press(KEYS.escape, 'a');
    await sink.waitFor(1);
    expect(sink.mails[0]!.to).toEqual(['abuse@net-a.example']);
    expect(sink.mails[0]!.messageId).toBe(getComplaint(t.store, id!)!.messageId);
    f = await desk.waitFor('4 Sent 1');
    expect(f).toContain('3 Pending 0');
    await desk.press('4');
    f = await desk.waitFor(/sent\s+\d\d-\d\d \d\d:\d\d 192\.0\.2\.20\s+abuse@net-a\.example\s+250/);
    expect(state(id!)).toBe('sent');
    expect(sink.mails).toHaveLength(1);
  });

  it('edits the text in $EDITOR (0600 temp file), refuses a broken edit, changes the recipient, defers', async () => {
    seed(['192.0.2.30']);
    const [id] = await draftAll();
    const script = path.join(t.dir, 'editor.sh');
    const modeFile = path.join(t.dir, 'mode');
    fs.writeFileSync(
      script,
      `#!/bin/sh\nstat -c %a "$1" > '${modeFile}'\nif [ -e '${t.dir}/dropip' ]; then sed -i 's/192\\.0\\.2\\.30/an address/g' "$1"; elif [ -e '${t.dir}/break' ]; then sed -i '1d' "$1"; else sed -i -e 's/^Subject: .*/Subject: Edited by the operator/' -e '$a Extra line from the editor.' "$1"; fi\n`,
      { mode: 0o755 },
    );
    desk = renderDesk(t, { now: () => NOW, env: { NO_COLOR: '1', EDITOR: script } });
    await desk.press('3');
    await desk.waitFor('3 Pending 1');
    await desk.press('e');
    await desk.waitFor(`complaint #${id}: text saved`);
    expect(fs.readFileSync(modeFile, 'utf8').trim()).toBe('600');
    let c = getComplaint(t.store, id!)!;
    expect(c.subject).toBe('Edited by the operator');
    expect(c.bodyText).toContain('Extra line from the editor.');
    fs.writeFileSync(path.join(t.dir, 'break'), '');
    await desk.press('e');
    await desk.waitFor('not saved: the first line must be "Subject: ..."');
    expect(getComplaint(t.store, id!)!.subject).toBe('Edited by the operator');
    // The drafting core's rules hold for edits too: the text must still name the attacker.
    fs.writeFileSync(path.join(t.dir, 'dropip'), '');
    await desk.press('e');
    await desk.waitFor('does not name the attacking address 192.0.2.30');
    expect(getComplaint(t.store, id!)!.bodyText).toContain('192.0.2.30');
    fs.rmSync(path.join(t.dir, 'dropip'));
    await desk.press('t');
    await desk.waitFor(`New recipient for complaint #${id}`);
    for (let i = 0; i < 30; i++) await desk.press(KEYS.backspace);
    await desk.type('abuse@elsewhere.example');
    await desk.press(KEYS.enter);
    await desk.waitFor(`complaint #${id} now goes to abuse@elsewhere.example`);
    c = getComplaint(t.store, id!)!;
    expect(c.recipient).toBe('abuse@elsewhere.example');
    await desk.press('z');
    await desk.waitFor('deferred 1 complaint');
    expect(state(id!)).toBe('deferred');
    await desk.press('z');
    await desk.waitFor('defer (snooze) for a day: already deferred');
    expect(sink.mails).toHaveLength(0);
  });

  it('rejects with a reason (required); the rejected one moves to Sent with its reason', async () => {
    seed(['192.0.2.40']);
    const [id] = await draftAll();
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('3');
    await desk.waitFor('3 Pending 1');
    await desk.press('x');
    await desk.waitFor('Reject 1 complaint to abuse@net-a.example: the reason (required)');
    await desk.press(KEYS.enter);
    await desk.waitFor('not rejected: a reason is required');
    expect(state(id!)).toBe('draft');
    await desk.press('x');
    await desk.type('shared hosting, handled by phone');
    await desk.press(KEYS.enter);
    await desk.waitFor('rejected 1 complaint');
    expect(state(id!)).toBe('rejected');
    await desk.press('4');
    await desk.waitFor(/rejected .*192\.0\.2\.40 .*shared hosting/);
    expect(sink.attempts).toHaveLength(0);
  });

  it('marks several with Space and approves all after a confirmation naming how many and to whom', async () => {
    seed(['192.0.2.50', '192.0.2.51'], 'abuse@net-a.example');
    seed(['198.51.100.60'], 'abuse@net-b.example');
    const ids = await draftAll();
    expect(ids).toHaveLength(3);
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('3');
    await desk.waitFor('3 Pending 3');
    await desk.press(KEYS.space, KEYS.space);
    await desk.waitFor('[2 marked]');
    await desk.press('a');
    const f = await desk.waitFor('Approve and send 2 complaints to');
    const marked = ids.map((id) => getComplaint(t.store, id)!);
    // The confirmation names the recipients of exactly the two marked rows.
    expect(f).toMatch(/abuse@net-[ab]\.example/);
    await desk.press('n');
    await desk.waitFor('[2 marked]');
    expect(marked.every((c) => state(c.id) === 'draft')).toBe(true);
    await desk.press('a');
    await desk.waitFor('Approve and send 2 complaints to');
    await desk.press('y');
    await sink.waitFor(2);
    await desk.waitFor('3 Pending 1');
    await desk.waitFor('4 Sent 2');
    expect(ids.filter((id) => state(id) === 'sent')).toHaveLength(2);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(2);
  });

  it('a refused send shows as failed on Sent with the SMTP answer; R retries it once', async () => {
    seed(['192.0.2.70']);
    const [id] = await draftAll();
    sink.program('permfail');
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('3');
    await desk.waitFor('3 Pending 1');
    await desk.press('a');
    await desk.waitFor('4 Sent 1');
    expect(state(id!)).toBe('failed');
    await desk.press('4');
    await desk.waitFor(/failed .*192\.0\.2\.70 .*55\d/);
    await desk.press('R');
    await sink.waitFor(1);
    await desk.waitFor(/sent .*192\.0\.2\.70 .*250/);
    expect(state(id!)).toBe('sent');
    expect(sink.attempts).toHaveLength(2);
    expect(sink.mails).toHaveLength(1);
    await desk.press('R');
    await desk.waitFor('retry a failed complaint: only failed complaints');
  });

  it('S sends now; a temporary refusal keeps it approved on Pending with the server answer, and nothing is sent twice', async () => {
    seed(['192.0.2.80']);
    const [id] = await draftAll();
    sink.program('tempfail');
    desk = renderDesk(t, { now: () => NOW });
    await desk.press('3');
    await desk.waitFor('3 Pending 1');
    await desk.press('S');
    await desk.waitFor(/sent 0, 1 will be retried; #\d+: 451/);
    expect(state(id!)).toBe('approved');
    await desk.waitFor(/approved .*192\.0\.2\.80/);
    await desk.press('a');
    await desk.waitFor('approve and send: already approved (S sends it now)');
    expect(sink.mails).toHaveLength(0);
    expect(sink.attempts).toHaveLength(1);
  });
});
