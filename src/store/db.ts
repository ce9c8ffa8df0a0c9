// The one place that opens the SQLite file: WAL so the desk and cron can share it,
// foreign keys, a busy timeout, and the committed drizzle migrations applied on open.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface Store {
  db: Db;
  sqlite: Database.Database;
  path: string;
  close(): void;
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Finds the committed migrations from wherever this code runs (src/ under tsx, dist/ bundled). */
export function migrationsFolder(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'drizzle');
    if (fs.existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new StoreError('cannot find the drizzle/ migrations folder next to the program');
}

export function openStore(file: string, options: { readonly?: boolean } = {}): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: options.readonly ?? false });
  } catch (err) {
    throw new StoreError(`cannot open database ${file}: ${(err as Error).message}`);
  }
  sqlite.pragma('busy_timeout = 10000');
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema }) as Db;
  if (!options.readonly) migrate(db, { migrationsFolder: migrationsFolder() });
  return {
    db,
    sqlite,
    path: file,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
