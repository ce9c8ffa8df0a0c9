// The pure parts of the abuse-contact lookup: the judgement on addresses, the
// registry parsers on recorded-style answers, byte decoding, bootstrap data.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeAddresses, normalizeAddress } from '../src/core/abuse-contact.js';
import { parseIp } from '../src/core/ip-ranges.js';
import { RdapBootstrap } from '../src/lookup/rdap-bootstrap.js';
import { parseRdapIpNetwork } from '../src/lookup/rdap.js';
import { LookupError, RateLimitError } from '../src/lookup/registry-answer.js';
import { BackoffError, ServerGate } from '../src/lookup/throttle.js';
import { parseArinAnswer } from '../src/lookup/whois-arin.js';
import { decodeAnswer, parseReferral } from '../src/lookup/whois-client.js';
import { parseIanaAnswer } from '../src/lookup/whois-iana.js';
import { parseLacnicAnswer } from '../src/lookup/whois-lacnic.js';
import { parseRipeStyleAnswer } from '../src/lookup/whois-ripe.js';
import { parseWhoisRange } from '../src/lookup/whois-range.js';
import { FIXTURES } from './helpers/registries.js';
import { withCidr } from '../src/services/resolve-contact.js';

const whois = (rir: string, name: string) => fs.readFileSync(path.join(FIXTURES, 'whois', rir, name), 'utf8');

describe('judgement', () => {
  it('rejects invalid syntax, placeholders and registry catch-alls; keeps the reason', () => {
    const { chosen, all } = judgeAddresses(
      [
        { address: 'abuse@', field: 'abuse-mailbox', evidence: 'a' },
        { address: 'REDACTED FOR PRIVACY', field: 'rdap-abuse', evidence: 'b' },
        { address: 'removed@lacnic.net', field: 'abuse-c-email', evidence: 'c' },
        { address: 'abuse@ripe.net', field: 'abuse-comment', evidence: 'd' },
        { address: 'NOT DISCLOSED', field: 'org-abuse-email', evidence: 'e' },
        { address: 'x y@example.com', field: 'abuse-mailbox', evidence: 'f' },
      ],
      { networkNames: ['CUSTOMER-NET'] },
    );
    expect(chosen).toBeNull();
    expect(all.map((j) => [j.accepted, j.reason.split(':')[0]])).toEqual([
      [false, 'invalid address syntax'],
      [false, 'placeholder'],
      [false, 'placeholder'],
      [false, 'registry address (ripe.net)'],
      [false, 'placeholder'],
      [false, 'invalid address syntax'],
    ]);
  });

  it("accepts a registry's address for the registry's own network, not for space it points elsewhere", () => {
    const found = [{ address: 'abuse@ripe.net', field: 'abuse-comment' as const, evidence: '' }];
    expect(judgeAddresses(found, { networkNames: ['RIPE-NCC'] }).chosen?.address).toBe('abuse@ripe.net');
    expect(judgeAddresses(found, { networkNames: ['RIPE-NCC'], delegatedElsewhere: true }).chosen).toBeNull();
  });

  it('prefers structured abuse fields, ignores free text then, and falls back to it with lower confidence', () => {
    const both = judgeAddresses([
      { address: 'noc@isp.example', field: 'remarks', evidence: '' },
      { address: 'abuse@isp.example', field: 'org-abuse-email', evidence: '' },
    ]);
    expect(both.chosen).toMatchObject({ address: 'abuse@isp.example', confidence: 'high' });
    expect(both.all[0]).toMatchObject({ accepted: false, reason: expect.stringMatching(/^ignored/) });
    const onlyText = judgeAddresses([{ address: 'abuse@isp.example', field: 'remarks', evidence: '' }]);
    expect(onlyText.chosen).toMatchObject({ confidence: 'medium' });
  });

  it('normalises addresses: domain lower case, mailto: and brackets dropped, local part kept', () => {
    expect(normalizeAddress(' <mailto:Abuse.Team@ISP.Example> ')).toBe('Abuse.Team@isp.example');
    expect(normalizeAddress('a@b')).toBeNull();
    expect(normalizeAddress('abuse@-isp.example')).toBeNull();
    expect(normalizeAddress(`${'a'.repeat(65)}@isp.example`)).toBeNull();
  });
});

