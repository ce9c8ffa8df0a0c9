// A screen's list is read the first time the screen is shown: start-up pays for
// the visible list only (the tab bar's counts come from deskCounts).
import { useState } from 'react';
import type { PageSource } from '../../services/desk.js';

export function useLazySource<Row>(source: PageSource<Row>, visible: boolean): { source: PageSource<Row> | null } {
  const [opened, setOpened] = useState(visible);
  if (visible && !opened) setOpened(true);
  return { source: opened ? source : null };
}
