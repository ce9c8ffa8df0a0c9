// The abuse-contact chain end to end against loopback registries speaking the real
// protocols (port-43 whois per registry, RDAP over HTTP), a real SQLite file, and
// request counters on the servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/db.js';
import { ContactResolver } from '../src/services/resolve-contact.js';
import { addOverride, listRanges } from '../src/store/repos/contacts.js';
import { parseCidr } from '../src/core/ip-ranges.js';
import { startRegistries, type LookupPatch, type Registries } from './helpers/registries.js';

let reg: Registries;
let dir: string;
let store: Store;
let clock: Date;

beforeAll(async () => {
  reg = await startRegistries();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-lookup-'));
});
afterAll(async () => {
  await reg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  reg.reset();
  store = openStore(path.join(dir, `t${Math.random().toString(36).slice(2)}.db`));
  clock = new Date('2026-11-24T04:00:00Z');
});
afterEach(() => store.close());

const resolver = (patch: LookupPatch = {}) => new ContactResolver(store, reg.lookupConfig(patch), { now: () => clock });
const whoisOnly: LookupPatch = { rdap: { enabled: false } };
const rdapOnly: LookupPatch = { whois: { enabled: false } };

describe('RDAP', () => {
  it('finds the abuse entity nested in the registrant, with several e-mails and the cidr0 range (IPv4)', async () => {
    const r = await resolver().resolve('8.8.8.8');
    expect(r.status).toBe('found');
    expect(r.chosen).toMatchObject({ address: 'network-abuse@dns-provider.example', confidence: 'high', source: 'rdap', field: 'rdap-abuse' });
    const accepted = r.alternatives.filter((a) => a.accepted).map((a) => a.address);
    expect(accepted).toEqual(['network-abuse@dns-provider.example', 'abuse-dns@dns-provider.example']);
    // The technical contact is kept, but not used while an abuse entity exists.
    expect(r.alternatives.find((a) => a.address === 'arin-contact@dns-provider.example')).toMatchObject({ accepted: false });
    expect(r.range).toEqual({ cidr: '8.8.8.0/24', first: '8.8.8.0', last: '8.8.8.255' });
    expect(r.network).toMatchObject({ name: 'EXAMPLE-DNS', asn: 64496, org: 'Example Public DNS LLC' });
    expect(r.evidence).toContain('ABUSE5250-ARIN');
    expect(reg.rdap.requests.arin).toEqual(['/arin/ip/8.8.8.8']);
    expect(reg.whois.iana.queries.length + reg.whois.arin.queries.length).toBe(0);
  });

  it('reads an IPv6 network given only as cidr0_cidrs', async () => {
    const r = await resolver().resolve('2a01:4f8:1c0c:12::5');
    expect(r.chosen?.address).toBe('abuse-v6@cloud-de.example');
    expect(r.range).toEqual({ cidr: '2a01:4f8:1c0c::/48', first: '2a01:4f8:1c0c::', last: '2a01:4f8:1c0c:ffff:ffff:ffff:ffff:ffff' });
    expect(reg.rdap.requests.ripe).toEqual(['/ripe/ip/2a01:4f8:1c0c:12::5']);
  });

  it('reads start/end ranges and never takes an address from free text when a structured one exists', async () => {
    const r = await resolver().resolve('185.220.100.7');
    expect(r.chosen?.address).toBe('abuse@hosting-eu.example');
    expect(r.range).toEqual({ cidr: '185.220.100.0/24', first: '185.220.100.0', last: '185.220.100.255' });
    expect(r.alternatives.find((a) => a.address === 'spam-desk@hosting-eu.example')).toMatchObject({ accepted: false, field: 'remarks' });
  });

  it('rejects a REDACTED abuse address and falls back to whois, which has nothing: none', async () => {
    const r = await resolver().resolve('195.20.1.1');
    expect(r.status).toBe('none');
    expect(r.chosen).toBeNull();
    expect(reg.rdap.requests.ripe).toHaveLength(1);
    expect(reg.whois.ripe.queries).toEqual(['195.20.1.1']);
    expect(r.reason).toMatch(/REDACTED FOR PRIVACY \(placeholder/);
    expect(r.alternatives).toEqual([expect.objectContaining({ address: 'REDACTED FOR PRIVACY', accepted: false, source: 'rdap' })]);
  });

  it('follows a redirect to another RIR through the configured base URL map', async () => {
    reg.rdap.mode.arin = 'redirect-to-ripe';
    reg.rdap.add('ripe', '8.8.8.0/24', { objectClassName: 'ip network', startAddress: '8.8.8.0', endAddress: '8.8.8.255', entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'moved@ripe-holder.example']]] }] });
    try {
      const r = await resolver(rdapOnly).resolve('8.8.8.8');
      expect(r.chosen?.address).toBe('moved@ripe-holder.example');
      expect(r.server).toBe(`${reg.rdap.baseUrl('ripe')}ip/8.8.8.8`);
      expect(reg.rdap.requests.arin).toHaveLength(1);
      expect(reg.rdap.requests.ripe).toHaveLength(1);
    } finally {
      reg.rdap.answers.ripe.entries.pop();
    }
  });

  it('HTTP 429: fails, backs off without asking again, and caches the failure briefly', async () => {
    reg.rdap.mode.ripe = 'rate-limit';
    const res = resolver(rdapOnly);
    const a = await res.resolve('185.220.100.7');
    expect(a.status).toBe('failed');
    expect(a.reason).toMatch(/429/);
    const b = await res.resolve('91.198.174.3');
    expect(b.status).toBe('failed');
    expect(b.reason).toMatch(/backing off/);
    expect(reg.rdap.requests.ripe).toHaveLength(1);
    const again = await res.resolve('185.220.100.7');
    expect(again).toMatchObject({ status: 'failed', fromCache: true });
    expect(reg.rdap.requests.ripe).toHaveLength(1);
    // After the short failure lifetime and the backoff, it asks again.
    reg.rdap.mode.ripe = 'normal';
    clock = new Date(clock.getTime() + 61 * 60_000);
    const later = await res.resolve('185.220.100.7');
    expect(later).toMatchObject({ status: 'found', fromCache: false });
    expect(reg.rdap.requests.ripe).toHaveLength(2);
  });

  it('survives a timeout, a broken answer, garbage, binary and huge answers', async () => {
    for (const mode of ['timeout', 'close-mid-answer', 'garbage', 'binary', 'huge'] as const) {
      reg.reset();
      reg.rdap.mode.ripe = mode;
      const r = await resolver({ ...rdapOnly, timeoutMs: 300, maxAnswerBytes: 65_536 }).resolve('185.220.100.7', { refresh: true });
      expect(r.status, mode).toBe('failed');
      expect(r.reason, mode).toMatch(mode === 'timeout' ? /no (complete )?answer within 300 ms/ : mode === 'huge' ? /larger than 65536/ : /.+/);
      expect(reg.rdap.requests.ripe, mode).toHaveLength(1);
    }
  });
});