describe('whois parsers', () => {
  it('reads ranges in every registry form', () => {
    expect(parseWhoisRange('200.57.128/19')).toEqual({ cidr: '200.57.128.0/19', first: '200.57.128.0', last: '200.57.159.255' });
    expect(parseWhoisRange('2001:1234::/32')?.last).toBe('2001:1234:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(parseWhoisRange('91.198.174.0 - 91.198.174.255')).toEqual({ first: '91.198.174.0', last: '91.198.174.255' });
    expect(parseWhoisRange('garbage - 1.2.3.4')).toBeNull();
  });

  it('IANA: refer and block', () => {
    const a = parseIanaAnswer(whois('iana', '193.0.0.0-8.txt'));
    expect(a.referral).toBe('whois.ripe.net');
    expect(a.range).toEqual({ first: '193.0.0.0', last: '193.255.255.255' });
  });

  it('ARIN: the last network section and the last ReferralServer', () => {
    const a = parseArinAnswer(whois('arin', '192.162.16.0-22.txt'));
    expect(a.referral).toBe('whois://whois.ripe.net');
    expect(a.network.name).toBe('RIPE-ERX-192-162');
    expect(a.delegatedElsewhere).toBe(true);
    const g = parseArinAnswer(whois('arin', '8.8.8.0-24.txt'));
    expect(g.range?.cidr).toBe('8.8.8.0/24');
    expect(g.addresses.map((x) => x.address)).toEqual(['network-abuse@dns-provider.example', 'arin-contact@dns-provider.example']);
    expect(parseReferral('rwhois://rwhois.legacy-holder.example:4321')).toBeNull();
    expect(parseReferral('whois://whois.ripe.net')).toEqual({ name: 'whois.ripe.net', port: 43 });
    expect(parseReferral('whois.apnic.net:43')).toEqual({ name: 'whois.apnic.net', port: 43 });
  });

  it('RIPE: refusal is an error, the whole-space placeholder is "not found"', () => {
    expect(() => parseRipeStyleAnswer(whois('ripe', 'rate-limit.txt'))).toThrow(RateLimitError);
    expect(parseRipeStyleAnswer(whois('ripe', 'not-found.txt')).notFound).toBe(true);
    // A holder's remark that says "access denied" is prose, not a refusal.
    expect(() => parseRipeStyleAnswer('inetnum: 1.2.3.0 - 1.2.3.255\nremarks: access denied to spammers\n')).not.toThrow();
  });

  it('LACNIC: handle resolution and continuation lines', () => {
    const a = parseLacnicAnswer(whois('lacnic', '200.57.128.0-19.txt'));
    expect(a.addresses.find((x) => x.field === 'abuse-c-email')?.address).toBe('abuso@telco-mx.example');
    const cont = parseRipeStyleAnswer('inetnum: 1.2.3.0 - 1.2.3.255\nremarks: abuse reports to\n         abuse@cont.example please\n');
    expect(cont.addresses.map((x) => x.address)).toEqual(['abuse@cont.example']);
  });

  it('megabyte-long lines do not make the patterns backtrack for ever', () => {
    const ripe = parseRipeStyleAnswer(`inetnum: 1.2.3.0 - ${'1-'.repeat(500_000)}\nremarks: ${'a'.repeat(1_000_000)}\nremarks: x@y.example\n`);
    expect(ripe.addresses.map((a) => a.address)).toEqual(['x@y.example']);
    const arin = parseArinAnswer(`NetRange: 1.2.3.0 - 1.2.3.255\nComment: ${'a.b-'.repeat(300_000)}\nOrgAbuseEmail: ${'z'.repeat(1_000_000)}\n`);
    expect(arin.range?.first).toBe('1.2.3.0');
    expect(judgeAddresses(arin.addresses).chosen).toBeNull();
  });

  it('decodes UTF-8 as UTF-8, Latin-1 as Latin-1, refuses binary', () => {
    expect(decodeAnswer(Buffer.from('descr: König', 'utf8'))).toMatchObject({ text: 'descr: König', charset: 'utf-8' });
    expect(decodeAnswer(Buffer.from('descr: König', 'latin1'))).toMatchObject({ text: 'descr: König', charset: 'iso-8859-1' });
    expect(() => decodeAnswer(Buffer.from([0, 1, 2, 3, 4, 5, 0, 0, 0, 65]))).toThrow(/not a text answer/);
  });
});

describe('RDAP', () => {
  it('finds abuse entities at any depth and survives hostile shapes', () => {
    const deep = { objectClassName: 'ip network', startAddress: '1.2.3.0', endAddress: '1.2.3.255', entities: [{ roles: ['registrant'], entities: [{ roles: ['technical'], entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'deep@isp.example']]] }] }] }] };
    expect(parseRdapIpNetwork(deep).addresses[0]).toMatchObject({ address: 'deep@isp.example', field: 'rdap-abuse' });
    for (const bad of [null, [], 'x', { objectClassName: 'domain' }]) expect(() => parseRdapIpNetwork(bad)).toThrow();
    const weird = parseRdapIpNetwork({ objectClassName: 'ip network', startAddress: 5, cidr0_cidrs: [{ v4prefix: 'x', length: 99 }], entities: [{ roles: 'abuse', vcardArray: ['vcard', 'nope'] }, 7] });
    expect(weird.range).toBeNull();
    expect(weird.addresses).toEqual([]);
  });

  it('bootstrap snapshot sends each address to its RIR', () => {
    const b = RdapBootstrap.load();
    const base = (ip: string) => b.baseUrlFor(parseIp(ip)!);
    expect(base('8.8.8.8')).toBe('https://rdap.arin.net/registry/');
    expect(base('193.0.6.139')).toBe('https://rdap.db.ripe.net/');
    expect(base('202.12.29.1')).toBe('https://rdap.apnic.net/');
    expect(base('200.57.141.9')).toBe('https://rdap.lacnic.net/rdap/');
    expect(base('41.203.70.1')).toBe('https://rdap.afrinic.net/rdap/');
    expect(base('2a01:4f8::1')).toBe('https://rdap.db.ripe.net/');
    expect(base('2600:1f18::1')).toBe('https://rdap.arin.net/registry/');
    expect(base('2001:db8::1')).toBe('https://rdap.apnic.net/');
  });
});

