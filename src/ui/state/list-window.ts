// A list window: the few hundred rows around the cursor, never the whole table.
// Moving past either end fetches the next page by key from the row at that end;
// a jump far away (g, G) fetches the first or last page. The source is synchronous
// (SQLite), so each step is one bounded query.
import type { PageSource } from '../../services/desk.js';

export interface ListWindow<Row> {
  rows: Row[];
  /** Absolute position of rows[0] in the list. */
  offset: number;
  /** Absolute position of the selected row. */
  cursor: number;
  total: number;
}

export const PAGE = 100;
/** Rows kept in memory at most; the window drops rows far from the cursor. */
export const MAX_ROWS = 400;

export function emptyWindow<Row>(): ListWindow<Row> {
  return { rows: [], offset: 0, cursor: 0, total: 0 };
}

export function openWindow<Row>(source: PageSource<Row>): ListWindow<Row> {
  const rows = source.first(PAGE);
  const total = rows.length < PAGE ? rows.length : source.count();
  return { rows, offset: 0, cursor: 0, total };
}

export function selectedRow<Row>(w: ListWindow<Row>): Row | undefined {
  return w.rows[w.cursor - w.offset];
}

function trim<Row>(w: ListWindow<Row>): ListWindow<Row> {
  if (w.rows.length <= MAX_ROWS) return w;
  const rel = w.cursor - w.offset;
  // Keep MAX_ROWS rows centred on the cursor.
  let start = Math.max(0, rel - MAX_ROWS / 2);
  start = Math.min(start, w.rows.length - MAX_ROWS);
  return { ...w, rows: w.rows.slice(start, start + MAX_ROWS), offset: w.offset + start };
}

/** Moves the cursor to an absolute position (clamped), fetching what is missing. */
export function moveTo<Row>(w: ListWindow<Row>, source: PageSource<Row>, target: number): ListWindow<Row> {
  if (w.total === 0) return w;
  const t = Math.max(0, Math.min(w.total - 1, target));
  const end = w.offset + w.rows.length;
  if (t >= w.offset && t < end) return { ...w, cursor: t };
  if (t >= end) {
    const missing = t - end + 1;
    if (missing > MAX_ROWS || w.rows.length === 0) {
      // Far away: fetch the tail, or the page around t counted from the end.
      if (w.total - t <= MAX_ROWS) {
        const rows = source.last(Math.min(MAX_ROWS, w.total));
        const offset = Math.max(0, w.total - rows.length);
        return { rows, offset, cursor: Math.min(Math.max(t, offset), offset + rows.length - 1), total: w.total };
      }
    }
    const more = source.after(w.rows[w.rows.length - 1]!, missing + PAGE);
    const rows = w.rows.concat(more);
    const cursor = Math.min(t, w.offset + rows.length - 1);
    // The list ended sooner than counted (rows went away): the end is the end.
    const total = more.length < missing + PAGE ? w.offset + rows.length : w.total;
    return trim({ rows, offset: w.offset, cursor, total });
  }
  const missing = w.offset - t;
  if (missing > MAX_ROWS && t < MAX_ROWS) {
    const rows = source.first(Math.max(PAGE, t + PAGE));
    return trim({ rows, offset: 0, cursor: Math.min(t, rows.length - 1), total: w.total });
  }
  const more = source.before(w.rows[0]!, missing + PAGE);
  const offset = Math.max(0, w.offset - more.length);
  const rows = more.concat(w.rows);
  return trim({ rows, offset, cursor: Math.max(t, offset), total: w.total });
}

export function moveBy<Row>(w: ListWindow<Row>, source: PageSource<Row>, delta: number): ListWindow<Row> {
  return moveTo(w, source, w.cursor + delta);
}

/**
 * Re-reads the list after a change (new mail, an action): the cursor stays on the
 * same row when it is still there, else near the same position.
 */
export function refreshWindow<Row>(w: ListWindow<Row>, source: PageSource<Row>): ListWindow<Row> {
  const current = selectedRow(w);
  const total = source.count();
  if (!current || w.cursor < PAGE) {
    const rows = source.first(Math.max(PAGE, w.cursor + PAGE));
    const key = current ? source.key(current) : undefined;
    const found = key === undefined ? -1 : rows.findIndex((r) => source.key(r) === key);
    const cursor = found >= 0 ? found : Math.min(w.cursor, Math.max(0, rows.length - 1));
    return trim({ rows, offset: 0, cursor, total: Math.max(total, rows.length) });
  }
  // Deep in the list: re-anchor on the current row, keeping its absolute position estimate.
  const above = source.before(current, PAGE);
  const below = source.after(current, PAGE);
  const rows = [...above, current, ...below];
  const offset = Math.max(0, w.cursor - above.length);
  return trim({ rows, offset, cursor: offset + above.length, total: Math.max(total, offset + rows.length) });
}

/** The rows to draw: `height` rows with the cursor inside, scrolling as little as possible. */
export function visibleSlice<Row>(
  w: ListWindow<Row>,
  height: number,
  previousTop: number,
): { top: number; rows: Row[] } {
  let top = previousTop;
  if (w.cursor < top) top = w.cursor;
  if (w.cursor >= top + height) top = w.cursor - height + 1;
  top = Math.max(0, Math.min(top, Math.max(0, w.total - height)));
  // The window always holds the cursor; clamp the view to what is loaded.
  top = Math.max(top, w.offset);
  const start = top - w.offset;
  return { top, rows: w.rows.slice(start, start + height) };
}
