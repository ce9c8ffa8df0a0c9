// What every screen gets from the app shell: the services, the focus stack, the
// status line and a way to run long work without freezing input.
import { createContext, useContext } from 'react';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/db.js';
import type { Command, Scope } from './keys.js';
import type { Overlay } from './state/focus.js';
import type { Tone } from './components/chrome.js';

export type ScreenId = 'incoming' | 'candidates' | 'pending' | 'sent' | 'search' | 'stats';
export const SCREENS: readonly { id: ScreenId; title: string }[] = [
  { id: 'incoming', title: 'Incoming' },
  { id: 'candidates', title: 'Candidates' },
  { id: 'pending', title: 'Pending' },
  { id: 'sent', title: 'Sent' },
  { id: 'search', title: 'Search' },
  { id: 'stats', title: 'Stats' },
];

export interface ScreenHandler {
  scope: Scope;
  onCommand(command: Command): boolean;
  /** Actions that cannot run now, with the reason shown when their key is pressed. */
  disabled(): Partial<Record<Command, string>>;
}

/** Runs `fn` with the terminal handed to a child program (the editor), then takes it back. */
export type HandOver = <T>(fn: () => T) => T;

export interface DeskDeps {
  store: Store;
  config: Config;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  handOver?: HandOver;
  /** How often to look for changes made by other processes (ms; default 2000). */
  pollMs?: number;
  /** Directory of the config file (relative paths in the lookup section resolve from it). */
  configDir?: string;
}

export interface DeskApi {
  deps: DeskDeps;
  /** Bumps when stored data may have changed; lists re-read on change. */
  version: number;
  changed(): void;
  push(overlay: Overlay): void;
  pop(): void;
  flash(message: string, tone?: Tone): void;
  register(id: ScreenId, handler: ScreenHandler): void;
  /** Long work: shows `label` (and progress) in the status line; one error is shown once. */
  runTask<T>(label: string, fn: (progress: (text: string) => void) => Promise<T>): Promise<T | undefined>;
  busy: boolean;
  /** Search text of the last search, and the app-level request to show Search. */
  searchText: string | null;
  showScreen(id: ScreenId): void;
}

export const DeskContext = createContext<DeskApi | null>(null);

export function useDesk(): DeskApi {
  const api = useContext(DeskContext);
  if (!api) throw new Error('useDesk outside the desk');
  return api;
}
