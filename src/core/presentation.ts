// Pure display helpers shared by the complaint text, the commands and the UI:
// counts, relative times ("3h ago"), dates in the operator's time zone, IP and
// range display. No I/O, no terminal: the callers decide where it goes.
//
// API (stable):
//   formatCount(n, noun, pluralNoun?)        "1 report", "3 reports"
//   compactCount(n)                          "999", "1.2k", "45k", "3.4M"
//   relativeTime(date, now)                  "just now", "45s ago", "3m ago", "3h ago", "2d ago", "5mo ago", "in 3h"
//   formatDuration(ms)                       "45s", "3m", "2h 5m", "3d 4h"
//   formatDateTime(date, timeZone)           "2026-11-24 05:00:01 +01:00"
//   formatRfc3339(date, timeZone)            "2026-11-24T05:00:01+01:00"
//   formatDate(date, timeZone)               "2026-11-24"
//   formatTimeRange(first, last, timeZone)   "2026-11-24 04:00:01 - 05:12:40 +01:00" (date once when the same day)
//   zoneLabel(timeZone)                      "Europe/Berlin" / "UTC"
//   isValidTimeZone(timeZone)                true for IANA names Intl knows
//   displayIp(text)                          canonical form, or the text sanitised when it is no IP
//   displayRange(first, last)                "192.0.2.0/24" when it is one CIDR block, else "first - last"
import { parseCidr, parseIp } from './ip-ranges.js';
import { sanitizeLine } from './sanitize.js';

export function formatCount(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

export function compactCount(count: number): string {
  const abs = Math.abs(count);
  if (abs < 1000) return String(count);
  const [div, unit] = abs < 1_000_000 ? [1000, 'k'] : abs < 1_000_000_000 ? [1_000_000, 'M'] : [1_000_000_000, 'G'];
  const value = count / div;
  const text = Math.abs(value) < 10 ? (Math.floor(value * 10) / 10).toFixed(1).replace(/\.0$/, '') : String(Math.floor(value));
  return `${text}${unit}`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The largest one or two units: "45s", "3m", "2h 5m", "3d 4h", "40d". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, Math.round(Math.abs(ms)));
  if (abs < MINUTE) return `${Math.floor(abs / SECOND)}s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)}m`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return m ? `${h}h ${m}m` : `${h}h`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h && d < 10 ? `${d}d ${h}h` : `${d}d`;
}

/** One unit, rounded down, as a list cell: "3h ago"; the future (clock skew, retry times) as "in 3h". */
export function relativeTime(date: Date, now: Date): string {
  const diff = now.getTime() - date.getTime();
  const abs = Math.abs(diff);
  if (abs < 10 * SECOND) return 'just now';
  let text: string;
  if (abs < MINUTE) text = `${Math.floor(abs / SECOND)}s`;
  else if (abs < HOUR) text = `${Math.floor(abs / MINUTE)}m`;
  else if (abs < DAY) text = `${Math.floor(abs / HOUR)}h`;
  else if (abs < 60 * DAY) text = `${Math.floor(abs / DAY)}d`;
  else if (abs < 730 * DAY) text = `${Math.floor(abs / (30 * DAY))}mo`;
  else text = `${Math.floor(abs / (365 * DAY))}y`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

// Intl formatters are expensive to build: one per zone, reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface ZonedParts {
  date: string;
  time: string;
  offset: string;
}

// formatToParts is slow (tens of µs); a zone's offset only changes at transitions, which
// fall on quarter hours, so the offset is looked up once per zone and quarter hour and the
// fields are computed from the shifted time.
const QUARTER_HOUR = 15 * MINUTE;
const offsets = new Map<string, number>();

function offsetMinutes(ms: number, timeZone: string): number {
  const cacheKey = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsets.get(cacheKey);
  if (offset === undefined) {
    const name = formatterFor(timeZone).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    // longOffset gives "GMT+01:00", "GMT-03:30", or "GMT" for a zero offset.
    const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
    offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(cacheKey, offset);
  }
  return offset;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function zonedParts(date: Date, timeZone: string): ZonedParts {
  const ms = date.getTime();
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * MINUTE);
  const abs = Math.abs(offset);
  return {
    date: `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`,
    offset: `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
  };
}

export function formatDateTime(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${p.date} ${p.time} ${p.offset}`;
}

export function formatRfc3339(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  return `${p.date}T${p.time}${p.offset === '+00:00' ? 'Z' : p.offset}`;
}

export function formatDate(date: Date, timeZone: string): string {
  return zonedParts(date, timeZone).date;
}

export function formatTimeRange(first: Date, last: Date, timeZone: string): string {
  const a = zonedParts(first, timeZone);
  const b = zonedParts(last, timeZone);
  if (first.getTime() === last.getTime()) return `${a.date} ${a.time} ${a.offset}`;
  if (a.date === b.date && a.offset === b.offset) return `${a.date} ${a.time} - ${b.time} ${a.offset}`;
  return `${a.date} ${a.time} ${a.offset} - ${b.date} ${b.time} ${b.offset}`;
}

export function zoneLabel(timeZone: string): string {
  return timeZone === 'Etc/UTC' || timeZone === 'GMT' ? 'UTC' : timeZone;
}

export function displayIp(text: string): string {
  return parseIp(text)?.ip ?? sanitizeLine(text);
}

/** A range as one CIDR block when the bounds are exactly one, else "first - last". */
export function displayRange(first: string, last: string): string {
  const a = parseIp(first);
  const b = parseIp(last);
  if (!a || !b || a.version !== b.version) return `${sanitizeLine(first)} - ${sanitizeLine(last)}`;
  if (a.key === b.key) return a.ip;
  const width = a.version === 4 ? 32 : 128;
  for (let bits = width; bits >= 0; bits--) {
    const range = parseCidr(`${a.ip}/${bits}`);
    if (!range || range.firstKey !== a.key) break;
    if (range.lastKey === b.key) return range.cidr;
    if (range.lastKey > b.key) break;
  }
  return `${a.ip} - ${b.ip}`;
}
