// The one render helper for desk tests: ink-testing-library over a real SQLite
// file, at 80x24 like an SSH session, with helpers to press keys by name and to
// wait for what the screen shows (Ink renders and re-attaches handlers later than
// stdin.write returns, so assertions wait instead of sleeping).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { vi, expect } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { openStore, type Store } from '../../src/store/db.js';
import { ingestBatch, ingestContext, type IncomingMail } from '../../src/services/ingest.js';
import { App } from '../../src/ui/app.js';
import type { DeskDeps } from '../../src/ui/desk-context.js';

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  space: ' ',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

export interface TestStore {
  store: Store;
  dir: string;
  file: string;
  config: Config;
  close(): void;
}

export function tempStore(configOverrides: Record<string, unknown> = {}): TestStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-ui-'));
  const file = path.join(dir, 'desk.db');
  const store = openStore(file);
  const config = parseConfig(configOverrides);
  return {
    store,
    dir,
    file,
    config,
    close: () => {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function ingest(t: TestStore, raws: Buffer[], source: IncomingMail['source'] = 'file'): void {
  ingestBatch(
    t.store,
    ingestContext(t.config),
    raws.map((raw, i) => ({ raw, source, sourceRef: `test-${i}.eml` })),
  );
}

/** Strips colour and cursor sequences Ink itself writes (FORCE_COLOR may be set). */
export function plain(frame: string | undefined): string {
  return (frame ?? '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

export interface RenderedDesk {
  frame(): string;
  rawFrame(): string;
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  waitFor(text: string | RegExp, timeout?: number): Promise<string>;
  resize(columns: number, rows: number): void;
  unmount(): void;
}

export function renderDesk(
  t: TestStore,
  extra: Partial<DeskDeps> = {},
  size = { columns: 80, rows: 24 },
  options: { fetchOnOpen?: boolean } = {},
): RenderedDesk {
  const deps: DeskDeps = { store: t.store, config: t.config, env: { NO_COLOR: '1' }, ...extra };
  const app = <App deps={deps} fetchOnOpen={options.fetchOnOpen} />;
  const result = render(app);
  const stdout = result.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
    // The first resize can come before the app listens: draw again regardless.
    result.rerender(app);
  };
  resize(size.columns, size.rows);
  const frame = () => plain(result.lastFrame());
  const waitFor = async (text: string | RegExp, timeout = 3000) => {
    await vi.waitFor(
      () => {
        const f = frame();
        if (typeof text === 'string') expect(f).toContain(text);
        else expect(f).toMatch(text);
      },
      { timeout, interval: 10 },
    );
    return frame();
  };
  // Keys go one write at a time with a tick between, as a terminal delivers typed keys.
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      result.stdin.write(key);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    frame,
    rawFrame: () => result.lastFrame() ?? '',
    press,
    type: async (text: string) => press(...[...text]),
    waitFor,
    resize,
    unmount: () => result.unmount(),
  };
}
