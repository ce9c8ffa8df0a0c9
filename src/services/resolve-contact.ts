// Who is responsible for an IP: the abuse contact, found carefully and remembered
// by network range, with provenance.
//
// Public API (other parts call only this):
//   const resolver = new ContactResolver(store, config.lookup, { baseDir? });
//   await resolver.resolve(ip, { refresh? })     -> ContactResolution
//   await resolver.resolveMany(ips, onProgress?) -> Map<input ip text, ContactResolution>
//
// ContactResolution.status:
//   'found'        chosen holds the address to mail (alternatives: every candidate, rejected ones with reason)
//   'none'         the registries answered, but name no usable address (webFormOnly may hold a URL); reason says why
//   'never-report' a local override says never report, or the address is private/reserved
//   'failed'       network or registry error (timeout, rate limit, garbage); cached for negativeCacheMinutes
//
// Chain, first answer wins: override (CIDR, then AS after the answer) -> cache -> offline file (offline mode)
// -> RDAP (IANA bootstrap) -> whois (IANA -> RIR -> ARIN ReferralServer) -> none.
// Cache lifetimes: found and "no contact" answers for a real range: lookup.cacheDays; failures, "no such
// network" answers, "no contact" while another source failed, and ranges we could not trust (wider than
// /8 or /19, not holding the address): lookup.negativeCacheMinutes (for the address alone when untrusted).
// Other fields: source ('override' | 'rdap' | 'whois' | 'offline' | 'special-range' | 'none') is where the
// answer came from, fromCache says whether this call reused a cached one. Strings in network, evidence,
// reason and rejected alternatives come from registries: sanitise before printing (commands/output.ts does);
// chosen.address is always a syntax-checked address (safe for a To: header after sanitizeHeaderValue).
// Also: requestCounts(), bootstrapProblem(), cacheProblem(); withCidr(range).
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { ipFromKey, neverReportReason, parseCidr, parseIp, rangeContains, type IpRange, type ParsedIp } from '../core/ip-ranges.js';
import { judgeAddresses, normalizeAddress, type AddressField, type Confidence, type JudgedAddress } from '../core/abuse-contact.js';
import { sanitizeLine } from '../core/sanitize.js';
import { BOOTSTRAP_FILES, bootstrapAgeMs, mapRdapUrl, RdapBootstrap, saveBootstrap } from '../lookup/rdap-bootstrap.js';
import { parseRdapIpNetwork, rdapGet } from '../lookup/rdap.js';
import { LookupError, RateLimitError, type AnswerNetwork, type AnswerRange, type RegistryAnswer } from '../lookup/registry-answer.js';
import { ServerGate } from '../lookup/throttle.js';
import { parseArinAnswer } from '../lookup/whois-arin.js';
import { parseReferral, whoisQuery, type WhoisEndpoint } from '../lookup/whois-client.js';
import { parseIanaAnswer } from '../lookup/whois-iana.js';
import { parseLacnicAnswer } from '../lookup/whois-lacnic.js';
import { parseRipeStyleAnswer } from '../lookup/whois-ripe.js';
import type { Store } from '../store/db.js';
import { findAsnOverride, findCachedRange, findOverride, saveRange } from '../store/repos/contacts.js';
import type { ContactOverrideRow, ContactRangeRow } from '../store/schema/contacts.js';

export type LookupConfig = Config['lookup'];

export interface AbuseContact {
  address: string;
  confidence: Confidence;
  /** 'override', 'offline', 'rdap', 'whois'. */
  source: string;
  /** The server or URL (or override id) it came from. */
  via: string;
  /** Why it was accepted ("from OrgAbuseEmail") or rejected ("placeholder: ..."). */
  reason: string;
  accepted: boolean;
  field: AddressField;
}

export type ResolutionSource = 'override' | 'rdap' | 'whois' | 'offline' | 'special-range' | 'none';

