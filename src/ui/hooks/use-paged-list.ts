// The view-model of every list: a window of rows around the cursor, paged from
// SQLite by key (state/list-window), plus the scroll position of the view.
import { useCallback, useRef } from 'react';
import type { PageSource } from '../../services/desk.js';
import type { Command } from '../keys.js';
import { emptyWindow, moveBy, moveTo, openWindow, refreshWindow, selectedRow, visibleSlice, type ListWindow } from '../state/list-window.js';
import { useRefState } from './use-ref-state.js';

export interface PagedList<Row> {
  window: ListWindow<Row>;
  /** The rows to draw and the absolute position of the first. */
  view: { top: number; rows: Row[] };
  selected: Row | undefined;
  /** Handles the navigation commands; false for anything else. */
  handle(command: Command): boolean;
  /** Moves the cursor by n rows (n/N in search). */
  moveBy(n: number): void;
  refresh(): void;
}

/**
 * `source` is rebuilt by the caller when what the list shows changes (a filter, a
 * search); `version` bumps when the data may have changed (new mail, an action).
 */
export function usePagedList<Row>(source: PageSource<Row> | null, height: number, version: number): PagedList<Row> {
  const [getWindow, setWindow] = useRefState<ListWindow<Row>>(() => (source ? openWindow(source) : emptyWindow<Row>()));
  const topRef = useRef(0);
  const sourceRef = useRef(source);
  const versionRef = useRef(version);
  if (sourceRef.current !== source) {
    // A new source (filter, search): start at its top. Done during render so the
    // first frame already shows the new rows.
    sourceRef.current = source;
    versionRef.current = version;
    topRef.current = 0;
    setWindow(source ? openWindow(source) : emptyWindow<Row>());
  }
  if (versionRef.current !== version) {
    // The data changed: re-read during this render (an update from an effect would
    // wait for the next input event to be drawn).
    versionRef.current = version;
    const s = sourceRef.current;
    if (s) setWindow((w) => refreshWindow(w, s));
  }

  const page = Math.max(1, height - 1);
  const handle = useCallback(
    (command: Command): boolean => {
      const s = sourceRef.current;
      if (!s) return false;
      const w = getWindow();
      switch (command) {
        case 'down':
          setWindow(moveBy(w, s, 1));
          return true;
        case 'up':
          setWindow(moveBy(w, s, -1));
          return true;
        case 'pageDown':
          setWindow(moveBy(w, s, page));
          return true;
        case 'pageUp':
          setWindow(moveBy(w, s, -page));
          return true;
        case 'top':
          setWindow(moveTo(w, s, 0));
          return true;
        case 'bottom':
          setWindow(moveTo(w, s, w.total - 1));
          return true;
        default:
          return false;
      }
    },
    [getWindow, setWindow, page],
  );
  const moveByRows = useCallback(
    (n: number) => {
      const s = sourceRef.current;
      if (s) setWindow(moveBy(getWindow(), s, n));
    },
    [getWindow, setWindow],
  );
  const refresh = useCallback(() => {
    const s = sourceRef.current;
    if (s) setWindow((w) => refreshWindow(w, s));
  }, [setWindow]);

  const window = getWindow();
  const view = visibleSlice(window, Math.max(1, height), topRef.current);
  topRef.current = view.top;
  return { window, view, selected: selectedRow(window), handle, moveBy: moveByRows, refresh };
}
