// Redaction before anything leaves the desk: the operator's own host names and
// addresses, e-mail addresses in log lines ("<X>", as blocklist.de does) and
// configured patterns. The attacking address itself is never redacted: lines are
// split around it and only the pieces between are rewritten.
//
// API (stable):
//   RedactionOptions                       what to redact (from Config['operator'] and Config['complaint'])
//   createRedactor(options)                -> Redactor; throws RedactionConfigError for a bad pattern or network
//   validateRedactPatterns(patterns)       -> config problems, each naming the pattern (for config checks)
//   redactPatternProblem(pattern)          -> the problem with one pattern or null (config schema uses it)
//   Redactor.line(text, keepIps)           one log line: sanitised (no control characters) and redacted
//   Redactor.host(name)                    a reporting host name as shown ("<redacted-host-1>" when own)
//   Redactor.hostsIn(text)                 own host names and addresses replaced in any one-line text
//                                          (Message-IDs); no e-mail masking, no patterns
//   REDACTED_IP, REDACTED_MASK
//
// Own hosts are operator.ownHostnames plus the reporting hosts of the complaint (they are the
// operator's servers by definition); each distinct host gets a numbered placeholder so the
// recipient still sees how many hosts were attacked. In syslog-style lines the host field
// ("Nov 24 04:00:01 web1 sshd[1]: ...") is matched by the short name too; a name without a dot
// is matched only there (a bare "mail" would otherwise hit "mail from").
import { parseIp, parseRangeList, rangeContains, type IpRange, type ParsedIp } from './ip-ranges.js';
import { sanitizeLine } from './sanitize.js';

export const REDACTED_IP = '<redacted-ip>';
export const REDACTED_MASK = '<X>';

export interface RedactionOptions {
  /** complaint.redactOwnHosts: replace own host names and addresses. */
  redactOwnHosts: boolean;
  /** operator.ownHostnames */
  ownHostnames: readonly string[];
  /** operator.ownNetworks (CIDR or single addresses) */
  ownNetworks: readonly string[];
  /** complaint.redactPatterns (regular expressions, matches become "<X>") */
  redactPatterns: readonly string[];
  /** More own host names, e.g. the reporting hosts of the complaint. */
  reportingHosts?: readonly (string | null)[];
}

export class RedactionConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'RedactionConfigError';
  }
}

export interface Redactor {
  line(text: string, keepIps: readonly string[]): string;
  host(name: string | null): string;
  hostsIn(text: string): string;
}

const patternCache = new Map<string, RegExp | string>();

function compilePattern(pattern: string, index: number): RegExp | string {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  const label = `complaint.redactPatterns[${index}] ${JSON.stringify(pattern)}`;
  let result: RegExp | string;
  try {
    const re = new RegExp(pattern, 'g');
    // A pattern that matches nothing would put "<X>" between every character.
    result = re.test('') ? `${label} matches the empty string` : re;
  } catch (error) {
    result = `${label} is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`;
  }
  if (patternCache.size < 200) patternCache.set(pattern, result);
  return result;
}

/** What is wrong with one pattern ("is not a valid regular expression: ...", "matches the empty string"), or null. */
export function redactPatternProblem(pattern: string): string | null {
  const compiled = compilePattern(pattern, 0);
  return typeof compiled === 'string' ? compiled.replace(/^complaint\.redactPatterns\[0\] "(?:[^"\\]|\\.)*" /, '') : null;
}

export function validateRedactPatterns(patterns: readonly string[]): string[] {
  return patterns.map(compilePattern).filter((p): p is string => typeof p === 'string');
}

// Candidate IP tokens; each is checked with parseIp, so timestamps ("04:00:01") stay text.
const IP_TOKEN = /(?<![0-9A-Za-z.:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z.:])|(?<![0-9A-Za-z.])\d{1,3}(?:\.\d{1,3}){3}(?![0-9A-Za-z]|\.\d)/g;
// The lookbehind makes a match start only where a run of address characters starts: without it a
// long run with no "@" (attacker-made) costs quadratic time.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\.[A-Za-z0-9-]+)*/g;
// Optional "path:" prefix (grep over several files), a syslog or ISO timestamp, then the host field.
const SYSLOG_HOST = /^((?:\/[^\s:]*:)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*) )(\S+)(?= )/;

// parseIp (ipaddr.js) throws internally on non-addresses, which is slow at the scale of
// thousands of log lines; this cheap gate keeps timestamps ("04:00:01") and plain dotted
// quads off that path. A valid IPv6 text has "::" or exactly seven colons.
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function tokenIp(token: string): ParsedIp | null {
  const quad = DOTTED_QUAD.exec(token);
  if (quad) {
    let key = '4:';
    for (let i = 1; i <= 4; i++) {
      const part = quad[i];
      if (part.length > 1 && part[0] === '0') return null;
      const n = Number(part);
      if (n > 255) return null;
      key += n.toString(16).padStart(2, '0');
    }
    return { ip: token, version: 4, key };
  }
  if (!token.includes('::') && token.split(':').length !== 8) return null;
  return parseIp(token);
}

// One redactor per complaint, the same config every time: parse the networks once.
const rangeCache = new Map<string, ReturnType<typeof parseRangeList>>();

