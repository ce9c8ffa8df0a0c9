// Loopback registries speaking the real protocols: one TCP port-43 whois server per
// registry (IANA, RIPE, ARIN, APNIC, LACNIC, AFRINIC) and one RDAP HTTP server with
// a path per RIR (/ripe/ip/<addr>, ...). Answers come from fixtures/registry (the
// file name is the range: 185.220.100.0-24.txt, 2a01-4f8-1c0c--48.json) or are added
// by a test. Every server counts its requests, and has switches for a timeout, a
// close mid-answer, a rate-limit answer and garbage, binary or huge answers.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lookupSchema, type Config } from '../../src/config/schema.js';
import { parseCidr, parseIp, rangeContains, type IpRange } from '../../src/core/ip-ranges.js';

export type Rir = 'ripe' | 'arin' | 'apnic' | 'lacnic' | 'afrinic';
export type WhoisName = 'iana' | Rir;
export type Mode = 'normal' | 'timeout' | 'close-mid-answer' | 'rate-limit' | 'garbage' | 'binary' | 'huge' | 'redirect-to-ripe';

export const RIRS: Rir[] = ['ripe', 'arin', 'apnic', 'lacnic', 'afrinic'];
export const WHOIS_HOSTS: Record<WhoisName, string> = {
  iana: 'whois.iana.org',
  ripe: 'whois.ripe.net',
  arin: 'whois.arin.net',
  apnic: 'whois.apnic.net',
  lacnic: 'whois.lacnic.net',
  afrinic: 'whois.afrinic.net',
};
export const RDAP_BASES: Record<Rir, string> = {
  ripe: 'https://rdap.db.ripe.net/',
  arin: 'https://rdap.arin.net/registry/',
  apnic: 'https://rdap.apnic.net/',
  lacnic: 'https://rdap.lacnic.net/rdap/',
  afrinic: 'https://rdap.afrinic.net/rdap/',
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(root, 'fixtures', 'registry');

interface Entry<T> {
  range: IpRange;
  body: T;
}

/** Answer table: the most specific entry holding the address wins. */
class AnswerTable<T> {
  entries: Array<Entry<T>> = [];
  add(cidr: string, body: T) {
    const range = parseCidr(cidr);
    if (!range) throw new Error(`bad fixture range ${cidr}`);
    this.entries.push({ range, body });
  }
  find(ipText: string): T | undefined {
    const ip = parseIp(ipText);
    if (!ip) return undefined;
    let best: Entry<T> | undefined;
    for (const e of this.entries) {
      if (!rangeContains(e.range, ip.key)) continue;
      if (!best || (e.range.firstKey >= best.range.firstKey && e.range.lastKey <= best.range.lastKey)) best = e;
    }
    return best?.body;
  }
}

/** "185.220.100.0-24" -> 185.220.100.0/24; "2a01-4f8-1c0c--48" -> 2a01:4f8:1c0c::/48. */
export function cidrOfFixtureName(name: string): string | null {
  const m = /^(.*)-(\d{1,3})$/.exec(name);
  if (!m) return null;
  let prefix = m[1]!;
  if (!prefix.includes('.')) {
    prefix = prefix.replace(/-/g, ':');
    if (prefix.endsWith(':') && !prefix.endsWith('::')) prefix += ':';
  }
  return `${prefix}/${m[2]}`;
}

export interface WhoisServer {
  name: WhoisName;
  host: string;
  port: number;
  /** Every query received, in order. */
  queries: string[];
  /** The most connections that were open at the same time. */
  maxConcurrent: number;
  mode: Mode;
  answers: AnswerTable<Buffer>;
  add(cidr: string, body: string | Buffer): void;
}

export interface RdapServer {
  port: number;
  /** Paths requested per RIR. */
  requests: Record<Rir, string[]>;
  mode: Record<Rir, Mode>;
  answers: Record<Rir, AnswerTable<string>>;
  add(rir: Rir, cidr: string, json: unknown): void;
  baseUrl(rir: Rir): string;
  /** IANA's bootstrap files served at /iana/ipv4.json and /iana/ipv6.json (the shipped snapshot unless replaced). */
  bootstrap: { ipv4: string; ipv6: string; requests: string[]; mode: 'normal' | 'garbage' };
}

export interface Registries {
  whois: Record<WhoisName, WhoisServer>;
  rdap: RdapServer;
  /** A lookup config pointing every endpoint at these servers (fast timings for tests). */
  lookupConfig(patch?: LookupPatch): Config['lookup'];
  /** Requests received by all servers together. */
  totalRequests(): number;
  reset(): void;
  close(): Promise<void>;
}

export type LookupPatch = Partial<Omit<Config['lookup'], 'rdap' | 'whois'>> & {
  rdap?: Partial<Config['lookup']['rdap']>;
  whois?: Partial<Config['lookup']['whois']>;
};

function loadFixtures<T>(dir: string, ext: string, read: (file: string) => T, table: AnswerTable<T>) {
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith(ext)) continue;
    const cidr = cidrOfFixtureName(f.slice(0, -ext.length));
    if (cidr) table.add(cidr, read(path.join(dir, f)));
  }
}

