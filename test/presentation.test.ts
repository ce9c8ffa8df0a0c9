import { describe, expect, it } from 'vitest';
import {
  compactCount,
  displayIp,
  displayRange,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatRfc3339,
  formatTimeRange,
  isValidTimeZone,
  relativeTime,
  zoneLabel,
} from '../src/core/presentation.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('counts', () => {
  it('formatCount picks singular or plural', () => {
    expect([formatCount(0, 'report'), formatCount(1, 'report'), formatCount(3, 'report'), formatCount(2, 'address', 'addresses')]).toEqual([
      '0 reports',
      '1 report',
      '3 reports',
      '2 addresses',
    ]);
  });
  it('compactCount rounds down so a list never overstates', () => {
    expect([0, 999, 1000, 1099, 1999, 12_345, 999_999, 1_250_000, 3_000_000_000, -1500].map(compactCount)).toEqual([
      '0',
      '999',
      '1k',
      '1k',
      '1.9k',
      '12k',
      '999k',
      '1.2M',
      '3G',
      '-1.5k',
    ]);
  });
});

describe('times', () => {
  it('relativeTime: one unit, past and future', () => {
    expect([0, 9 * S, 45 * S, 3 * M, 59 * M, 3 * H + 59 * M, 2 * D, 59 * D, 90 * D, 800 * D, -3 * H].map((ms) => relativeTime(ago(ms), NOW))).toEqual([
      'just now',
      'just now',
      '45s ago',
      '3m ago',
      '59m ago',
      '3h ago',
      '2d ago',
      '59d ago',
      '3mo ago',
      '2y ago',
      'in 3h',
    ]);
  });
  it('formatDuration: the largest one or two units', () => {
    expect([0, 45 * S, 3 * M + 20 * S, 2 * H + 5 * M, 2 * H, 3 * D + 4 * H, 40 * D + 4 * H].map(formatDuration)).toEqual(['0s', '45s', '3m', '2h 5m', '2h', '3d 4h', '40d']);
  });
  it('dates in the operator time zone, with the offset (summer and winter time)', () => {
    const winter = new Date('2026-11-24T04:00:01Z');
    const summer = new Date('2026-07-01T22:30:00Z');
    expect(formatDateTime(winter, 'Europe/Berlin')).toBe('2026-11-24 05:00:01 +01:00');
    expect(formatDateTime(summer, 'Europe/Berlin')).toBe('2026-07-02 00:30:00 +02:00');
    expect(formatDateTime(winter, 'UTC')).toBe('2026-11-24 04:00:01 +00:00');
    expect(formatDateTime(winter, 'America/St_Johns')).toBe('2026-11-24 00:30:01 -03:30');
    expect(formatRfc3339(winter, 'Europe/Berlin')).toBe('2026-11-24T05:00:01+01:00');
    expect(formatRfc3339(winter, 'UTC')).toBe('2026-11-24T04:00:01Z');
    expect(formatDate(summer, 'Europe/Berlin')).toBe('2026-07-02');
    expect(formatDate(summer, 'UTC')).toBe('2026-07-01');
  });
  it('follows daylight-saving transitions to the second', () => {
    expect(formatDateTime(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29 01:59:59 +01:00');
    expect(formatDateTime(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00:00 +02:00');
    expect(formatDateTime(new Date('2026-10-25T00:59:59Z'), 'Europe/Berlin')).toBe('2026-10-25 02:59:59 +02:00');
    expect(formatDateTime(new Date('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe('2026-10-25 02:00:00 +01:00');
    // A half-hour shift (Lord Howe Island).
    expect(formatDateTime(new Date('2026-04-04T14:59:59Z'), 'Australia/Lord_Howe')).toBe('2026-04-05 01:59:59 +11:00');
    expect(formatDateTime(new Date('2026-04-04T15:00:00Z'), 'Australia/Lord_Howe')).toBe('2026-04-05 01:30:00 +10:30');
  });
  it('formatTimeRange names the date once on the same day', () => {
    const a = new Date('2026-11-24T03:00:05Z');
    expect(formatTimeRange(a, new Date('2026-11-24T04:12:40Z'), 'Europe/Berlin')).toBe('2026-11-24 04:00:05 - 05:12:40 +01:00');
    expect(formatTimeRange(a, new Date('2026-11-25T04:12:40Z'), 'Europe/Berlin')).toBe('2026-11-24 04:00:05 +01:00 - 2026-11-25 05:12:40 +01:00');
    expect(formatTimeRange(a, a, 'UTC')).toBe('2026-11-24 03:00:05 +00:00');
  });
  it('time zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(zoneLabel('Etc/UTC')).toBe('UTC');
    expect(zoneLabel('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});

describe('addresses and ranges', () => {
  it('displayIp canonicalises, and sanitises what is no address', () => {
    expect(displayIp('2001:DB8:0::1')).toBe('2001:db8::1');
    expect(displayIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(displayIp('evil\u001b[2Jhost')).toBe('evil^[[2Jhost');
  });
  it('displayRange shows one CIDR block when the bounds are exactly one', () => {
    expect(displayRange('192.0.2.0', '192.0.2.255')).toBe('192.0.2.0/24');
    expect(displayRange('192.0.2.0', '192.0.3.255')).toBe('192.0.2.0/23');
    expect(displayRange('192.0.2.0', '192.0.2.100')).toBe('192.0.2.0 - 192.0.2.100');
    expect(displayRange('192.0.2.1', '192.0.2.1')).toBe('192.0.2.1');
    expect(displayRange('2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('2001:db8::/32');
    expect(displayRange('0.0.0.0', '255.255.255.255')).toBe('0.0.0.0/0');
    expect(displayRange('192.0.2.0', '2001:db8::')).toBe('192.0.2.0 - 2001:db8::');
  });
});
