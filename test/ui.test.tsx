// The desk shell and the read-only screens (Incoming, Search, Stats) on a real
// SQLite file: navigation, filters, detail and raw views, search with n/N, the
// help overlay generated from the key table, resize, and hostile mails.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { banMail } from './helpers/mails.js';
import { ingest, KEYS, renderDesk, tempStore, type RenderedDesk, type TestStore } from './helpers/render.js';
import { KEY_TABLE } from '../src/ui/keys.js';

const HOSTILE_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'mails', 'hostile');

let t: TestStore;
let desk: RenderedDesk | undefined;

beforeEach(() => {
  t = tempStore();
});
afterEach(() => {
  desk?.unmount();
  desk = undefined;
  t.close();
});

function seedBans(n: number, base = Date.UTC(2026, 10, 20, 10)): void {
  const mails = [];
  for (let i = 0; i < n; i++) {
    mails.push(
      banMail({
        ip: `198.51.100.${i % 250}`,
        jail: i % 2 ? 'sshd' : 'postfix-sasl',
        host: `mx${i % 3}.example.net`,
        date: new Date(base + i * 60_000),
        messageId: `ban-${i}@mx.example.net`,
      }),
    );
  }
  ingest(t, mails);
}

describe('Incoming', () => {
  it('lists stored mails newest first, moves with j/k/G/g/PgDn, and counts in the tab bar', async () => {
    seedBans(60);
    desk = renderDesk(t);
    let f = await desk.waitFor('1 Incoming 60');
    expect(f).toContain('1/60');
    // Newest first: the last mail stored (i = 59) is on top.
    expect(f.split('\n')[2]).toContain('198.51.100.59');
    await desk.press('j', 'j', KEYS.down);
    await desk.waitFor('4/60');
    await desk.press('k');
    await desk.waitFor('3/60');
    await desk.press('G');
    f = await desk.waitFor('60/60');
    expect(f).toContain('banned 198.51.100.0 ');
    await desk.press('g');
    await desk.waitFor('1/60');
    await desk.press(KEYS.pageDown);
    f = await desk.waitFor(/\s(1[6-9]|2[0-9])\/60/);
    await desk.press(KEYS.pageUp);
    await desk.waitFor(' 1/60');
  });

  it('filters by kind: bans, notices, unrecognised, errors, untrusted', async () => {
    seedBans(3);
    const names = ['binary-garbage.eml', 'fail2ban-html-only.eml', 'base64-body.eml'];
    ingest(t, names.map((f) => fs.readFileSync(path.join(HOSTILE_DIR, f))));
    const count = (where: string) => (t.store.sqlite.prepare(`SELECT count(*) AS n FROM messages WHERE ${where}`).get() as { n: number }).n;
    desk = renderDesk(t);
    await desk.waitFor(`1/${count('1')}`);
    const expectations: [string, string][] = [
      ['bans', "kind IN ('ban', 'summary')"],
      ['notices', "kind = 'notice'"],
      ['unrecognised', "kind IN ('other', 'malformed')"],
      ['errors', 'error IS NOT NULL'],
      ['untrusted', 'trusted = 0'],
    ];
    expect(count("kind IN ('ban', 'summary')")).toBeGreaterThanOrEqual(3);
    expect(count("kind IN ('other', 'malformed')")).toBeGreaterThan(0);
    for (const [filter, where] of expectations) {
      await desk.press('f');
      const f = await desk.waitFor(`[filter: ${filter}]`);
      const n = count(where);
      if (n) expect(f).toContain(`1/${n}`);
      else expect(f).toContain(`No mail matches the filter "${filter}"`);
    }
    await desk.press('f');
    await desk.waitFor('[filter: all]');
  });

  it('opens a mail: parsed fields and log lines, r shows the raw mail, Esc closes', async () => {
    ingest(t, [banMail({ ip: '192.0.2.7', jail: 'sshd', host: 'web1.example.net', messageId: 'one@web1.example.net' })]);
    desk = renderDesk(t);
    await desk.waitFor('1/1');
    await desk.press(KEYS.enter);
    let f = await desk.waitFor('Message-ID: one@web1.example.net');
    expect(f).toContain('# 192.0.2.7  sshd  from web1.example.net  5 failures');
    expect(f).toContain('Failed password for root from 192.0.2');
    await desk.press('r');
    f = await desk.waitFor('Raw mail one@web1.example.net');
    expect(f).toContain('Subject: [Fail2Ban] sshd: banned 192.0.2.7 from web1.example.net');
    await desk.press(KEYS.escape);
    f = await desk.waitFor('[filter: all]');
    expect(f).not.toContain('Raw mail');
  });

  it('pages 3,000 mails by key: G reaches the oldest without loading the table', async () => {
    seedBans(3000);
    desk = renderDesk(t);
    await desk.waitFor('1/3000');
    await desk.press('G');
    const f = await desk.waitFor('3000/3000');
    expect(f).toContain('banned 198.51.100.0 ');
    await desk.press('k', 'k');
    await desk.waitFor('2998/3000');
    await desk.press('g');
    await desk.waitFor(' 1/3000');
  });
});

