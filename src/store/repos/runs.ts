// The record of headless runs (`--auto`, `demo`): start, end, counts, errors and
// the log lines, so the desk can show the last run and what it did.
import type { Store } from '../db.js';
import type { RunLogRow, RunRow } from '../schema/complaints.js';

export type RunKind = 'auto' | 'dry-run' | 'demo';
export type RunStatus = 'running' | 'ok' | 'failed';
export type LogLevel = 'info' | 'warn' | 'error';

export function startRun(store: Store, kind: RunKind, now: Date = new Date()): number {
  return Number(
    store.sqlite
      .prepare(`INSERT INTO runs (kind, started_at, status, errors, pid) VALUES (?, ?, 'running', 0, ?)`)
      .run(kind, now.getTime(), process.pid).lastInsertRowid,
  );
}

export function logRun(store: Store, runId: number, level: LogLevel, message: string, now: Date = new Date()): void {
  store.sqlite.prepare('INSERT INTO run_log (run_id, at, level, message) VALUES (?, ?, ?, ?)').run(runId, now.getTime(), level, message);
}

export function finishRun(
  store: Store,
  runId: number,
  result: { status: Exclude<RunStatus, 'running'>; counts: Record<string, number>; errors: number; summary: string | null },
  now: Date = new Date(),
): void {
  store.sqlite
    .prepare('UPDATE runs SET ended_at = ?, status = ?, counts = ?, errors = ?, summary = ? WHERE id = ?')
    .run(now.getTime(), result.status, JSON.stringify(result.counts), result.errors, result.summary, runId);
}

type Raw = { id: number; kind: string; started_at: number; ended_at: number | null; status: string; counts: string | null; errors: number; summary: string | null; pid: number | null };

function runFromRow(r: Raw): RunRow {
  return {
    id: r.id,
    kind: r.kind,
    startedAt: new Date(r.started_at),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at),
    status: r.status,
    counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null,
    errors: r.errors,
    summary: r.summary,
    pid: r.pid,
  };
}

/** Newest first. */
export function listRuns(store: Store, limit = 20): RunRow[] {
  return (store.sqlite.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as Raw[]).map(runFromRow);
}

export function getRun(store: Store, id: number): RunRow | null {
  const row = store.sqlite.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Raw | undefined;
  return row ? runFromRow(row) : null;
}

export function lastRun(store: Store): RunRow | null {
  return listRuns(store, 1)[0] ?? null;
}

export function runLogOf(store: Store, runId: number, limit = 1000): RunLogRow[] {
  return (
    store.sqlite.prepare('SELECT id, run_id, at, level, message FROM run_log WHERE run_id = ? ORDER BY id LIMIT ?').all(runId, limit) as Array<{
      id: number;
      run_id: number;
      at: number;
      level: string;
      message: string;
    }>
  ).map((r) => ({ id: r.id, runId: r.run_id, at: new Date(r.at), level: r.level, message: r.message }));
}

/**
 * Runs still marked "running" whose process is gone (killed, crashed) are closed as
 * failed, so the desk does not show a run that will never end. Returns how many.
 */
export function closeAbandonedRuns(store: Store, now: Date = new Date()): number {
  const rows = store.sqlite.prepare(`SELECT id, pid FROM runs WHERE status = 'running'`).all() as Array<{ id: number; pid: number | null }>;
  const close = store.sqlite.prepare(
    `UPDATE runs SET status = 'failed', ended_at = ?, summary = 'interrupted: the process stopped before the run ended' WHERE id = ? AND status = 'running'`,
  );
  let closed = 0;
  for (const r of rows) {
    if (r.pid === process.pid || (r.pid !== null && processAlive(r.pid))) continue;
    closed += close.run(now.getTime(), r.id).changes;
  }
  return closed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Quiet runs (nothing happened, nothing logged) older than `before` are dropped: cron runs
 * every few minutes and their rows would say nothing. Runs that did something stay.
 */
export function pruneQuietRuns(store: Store, before: Date): number {
  return store.sqlite
    .prepare(
      `DELETE FROM runs WHERE started_at < ? AND status = 'ok' AND summary IS NULL
       AND NOT EXISTS (SELECT 1 FROM run_log l WHERE l.run_id = runs.id)`,
    )
    .run(before.getTime()).changes;
}
