// RDAP (RFC 7480-7484, 9083): GET <base>/ip/<address> returns the network with
// startAddress/endAddress (or the cidr0 extension's cidr0_cidrs), country, and
// entities[] with roles and a jCard vcardArray. The abuse address is the email
// of an entity whose roles include "abuse", at any depth (ARIN nests the abuse
// contact inside the registrant organisation); one entity may list several.
import { parseCidr, ipFromKey, rangeFromBounds } from '../core/ip-ranges.js';
import { addressesInText, webFormsInText, type FoundAddress } from '../core/abuse-contact.js';
import { emptyAnswer, LookupError, RateLimitError, type AnswerRange, type RegistryAnswer } from './registry-answer.js';

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json): string | undefined => (typeof v === 'string' && v.length <= 2000 ? v : undefined);

const MAX_DEPTH = 8;
const MAX_ENTITIES = 300;

export function parseRdapIpNetwork(json: Json): RegistryAnswer {
  if (!isObj(json)) throw new LookupError('RDAP answer is not a JSON object');
  const answer = emptyAnswer();
  if (json.objectClassName !== undefined && json.objectClassName !== 'ip network') {
    throw new LookupError(`RDAP answer is a ${String(json.objectClassName).slice(0, 40)}, not an ip network`);
  }
  answer.range = rangeOf(json);
  const asns = Array.isArray(json.arin_originas0_originautnums) ? json.arin_originas0_originautnums : [];
  const asn = typeof asns[0] === 'number' ? asns[0] : undefined;
  answer.network = {
    name: str(json.name),
    country: str(json.country),
    handle: str(json.handle),
    ...(asn !== undefined ? { asn } : {}),
  };
  if (answer.range) answer.evidence.push(`range: ${answer.range.cidr ?? `${answer.range.first} - ${answer.range.last}`}`);
  if (answer.network.name || answer.network.handle) answer.evidence.push(`network: ${answer.network.name ?? ''} (${answer.network.handle ?? ''})`);

  const found: FoundAddress[] = [];
  const other: FoundAddress[] = [];
  let seenEntities = 0;
  const walk = (entities: Json, depth: number, path: string) => {
    if (!Array.isArray(entities) || depth > MAX_DEPTH) return;
    for (const e of entities) {
      if (!isObj(e) || ++seenEntities > MAX_ENTITIES) continue;
      const roles = Array.isArray(e.roles) ? e.roles.filter((r): r is string => typeof r === 'string') : [];
      const handle = str(e.handle) ?? '?';
      const where = `${path}${handle}[${roles.join(',')}]`;
      const isAbuse = roles.some((r) => r.toLowerCase() === 'abuse');
      const card = vcard(e.vcardArray);
      if (roles.some((r) => r.toLowerCase() === 'registrant') && card.fn && !answer.network.org) answer.network.org = card.fn;
      for (const email of card.emails) {
        (isAbuse ? found : other).push({ address: email, field: isAbuse ? 'rdap-abuse' : 'rdap-other', evidence: `entity ${where} email: ${email}`.slice(0, 300) });
      }
      if (isAbuse) for (const url of card.urls) answer.webForms.push(url);
      for (const text of remarkTexts(e.remarks)) {
        for (const a of addressesInText(text)) other.push({ address: a, field: 'remarks', evidence: `entity ${handle} remark: ${text}`.slice(0, 300) });
        answer.webForms.push(...webFormsInText(text));
      }
      walk(e.entities, depth + 1, `${where} > `);
    }
  };
  walk(json.entities, 0, '');
  for (const text of remarkTexts(json.remarks)) {
    for (const a of addressesInText(text)) other.push({ address: a, field: 'remarks', evidence: `remark: ${text}`.slice(0, 300) });
    answer.webForms.push(...webFormsInText(text));
  }
  answer.addresses = [...found, ...other];
  answer.webForms = [...new Set(answer.webForms)].slice(0, 5);
  return answer;
}

