// The desk's pure parts without rendering: the list window (paging by key over a
// source, never the whole table), the focus stack, the key table, the editor file
// format, cells and the theme; and the candidate pages against a plain aggregate.
import { describe, expect, it } from 'vitest';
import type { PageSource } from '../src/services/desk.js';
import { candidateSource } from '../src/services/desk.js';
import { MAX_ROWS, moveBy, moveTo, openWindow, refreshWindow, selectedRow, visibleSlice } from '../src/ui/state/list-window.js';
import { focusReducer, wrapOverlay, type Overlay } from '../src/ui/state/focus.js';
import { KEY_TABLE, commandFor, footerHints, keyName } from '../src/ui/keys.js';
import { complaintFromFile, complaintToFile } from '../src/ui/editor.js';
import { bar, cell } from '../src/ui/format.js';
import { createTheme } from '../src/ui/theme.js';
import { banMail } from './helpers/mails.js';
import { ingest, tempStore } from './helpers/render.js';
import type { Key } from 'ink';

/** An in-memory list that counts how many rows each call returned. */
function arraySource(n: number): PageSource<number> & { fetched: number } {
  const rows = Array.from({ length: n }, (_, i) => i);
  const src = {
    fetched: 0,
    key: (r: number) => String(r),
    count: () => rows.length,
    first: (limit: number) => take(rows.slice(0, limit)),
    last: (limit: number) => take(rows.slice(Math.max(0, rows.length - limit))),
    after: (r: number, limit: number) => take(rows.slice(r + 1, r + 1 + limit)),
    before: (r: number, limit: number) => take(rows.slice(Math.max(0, r - limit), r)),
  };
  function take(xs: number[]) {
    src.fetched += xs.length;
    return xs;
  }
  return src;
}