// IANA answers by block, from the shipped bootstrap data (the same allocation table).
function ianaTable(): AnswerTable<Buffer> {
  const table = new AnswerTable<Buffer>();
  const byBase = Object.fromEntries(Object.entries(RDAP_BASES).map(([rir, base]) => [base, rir as Rir]));
  const orgs: Record<Rir, string> = {
    ripe: 'RIPE NCC',
    arin: 'ARIN',
    apnic: 'APNIC',
    lacnic: 'LACNIC',
    afrinic: 'AFRINIC',
  };
  for (const file of ['ipv4.json', 'ipv6.json']) {
    const doc = JSON.parse(fs.readFileSync(path.join(root, 'data', 'rdap-bootstrap', file), 'utf8')) as { services: [string[], string[]][] };
    for (const [cidrs, urls] of doc.services) {
      const rir = byBase[urls.find((u) => u.startsWith('https:')) ?? ''];
      if (!rir) continue;
      for (const cidr of cidrs) {
        const r = parseCidr(cidr)!;
        const key = r.version === 4 ? 'inetnum' : 'inet6num';
        const block = r.version === 4 ? `${cidr.split('/')[0]} - ${cidr.split('.')[0]}.255.255.255` : cidr;
        const text =
          `% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n% This query returned 1 object\n\n` +
          `refer:        ${WHOIS_HOSTS[rir]}\n\n${key}:      ${block}\norganisation: ${orgs[rir]}\nstatus:       ALLOCATED\n\n` +
          `whois:        ${WHOIS_HOSTS[rir]}\n\nchanged:      2005-01\nsource:       IANA\n\n`;
        table.add(cidr, Buffer.from(text));
      }
    }
  }
  return table;
}

const IANA_NONE = Buffer.from('% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n%\n% This query returned 0 objects.\n\n');

function garbage(size: number): Buffer {
  const lines: string[] = [];
  let n = 0;
  while (n < size) {
    const line = `${'~'.repeat(n % 7)}zz:: ] [ ${Math.random().toString(36)} %%%% @@ @ab. \u00e9\u00e8 -- ${n}`;
    lines.push(line);
    n += line.length + 1;
  }
  return Buffer.from(lines.join('\n'));
}

function binary(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7919 + 13) % 256;
  return b;
}

function huge(size: number): Buffer {
  const line = 'remarks:        ' + 'x'.repeat(100) + ' padding@huge-answer.example\n';
  return Buffer.from(`inetnum:        203.0.113.0 - 203.0.113.255\nnetname:        HUGE\n${line.repeat(Math.ceil(size / line.length))}`);
}

