// Ranges as whois writes them: "a - b", CIDR, and LACNIC's short CIDR form
// ("200.57.128/19" = 200.57.128.0/19).
import { parseCidr, parseIp, rangeFromBounds, ipFromKey } from '../core/ip-ranges.js';
import type { AnswerRange } from './registry-answer.js';

export function parseWhoisRange(text: string | undefined): AnswerRange | null {
  if (!text) return null;
  const value = text.replace(/\s+#.*$/, '').trim();
  const dash = /^(\S+)\s*-\s*(\S+)$/.exec(value);
  if (dash) {
    const b = rangeFromBounds(dash[1]!, dash[2]!);
    return b ? { first: b.first, last: b.last } : null;
  }
  // Several CIDRs on one line (ARIN "CIDR: a/n, b/m"): the caller uses NetRange instead.
  const first = value.split(/[,\s]+/)[0] ?? '';
  const cidr = parseCidr(expandShortCidr(first));
  if (cidr) return { cidr: cidr.cidr, first: ipFromKey(cidr.firstKey), last: ipFromKey(cidr.lastKey) };
  const single = parseIp(first);
  return single ? { first: single.ip, last: single.ip } : null;
}

export function expandShortCidr(text: string): string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){0,3})\/(\d{1,2})$/.exec(text);
  if (!m) return text;
  const parts = m[1]!.split('.');
  while (parts.length < 4) parts.push('0');
  return `${parts.join('.')}/${m[2]}`;
}