describe('whois', () => {
  it('follows IANA to the RIR and takes the "% Abuse contact for" line', async () => {
    const r = await resolver(whoisOnly).resolve('185.220.100.7');
    expect(r).toMatchObject({ status: 'found', source: 'whois', server: 'whois.ripe.net' });
    expect(r.chosen).toMatchObject({ address: 'abuse@hosting-eu.example', field: 'abuse-comment' });
    expect(r.network).toMatchObject({ name: 'EXAMPLE-HOSTING-NET', country: 'DE', asn: 64500 });
    expect(r.alternatives.find((a) => a.address === 'spam-desk@hosting-eu.example')?.accepted).toBe(false);
    expect(reg.whois.iana.queries).toEqual(['185.220.100.7']);
    expect(reg.whois.ripe.queries).toEqual(['185.220.100.7']);
    expect(r.evidence).toContain("% Abuse contact for '185.220.100.0 - 185.220.100.255' is 'abuse@hosting-eu.example'");
  });

  it('remembers the IANA referral for the block: a second /8 neighbour asks only the RIR', async () => {
    const res = resolver(whoisOnly);
    await res.resolve('185.220.100.7');
    await res.resolve('185.1.2.3');
    expect(reg.whois.iana.queries).toHaveLength(1);
    expect(reg.whois.ripe.queries).toEqual(['185.220.100.7', '185.1.2.3']);
  });

  it('abuse-c -> role abuse-mailbox, several mailboxes, IPv6 via inet6num', async () => {
    const r = await resolver(whoisOnly).resolve('91.198.174.3');
    expect(r.chosen).toMatchObject({ address: 'abuse@nordic-colo.example', field: 'abuse-mailbox' });
    expect(r.alternatives.filter((a) => a.accepted).map((a) => a.address)).toEqual(['abuse@nordic-colo.example', 'abuse-automated@nordic-colo.example']);
    const v6 = await resolver(whoisOnly).resolve('2a01:4f8:1c0c::99');
    expect(v6.chosen?.address).toBe('abuse-v6@cloud-de.example');
    expect(v6.range).toMatchObject({ first: '2a01:4f8:1c0c::', last: '2a01:4f8:1c0c:ffff:ffff:ffff:ffff:ffff' });
  });

  it('ARIN: "n + <ip>", the last ReferralServer wins (RIPE), the RIPE answer is used', async () => {
    const r = await resolver(whoisOnly).resolve('192.162.17.5');
    expect(reg.whois.iana.queries).toEqual(['192.162.17.5']);
    expect(reg.whois.arin.queries).toEqual(['n + 192.162.17.5']);
    expect(reg.whois.ripe.queries).toEqual(['192.162.17.5']);
    expect(r).toMatchObject({ status: 'found', server: 'whois.ripe.net' });
    expect(r.chosen?.address).toBe('abuse@erx-hoster.example');
    expect(r.alternatives.some((a) => a.address === 'abuse@ripe.net')).toBe(false);
  });

  it('ARIN: RAbuseEmail before OrgAbuseEmail; NOC address not used', async () => {
    const r = await resolver(whoisOnly).resolve('23.92.20.1');
    expect(r.chosen).toMatchObject({ address: 'netabuse@vps-example.example', field: 'resource-abuse-email' });
    expect(r.alternatives.map((a) => [a.address, a.accepted])).toEqual([
      ['netabuse@vps-example.example', true],
      ['support@vps-example.example', true],
      ['noc@vps-example.example', false],
    ]);
    expect(r.range).toEqual({ cidr: '23.92.16.0/20', first: '23.92.16.0', last: '23.92.31.255' });
  });

  it('APNIC: Latin-1 answer decoded right, mnt-irt -> irt abuse-mailbox', async () => {
    const r = await resolver(whoisOnly).resolve('210.130.5.5');
    expect(r.chosen).toMatchObject({ address: 'abuse@koenig-net.example', field: 'irt' });
    expect(r.network?.org).toBe('König & Søn Networks Pte. Ltd.');
    expect(r.alternatives.find((a) => a.address === 'security@koenig-net.example')).toMatchObject({ accepted: true, field: 'irt-email' });
  });

  it('LACNIC: abuse-c handle -> e-mail, short CIDR form, removed@lacnic.net rejected', async () => {
    const r = await resolver(whoisOnly).resolve('200.57.141.9');
    expect(r.chosen).toMatchObject({ address: 'abuso@telco-mx.example', field: 'abuse-c-email' });
    expect(r.range).toEqual({ cidr: '200.57.128.0/19', first: '200.57.128.0', last: '200.57.159.255' });
    expect(r.network).toMatchObject({ name: 'MX-TEEJ-LACNIC', org: 'Telecomunicaciones Ejemplo S.A. de C.V.' });
    expect(r.alternatives.find((a) => a.address === 'removed@lacnic.net')).toMatchObject({ accepted: false });
    expect(r.alternatives.find((a) => a.address === 'removed@lacnic.net')?.reason).toMatch(/placeholder/);
  });

  it('LACNIC: only a placeholder address -> none with the reason', async () => {
    const r = await resolver(whoisOnly).resolve('201.148.70.1');
    expect(r.status).toBe('none');
    expect(r.reason).toMatch(/removed@lacnic\.net \(placeholder/);
  });

  it('AFRINIC: no abuse contact registered, the address only in remarks: taken with medium confidence', async () => {
    const r = await resolver(whoisOnly).resolve('41.203.70.1');
    expect(r.chosen).toMatchObject({ address: 'abuse@netafrica.example', confidence: 'medium', field: 'remarks' });
    expect(r.evidence).toContain('% No abuse contact registered for 41.203.64.0 - 41.203.127.255');
  });

  it('web form only: none, with the URL', async () => {
    const r = await resolver(whoisOnly).resolve('196.216.2.10');
    expect(r.status).toBe('none');
    expect(r.webFormOnly).toBe('https://www.isp-ke.example/report-abuse');
  });

  it('no contact at all: RDAP 404 then an ARIN network without addresses -> none, cached for the range', async () => {
    const res = resolver();
    const r = await res.resolve('198.51.100.77');
    expect(r.status).toBe('none');
    expect(r.reason).toMatch(/names no abuse contact/);
    expect(reg.rdap.requests.arin).toHaveLength(1);
    expect(reg.whois.arin.queries).toEqual(['n + 198.51.100.77']);
    const again = await res.resolve('198.51.100.1');
    expect(again).toMatchObject({ status: 'none', fromCache: true });
    expect(reg.totalRequests()).toBe(3);
  });

  it('RDAP without addresses and a failing whois: none, kept only briefly', async () => {
    reg.rdap.add('arin', '198.51.100.0/24', { objectClassName: 'ip network', startAddress: '198.51.100.0', endAddress: '198.51.100.255', name: 'SILENT-COLO' });
    reg.whois.arin.mode = 'timeout';
    try {
      const r = await resolver({ timeoutMs: 300 }).resolve('198.51.100.77');
      expect(r.status).toBe('none');
      expect(r.reason).toMatch(/also whois: whois\.arin\.net: no complete answer within 300 ms/);
      const row = listRanges(store, { now: clock })[0]!;
      expect(row.expiresAt.getTime() - row.fetchedAt.getTime()).toBe(60 * 60_000);
    } finally {
      reg.rdap.answers.arin.entries.pop();
    }
  });

  it('timeout and a server closing mid-answer: failed, nothing cached for long', async () => {
    reg.whois.ripe.mode = 'timeout';
    const t = await resolver({ ...whoisOnly, timeoutMs: 300 }).resolve('185.220.100.7');
    expect(t.status).toBe('failed');
    expect(t.reason).toMatch(/no complete answer within 300 ms/);
    reg.whois.ripe.mode = 'close-mid-answer';
    const c = await resolver(whoisOnly).resolve('91.198.174.3');
    expect(c.status).toBe('failed');
    expect(c.reason).toMatch(/mid-answer/);
    const rows = listRanges(store, { now: clock });
    expect(rows.map((row) => [row.status, row.first, row.last])).toEqual([
      ['failed', '91.198.174.3', '91.198.174.3'],
      ['failed', '185.220.100.7', '185.220.100.7'],
    ]);
    expect(rows.every((row) => row.expiresAt.getTime() - row.fetchedAt.getTime() === 60 * 60_000)).toBe(true);
  });

  it('rate limit (%ERROR:201, LACNIC query limit): failed, then no further request while backing off', async () => {
    reg.whois.ripe.mode = 'rate-limit';
    const res = resolver(whoisOnly);
    const a = await res.resolve('185.220.100.7');
    expect(a.status).toBe('failed');
    expect(a.reason).toMatch(/%ERROR:201: access denied/);
    const b = await res.resolve('91.198.174.3');
    expect(b.reason).toMatch(/backing off/);
    expect(reg.whois.ripe.queries).toEqual(['185.220.100.7']);
    reg.whois.lacnic.mode = 'rate-limit';
    const l = await res.resolve('200.57.141.9');
    expect(l.reason).toMatch(/Query rate limit exceeded/);
  });

  it('garbage, binary and huge answers: no crash, answer capped at maxAnswerBytes', async () => {
    reg.whois.ripe.mode = 'garbage';
    const g = await resolver(whoisOnly).resolve('185.220.100.7');
    expect(g.status).toBe('none');
    expect(g.chosen).toBeNull();
    reg.whois.ripe.mode = 'binary';
    const b = await resolver(whoisOnly).resolve('185.220.100.8', { refresh: true });
    expect(b.status).toBe('failed');
    expect(b.reason).toMatch(/not a text answer/);
    reg.whois.ripe.mode = 'huge';
    const h = await resolver({ ...whoisOnly, maxAnswerBytes: 65_536 }).resolve('185.220.100.9');
    expect(h.evidence).toContain('(answer cut at 65536 bytes)');
    // The huge answer's range does not hold the address: cached for the address alone.
    const row = listRanges(store, { now: clock }).find((x) => x.first === '185.220.100.9')!;
    expect(row.last).toBe('185.220.100.9');
    expect(row.raw!.length).toBeLessThanOrEqual(65_536);
  });
});

describe('cache', () => {
  it('a second address in a cached range makes no request; expiry and --refresh ask again', async () => {
    const res = resolver();
    const first = await res.resolve('185.220.100.7');
    expect(first.fromCache).toBe(false);
    const second = await res.resolve('185.220.100.200');
    expect(second).toMatchObject({ status: 'found', fromCache: true, source: 'rdap', ip: '185.220.100.200' });
    expect(second.chosen?.address).toBe('abuse@hosting-eu.example');
    expect(reg.rdap.requests.ripe).toHaveLength(1);
    // A new resolver (a new run) uses the same cache.
    await resolver().resolve('185.220.100.9');
    expect(reg.rdap.requests.ripe).toHaveLength(1);
    await res.resolve('185.220.100.9', { refresh: true });
    expect(reg.rdap.requests.ripe).toHaveLength(2);
    clock = new Date(clock.getTime() + 8 * 86_400_000);
    const expired = await res.resolve('185.220.100.10');
    expect(expired.fromCache).toBe(false);
    expect(reg.rdap.requests.ripe).toHaveLength(3);
    expect(listRanges(store, { now: clock })).toHaveLength(1);
  });

  it('resolveMany: 400 addresses in 4 networks cost 4 requests, one at a time per server with the minimum gap', async () => {
    const ips: string[] = [];
    for (let i = 1; i <= 100; i++) ips.push(`8.8.8.${i}`, `185.220.100.${i}`, `210.130.${i}.${i}`, `2a01:4f8:1c0c::${i.toString(16)}`);
    const progress: number[] = [];
    const res = resolver({ minGapMs: 40 });
    const results = await res.resolveMany(ips, (done) => progress.push(done));
    expect(results.size).toBe(400);
    expect([...results.values()].every((r) => r.status === 'found')).toBe(true);
    expect(results.get('210.130.7.7')?.chosen?.address).toBe('security@koenig-net.example');
    expect(reg.totalRequests()).toBe(4);
    expect(reg.rdap.requests.ripe).toHaveLength(2);
    expect(progress.at(-1)).toBe(400);
  });

  it('a store that cannot write still gives the answer, and says why nothing was cached', async () => {
    store.sqlite.pragma('query_only = ON');
    const res = resolver();
    const r = await res.resolve('185.220.100.7');
    expect(r.chosen?.address).toBe('abuse@hosting-eu.example');
    expect(res.cacheProblem()).toMatch(/could not cache a contact: .*readonly/i);
    store.sqlite.pragma('query_only = OFF');
  });

  it('parallel resolve() calls for one network queue up and share one request', async () => {
    const res = resolver();
    const all = await Promise.all(['91.198.174.1', '185.220.100.1', '185.220.100.2', '185.220.100.3'].map((ip) => res.resolve(ip)));
    expect(all.map((r) => r.fromCache)).toEqual([false, false, true, true]);
    expect(reg.rdap.requests.ripe).toEqual(['/ripe/ip/91.198.174.1', '/ripe/ip/185.220.100.1']);
  });

  it('at most one request at a time per server, spaced by minGapMs', async () => {
    const res = resolver({ ...whoisOnly, minGapMs: 60 });
    const stamps: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      ['185.220.100.7', '91.198.174.3', '2a01:4f8:1c0c::1'].map(async (ip) => {
        await res.resolve(ip);
        stamps.push(Date.now() - t0);
      }),
    );
    expect(reg.whois.ripe.queries).toHaveLength(3);
    expect(reg.whois.ripe.maxConcurrent).toBe(1);
    stamps.sort((a, b) => a - b);
    // Three RIPE queries in a row need at least two gaps.
    expect(stamps[2]! - 0).toBeGreaterThanOrEqual(120);
  });

  it('a server with its own gap (serverGapMs, LACNIC by default) is spaced by that gap', async () => {
    const res = resolver({ ...whoisOnly, minGapMs: 0, serverGapMs: { 'whois.lacnic.net': 150 } });
    const t0 = Date.now();
    await Promise.all(['200.57.141.9', '201.148.70.1'].map((ip) => res.resolve(ip)));
    expect(reg.whois.lacnic.queries).toEqual(['200.57.141.9', '201.148.70.1']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });
});

describe('RDAP bootstrap data', () => {
  it('fetches fresh bootstrap files once, keeps them next to the database, and uses them', async () => {
    const own = fs.mkdtempSync(path.join(dir, 'boot-'));
    const doc = JSON.parse(reg.rdap.bootstrap.ipv4) as { services: [string[], string[]][] };
    // The fresh data moves 8.0.0.0/8 to RIPE: the lookup must follow it.
    for (const [cidrs] of doc.services) {
      const at = cidrs.indexOf('8.0.0.0/8');
      if (at >= 0) cidrs.splice(at, 1);
    }
    doc.services.find(([, urls]) => urls[0] === 'https://rdap.db.ripe.net/')![0].push('8.0.0.0/8');
    const shipped = reg.rdap.bootstrap.ipv4;
    reg.rdap.bootstrap.ipv4 = JSON.stringify(doc);
    try {
      const s1 = openStore(path.join(own, 'a.db'));
      await new ContactResolver(s1, reg.lookupConfig(rdapOnly)).resolve('8.8.8.8');
      s1.close();
      expect(reg.rdap.bootstrap.requests).toEqual(['/iana/ipv4.json', '/iana/ipv6.json']);
      expect(reg.rdap.requests.ripe).toEqual(['/ripe/ip/8.8.8.8']);
      expect(JSON.parse(fs.readFileSync(path.join(own, 'rdap-bootstrap', 'ipv4.json'), 'utf8'))).toEqual(doc);
      // A later run finds the kept copy fresh: no download, same routing.
      const s2 = openStore(path.join(own, 'a.db'));
      await new ContactResolver(s2, reg.lookupConfig(rdapOnly)).resolve('8.8.4.4');
      s2.close();
      expect(reg.rdap.bootstrap.requests).toHaveLength(2);
      expect(reg.rdap.requests.ripe).toEqual(['/ripe/ip/8.8.8.8', '/ripe/ip/8.8.4.4']);
    } finally {
      reg.rdap.bootstrap.ipv4 = shipped;
    }
  });

  it('a broken download is not used: the shipped snapshot is, and the problem is reported', async () => {
    const own = fs.mkdtempSync(path.join(dir, 'boot-'));
    reg.rdap.bootstrap.mode = 'garbage';
    const s1 = openStore(path.join(own, 'b.db'));
    const res = new ContactResolver(s1, reg.lookupConfig(rdapOnly));
    const r = await res.resolve('8.8.8.8');
    s1.close();
    expect(r.chosen?.address).toBe('network-abuse@dns-provider.example');
    expect(res.bootstrapProblem()).toMatch(/bootstrap refresh failed.*not JSON.*shipped snapshot/);
    expect(fs.existsSync(path.join(own, 'rdap-bootstrap', 'ipv4.json'))).toBe(false);
    // Not tried again within a day.
    const s2 = openStore(path.join(own, 'b.db'));
    await new ContactResolver(s2, reg.lookupConfig(rdapOnly)).resolve('8.8.4.4');
    s2.close();
    expect(reg.rdap.bootstrap.requests).toEqual(['/iana/ipv4.json']);
  });
});

describe('overrides, offline mode, special ranges', () => {
  it('a CIDR override wins without any request; "never report" stops it', async () => {
    addOverride(store, { range: parseCidr('185.220.100.0/24'), addresses: ['abuse-desk@hosting-eu.example'], neverReport: false, note: 'agreed by phone', createdAt: clock });
    addOverride(store, { range: parseCidr('185.220.100.128/25'), addresses: [], neverReport: true, createdAt: clock });
    const r = await resolver().resolve('185.220.100.7');
    expect(r).toMatchObject({ status: 'found', source: 'override' });
    expect(r.chosen?.address).toBe('abuse-desk@hosting-eu.example');
    const n = await resolver().resolve('185.220.100.200');
    expect(n.status).toBe('never-report');
    expect(n.reason).toMatch(/never report/);
    expect(reg.totalRequests()).toBe(0);
  });

  it('an AS override replaces the registry answer for that origin AS', async () => {
    addOverride(store, { asn: 64496, addresses: ['dns-abuse@override.example'], neverReport: false, createdAt: clock });
    const r = await resolver().resolve('8.8.8.8');
    expect(r.chosen).toMatchObject({ address: 'dns-abuse@override.example', source: 'override' });
    expect(r.alternatives.some((a) => a.address === 'network-abuse@dns-provider.example')).toBe(true);
  });

  it('offline mode answers from the contacts file and never touches the network', async () => {
    const res = resolver({ offline: true, offlineContactsFile: path.resolve('fixtures/demo/contacts.json') });
    const r = await res.resolve('203.0.113.9');
    expect(r).toMatchObject({ status: 'found', source: 'offline' });
    expect(r.chosen?.address).toBe('abuse@cloud-b.example.org');
    expect((await res.resolve('2001:db8::5')).chosen?.address).toBe('abuse-v6@transit-d.example');
    expect((await res.resolve('8.8.8.8')).status).toBe('none');
    expect(reg.totalRequests()).toBe(0);
  });

  it('private and reserved addresses are never reported and never looked up', async () => {
    const r = await resolver().resolve('10.1.2.3');
    expect(r).toMatchObject({ status: 'never-report', source: 'special-range' });
    expect(reg.totalRequests()).toBe(0);
  });
});
