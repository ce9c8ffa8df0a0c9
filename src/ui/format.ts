// Cell layout for the desk's lists: fixed-width columns from untrusted text. Times,
// counts and IP display come from core/presentation.
import { sanitizeLine } from '../core/sanitize.js';
export { compactCount, relativeTime } from '../core/presentation.js';

/** "2026-11-20 10:00" in UTC: lists are compared across servers in different zones. */
export function shortTime(at: Date | null | undefined): string {
  if (!at) return '-';
  return at.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Left-aligned fixed-width cell from untrusted text: sanitised, cut (mutt-style,
 * no marker: an all-ASCII row keeps Ink's string-width on its fast path, which is
 * most of the cost of a frame), padded.
 */
export function cell(text: string | null | undefined, width: number): string {
  const clean = sanitizeLine(text ?? '');
  return (clean.length > width ? clean.slice(0, width) : clean).padEnd(width);
}

/** Right-aligned fixed-width number cell. */
export function numberCell(n: number | null | undefined, width: number): string {
  return (n === null || n === undefined ? '-' : String(n)).padStart(width);
}

/** A horizontal bar of `value / max` over `width` cells (eighth blocks for precision). */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest ? ' ▏▎▍▌▋▊▉'[rest] : '');
}
