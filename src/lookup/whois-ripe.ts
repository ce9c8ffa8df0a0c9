// RIPE NCC whois and the registries that share its RPSL database software
// (APNIC, AFRINIC). Where the abuse address is, best first:
//   "% Abuse contact for '<range>' is '<email>'" (the registry's own resolution);
//   abuse-c -> role object abuse-mailbox:; mnt-irt -> irt object abuse-mailbox: (APNIC);
//   organisation abuse-mailbox:; and only when nothing structured exists, remarks:
//   (AFRINIC networks without abuse-c carry the address only there).
import { addressesInText, webFormsInText, type FoundAddress } from '../core/abuse-contact.js';
import { emptyAnswer, RateLimitError, type RegistryAnswer } from './registry-answer.js';
import { attr, attrLine, attrs, parseRpsl, stripEolComment, type RpslObject } from './whois-rpsl.js';
import { parseWhoisRange } from './whois-range.js';

export type RpslRegistry = 'ripe' | 'apnic' | 'afrinic' | 'lacnic';

/** Registry refusals: RIPE "%ERROR:201: access denied", APNIC/AFRINIC/LACNIC query-limit texts. */
const RATE_LIMIT = /%\s*ERROR:\s*20[1-9]\b|access denied|query (?:rate )?limit (?:exceeded|reached)|too many (?:queries|requests)|exceeded the maximum/i;
const NOT_FOUND = /%\s*ERROR:\s*101\b|no entries found|no match(?:es)? found/i;
// Objects that stand for "the whole space" or "not ours": never a holder's network.
const PLACEHOLDER_NETNAME = /^(?:IANA-BLK|IANA-BLOCK|IANA-NETBLOCK|NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK|ERX-NETBLOCK|IANA-ERX|AFRINIC-NET-TRANSFERRED|RIPE-CIDR-BLOCK|IANA-V4|IANA-V6|ROOT)/i;
const NOT_OURS = /not (?:allocated|managed|administered) (?:to|by) (?:APNIC|RIPE|AFRINIC)|transferred to (?:another|the) (?:RIR|registry)|maintained by (?:ARIN|LACNIC|RIPE|APNIC|AFRINIC)/i;

export function throwIfRefused(text: string): void {
  // Only comment lines and bare text: a remarks: attribute saying "access denied" is the holder's prose.
  for (const full of text.split(/\r?\n/, 80)) {
    const line = full.slice(0, 400);
    const bare = line.startsWith('%') || line.startsWith('#') || !/^[A-Za-z][A-Za-z0-9_-]*:/.test(line);
    if (bare && RATE_LIMIT.test(line)) throw new RateLimitError(`registry refused the query: ${line.trim().slice(0, 200)}`);
  }
}

export function parseRipeStyleAnswer(text: string): RegistryAnswer {
  throwIfRefused(text);
  const answer = emptyAnswer();
  const { objects, comments } = parseRpsl(text);
  const net = objects.find((o) => o.type === 'inetnum' || o.type === 'inet6num');
  const found: FoundAddress[] = [];

  for (const c of comments) {
    const m = /^%\s*Abuse contact for '([^']*)' is '([^']*)'/i.exec(c);
    if (m && m[2]!.trim()) found.push({ address: m[2]!, field: 'abuse-comment', evidence: c.slice(0, 300) });
    else if (/^%\s*No abuse contact registered/i.test(c)) answer.evidence.push(c.slice(0, 300));
  }
  if (!net) {
    answer.notFound = NOT_FOUND.test(comments.join('\n')) || !found.length;
    answer.addresses = found;
    return answer;
  }

  const rangeText = attr(net, net.type)!;
  answer.range = parseWhoisRange(rangeText);
  const netname = attr(net, 'netname');
  answer.network = {
    name: netname,
    country: attr(net, 'country'),
    handle: rangeText,
    org: attr(net, 'org') ?? attr(net, 'descr'),
  };
  answer.evidence.unshift(attrLine(net.type, rangeText), ...(netname ? [attrLine('netname', netname)] : []));
  const wholeSpace = answer.range && (answer.range.first === '0.0.0.0' && answer.range.last === '255.255.255.255' || answer.range.first === '::' );
  if ((netname && PLACEHOLDER_NETNAME.test(netname)) || wholeSpace) answer.notFound = true;
  if (net.attrs.some(([k, v]) => (k === 'descr' || k === 'remarks') && NOT_OURS.test(v))) answer.delegatedElsewhere = true;

  const abuseHandles = new Set(attrs(net, 'abuse-c').map((h) => stripEolComment(h).toUpperCase()));
  const irtNames = new Set(attrs(net, 'mnt-irt').map((h) => stripEolComment(h).toUpperCase()));
  const byHandle = (o: RpslObject) => (attr(o, 'nic-hdl') ?? '').toUpperCase();

  for (const o of objects) {
    if (o === net) continue;
    const isAbuseC = abuseHandles.has(byHandle(o));
    const isIrt = o.type === 'irt';
    for (const [k, v] of o.attrs) {
      const value = stripEolComment(v);
      if (k === 'abuse-mailbox') {
        found.push({ address: value, field: isIrt ? 'irt' : 'abuse-mailbox', evidence: `${o.type} ${attr(o, o.type) ?? ''}: ${attrLine(k, value)}` });
      } else if (k === 'e-mail') {
        // The abuse-c role's plain e-mail counts only where it has no abuse-mailbox (LACNIC persons).
        const field = isIrt && (irtNames.has((attr(o, 'irt') ?? '').toUpperCase()) || !irtNames.size)
          ? 'irt-email'
          : isAbuseC && !attr(o, 'abuse-mailbox')
            ? 'abuse-c-email'
            : 'contact-email';
        found.push({ address: value, field, evidence: `${o.type} ${attr(o, o.type) ?? ''}: ${attrLine(k, value)}` });
      } else if (k === 'origin' && (o.type === 'route' || o.type === 'route6')) {
        const asn = /^AS(\d{1,10})$/i.exec(value);
        if (asn && answer.network.asn === undefined) answer.network.asn = Number(asn[1]);
      }
    }
  }
  // Free text last: remarks/descr of the network and of linked objects.
  for (const o of objects) {
    for (const [k, v] of o.attrs) {
      if (k !== 'remarks' && k !== 'descr') continue;
      for (const a of addressesInText(v)) found.push({ address: a, field: 'remarks', evidence: attrLine(k, v) });
      const forms = webFormsInText(v);
      if (forms.length) answer.evidence.push(attrLine(k, v));
      answer.webForms.push(...forms);
    }
  }
  answer.addresses = found;
  answer.webForms = [...new Set(answer.webForms)];
  return answer;
}