export interface ContactResolution {
  ip: string;
  status: 'found' | 'none' | 'never-report' | 'failed';
  chosen: AbuseContact | null;
  alternatives: AbuseContact[];
  webFormOnly: string | null;
  range: AnswerRange | null;
  network: AnswerNetwork | null;
  /** Short excerpt of the answer that justifies the result (sanitised, one item per line). */
  evidence: string;
  source: ResolutionSource;
  server: string | null;
  fetchedAt: Date;
  fromCache: boolean;
  /** Human reason when none/failed/never-report. */
  reason: string | null;
}

export interface OfflineContact {
  cidr: string;
  address: string;
  network?: string;
  country?: string;
}

export interface ResolverOptions {
  /** Directory that relative paths in the config (offlineContactsFile, bootstrapDir) are resolved from. */
  baseDir?: string;
  now?: () => Date;
  fetch?: typeof fetch;
  bootstrap?: RdapBootstrap;
}

export class LookupConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupConfigError';
  }
}

interface Attempt {
  source: 'rdap' | 'whois';
  server: string;
  answer?: RegistryAnswer;
  raw?: string;
  error?: Error;
}

const IANA_HOSTS = /(^|\.)iana\.org$/i;
// Ranges wider than this are registry-wide blocks, not a holder's network: cache the address alone.
const WIDEST_CACHED_BITS = { 4: 8, 6: 19 } as const;
const EVIDENCE_MAX = 1500;

