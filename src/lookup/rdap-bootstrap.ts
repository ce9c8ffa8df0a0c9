// IANA's RDAP bootstrap data (RFC 9224): which RDAP base URL serves an address.
// A snapshot ships in data/rdap-bootstrap/; lookup.rdap.bootstrapDir points at
// fresher copies (ipv4.json, ipv6.json, same format) when an operator has them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCidr, type IpRange, type ParsedIp } from '../core/ip-ranges.js';

export interface BootstrapService {
  range: IpRange;
  /** Base URLs as published, https first. */
  urls: string[];
}

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

export class RdapBootstrap {
  private constructor(
    readonly services: BootstrapService[],
    readonly publication: string | null,
  ) {}

  /** Parses the JSON text of ipv4.json and/or ipv6.json. */
  static fromJson(texts: string[]): RdapBootstrap {
    const services: BootstrapService[] = [];
    let publication: string | null = null;
    for (const text of texts) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new BootstrapError('RDAP bootstrap file is not JSON');
      }
      const d = doc as { services?: unknown; publication?: unknown };
      if (!Array.isArray(d.services)) throw new BootstrapError('RDAP bootstrap file has no "services" array');
      if (typeof d.publication === 'string') publication = d.publication;
      for (const entry of d.services) {
        if (!Array.isArray(entry) || !Array.isArray(entry[0]) || !Array.isArray(entry[1])) continue;
        const urls = (entry[1] as unknown[])
          .filter((u): u is string => typeof u === 'string')
          .sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')));
        if (!urls.length) continue;
        for (const c of entry[0] as unknown[]) {
          const range = typeof c === 'string' ? parseCidr(c) : null;
          if (range) services.push({ range, urls });
        }
      }
    }
    return new RdapBootstrap(services, publication);
  }

  static load(dir?: string): RdapBootstrap {
    const from = dir ?? shippedBootstrapDir();
    const texts: string[] = [];
    for (const name of ['ipv4.json', 'ipv6.json']) {
      const file = path.join(from, name);
      try {
        texts.push(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new BootstrapError(`cannot read RDAP bootstrap file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    return RdapBootstrap.fromJson(texts);
  }

  /** Every base URL the data names (to recognise redirects between registries). */
  baseUrls(): string[] {
    return [...new Set(this.services.flatMap((s) => s.urls))];
  }

  /** The base URL of the most specific block holding the address, or null. */
  baseUrlFor(ip: ParsedIp): string | null {
    let best: BootstrapService | null = null;
    for (const s of this.services) {
      if (s.range.version !== ip.version || ip.key < s.range.firstKey || ip.key > s.range.lastKey) continue;
      if (!best || s.range.firstKey >= best.range.firstKey && s.range.lastKey <= best.range.lastKey) best = s;
    }
    return best?.urls[0] ?? null;
  }
}

/** data/rdap-bootstrap next to the program (src/ under tsx, dist/ when bundled). */
export function shippedBootstrapDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'data', 'rdap-bootstrap');
    if (fs.existsSync(path.join(candidate, 'ipv4.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new BootstrapError('cannot find the shipped data/rdap-bootstrap folder next to the program');
}

/**
 * Applies lookup.rdap.baseUrlMap (prefix replacement) and lookup.rdap.baseUrl (one
 * server instead of every registry's base URL) to a bootstrap URL or a redirect target.
 */
export function mapRdapUrl(url: string, config: { baseUrl?: string; baseUrlMap: Record<string, string> }, knownBases: Iterable<string>): string {
  for (const [from, to] of Object.entries(config.baseUrlMap)) {
    if (url.startsWith(from)) return to + url.slice(from.length);
  }
  if (config.baseUrl) {
    for (const base of knownBases) if (url.startsWith(base)) return config.baseUrl + url.slice(base.length);
  }
  return url;
}

const FILES = ['ipv4.json', 'ipv6.json'] as const;

/** Age of the kept copy in `dir` (the older file), or null when it is missing. */
export function bootstrapAgeMs(dir: string, now: number): number | null {
  try {
    return Math.max(...FILES.map((f) => now - fs.statSync(path.join(dir, f)).mtimeMs));
  } catch {
    return null;
  }
}

/** Writes both files atomically (temp file + rename), after they parsed. */
export function saveBootstrap(dir: string, texts: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  FILES.forEach((f, i) => {
    const tmp = path.join(dir, `.${f}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, texts[i]!);
    fs.renameSync(tmp, path.join(dir, f));
  });
}

export const BOOTSTRAP_FILES = FILES;