function ownNetworkRanges(entries: readonly string[]): ReturnType<typeof parseRangeList> {
  const key = entries.join('\n');
  let parsed = rangeCache.get(key);
  if (!parsed) {
    parsed = parseRangeList(entries);
    if (rangeCache.size >= 20) rangeCache.clear();
    rangeCache.set(key, parsed);
  }
  return parsed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(options: RedactionOptions): Redactor {
  const problems: string[] = [];
  const patterns: RegExp[] = [];
  options.redactPatterns.forEach((p, i) => {
    const compiled = compilePattern(p, i);
    if (typeof compiled === 'string') problems.push(compiled);
    else patterns.push(compiled);
  });
  let networks: IpRange[] = [];
  if (options.redactOwnHosts) {
    const parsed = ownNetworkRanges(options.ownNetworks);
    networks = parsed.ranges;
    for (const bad of parsed.invalid) problems.push(`operator.ownNetworks ${JSON.stringify(bad)} is not an address or CIDR range`);
  }
  if (problems.length) throw new RedactionConfigError(problems);

  // Own host names: full name -> number; short (first label) -> number for the syslog host field.
  const numbers = new Map<string, number>();
  const shortNames = new Map<string, number>();
  if (options.redactOwnHosts) {
    const names = [...(options.reportingHosts ?? []), ...options.ownHostnames];
    for (const raw of names) {
      const name = raw?.trim().toLowerCase().replace(/\.$/, '');
      if (!name || numbers.has(name)) continue;
      const n = numbers.size + 1;
      numbers.set(name, n);
      const short = name.split('.')[0];
      if (short && short !== name && !shortNames.has(short)) shortNames.set(short, n);
    }
  }
  const placeholder = (n: number) => `<redacted-host-${n}>`;
  // Longest first so "mail.example.net" wins over "example.net".
  // Only dotted names are replaced in free text: a bare "mail" or "gw" (old Fail2Ban subjects
  // carry short names) would also hit ordinary words; bare names are matched in the syslog
  // host field only.
  const hostNames = [...numbers.keys()].filter((n) => n.includes('.')).sort((a, b) => b.length - a.length);
  const hostPattern = hostNames.length
    ? new RegExp(`(?<![A-Za-z0-9.-])(?:${hostNames.map(escapeRegExp).join('|')})(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`, 'gi')
    : null;

  const isOwnIp = (token: string): boolean => {
    const ip = tokenIp(token);
    return ip !== null && networks.some((r) => rangeContains(r, ip.key));
  };

  function redactNames(piece: string): string {
    return hostPattern ? piece.replace(hostPattern, (m) => placeholder(numbers.get(m.toLowerCase()) ?? 0)) : piece;
  }

  function redactHosts(piece: string): string {
    const out = networks.length ? piece.replace(IP_TOKEN, (token) => (isOwnIp(token) ? REDACTED_IP : token)) : piece;
    return redactNames(out);
  }

  /** E-mail masking, own host names and patterns; own addresses are already replaced. */
  function redactRest(piece: string): string {
    if (!piece) return piece;
    let out = piece.includes('@') ? piece.replace(EMAIL, REDACTED_MASK) : piece;
    out = redactNames(out);
    for (const re of patterns) {
      re.lastIndex = 0;
      out = out.replace(re, REDACTED_MASK);
    }
    return out;
  }

  // The same keep list comes with every line of an address: canonicalise it once.
  let lastKeepIps: readonly string[] | null = null;
  let keep = new Set<string>();
  let keepList: string[] = [];
  let keepV4Only = true;

  return {
    host(name) {
      if (!name) return 'unknown host';
      const n = numbers.get(name.trim().toLowerCase().replace(/\.$/, ''));
      return n ? placeholder(n) : sanitizeLine(name);
    },
    hostsIn(text) {
      return redactHosts(sanitizeLine(text));
    },
    line(text, keepIps) {
      let line = sanitizeLine(text);
      if (shortNames.size || numbers.size) {
        line = line.replace(SYSLOG_HOST, (whole, prefix: string, host: string) => {
          const key = host.toLowerCase();
          const n = numbers.get(key) ?? shortNames.get(key);
          return n ? `${prefix}${placeholder(n)}` : whole;
        });
      }
      if (keepIps !== lastKeepIps) {
        lastKeepIps = keepIps;
        keepList = keepIps.map((ip) => parseIp(ip)?.ip ?? ip);
        keep = new Set(keepList);
        keepV4Only = keepList.every((ip) => DOTTED_QUAD.test(ip));
      }
      // One pass over the address tokens: the attacking address(es) pass through untouched and
      // split the line; own addresses become REDACTED_IP; the text between gets the rest. An
      // IPv4 address appears in any spelling as its dotted quad, so without own networks a line
      // that lacks it needs no scan at all.
      if (!networks.length && keepV4Only && !keepList.some((ip) => line.includes(ip))) return redactRest(line);
      let out = '';
      let pending = '';
      let last = 0;
      for (const match of line.matchAll(IP_TOKEN)) {
        const token = match[0];
        const start = match.index ?? 0;
        const ip = keep.has(token) ? null : tokenIp(token);
        if (!ip && !keep.has(token)) continue;
        if (!ip || keep.has(ip.ip)) {
          out += redactRest(pending + line.slice(last, start)) + token;
          pending = '';
        } else if (networks.some((r) => rangeContains(r, ip.key))) {
          pending += line.slice(last, start) + REDACTED_IP;
        } else {
          continue;
        }
        last = start + token.length;
      }
      return out + redactRest(pending + line.slice(last));
    },
  };
}