describe('ranges', () => {
  it('names the CIDR of bounds that form exactly one prefix, and only then', () => {
    expect(withCidr({ first: '210.130.0.0', last: '210.130.255.255' })?.cidr).toBe('210.130.0.0/16');
    expect(withCidr({ first: '41.203.64.0', last: '41.203.127.255' })?.cidr).toBe('41.203.64.0/18');
    expect(withCidr({ first: '2a01::', last: '2a01::ffff' })?.cidr).toBe('2a01::/112');
    expect(withCidr({ first: '1.2.3.4', last: '1.2.3.4' })?.cidr).toBe('1.2.3.4/32');
    expect(withCidr({ first: '10.0.0.0', last: '10.0.2.255' })?.cidr).toBeUndefined();
    expect(withCidr({ first: '10.0.1.0', last: '10.0.2.255' })?.cidr).toBeUndefined();
    expect(withCidr({ first: '10.0.0.128', last: '10.0.1.127' })?.cidr).toBeUndefined();
  });
});

describe('politeness gate', () => {
  it('backs off exponentially after errors, refuses without calling while cooling down, resets on success', async () => {
    let now = 1_000_000;
    const gate = new ServerGate({ minGapMs: 0, backoffMs: 100, maxBackoffMs: 350, now: () => now });
    let calls = 0;
    const fail = () => gate.run('s', async () => {
      calls++;
      throw new LookupError('boom');
    });
    const ok = () => gate.run('s', async () => ++calls);
    await expect(fail()).rejects.toThrow('boom');
    expect(gate.backingOffUntil('s')).toBe(now + 100);
    await expect(ok()).rejects.toBeInstanceOf(BackoffError);
    expect(calls).toBe(1);
    now += 100;
    await expect(fail()).rejects.toThrow('boom');
    expect(gate.backingOffUntil('s')).toBe(now + 200);
    now += 200;
    await expect(fail()).rejects.toThrow('boom');
    expect(gate.backingOffUntil('s')).toBe(now + 350); // capped
    now += 350;
    await expect(gate.run('s', async () => {
      throw new RateLimitError('slow down', 5_000);
    })).rejects.toThrow('slow down');
    expect(gate.backingOffUntil('s')).toBe(now + 5_000); // Retry-After beats the backoff
    now += 5_000;
    await expect(ok()).resolves.toBe(4);
    await expect(fail()).rejects.toThrow('boom');
    expect(gate.backingOffUntil('s')).toBe(now + 100); // success reset the count
    expect(gate.requestCounts()).toEqual({ s: 6 });
  });
});