async function startWhois(name: WhoisName, sockets: Set<net.Socket>): Promise<WhoisServer> {
  const answers = name === 'iana' ? ianaTable() : new AnswerTable<Buffer>();
  if (name !== 'iana') loadFixtures(path.join(FIXTURES, 'whois', name), '.txt', (f) => fs.readFileSync(f), answers);
  const dir = path.join(FIXTURES, 'whois', name);
  const notFound = name === 'iana' ? IANA_NONE : fs.readFileSync(path.join(dir, 'not-found.txt'));
  const rateLimitFile = fs.existsSync(path.join(dir, 'rate-limit.txt')) ? path.join(dir, 'rate-limit.txt') : path.join(FIXTURES, 'whois', 'ripe', 'rate-limit.txt');
  const rateLimit = fs.readFileSync(rateLimitFile);
  const server: WhoisServer = {
    name,
    host: WHOIS_HOSTS[name],
    port: 0,
    queries: [],
    maxConcurrent: 0,
    mode: 'normal',
    answers,
    add: (cidr, body) => answers.add(cidr, Buffer.isBuffer(body) ? body : Buffer.from(body)),
  };
  let open = 0;
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    server.maxConcurrent = Math.max(server.maxConcurrent, ++open);
    socket.on('close', () => {
      open--;
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
    let input = '';
    socket.on('data', (chunk) => {
      input += chunk.toString('latin1');
      const end = input.indexOf('\n');
      if (end < 0) return;
      const query = input.slice(0, end).replace(/\r$/, '');
      server.queries.push(query);
      const target = query.trim().split(/\s+/).pop() ?? '';
      const answer = answers.find(target) ?? notFound;
      switch (server.mode) {
        case 'timeout':
          return; // keep the connection open, say nothing
        case 'close-mid-answer':
          // Half the answer, then a TCP reset (a reset straight from the write callback goes out as a clean close).
          socket.write(answer.subarray(0, Math.floor(answer.length / 2)));
          setTimeout(() => socket.resetAndDestroy(), 20);
          return;
        case 'rate-limit':
          socket.end(rateLimit);
          return;
        case 'garbage':
          socket.end(garbage(20_000));
          return;
        case 'binary':
          socket.end(binary(20_000));
          return;
        case 'huge':
          socket.end(huge(5_000_000));
          return;
        default:
          socket.end(answer);
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  server.port = (tcp.address() as net.AddressInfo).port;
  closers.set(server, () => new Promise<void>((resolve) => tcp.close(() => resolve())));
  return server;
}

const closers = new Map<object, () => Promise<void>>();

async function startRdap(sockets: Set<net.Socket>): Promise<RdapServer> {
  const answers = Object.fromEntries(RIRS.map((r) => [r, new AnswerTable<string>()])) as Record<Rir, AnswerTable<string>>;
  for (const rir of RIRS) loadFixtures(path.join(FIXTURES, 'rdap', rir), '.json', (f) => fs.readFileSync(f, 'utf8'), answers[rir]);
  const server: RdapServer = {
    port: 0,
    requests: Object.fromEntries(RIRS.map((r) => [r, []])) as unknown as Record<Rir, string[]>,
    mode: Object.fromEntries(RIRS.map((r) => [r, 'normal'])) as Record<Rir, Mode>,
    answers,
    add: (rir, cidr, json) => answers[rir].add(cidr, typeof json === 'string' ? json : JSON.stringify(json)),
    baseUrl: (rir) => `http://127.0.0.1:${server.port}/${rir}/`,
    bootstrap: {
      ipv4: fs.readFileSync(path.join(root, 'data', 'rdap-bootstrap', 'ipv4.json'), 'utf8'),
      ipv6: fs.readFileSync(path.join(root, 'data', 'rdap-bootstrap', 'ipv6.json'), 'utf8'),
      requests: [],
      mode: 'normal',
    },
  };
  const httpServer = http.createServer((req, res) => {
    const boot = /^\/iana\/(ipv4|ipv6)\.json$/.exec(req.url ?? '');
    if (boot) {
      server.bootstrap.requests.push(req.url!);
      const body = server.bootstrap.mode === 'garbage' ? '<html>maintenance</html>' : server.bootstrap[boot[1] as 'ipv4' | 'ipv6'];
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const m = /^\/(ripe|arin|apnic|lacnic|afrinic)\/ip\/(.+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(400).end();
      return;
    }
    const rir = m[1] as Rir;
    server.requests[rir].push(req.url!);
    const ip = decodeURIComponent(m[2]!);
    const json = answers[rir].find(ip);
    const headers = { 'content-type': 'application/rdap+json' };
    switch (server.mode[rir]) {
      case 'timeout':
        return; // never answer
      case 'close-mid-answer': {
        res.writeHead(200, headers);
        res.write((json ?? '{"objectClassName":"ip network",').slice(0, 40));
        setTimeout(() => req.socket.resetAndDestroy(), 20);
        return;
      }
      case 'redirect-to-ripe':
        // What an RIR does for space another RIR holds: a redirect to the real URL there.
        res.writeHead(301, { location: `https://rdap.db.ripe.net/ip/${ip}` }).end();
        return;
      case 'rate-limit':
        res.writeHead(429, { 'content-type': 'application/rdap+json', 'retry-after': '1' });
        res.end(JSON.stringify({ errorCode: 429, title: 'Too Many Requests' }));
        return;
      case 'garbage':
        res.writeHead(200, headers).end(garbage(5_000));
        return;
      case 'binary':
        res.writeHead(200, headers).end(binary(5_000));
        return;
      case 'huge':
        res.writeHead(200, headers).end(`{"objectClassName":"ip network","remarks":[{"description":["${'x'.repeat(5_000_000)}"]}]}`);
        return;
      default:
        if (!json) {
          res.writeHead(404, headers).end(JSON.stringify({ errorCode: 404, title: 'Not Found', description: [`${ip} not found`] }));
          return;
        }
        res.writeHead(200, headers).end(json);
    }
  });
  httpServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  server.port = (httpServer.address() as net.AddressInfo).port;
  closers.set(server, () => new Promise<void>((resolve) => httpServer.close(() => resolve())));
  return server;
}

export async function startRegistries(): Promise<Registries> {
  const sockets = new Set<net.Socket>();
  const names: WhoisName[] = ['iana', ...RIRS];
  const whois = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await startWhois(n, sockets)] as const))) as Record<WhoisName, WhoisServer>;
  const rdap = await startRdap(sockets);
  const registries: Registries = {
    whois,
    rdap,
    lookupConfig(patch = {}) {
      const { rdap: rdapPatch, whois: whoisPatch, ...rest } = patch;
      return lookupSchema.parse({
        timeoutMs: 1000,
        minGapMs: 0,
        serverGapMs: {},
        backoffMs: 200,
        maxBackoffMs: 1000,
        ...rest,
        rdap: {
          enabled: true,
          baseUrlMap: Object.fromEntries(RIRS.map((r) => [RDAP_BASES[r], rdap.baseUrl(r)])),
          bootstrapUrl: `http://127.0.0.1:${rdap.port}/iana/`,
          ...rdapPatch,
        },
        whois: {
          enabled: true,
          server: 'whois.iana.org',
          serverMap: Object.fromEntries(names.map((n) => [WHOIS_HOSTS[n], `127.0.0.1:${whois[n].port}`])),
          ...whoisPatch,
        },
      });
    },
    totalRequests() {
      return names.reduce((n, w) => n + whois[w].queries.length, 0) + RIRS.reduce((n, r) => n + rdap.requests[r].length, 0);
    },
    reset() {
      for (const n of names) {
        whois[n].queries.length = 0;
        whois[n].maxConcurrent = 0;
        whois[n].mode = 'normal';
      }
      for (const r of RIRS) {
        rdap.requests[r].length = 0;
        rdap.mode[r] = 'normal';
      }
      rdap.bootstrap.requests.length = 0;
      rdap.bootstrap.mode = 'normal';
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([...names.map((n) => closers.get(whois[n])!()), closers.get(rdap)!()]);
    },
  };
  return registries;
}
