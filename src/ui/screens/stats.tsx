// Stats: reports per day (a bar chart), the top services, reporting hosts,
// countries and attacking networks, complaints by outcome, the last --auto run.
// Computed when the screen is opened (and after new data), never at start-up.
import { Box, Text } from 'ink';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { sanitizeLine } from '../../core/sanitize.js';
import { deskStatsSteps, lastAutoRun, type AutoRunView, type Counted, type DeskStats } from '../../services/desk.js';
import type { ScreenProps } from '../app.js';
import { useTheme } from '../components/theme-context.js';
import { useDesk } from '../desk-context.js';
import { bar, cell, compactCount, shortTime } from '../format.js';
import { useRefState } from '../hooks/use-ref-state.js';

export interface StatsExtra {
  /** Lines describing the last --auto run and its log, when that is recorded. */
  autoRun?: string[];
}

export function statsLines(stats: DeskStats, width: number, extra: StatsExtra = {}): string[] {
  const lines: string[] = [];
  const t = stats.totals;
  lines.push(
    `Mails ${t.messages}  reports ${t.reports}  private/own ${t.privateReports}  untrusted mails ${t.untrustedMessages}  errors ${t.errors}`,
  );
  lines.push('', `Reports per day (UTC), last ${stats.perDay.length} days`);
  const max = Math.max(0, ...stats.perDay.map((d) => d.count));
  const barWidth = Math.max(10, width - 22);
  for (const d of stats.perDay) lines.push(`${d.day.slice(5)} ${String(d.count).padStart(7)} ${bar(d.count, max, barWidth)}`);
  const half = Math.max(24, Math.floor((width - 4) / 2));
  const table = (title: string, rows: Counted[]) => [title, ...(rows.length ? rows.map((r) => `  ${cell(r.name, half - 12)} ${compactCount(r.count).padStart(7)}`) : ['  (none)'])];
  const pairs: [string[], string[]][] = [
    [table('Top services', stats.topServices), table('Top reporting hosts', stats.topReporters)],
    [table('Top attacking networks', stats.topNetworks), table('Top countries (from abuse contacts)', stats.topCountries)],
  ];
  for (const [left, right] of pairs) {
    lines.push('');
    for (let i = 0; i < Math.max(left.length, right.length); i++) lines.push(`${(left[i] ?? '').padEnd(half)}  ${right[i] ?? ''}`);
  }
  lines.push('', 'Complaints by state');
  if (stats.complaints.length) for (const c of stats.complaints) lines.push(`  ${cell(c.name, 12)} ${String(c.count).padStart(7)}`);
  else lines.push('  (no complaints yet)');
  lines.push('', 'Last --auto run');
  for (const line of extra.autoRun ?? ['  (no --auto run recorded)']) lines.push(sanitizeLine(line));
  return lines;
}

export function autoRunLines(view: AutoRunView | null): string[] | undefined {
  if (!view) return undefined;
  const { run, log } = view;
  const lines = [
    `  #${run.id} ${run.status}  started ${shortTime(run.startedAt)}${run.endedAt ? `  ended ${shortTime(run.endedAt)}` : ''}  errors ${run.errors}`,
  ];
  if (run.summary) lines.push(`  ${run.summary}`);
  if (run.counts) lines.push(`  ${Object.entries(run.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const entry of log) lines.push(`  ${entry.at.toISOString().slice(11, 19)} ${entry.level.padEnd(5)} ${entry.message}`);
  return lines;
}

export function StatsScreen({ active, visible, width, height }: ScreenProps): ReactNode {
  const desk = useDesk();
  const theme = useTheme();
  const [stats, setStats] = useState<{ lines: string[]; version: number } | null>(null);
  const [getTop, setTop] = useRefState(0);
  const computing = useRef(false);
  const { store } = desk.deps;
  const version = desk.version;

  useEffect(() => {
    if (!visible || computing.current || (stats && stats.version === version)) return;
    computing.current = true;
    // One query per turn of the event loop: keys get through between them.
    const steps = deskStatsSteps(store, desk.deps.now?.() ?? new Date());
    let timer: NodeJS.Timeout | undefined;
    const step = () => {
      try {
        const next = steps.next();
        if (!next.done) {
          timer = setTimeout(step, 0);
          return;
        }
        setStats({ lines: statsLines(next.value, width, { autoRun: autoRunLines(lastAutoRun(store)) }), version });
      } catch (err) {
        desk.flash(`stats failed: ${(err as Error).message}`, 'danger');
        setStats({ lines: [], version });
      }
      computing.current = false;
    };
    timer = setTimeout(step, 0);
    return () => {
      clearTimeout(timer);
      computing.current = false;
    };
    // desk changes identity on every shell render (flash, progress): not a reason to start over.
  }, [visible, version, stats, store, width]);

  const lines = stats?.lines ?? [];
  const body = Math.max(1, height);
  const maxTop = Math.max(0, lines.length - body);
  desk.register('stats', {
    scope: 'list',
    disabled: () => ({ open: 'nothing to open on Stats' }),
    onCommand: (command) => {
      const by: Record<string, number> = { down: 1, up: -1, pageDown: body - 1, pageUp: -(body - 1) };
      if (by[command] !== undefined) {
        setTop((t) => Math.max(0, Math.min(maxTop, t + by[command]!)));
        return true;
      }
      if (command === 'top') return setTop(0), true;
      if (command === 'bottom') return setTop(maxTop), true;
      return false;
    },
  });
  if (!visible) return null;
  if (!stats) return <Text color={theme.text.muted}>Computing statistics…</Text>;
  const top = Math.min(getTop(), maxTop);
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(top, top + body).map((line, i) => (
        <Text key={top + i} wrap="truncate-end" color={/^[A-Z]/.test(line) && active ? theme.text.accent : undefined}>
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </Box>
  );
}