function rangeOf(json: Record<string, Json>): AnswerRange | null {
  const start = str(json.startAddress);
  const end = str(json.endAddress);
  const bounds = start && end ? rangeFromBounds(start, end) : null;
  let cidr: string | undefined;
  const cidrs = Array.isArray(json.cidr0_cidrs) ? json.cidr0_cidrs : [];
  for (const c of cidrs) {
    if (!isObj(c)) continue;
    const prefix = str(c.v4prefix) ?? str(c.v6prefix);
    const length = typeof c.length === 'number' ? c.length : NaN;
    const parsed = prefix && Number.isInteger(length) ? parseCidr(`${prefix}/${length}`) : null;
    if (!parsed) continue;
    if (!bounds) return { cidr: parsed.cidr, first: ipFromKey(parsed.firstKey), last: ipFromKey(parsed.lastKey) };
    // Keep the CIDR text only when it is the whole range (one of several otherwise).
    if (parsed.firstKey === bounds.firstKey && parsed.lastKey === bounds.lastKey) cidr = parsed.cidr;
  }
  if (!bounds) return null;
  return { ...(cidr ? { cidr } : {}), first: bounds.first, last: bounds.last };
}

/** Emails, URLs and the formatted name of a jCard: ["vcard", [[name, params, type, value...], ...]]. */
function vcard(value: Json): { emails: string[]; urls: string[]; fn?: string } {
  const out: { emails: string[]; urls: string[]; fn?: string } = { emails: [], urls: [] };
  if (!Array.isArray(value) || !Array.isArray(value[1])) return out;
  for (const prop of value[1].slice(0, 200)) {
    if (!Array.isArray(prop) || typeof prop[0] !== 'string') continue;
    const name = prop[0].toLowerCase();
    const values = prop.slice(3).flat().filter((v): v is string => typeof v === 'string' && v.length <= 500);
    if (name === 'email') out.emails.push(...values);
    else if (name === 'url') out.urls.push(...values.filter((u) => /^https?:\/\//i.test(u)));
    else if (name === 'fn' && values[0]) out.fn = values[0];
  }
  return out;
}

function remarkTexts(remarks: Json): string[] {
  if (!Array.isArray(remarks)) return [];
  const out: string[] = [];
  for (const r of remarks.slice(0, 50)) {
    if (!isObj(r) || !Array.isArray(r.description)) continue;
    const text = r.description.filter((d): d is string => typeof d === 'string').join(' ').slice(0, 2000);
    if (text) out.push(text);
  }
  return out;
}

export interface RdapFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Rewrites a URL (bootstrap base or redirect target) to the configured endpoint. */
  mapUrl: (url: string) => string;
  fetch?: typeof fetch;
}

export interface RdapFetchResult {
  /** null when the registry has no such network (404). */
  json: Json | null;
  text: string;
  url: string;
  status: number;
}

/** One GET (redirects handled by the caller, so each hop goes through the politeness gate). */
export async function rdapGet(url: string, options: RdapFetchOptions): Promise<RdapFetchResult | { redirect: string; status: number; url: string }> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    res = await doFetch(url, { headers: { accept: 'application/rdap+json, application/json' }, redirect: 'manual', signal });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${options.timeoutMs} ms` : (e.cause as Error | undefined)?.message ?? e.message;
    throw new LookupError(`${url}: ${why}`);
  }
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location) throw new LookupError(`${url}: redirect without a location`);
    return { redirect: new URL(location, url).toString(), status: res.status, url };
  }
  if (res.status === 429) {
    await res.body?.cancel();
    const retry = Number(res.headers.get('retry-after'));
    throw new RateLimitError(`${url}: HTTP 429 too many requests`, Number.isFinite(retry) && retry > 0 ? Math.min(retry, 86_400) * 1000 : undefined);
  }
  let text: string;
  try {
    text = await readCapped(res, options.maxBytes, signal);
  } catch (err) {
    const e = err as Error;
    throw new LookupError(`${url}: ${e.name === 'TimeoutError' || e.name === 'AbortError' ? `no complete answer within ${options.timeoutMs} ms` : e.message}`);
  }
  if (res.status === 404) return { json: null, text, url, status: 404 };
  if (res.status !== 200) throw new LookupError(`${url}: HTTP ${res.status}`);
  try {
    return { json: JSON.parse(text) as Json, text, url, status: 200 };
  } catch {
    throw new LookupError(`${url}: answer is not JSON`);
  }
}

async function readCapped(res: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) throw signal.reason as Error;
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new LookupError(`answer larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
