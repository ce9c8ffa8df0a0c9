// The contact, contacts and override commands through the built binary, with the
// lookup pointed at loopback registries by the config file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startRegistries, type Registries } from './helpers/registries.js';

let reg: Registries;
let dir: string;
let configFile: string;
let db: string;

beforeAll(async () => {
  reg = await startRegistries();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-lookup-cli-'));
  configFile = path.join(dir, 'config.yaml');
  db = path.join(dir, 'desk.db');
  const lookup = reg.lookupConfig({ whois: { enabled: false }, timeoutMs: 500 });
  fs.writeFileSync(configFile, YAML.stringify({ lookup }));
  // A hostile network name: terminal escapes (clear screen, set title) and a bidi override.
  reg.rdap.add('ripe', '185.231.0.0/24', {
    objectClassName: 'ip network',
    startAddress: '185.231.0.0',
    endAddress: '185.231.0.255',
    name: 'EVIL\u001b[2J\u001b]0;pwned\u0007\u202eNET',
    entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'abuse@evil-net.example']]] }],
  });
});
afterAll(async () => {
  await reg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--config', configFile, '--db', db]);

describe('abusedesk contact / contacts / override', () => {
  it('prints the contact, caches it by range, and --refresh asks again', async () => {
    const text = await cli('contact', '8.8.8.8');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('8.8.8.8  found  network-abuse@dns-provider.example');
    expect(text.stdout).toMatch(/range\s+8\.8\.8\.0\/24/);
    expect(text.stdout).toContain('- arin-contact@dns-provider.example');
    const cached = JSON.parse((await cli('contact', '8.8.8.77', '--json')).stdout);
    expect(cached).toMatchObject({ ip: '8.8.8.77', status: 'found', address: 'network-abuse@dns-provider.example', fromCache: true, source: 'rdap' });
    expect(reg.rdap.requests.arin).toHaveLength(1);
    const fresh = JSON.parse((await cli('contact', '8.8.8.77', '--json', '--refresh')).stdout);
    expect(fresh.fromCache).toBe(false);
    expect(reg.rdap.requests.arin).toHaveLength(2);
    const list = (await cli('contacts', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(list).toEqual([expect.objectContaining({ range: { cidr: '8.8.8.0/24', first: '8.8.8.0', last: '8.8.8.255' }, status: 'found', address: 'network-abuse@dns-provider.example' })]);
  });

  it('sanitises registry text before it reaches the terminal', async () => {
    const r = await cli('contact', '185.231.0.9');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('abuse@evil-net.example');
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stdout).toContain('EVIL^[[2J');
  });

  it('overrides: add, use, list, remove; bad usage exits 2; a failed lookup exits 1', async () => {
    const added = await cli('override', 'add', '8.8.8.0/24', 'Abuse@Mine.EXAMPLE', '--note', 'agreed');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/override #\d+: 8\.8\.8\.0\/24 -> Abuse@mine\.example \(agreed\)/);
    const used = JSON.parse((await cli('contact', '8.8.8.8', '--json')).stdout);
    expect(used).toMatchObject({ status: 'found', source: 'override', address: 'Abuse@mine.example' });
    const never = await cli('override', 'add', '8.8.8.0/28', '--never');
    expect(never.code).toBe(0);
    expect(JSON.parse((await cli('contact', '8.8.8.8', '--json')).stdout).status).toBe('never-report');
    const listed = (await cli('override', 'list', '--json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(listed.map((o) => [o.cidr, o.neverReport])).toEqual([
      ['8.8.8.0/24', false],
      ['8.8.8.0/28', true],
    ]);
    expect((await cli('override', 'remove', '8.8.8.0/28')).code).toBe(0);
    expect((await cli('override', 'remove', String(listed[0].id))).code).toBe(0);
    expect((await cli('override', 'remove', '9.9.9.0/24')).code).toBe(1);
    expect((await cli('override', 'add', '8.8.8.0/24')).code).toBe(2);
    expect((await cli('override', 'add', '8.8.8.0/24', 'not-an-address')).code).toBe(2);
    expect((await cli('contact', 'not-an-ip')).code).toBe(2);
    reg.rdap.mode.apnic = 'timeout';
    const failed = await cli('contact', '210.130.1.1');
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout, failed.stderr).toMatch(/lookup failed[\s\S]*no answer within 500 ms/);
  });
});
