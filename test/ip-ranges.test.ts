import { describe, expect, it } from 'vitest';
import {
  ipFromKey,
  neverReportReason,
  parseCidr,
  parseIp,
  parseRangeList,
  rangeContains,
  rangeFromBounds,
} from '../src/core/ip-ranges.js';

describe('parseIp', () => {
  it('canonicalises IPv4, IPv6 and IPv4-mapped IPv6', () => {
    expect(parseIp('192.0.2.7')).toEqual({ ip: '192.0.2.7', version: 4, key: '4:c0000207' });
    expect(parseIp('2001:DB8:0:0:0:0:0:1')?.ip).toBe('2001:db8::1');
    expect(parseIp('::ffff:198.51.100.4')?.ip).toBe('198.51.100.4');
    expect(parseIp('[2001:db8::1]')?.ip).toBe('2001:db8::1');
  });
  it('rejects what is not an address', () => {
    for (const bad of ['', 'example.com', '1', '0x7f.1', '256.1.1.1', '1.2.3', 'fe80::1%eth0', '2001:db8::1/64']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
  it('keys sort like the addresses and convert back', () => {
    const ips = ['10.0.0.1', '9.255.255.255', '192.0.2.1', '192.0.2.10'].map((s) => parseIp(s)!);
    const sorted = [...ips].sort((a, b) => (a.key < b.key ? -1 : 1)).map((p) => p.ip);
    expect(sorted).toEqual(['9.255.255.255', '10.0.0.1', '192.0.2.1', '192.0.2.10']);
    expect(ipFromKey(parseIp('2001:db8::5')!.key)).toBe('2001:db8::5');
  });
});

describe('parseCidr', () => {
  it('clears host bits and gives first/last keys', () => {
    const r = parseCidr('192.0.2.77/24')!;
    expect(r.cidr).toBe('192.0.2.0/24');
    expect(ipFromKey(r.firstKey)).toBe('192.0.2.0');
    expect(ipFromKey(r.lastKey)).toBe('192.0.2.255');
    const v6 = parseCidr('2001:db8:abcd::/48')!;
    expect(ipFromKey(v6.lastKey)).toBe('2001:db8:abcd:ffff:ffff:ffff:ffff:ffff');
    expect(parseCidr('10.0.0.0/7')!.cidr).toBe('10.0.0.0/7');
  });
  it('rejects bad ranges', () => {
    for (const bad of ['192.0.2.0/33', '192.0.2.0/', 'x/8', '2001:db8::/129', '192.0.2.0']) expect(parseCidr(bad), bad).toBeNull();
  });
  it('contains only addresses of the same family inside it', () => {
    const r = parseCidr('198.51.100.0/24')!;
    expect(rangeContains(r, parseIp('198.51.100.200')!.key)).toBe(true);
    expect(rangeContains(r, parseIp('198.51.101.0')!.key)).toBe(false);
    expect(rangeContains(r, parseIp('2001:db8::1')!.key)).toBe(false);
  });
  it('builds a range from bounds', () => {
    expect(rangeFromBounds('203.0.113.0', '203.0.113.127')?.last).toBe('203.0.113.127');
    expect(rangeFromBounds('203.0.113.9', '203.0.113.1')).toBeNull();
    expect(rangeFromBounds('203.0.113.0', '2001:db8::')).toBeNull();
  });
});

describe('neverReportReason', () => {
  const cases: Array<[string, string | null]> = [
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['224.0.0.5', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    // Documentation ranges count as public here: fixtures and the demo use them.
    ['192.0.2.1', null],
    ['198.51.100.1', null],
    ['203.0.113.1', null],
    ['2001:db8::1', null],
    ['8.8.8.8', null],
    ['2a00:1450::1', null],
  ];
  it.each(cases)('%s -> %s', (ip, reason) => {
    expect(neverReportReason(parseIp(ip)!)).toBe(reason);
  });
  it('honours own networks and the allow list', () => {
    const own = parseRangeList(['203.0.113.0/25']).ranges;
    const allow = parseRangeList(['198.51.100.7']).ranges;
    expect(neverReportReason(parseIp('203.0.113.5')!, { ownNetworks: own })).toBe('own network');
    expect(neverReportReason(parseIp('203.0.113.200')!, { ownNetworks: own })).toBeNull();
    expect(neverReportReason(parseIp('198.51.100.7')!, { allowList: allow })).toBe('allow-listed');
    expect(neverReportReason(parseIp('198.51.100.8')!, { allowList: allow })).toBeNull();
  });
  it('reports bad list entries', () => {
    expect(parseRangeList(['192.0.2.0/24', 'nonsense', '2001:db8::1']).invalid).toEqual(['nonsense']);
  });
});