describe('list window', () => {
  it('moves over 100,000 rows fetching pages by key, never the table', () => {
    const src = arraySource(100_000);
    let w = openWindow(src);
    expect(w.total).toBe(100_000);
    for (let i = 0; i < 1000; i++) w = moveBy(w, src, 1);
    expect(selectedRow(w)).toBe(1000);
    expect(w.rows.length).toBeLessThanOrEqual(MAX_ROWS);
    w = moveTo(w, src, 99_999);
    expect(selectedRow(w)).toBe(99_999);
    w = moveBy(w, src, -250);
    expect(selectedRow(w)).toBe(99_749);
    w = moveTo(w, src, 0);
    expect(selectedRow(w)).toBe(0);
    for (let i = 0; i < 50; i++) w = moveBy(w, src, 23);
    expect(selectedRow(w)).toBe(1150);
    // Every row the window holds is the row at its absolute position.
    w.rows.forEach((r, i) => expect(r).toBe(w.offset + i));
    expect(src.fetched).toBeLessThan(6000);
  });

  it('clamps at both ends and keeps the cursor on its row after a refresh', () => {
    const src = arraySource(30);
    let w = openWindow(src);
    w = moveBy(w, src, -5);
    expect(w.cursor).toBe(0);
    w = moveBy(w, src, 500);
    expect(selectedRow(w)).toBe(29);
    w = moveTo(w, src, 10);
    w = refreshWindow(w, src);
    expect(selectedRow(w)).toBe(10);
  });

  it('draws only the rows that fit, scrolling as little as possible', () => {
    const src = arraySource(100);
    let w = openWindow(src);
    let view = visibleSlice(w, 10, 0);
    expect(view.rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    w = moveTo(w, src, 12);
    view = visibleSlice(w, 10, view.top);
    expect(view.top).toBe(3);
    w = moveTo(w, src, 8);
    view = visibleSlice(w, 10, view.top);
    expect(view.top).toBe(3);
  });

  it('candidate pages by key (both ways) equal a plain GROUP BY ordering', () => {
    const t = tempStore();
    try {
      const mails = [];
      for (let i = 0; i < 240; i++) {
        const ip = `198.51.100.${(i * 7) % 61}`;
        mails.push(banMail({ ip, host: `h${i % 4}.example`, date: new Date(Date.UTC(2026, 10, 20) + ((i * 37) % 100) * 60_000), messageId: `m${i}@x` }));
      }
      ingest(t, mails);
      const expected = (
        t.store.sqlite
          .prepare('SELECT ip_key, max(banned_at) AS last FROM reports WHERE complaint_id IS NULL GROUP BY ip_key ORDER BY last DESC, ip_key DESC')
          .all() as { ip_key: string }[]
      ).map((r) => r.ip_key);
      const src = candidateSource(t.store);
      expect(src.count()).toBe(expected.length);
      const forward = src.first(7);
      while (forward.length < expected.length) forward.push(...src.after(forward[forward.length - 1]!, 7));
      expect(forward.map((r) => r.ipKey)).toEqual(expected);
      const backward = src.last(5);
      while (backward.length < expected.length) backward.unshift(...src.before(backward[0]!, 5));
      expect(backward.map((r) => r.ipKey)).toEqual(expected);
      const first = forward[0]!;
      expect(first.reports).toBe((t.store.sqlite.prepare('SELECT count(*) AS n FROM reports WHERE ip_key = ?').get(first.ipKey) as { n: number }).n);
    } finally {
      t.close();
    }
  });
});

describe('focus stack', () => {
  const text: Overlay = { kind: 'text', title: 'a', lines: Array.from({ length: 50 }, (_, i) => `l${i}`), alt: { title: 'raw', lines: ['r'] }, top: 0 };
  it('pushes, scrolls within bounds, toggles the alternate view, pops', () => {
    let s = focusReducer([], { type: 'push', overlay: text });
    s = focusReducer(s, { type: 'scroll', by: 100, height: 10 });
    expect((s[0] as typeof text).top).toBe(40);
    s = focusReducer(s, { type: 'scrollTo', where: 'top', height: 10 });
    expect((s[0] as typeof text).top).toBe(0);
    s = focusReducer(s, { type: 'toggleAlt' });
    expect((s[0] as typeof text).title).toBe('raw');
    s = focusReducer(s, { type: 'toggleAlt' });
    expect((s[0] as typeof text).lines).toHaveLength(50);
    s = focusReducer(s, { type: 'push', overlay: { kind: 'prompt', label: 'x', value: '', onSubmit: () => {} } });
    s = focusReducer(s, { type: 'type', text: 'ab' });
    s = focusReducer(s, { type: 'erase' });
    expect(s[1]).toMatchObject({ kind: 'prompt', value: 'a' });
    s = focusReducer(s, { type: 'pop' });
    expect(s).toHaveLength(1);
  });
});

describe('text popups wrap instead of cutting', () => {
  it('hard-wraps long lines of both views to the inner width', () => {
    const o = wrapOverlay({ kind: 'text', title: 't', lines: ['x'.repeat(25), 'short'], alt: { title: 'raw', lines: ['y'.repeat(21)] }, top: 0 }, 10);
    expect(o.kind === 'text' && o.lines).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx', 'short']);
    expect(o.kind === 'text' && o.alt?.lines).toEqual(['yyyyyyyyyy', 'yyyyyyyyyy', 'y']);
  });
});

describe('key table', () => {
  const key = (o: Partial<Key>) => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...o }) as Key;
  it('names keys and finds the command per scope; no key means two things in one scope', () => {
    expect(keyName('', key({ downArrow: true }))).toBe('down');
    expect(keyName('c', key({ ctrl: true }))).toBe('ctrl+c');
    expect(keyName('', key({ tab: true, shift: true }))).toBe('shift+tab');
    expect(keyName(' ', key({}))).toBe('space');
    expect(commandFor('a', ['pending', 'list', 'global'])).toBe('approve');
    expect(commandFor('a', ['incoming', 'list', 'global'])).toBeUndefined();
    expect(commandFor('G', ['list'])).toBe('bottom');
    for (const scope of new Set(KEY_TABLE.map((b) => b.scope))) {
      const seen = new Map<string, string>();
      for (const b of KEY_TABLE.filter((x) => x.scope === scope))
        for (const k of b.keys) {
          expect(seen.get(k) ?? b.command, `${scope}: ${k}`).toBe(b.command);
          seen.set(k, b.command);
        }
    }
    // Help lines must fit 80 columns: 2 + label (14) + 1 + description inside the border and padding (76).
    for (const b of KEY_TABLE) expect(b.description.length, b.description).toBeLessThanOrEqual(59);
  });

  it('footer hints come from the table and flag disabled actions', () => {
    const hints = footerHints(['pending', 'list', 'global'], { edit: 'defer it first' });
    expect(hints.find((h) => h.label === 'approve')).toEqual({ key: 'a', label: 'approve', disabled: false });
    expect(hints.find((h) => h.label === 'edit')?.disabled).toBe(true);
  });
});

describe('editor file, cells, theme', () => {
  it('round-trips subject and text; refuses a file without its Subject line', () => {
    const parsed = complaintFromFile(complaintToFile('abuse report about 192.0.2.7', 'Hello,\n\ntext\n'));
    expect(parsed).toEqual({ subject: 'abuse report about 192.0.2.7', bodyText: 'Hello,\n\ntext\n' });
    expect(complaintFromFile('Hello\n')).toHaveProperty('error');
    expect(complaintFromFile('Subject: \n\ntext')).toEqual({ error: 'the subject is empty' });
  });

  it('cells sanitise and cut; bars scale; NO_COLOR turns colours off in one place', () => {
    expect(cell('a\x1b[2Jb', 10)).toBe('a^[[2Jb   ');
    expect(cell('abcdefghijkl', 5)).toBe('abcde');
    expect(bar(5, 10, 10)).toBe('█████');
    expect(bar(0, 10, 10)).toBe('');
    expect(createTheme({ NO_COLOR: '1' }).status.danger).toBeUndefined();
    expect(createTheme({}).status.danger).toBe('red');
  });
});