describe('Search', () => {
  it('finds an IP, a CIDR range and a Message-ID; n/N step through results from any screen', async () => {
    seedBans(20);
    desk = renderDesk(t);
    await desk.waitFor('1/20');
    await desk.press('n');
    await desk.waitFor('no search yet: press / to search');
    await desk.press('/');
    await desk.waitFor('Search: an IP address, a CIDR range or a Message-ID');
    await desk.type('198.51.100.7');
    await desk.press(KEYS.enter);
    await desk.waitFor('Search: IP 198.51.100.7: 1 report');
    let f = await desk.waitFor('5 Search 1 ');
    await desk.press('/');
    await desk.type('198.51.100.0/28');
    await desk.press(KEYS.enter);
    f = await desk.waitFor('Search: range 198.51.100.0/28: 16 reports');
    expect(f).toContain('1/16');
    await desk.press('1');
    await desk.waitFor('[filter: all]');
    await desk.press('n');
    f = await desk.waitFor('2/16');
    expect(f).toContain('range 198.51.100.0/28');
    await desk.press('n', 'n', 'N');
    await desk.waitFor('3/16');
    await desk.press('/');
    await desk.type('<ban-3@mx.example.net>');
    await desk.press(KEYS.enter);
    f = await desk.waitFor('Message-ID <ban-3@mx.example.net>: 1 report');
    expect(f).toContain('Mails with this Message-ID: 1');
    await desk.press(KEYS.enter);
    await desk.waitFor('Message-ID: ban-3@mx.example.net');
  });

  it('Esc cancels the search prompt; an unknown IP finds nothing', async () => {
    seedBans(2);
    desk = renderDesk(t);
    await desk.waitFor('1/2');
    await desk.press('/');
    await desk.type('203.0');
    await desk.press(KEYS.backspace, KEYS.escape);
    await desk.waitFor('[filter: all]');
    await desk.press('/');
    await desk.type('203.0.113.250');
    await desk.press(KEYS.enter);
    await desk.waitFor('No report matches.');
  });
});

describe('Stats', () => {
  it('shows reports per day, top services and reporting hosts, complaints and the last --auto run', async () => {
    const now = Date.UTC(2026, 10, 20, 12);
    seedBans(12, now - 2 * 86_400_000);
    desk = renderDesk(t, { now: () => new Date(now) });
    await desk.press('6');
    const f = await desk.waitFor('Reports per day (UTC), last 14 days');
    expect(f).toContain('Mails 12  reports 12');
    expect(f).toMatch(/11-18\s+12 █+/);
    expect(f).toMatch(/11-20\s+0/);
    await desk.press('G');
    const end = await desk.waitFor('Last --auto run');
    expect(end).toContain('Top services');
    expect(end).toMatch(/postfix-sasl\s+6/);
    expect(end).toMatch(/mx0\.example\.net\s+4/);
    expect(end).toMatch(/198\.51\.100\.0\/24\s+12/);
  });
});

