// IP address rules: canonical form, sortable keys for range queries, and the
// never-report list. The list is explicit on purpose: library "is private"
// helpers call the documentation ranges private, and those must count as
// public here (fixtures and demos use them as stand-ins for real attackers).
import ipaddr from 'ipaddr.js';

export type IpVersion = 4 | 6;

export interface ParsedIp {
  /** Canonical text: dotted IPv4, RFC 5952 compressed IPv6; IPv4-mapped IPv6 becomes IPv4. */
  ip: string;
  version: IpVersion;
  /** Fixed-width hex key ("4:c0000201", "6:2001...") that sorts like the address. */
  key: string;
}

export function parseIp(text: string): ParsedIp | null {
  const trimmed = text.trim().replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(trimmed)) return null;
  // ipaddr.isValid accepts odd IPv4 forms ("1", "0x7f.1"); insist on four decimal parts.
  if (!trimmed.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(trimmed)) return null;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(trimmed);
  } catch {
    return null;
  }
  if (addr.kind() === 'ipv4') {
    const v4 = addr as ipaddr.IPv4;
    return { ip: v4.toString(), version: 4, key: keyOfBytes(4, v4.toByteArray()) };
  }
  const v6 = addr as ipaddr.IPv6;
  if (v6.zoneId) return null;
  return { ip: v6.toRFC5952String(), version: 6, key: keyOfBytes(6, v6.toByteArray()) };
}

export function canonicalIp(text: string): string | null {
  return parseIp(text)?.ip ?? null;
}

function keyOfBytes(version: IpVersion, bytes: number[]): string {
  return `${version}:${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface IpRange {
  /** Canonical CIDR text, e.g. "192.0.2.0/24". */
  cidr: string;
  version: IpVersion;
  firstKey: string;
  lastKey: string;
}

/** Parses "a.b.c.d/n" or "x::/n"; the host bits are cleared. */
export function parseCidr(text: string): IpRange | null {
  const trimmed = text.trim();
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return null;
  const base = parseIp(trimmed.slice(0, slash));
  const bitsText = trimmed.slice(slash + 1);
  if (!base || !/^\d{1,3}$/.test(bitsText)) return null;
  let bits = Number(bitsText);
  // An IPv4-mapped IPv6 range ("::ffff:192.0.2.0/120") is an IPv4 range.
  if (base.version === 4 && trimmed.includes(':')) bits -= 96;
  const width = base.version === 4 ? 32 : 128;
  if (bits < 0 || bits > width) return null;
  const bytes = hexToBytes(base.key.slice(2));
  const first = bytes.map((b, i) => b & maskByte(bits, i));
  const last = bytes.map((b, i) => (b & maskByte(bits, i)) | (~maskByte(bits, i) & 0xff));
  const firstIp = ipFromBytes(base.version, first);
  return {
    cidr: `${firstIp}/${bits}`,
    version: base.version,
    firstKey: keyOfBytes(base.version, first),
    lastKey: keyOfBytes(base.version, last),
  };
}

/** The range from a first and a last address (RDAP startAddress/endAddress, whois NetRange). */
export function rangeFromBounds(firstText: string, lastText: string): { version: IpVersion; firstKey: string; lastKey: string; first: string; last: string } | null {
  const first = parseIp(firstText);
  const last = parseIp(lastText);
  if (!first || !last || first.version !== last.version || first.key > last.key) return null;
  return { version: first.version, firstKey: first.key, lastKey: last.key, first: first.ip, last: last.ip };
}

export function ipFromKey(key: string): string {
  const version = key.startsWith('4:') ? 4 : 6;
  return ipFromBytes(version, hexToBytes(key.slice(2)));
}

function ipFromBytes(version: IpVersion, bytes: number[]): string {
  if (version === 4) return bytes.join('.');
  return ipaddr.fromByteArray(bytes).toString();
}

function hexToBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

function maskByte(bits: number, index: number): number {
  const remaining = bits - index * 8;
  if (remaining >= 8) return 0xff;
  if (remaining <= 0) return 0;
  return (0xff << (8 - remaining)) & 0xff;
}

export function rangeContains(range: Pick<IpRange, 'firstKey' | 'lastKey'>, ipKey: string): boolean {
  return ipKey.length === range.firstKey.length && ipKey >= range.firstKey && ipKey <= range.lastKey;
}

/** Why an address is never reported, or null when it is public. */
export type NeverReportReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'own network'
  | 'allow-listed';

const SPECIAL_RANGES: Array<[string, NeverReportReason]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b::/96', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'],
];
const SPECIAL = SPECIAL_RANGES.map(([cidr, reason]) => ({ range: parseCidr(cidr)!, reason }));
const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;

export interface NeverReportLists {
  ownNetworks?: readonly IpRange[];
  allowList?: readonly IpRange[];
}

/** Classifies an address against the built-in special ranges and the operator's lists. */
export function neverReportReason(ip: ParsedIp, lists: NeverReportLists = {}): NeverReportReason | null {
  for (const { range, reason } of SPECIAL) if (rangeContains(range, ip.key)) return reason;
  if (ip.version === 6 && !rangeContains(GLOBAL_UNICAST_V6, ip.key)) return 'reserved';
  if (lists.ownNetworks?.some((r) => rangeContains(r, ip.key))) return 'own network';
  if (lists.allowList?.some((r) => rangeContains(r, ip.key))) return 'allow-listed';
  return null;
}

/** Parses a list of CIDR or single addresses from config; returns the bad entries apart. */
export function parseRangeList(entries: readonly string[]): { ranges: IpRange[]; invalid: string[] } {
  const ranges: IpRange[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const single = parseIp(entry);
    const range = single ? parseCidr(`${single.ip}/${single.version === 4 ? 32 : 128}`) : parseCidr(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return { ranges, invalid };
}