export class ContactResolver {
  private readonly now: () => Date;
  private readonly gate: ServerGate;
  private bootstrapData: RdapBootstrap | null | undefined;
  private offline: Array<{ range: IpRange; entry: OfflineContact }> | null = null;
  /** IANA's answers, by the block they cover: one IANA query per block, not per address. */
  private readonly ianaReferrals: Array<{ range: IpRange; refer: string }> = [];
  private readonly lanes = new Map<string, Promise<unknown>>();
  private bootstrapRefresh: Promise<void> | undefined;
  private bootstrapNote: string | null = null;
  private storeProblem: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly config: LookupConfig,
    private readonly opts: ResolverOptions = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.gate = new ServerGate({
      minGapMs: config.minGapMs,
      backoffMs: config.backoffMs,
      maxBackoffMs: config.maxBackoffMs,
      now: () => this.now().getTime(),
    });
    this.bootstrapData = opts.bootstrap;
    if (config.offline && config.offlineContactsFile) this.offline = loadOfflineContacts(this.resolvePath(config.offlineContactsFile));
  }

  /** Requests sent per server by this resolver (politeness checks, the benchmark). */
  requestCounts(): Record<string, number> {
    return this.gate.requestCounts();
  }

  async resolve(ipText: string, options: { refresh?: boolean } = {}): Promise<ContactResolution> {
    const parsed = parseIp(ipText);
    if (!parsed) return this.bare(ipText, 'failed', 'none', `not an IP address: ${sanitizeLine(ipText).slice(0, 60)}`);
    const refresh = options.refresh ?? false;
    const local = this.resolveLocal(parsed, refresh);
    if (local) return local;
    await this.ensureBootstrap();
    // One lookup at a time per registry; when its turn comes, the cache is probed again,
    // so an address whose range was cached while it waited costs no request.
    return this.inLane(this.registryKey(parsed), () =>
      Promise.resolve(refresh ? null : this.resolveLocal(parsed, false)).then((again) => again ?? this.resolveNetwork(parsed)),
    );
  }

  /**
   * Many addresses, politely: they queue per registry (registries in parallel) and
   * each re-checks the cache when its turn comes, so 5,000 addresses in 50 networks
   * cost about 50 requests, however they are ordered.
   */
  async resolveMany(ips: string[], onProgress?: (done: number, total: number) => void): Promise<Map<string, ContactResolution>> {
    const unique = [...new Set(ips)];
    // Address order: neighbours in one network follow each other, so the first answer serves the rest.
    const keyed = unique.map((ip) => ({ ip, key: parseIp(ip)?.key ?? ip }));
    const sorted = keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.ip);
    let done = 0;
    const resolved = await Promise.all(
      sorted.map(async (ip) => {
        const r = await this.resolve(ip);
        onProgress?.(++done, unique.length);
        return [ip, r] as const;
      }),
    );
    const byIp = new Map(resolved);
    return new Map(unique.map((ip) => [ip, byIp.get(ip)!]));
  }

  private inLane<T>(key: string, task: () => Promise<T>): Promise<T> {
    const turn = (this.lanes.get(key) ?? Promise.resolve()).then(task);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(key, tail);
    // Forget an idle lane so the map does not grow with every registry key ever seen.
    void tail.then(() => {
      if (this.lanes.get(key) === tail) this.lanes.delete(key);
    });
    return turn;
  }

  // ---- local steps: special ranges, overrides, cache, offline file ----

  private resolveLocal(ip: ParsedIp, refresh: boolean): ContactResolution | null {
    const special = neverReportReason(ip);
    if (special) return this.bare(ip.ip, 'never-report', 'special-range', `${special} address: never reported`);
    const override = findOverride(this.store, ip);
    if (override) return this.fromOverride(ip.ip, override, null);
    if (!refresh) {
      const widest = parseCidr(`${ip.ip}/${WIDEST_CACHED_BITS[ip.version]}`)!;
      const row = findCachedRange(this.store, ip, this.now(), widest.firstKey);
      if (row) return this.applyAsnOverride(this.fromRow(ip.ip, row));
    }
    if (this.config.offline) return this.fromOffline(ip);
    if (!this.config.rdap.enabled && !this.config.whois.enabled) {
      return this.bare(ip.ip, 'none', 'none', 'RDAP and whois are both disabled and no override matches');
    }
    return null;
  }

  private fromOverride(ip: string, o: ContactOverrideRow, base: ContactResolution | null): ContactResolution {
    const target = o.cidr ?? `AS${o.asn}`;
    const note = o.note ? ` (${o.note})` : '';
    const registry = base?.alternatives ?? [];
    if (o.neverReport) {
      return {
        ...(base ?? this.bare(ip, 'never-report', 'override', '')),
        status: 'never-report',
        chosen: null,
        source: 'override',
        server: `override #${o.id}`,
        range: base?.range ?? rangeOfCidr(o.cidr),
        reason: `override #${o.id} for ${target}: never report${note}`,
      };
    }
    const contacts: AbuseContact[] = o.addresses.map((address, i) => ({
      address,
      confidence: 'high',
      source: 'override',
      via: `override #${o.id} ${target}`,
      reason: i === 0 ? `local override for ${target}${note}` : `further address of override #${o.id}`,
      accepted: true,
      field: 'override',
    }));
    return {
      ...(base ?? this.bare(ip, 'found', 'override', null)),
      status: 'found',
      chosen: contacts[0] ?? null,
      alternatives: [...contacts, ...registry],
      webFormOnly: null,
      source: 'override',
      server: `override #${o.id}`,
      evidence: `override #${o.id}: ${target} -> ${o.addresses.join(', ')}${note}${base?.evidence ? `\n${base.evidence}` : ''}`,
      reason: null,
      ...(base ? {} : { range: rangeOfCidr(o.cidr) }),
    };
  }

  private applyAsnOverride(resolution: ContactResolution): ContactResolution {
    const asn = resolution.network?.asn;
    if (asn === undefined) return resolution;
    const o = findAsnOverride(this.store, asn);
    return o ? this.fromOverride(resolution.ip, o, resolution) : resolution;
  }

  private fromOffline(ip: ParsedIp): ContactResolution {
    let best: { range: IpRange; entry: OfflineContact } | null = null;
    for (const c of this.offline ?? []) {
      if (!rangeContains(c.range, ip.key)) continue;
      if (!best || c.range.firstKey >= best.range.firstKey && c.range.lastKey <= best.range.lastKey) best = c;
    }
    if (!best) return this.bare(ip.ip, 'none', 'offline', 'offline mode: no offline contact covers this address');
    const file = this.config.offlineContactsFile ?? 'offline contacts';
    const contact: AbuseContact = {
      address: best.entry.address,
      confidence: 'high',
      source: 'offline',
      via: file,
      reason: 'from the offline contacts file',
      accepted: true,
      field: 'offline',
    };
    return {
      ...this.bare(ip.ip, 'found', 'offline', null),
      chosen: contact,
      alternatives: [contact],
      range: rangeOfCidr(best.range.cidr),
      network: { name: best.entry.network, country: best.entry.country },
      evidence: `offline: ${best.range.cidr} -> ${best.entry.address}`,
      server: file,
    };
  }

  private fromRow(ip: string, row: ContactRangeRow): ContactResolution {
    let stored: Partial<ContactResolution> = {};
    try {
      stored = JSON.parse(row.resolution) as Partial<ContactResolution>;
    } catch {
      // A damaged row still tells status and address.
    }
    return {
      ip,
      status: row.status as ContactResolution['status'],
      chosen: stored.chosen ?? null,
      alternatives: stored.alternatives ?? [],
      webFormOnly: stored.webFormOnly ?? null,
      range: { ...(row.cidr ? { cidr: row.cidr } : {}), first: row.first, last: row.last },
      network: stored.network ?? null,
      evidence: stored.evidence ?? '',
      source: row.source as ResolutionSource,
      server: row.server,
      fetchedAt: row.fetchedAt,
      fromCache: true,
      reason: stored.reason ?? null,
    };
  }

  // ---- network steps ----

  private async resolveNetwork(ip: ParsedIp): Promise<ContactResolution> {
    const attempts: Attempt[] = [];
    if (this.config.rdap.enabled) {
      const a = await this.rdapAttempt(ip);
      attempts.push(a);
      if (a.answer && judge(a.answer).chosen) return this.finish(ip, attempts, a);
    }
    if (this.config.whois.enabled) {
      const a = await this.whoisAttempt(ip);
      attempts.push(a);
    }
    const withAddress = attempts.find((a) => a.answer && judge(a.answer).chosen);
    const withForm = attempts.find((a) => a.answer && a.answer.webForms.length && !a.answer.notFound);
    const answered = attempts.find((a) => a.answer && !a.answer.notFound) ?? attempts.find((a) => a.answer);
    return this.finish(ip, attempts, withAddress ?? withForm ?? answered ?? attempts[attempts.length - 1] ?? null);
  }

  private finish(ip: ParsedIp, attempts: Attempt[], used: Attempt | null): ContactResolution {
    const fetchedAt = this.now();
    // Error messages name their server or URL already.
    const failures = attempts.filter((a) => a.error).map((a) => `${a.source}: ${a.error!.message}`);
    let resolution: ContactResolution;
    let cacheRange: { range: IpRange | null; answerRange: AnswerRange | null } = { range: null, answerRange: null };
    let longLived = false;
    if (!used || !used.answer) {
      resolution = {
        ...this.bare(ip.ip, 'failed', used?.source ?? 'none', failures.join('; ') || 'no lookup was possible'),
        server: used?.server ?? null,
        fetchedAt,
      };
    } else {
      const answer = used.answer;
      const { chosen, all } = judge(answer);
      const toContact = (j: JudgedAddress): AbuseContact => ({
        address: j.address,
        confidence: j.confidence,
        source: used.source,
        via: used.server,
        reason: j.reason,
        accepted: j.accepted,
        field: j.field,
      });
      const webForm = !chosen && answer.webForms.length ? answer.webForms[0]! : null;
      const status = chosen ? 'found' : 'none';
      const reason = chosen
        ? null
        : answer.notFound
          ? `${used.source} ${used.server}: the registry has no network for this address`
          : webForm
            ? `the registry names only a web form: ${webForm}`
            : all.length
              ? `no usable address: ${all.map((j) => `${j.address} (${j.reason})`).join('; ')}`
              : 'the registry names no abuse contact for this network';
      const evidenceLines = [...answer.evidence, ...(chosen ? [chosen.evidence] : all.map((j) => j.evidence))];
      resolution = {
        ip: ip.ip,
        status,
        chosen: chosen ? toContact(chosen) : null,
        alternatives: all.map(toContact),
        webFormOnly: webForm,
        range: withCidr(answer.range),
        network: answer.network,
        evidence: cleanEvidence(evidenceLines),
        source: used.source,
        server: used.server,
        fetchedAt,
        fromCache: false,
        reason: failures.length && !chosen ? `${reason}; also ${failures.join('; ')}` : reason,
      };
      cacheRange = { range: trustedRange(ip, answer), answerRange: resolution.range };
      // "No contact" is kept long only when no source failed: a whois timeout behind an
      // RDAP answer without addresses must not hide a contact for a week.
      longLived = Boolean(cacheRange.range) && !answer.notFound && (Boolean(chosen) || failures.length === 0);
    }
    const range = cacheRange.range ?? parseCidr(`${ip.ip}/${ip.version === 4 ? 32 : 128}`)!;
    const ttlMs = longLived ? this.config.cacheDays * 86_400_000 : this.config.negativeCacheMinutes * 60_000;
    this.remember({
      ipVersion: ip.version,
      firstKey: range.firstKey,
      lastKey: range.lastKey,
      first: ipFromKey(range.firstKey),
      last: ipFromKey(range.lastKey),
      cidr: cacheRange.range ? (cacheRange.answerRange?.cidr ?? null) : range.cidr,
      status: resolution.status,
      address: resolution.chosen?.address ?? null,
      confidence: resolution.chosen?.confidence ?? null,
      source: resolution.source,
      server: resolution.server,
      networkName: resolution.network?.name ?? null,
      country: resolution.network?.country ?? null,
      asn: resolution.network?.asn ?? null,
      resolution: JSON.stringify({
        chosen: resolution.chosen,
        alternatives: resolution.alternatives,
        webFormOnly: resolution.webFormOnly,
        network: resolution.network,
        evidence: resolution.evidence,
        reason: resolution.reason,
      }),
      raw: used?.raw ?? null,
      fetchedAt,
      expiresAt: new Date(fetchedAt.getTime() + ttlMs),
    });
    if (!cacheRange.range && resolution.range === null) resolution.range = { first: ip.ip, last: ip.ip };
    return this.applyAsnOverride(resolution);
  }

  /** Caches a result; a store that cannot write (busy, read-only, full) costs politeness, not the answer. */
  private remember(row: Parameters<typeof saveRange>[1]): void {
    try {
      saveRange(this.store, row);
    } catch (err) {
      this.storeProblem = `could not cache a contact: ${(err as Error).message}`;
    }
  }

  /** Why the last cache write failed, if one did. */
  cacheProblem(): string | null {
    return this.storeProblem;
  }

  private bootstrap(): RdapBootstrap | null {
    if (this.bootstrapData === undefined) {
      const dir = this.config.rdap.bootstrapDir ? this.resolvePath(this.config.rdap.bootstrapDir) : undefined;
      // The kept copy when there is one (refreshed by ensureBootstrap), else the shipped snapshot.
      const kept = this.bootstrapKeepDir();
      try {
        this.bootstrapData = RdapBootstrap.load(kept && bootstrapAgeMs(kept, Date.now()) !== null ? kept : dir);
      } catch (err) {
        if (!dir) throw err;
        this.bootstrapData = RdapBootstrap.load();
      }
    }
    return this.bootstrapData;
  }

  /** Where fetched bootstrap files are kept: lookup.rdap.bootstrapDir, else next to the database. */
  private bootstrapKeepDir(): string | null {
    if (this.config.rdap.bootstrapDir) return this.resolvePath(this.config.rdap.bootstrapDir);
    if (!this.store.path || this.store.path === ':memory:') return null;
    return path.join(path.dirname(path.resolve(this.store.path)), 'rdap-bootstrap');
  }

  /**
   * Refreshes the bootstrap data once per resolver when the kept copy is missing or older
   * than rdap.bootstrapRefreshDays (never in offline mode). A failed download is not
   * retried in this run; the kept copy or the shipped snapshot is used instead.
   */
  private ensureBootstrap(): Promise<void> {
    this.bootstrapRefresh ??= (async () => {
      const { rdap } = this.config;
      const dir = this.bootstrapKeepDir();
      if (this.opts.bootstrap || this.config.offline || !rdap.enabled || !dir || rdap.bootstrapRefreshDays <= 0) return;
      const age = bootstrapAgeMs(dir, Date.now());
      if (age !== null && age < rdap.bootstrapRefreshDays * 86_400_000) return;
      // A failed attempt is remembered for a day, so a machine without internet does not
      // wait for a timeout on every run.
      const marker = path.join(dir, '.last-failed-refresh');
      try {
        if (Date.now() - fs.statSync(marker).mtimeMs < 86_400_000) return;
      } catch {
        // no marker: go ahead
      }
      try {
        const base = rdap.bootstrapUrl.endsWith('/') ? rdap.bootstrapUrl : `${rdap.bootstrapUrl}/`;
        const texts: string[] = [];
        for (const file of BOOTSTRAP_FILES) {
          const url = `${base}${file}`;
          // Two requests a month to IANA, not to a registry: outside the gate, so a failure
          // here never puts an RDAP server that shares the host into backoff.
          const res = await rdapGet(url, { timeoutMs: this.config.timeoutMs, maxBytes: this.config.maxAnswerBytes, mapUrl: (u) => u, fetch: this.opts.fetch });
          if (!('json' in res) || res.json === null) throw new LookupError(`${url}: no bootstrap file there`);
          texts.push(res.text);
        }
        const fresh = RdapBootstrap.fromJson(texts);
        if (fresh.services.length < 10) throw new LookupError('bootstrap data looks truncated');
        saveBootstrap(dir, texts);
        this.bootstrapData = fresh;
      } catch (err) {
        try {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(marker, `${new Date().toISOString()} ${(err as Error).message}\n`);
        } catch {
          // an unwritable folder only means we try again next run
        }
        this.bootstrapNote = `RDAP bootstrap refresh failed (${(err as Error).message}); using the ${age === null ? 'shipped snapshot' : 'kept copy'}`;
      }
    })();
    return this.bootstrapRefresh;
  }

  /** Why the bootstrap data could not be refreshed in this run, if it could not. */
  bootstrapProblem(): string | null {
    return this.bootstrapNote;
  }

  private registryKey(ip: ParsedIp): string {
    try {
      return this.bootstrap()?.baseUrlFor(ip) ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  private async rdapAttempt(ip: ParsedIp): Promise<Attempt> {
    let bootstrap: RdapBootstrap | null;
    try {
      bootstrap = this.bootstrap();
    } catch (err) {
      return { source: 'rdap', server: 'bootstrap', error: err as Error };
    }
    const base = this.config.rdap.baseUrl ?? bootstrap?.baseUrlFor(ip);
    if (!base) return { source: 'rdap', server: 'bootstrap', error: new LookupError('no RDAP service for this address in the bootstrap data') };
    const knownBases = bootstrap?.baseUrls() ?? [];
    const map = (u: string) => mapRdapUrl(u, this.config.rdap, knownBases);
    let url = map(`${base.endsWith('/') ? base : `${base}/`}ip/${ip.ip}`);
    for (let hop = 0; hop <= 3; hop++) {
      let server: string;
      try {
        server = new URL(url).host;
      } catch {
        return { source: 'rdap', server: url.slice(0, 200), error: new LookupError('not a valid RDAP URL') };
      }
      try {
        const res = await this.gate.run(
          server,
          () => rdapGet(url, { timeoutMs: this.config.timeoutMs, maxBytes: this.config.maxAnswerBytes, mapUrl: map, fetch: this.opts.fetch }),
          this.gapFor(new URL(url).hostname),
        );
        if ('redirect' in res) {
          url = map(res.redirect);
          continue;
        }
        if (res.json === null) {
          const answer = { ...emptyAnswerFor(), notFound: true, evidence: [`HTTP 404 from ${url}`] };
          return { source: 'rdap', server: url, answer, raw: res.text };
        }
        return { source: 'rdap', server: url, answer: parseRdapIpNetwork(res.json), raw: res.text };
      } catch (err) {
        return { source: 'rdap', server: url, error: asLookupError(err) };
      }
    }
    return { source: 'rdap', server: url, error: new LookupError('too many RDAP redirects') };
  }

  private async whoisAttempt(ip: ParsedIp): Promise<Attempt> {
    let name = this.config.whois.server.toLowerCase();
    let port = 43;
    const memo = this.ianaReferrals.find((r) => rangeContains(r.range, ip.key));
    if (memo && IANA_HOSTS.test(name)) {
      const ref = parseReferral(memo.refer);
      if (ref) ({ name, port } = ref);
    }
    const seen = new Set<string>();
    let last: Attempt | null = null;
    for (let hop = 0; hop <= this.config.whois.maxReferrals; hop++) {
      seen.add(`${name}:${port}`);
      const endpoint = this.endpoint(name, port);
      const server = `${name}${port === 43 ? '' : `:${port}`}`;
      const query = /(^|\.)arin\.net$/.test(name) ? `n + ${ip.ip}` : ip.ip;
      let answer: RegistryAnswer;
      let raw: string;
      try {
        // Parsed inside the gate: a refusal in the text ("%ERROR:201") counts as an error for the backoff.
        const res = await this.gate.run(
          `${endpoint.host}:${endpoint.port}`,
          async () => {
            const got = await whoisQuery(endpoint, query, { timeoutMs: this.config.timeoutMs, maxBytes: this.config.maxAnswerBytes });
            return { ...got, answer: parseWhois(name, got.text) };
          },
          this.gapFor(name),
        );
        raw = res.text;
        answer = res.answer;
        if (res.truncated) answer.evidence.push(`(answer cut at ${this.config.maxAnswerBytes} bytes)`);
      } catch (err) {
        // A failed referral target: the referring answer is no better (it points elsewhere).
        return { source: 'whois', server, error: asLookupError(err) };
      }
      if (IANA_HOSTS.test(name) && answer.referral && answer.range) {
        const r = rangeFromAnswer(answer.range);
        if (r) this.ianaReferrals.push({ range: r, refer: answer.referral });
      }
      last = { source: 'whois', server, answer, raw };
      const ref = answer.referral ? parseReferral(answer.referral) : null;
      if (!ref || seen.has(`${ref.name}:${ref.port}`)) break;
      if (hop === this.config.whois.maxReferrals) break;
      ({ name, port } = ref);
    }
    return last!;
  }

  private gapFor(serverName: string): number {
    return this.config.serverGapMs[serverName] ?? this.config.minGapMs;
  }

  /** lookup.whois.serverMap: "whois.ripe.net" (or "whois.ripe.net:43") -> "host:port". */
  private endpoint(name: string, port: number): WhoisEndpoint {
    const map = this.config.whois.serverMap;
    const target = map[`${name}:${port}`] ?? map[name];
    const parsed = target ? parseHostPort(target) : null;
    if (parsed) return { name, ...parsed };
    const direct = parseHostPort(name);
    return { name, host: direct?.host ?? name, port: direct && /:\d+$/.test(name) ? direct.port : port };
  }

  private resolvePath(p: string): string {
    return path.isAbsolute(p) || !this.opts.baseDir ? p : path.resolve(this.opts.baseDir, p);
  }

  private bare(ip: string, status: ContactResolution['status'], source: ResolutionSource, reason: string | null): ContactResolution {
    return {
      ip,
      status,
      chosen: null,
      alternatives: [],
      webFormOnly: null,
      range: null,
      network: null,
      evidence: '',
      source,
      server: null,
      fetchedAt: this.now(),
      fromCache: false,
      reason,
    };
  }
}

function judge(answer: RegistryAnswer) {
  return judgeAddresses(answer.addresses, {
    networkNames: [answer.network.name, answer.network.handle, answer.network.org],
    delegatedElsewhere: answer.delegatedElsewhere || answer.notFound,
  });
}

function parseWhois(name: string, text: string): RegistryAnswer {
  if (IANA_HOSTS.test(name)) return parseIanaAnswer(text);
  if (/(^|\.)arin\.net$/.test(name)) return parseArinAnswer(text);
  if (/(^|\.)lacnic\.net$/.test(name)) return parseLacnicAnswer(text);
  if (/(^|\.)(ripe|apnic|afrinic)\.net$/.test(name)) return parseRipeStyleAnswer(text);
  // A server we do not know by name: recognise the format.
  if (/^NetRange:/m.test(text)) return parseArinAnswer(text);
  if (/^refer:/m.test(text)) return parseIanaAnswer(text);
  return parseRipeStyleAnswer(text);
}

function emptyAnswerFor(): RegistryAnswer {
  return { range: null, network: {}, addresses: [], webForms: [], referral: null, delegatedElsewhere: false, notFound: false, evidence: [] };
}

function asLookupError(err: unknown): Error {
  if (err instanceof LookupError || err instanceof RateLimitError) return err;
  return new LookupError(`unusable answer: ${(err as Error)?.message ?? String(err)}`);
}

function rangeFromAnswer(r: AnswerRange): IpRange | null {
  const first = parseIp(r.first);
  const last = parseIp(r.last);
  if (!first || !last || first.version !== last.version || first.key > last.key) return null;
  return { cidr: r.cidr ?? `${first.ip} - ${last.ip}`, version: first.version, firstKey: first.key, lastKey: last.key };
}

/** The answer's range when it holds the address and is a plausible network, else null. */
function trustedRange(ip: ParsedIp, answer: RegistryAnswer): IpRange | null {
  if (!answer.range || answer.notFound || answer.delegatedElsewhere) return null;
  const r = rangeFromAnswer(answer.range);
  if (!r || !rangeContains(r, ip.key)) return null;
  const widest = parseCidr(`${ip.ip}/${WIDEST_CACHED_BITS[ip.version]}`)!;
  if (r.firstKey < widest.firstKey || r.lastKey > widest.lastKey) return null;
  return r;
}

/** Adds the CIDR text when "first - last" is exactly one prefix (whois and RDAP often give only the bounds). */
export function withCidr(range: AnswerRange | null): AnswerRange | null {
  if (!range || range.cidr) return range;
  const first = parseIp(range.first);
  const last = parseIp(range.last);
  if (!first || !last || first.version !== last.version) return range;
  const a = BigInt(`0x${first.key.slice(2)}`);
  const b = BigInt(`0x${last.key.slice(2)}`);
  const span = (a ^ b) + 1n;
  // The bounds differ in a run of low bits only, and the first address has them clear.
  if (a > b || (span & (span - 1n)) !== 0n || (a & (span - 1n)) !== 0n || (b - a + 1n) !== span) return range;
  const bits = (first.version === 4 ? 32 : 128) - (span.toString(2).length - 1);
  return { cidr: `${first.ip}/${bits}`, first: range.first, last: range.last };
}

function rangeOfCidr(cidr: string | null): AnswerRange | null {
  const r = cidr ? parseCidr(cidr) : null;
  return r ? { cidr: r.cidr, first: ipFromKey(r.firstKey), last: ipFromKey(r.lastKey) } : null;
}

function cleanEvidence(lines: string[]): string {
  const out = [...new Set(lines.map((l) => sanitizeLine(l).trim()).filter(Boolean))].join('\n');
  return out.length > EVIDENCE_MAX ? `${out.slice(0, EVIDENCE_MAX - 1)}…` : out;
}

function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$|^([^:\s]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!m) return null;
  const host = m[1] ?? m[3]!;
  const port = Number(m[2] ?? m[4] ?? 43);
  return port >= 1 && port <= 65535 ? { host, port } : null;
}

/** Reads the offline contacts file: a JSON list of {cidr, address, network?, country?}. */
export function loadOfflineContacts(file: string): Array<{ range: IpRange; entry: OfflineContact }> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LookupConfigError(`lookup.offlineContactsFile ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new LookupConfigError(`lookup.offlineContactsFile ${file}: expected a JSON list of {cidr, address}`);
  return doc.map((e, i) => {
    const entry = e as Partial<OfflineContact>;
    const range = typeof entry.cidr === 'string' ? parseCidr(entry.cidr) : null;
    const address = typeof entry.address === 'string' ? normalizeAddress(entry.address) : null;
    if (!range || !address) {
      throw new LookupConfigError(`lookup.offlineContactsFile ${file}: entry ${i + 1} needs a valid "cidr" and "address"`);
    }
    return {
      range,
      entry: {
        cidr: range.cidr,
        address,
        ...(typeof entry.network === 'string' ? { network: entry.network } : {}),
        ...(typeof entry.country === 'string' ? { country: entry.country } : {}),
      },
    };
  });
}