describe('shell', () => {
  it('switches screens with numbers and Tab; ? lists every binding of the key table', async () => {
    seedBans(1);
    desk = renderDesk(t);
    await desk.waitFor('1/1');
    await desk.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab);
    await desk.waitFor('Press / and type an IP address');
    await desk.press('?');
    let f = await desk.waitFor('Keys (Esc or ? closes)');
    expect(f).toContain('search an IP, a CIDR range or a Message-ID');
    // Every description of the table is reachable by scrolling the help.
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      for (const line of desk.frame().split('\n')) seen.add(line);
      await desk.press(KEYS.pageDown);
    }
    const text = [...seen].join('\n');
    for (const b of KEY_TABLE) expect(text).toContain(b.description);
    await desk.press('?');
    f = await desk.waitFor('Press / and type');
    expect(f).not.toContain('Keys (Esc');
  });

  it('re-lays out on resize and stays usable at 80x24', async () => {
    seedBans(40);
    desk = renderDesk(t);
    let f = await desk.waitFor('1/40');
    expect(f.split('\n').length).toBeLessThanOrEqual(23);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    desk.resize(120, 40);
    f = await desk.waitFor((/^.{81,}$/m));
    expect(f.split('\n').length).toBeGreaterThan(30);
    desk.resize(60, 12);
    await desk.waitFor('1/40');
    await new Promise((r) => setTimeout(r, 30));
    f = desk.frame();
    expect(f.split('\n').length).toBeLessThanOrEqual(11);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('a disabled action says why', async () => {
    desk = renderDesk(t);
    await desk.waitFor('No mail stored yet');
    await desk.press(KEYS.enter);
    await desk.waitFor('open the selected row: no mail here');
    await desk.press('F');
    await desk.waitFor('fetch: no mailbox configured');
  });
});

describe('hostile mails', () => {
  it('no escape sequence or control byte from a mail reaches the frame (lists, detail, raw view)', async () => {
    const files = fs.readdirSync(HOSTILE_DIR).filter((f) => f.endsWith('.eml'));
    ingest(t, files.map((f) => fs.readFileSync(path.join(HOSTILE_DIR, f))).filter((b) => b.length));
    desk = renderDesk(t);
    await desk.waitFor('1 Incoming');
    const frames: string[] = [desk.rawFrame()];
    const total = Number(/\d+\/(\d+)/.exec(desk.frame())![1]);
    for (let i = 0; i < total; i++) {
      await desk.press(KEYS.enter);
      await desk.waitFor('Message-ID:');
      frames.push(desk.rawFrame());
      await desk.press(KEYS.pageDown);
      frames.push(desk.rawFrame());
      await desk.press('r');
      await desk.waitFor('Raw mail');
      frames.push(desk.rawFrame());
      await desk.press(KEYS.escape, 'j');
    }
    await desk.press('/');
    await desk.type('192.0.2.89');
    await desk.press(KEYS.enter);
    await desk.waitFor('Search: IP 192.0.2.89');
    frames.push(desk.rawFrame());
    const all = frames.join('\n');
    // Ink's own styling (SGR "ESC [ n m") is the only escape allowed.
    const withoutSgr = all.replace(/\x1b\[[0-9;]*m/g, '');
    expect(withoutSgr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    // The injected sequences are shown as harmless text instead.
    expect(all).toContain('^[[2J');
  });
});

describe('live', () => {
  it('mail stored by another process appears without a restart', async () => {
    seedBans(2);
    desk = renderDesk(t, { pollMs: 50 });
    await desk.waitFor('1 Incoming 2 ');
    // Another connection (as cron's fetch would) stores a mail.
    const { openStore } = await import('../src/store/db.js');
    const other = openStore(t.file);
    try {
      const { ingestBatch, ingestContext } = await import('../src/services/ingest.js');
      ingestBatch(other, ingestContext(t.config), [{ raw: banMail({ ip: '203.0.113.99', messageId: 'late@x' }), source: 'file', sourceRef: 'late.eml' }]);
    } finally {
      other.close();
    }
    await desk.waitFor('1 Incoming 3 ');
    // The new mail is on top; the cursor stays on the mail it was on.
    const f = await desk.waitFor('2/3');
    expect(f.split('\n')[2]).toContain('banned 203.0.113.99');
  });
});
