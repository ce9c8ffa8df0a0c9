// Abuse-contact lookup at scale: 10,000 distinct IPs drawn from 500 networks spread
// over the five RIRs, served by the loopback registries (RDAP over HTTP; whois over
// TCP with the IANA referral step). Measured: network requests made and wall time.
// Baselines in the same run: the naive one-request-per-IP count (10,000), and the
// wall time of sending those 10,000 raw RDAP requests (no parsing, no store) with
// the same one-at-a-time-per-registry discipline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/store/db.js';
import { ContactResolver } from '../src/services/resolve-contact.js';
import { RIRS, startRegistries, type Rir } from '../test/helpers/registries.js';

const NETWORKS = 500;
const PER_NETWORK = 20;
const FIRST_OCTET: Record<Rir, number> = { ripe: 185, arin: 23, apnic: 210, lacnic: 200, afrinic: 41 };

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function whoisAnswer(rir: Rir, a: number, k: number, i: number): string {
  const email = `abuse@net${i}.example`;
  if (rir === 'arin') {
    return `#\n# ARIN WHOIS data and services are subject to the Terms of Use\n#\n\nNetRange:       ${a}.${k}.7.0 - ${a}.${k}.7.255\nCIDR:           ${a}.${k}.7.0/24\nNetName:        NET-${i}\nNetHandle:      NET-${a}-${k}-7-0-1\nNetType:        Direct Assignment\nOrganization:   Network ${i} (N${i})\n\nOrgName:        Network ${i}\nOrgId:          N${i}\nCountry:        US\n\nOrgAbuseHandle: AB${i}-ARIN\nOrgAbuseEmail:  ${email}\n`;
  }
  if (rir === 'lacnic') {
    return `\n% Joint Whois - whois.lacnic.net\n\ninetnum:     ${a}.${k}.7/24\nstatus:      assigned\nowner:       Rede ${i}\nownerid:     BR-N${i}-LACNIC\ncountry:     BR\nabuse-c:     AB${i}\n\nnic-hdl:     AB${i}\nperson:      Abuse ${i}\ne-mail:      ${email}\n`;
  }
  return `% Information related to '${a}.${k}.7.0 - ${a}.${k}.7.255'\n\n% Abuse contact for '${a}.${k}.7.0 - ${a}.${k}.7.255' is '${email}'\n\ninetnum:        ${a}.${k}.7.0 - ${a}.${k}.7.255\nnetname:        NET-${i}\ncountry:        ZZ\nabuse-c:        AB${i}-${rir.toUpperCase()}\nsource:         ${rir.toUpperCase()}\n\nrole:           Abuse ${i}\nabuse-mailbox:  ${email}\nnic-hdl:        AB${i}-${rir.toUpperCase()}\n`;
}

async function main() {
  const reg = await startRegistries();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-bench-lookup-'));
  try {
    const ips: Array<{ ip: string; rir: Rir }> = [];
    for (let i = 0; i < NETWORKS; i++) {
      const rir = RIRS[i % RIRS.length]!;
      const a = FIRST_OCTET[rir];
      const k = Math.floor(i / RIRS.length);
      const cidr = `${a}.${k}.7.0/24`;
      reg.rdap.add(rir, cidr, {
        objectClassName: 'ip network',
        handle: `NET-${i}`,
        name: `NET-${i}`,
        startAddress: `${a}.${k}.7.0`,
        endAddress: `${a}.${k}.7.255`,
        cidr0_cidrs: [{ v4prefix: `${a}.${k}.7.0`, length: 24 }],
        entities: [{ handle: `AB${i}`, roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['email', {}, 'text', `abuse@net${i}.example`]]] }],
      });
      reg.whois[rir].add(cidr, whoisAnswer(rir, a, k, i));
      for (let j = 0; j < PER_NETWORK; j++) ips.push({ ip: `${a}.${k}.7.${1 + j * 12}`, rir });
    }
    const random = rng(42);
    for (let i = ips.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ips[i], ips[j]] = [ips[j]!, ips[i]!];
    }
    const naive = ips.length;
    console.log(`addresses: ${ips.length} distinct, networks: ${NETWORKS}, registries: ${RIRS.length} (loopback)`);

    // Baseline: one raw RDAP GET per address, one at a time per registry, registries in parallel.
    const t0 = process.hrtime.bigint();
    await Promise.all(
      RIRS.map(async (rir) => {
        for (const { ip } of ips.filter((x) => x.rir === rir)) {
          const res = await fetch(`${reg.rdap.baseUrl(rir)}ip/${ip}`);
          await res.arrayBuffer();
        }
      }),
    );
    const baselineS = seconds(t0);
    reg.reset();

    for (const source of ['rdap', 'whois'] as const) {
      const store = openStore(path.join(work, `${source}.db`));
      const config = reg.lookupConfig({ minGapMs: 0, rdap: { enabled: source === 'rdap' }, whois: { enabled: source === 'whois' } });
      const resolver = new ContactResolver(store, config);
      const start = process.hrtime.bigint();
      const results = await resolver.resolveMany(ips.map((x) => x.ip));
      const wall = seconds(start);
      const found = [...results.values()].filter((r) => r.status === 'found').length;
      const requests = reg.totalRequests();
      if (found !== ips.length) throw new Error(`${source}: only ${found} of ${ips.length} resolved`);
      console.log(`lookup ${source} requests: ${requests} requests (${(requests / naive).toFixed(3)} x vs baseline ${naive} naive one-per-IP)`);
      console.log(`lookup ${source} wall time: ${wall.toFixed(2)} s (${(wall / baselineS).toFixed(3)} x vs baseline ${baselineS.toFixed(2)} s for ${naive} raw RDAP GETs)`);
      console.log(`lookup ${source} throughput: ${Math.round(ips.length / wall)} addresses/s`);
      reg.reset();
      store.close();
    }
  } finally {
    await reg.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
