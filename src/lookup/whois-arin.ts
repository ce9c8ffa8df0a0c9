// ARIN whois (query "n + <ip>"): flat "Key: value" blocks. Several networks may be
// listed, least specific first: the last NetRange section is the answer. Space
// ARIN does not hold carries "ReferralServer: whois://whois.ripe.net" (if several
// appear, the last one wins). Abuse addresses: RAbuseEmail (resource level) and
// OrgAbuseEmail (organisation); tech/NOC addresses are only fallbacks.
import { addressesInText, webFormsInText, type AddressField, type FoundAddress } from '../core/abuse-contact.js';
import { emptyAnswer, type RegistryAnswer } from './registry-answer.js';
import { throwIfRefused } from './whois-ripe.js';
import { parseWhoisRange } from './whois-range.js';
import { MAX_VALUE } from './whois-rpsl.js';

const FIELDS: Record<string, AddressField> = {
  rabuseemail: 'resource-abuse-email',
  orgabuseemail: 'org-abuse-email',
  rtechemail: 'contact-email',
  orgtechemail: 'contact-email',
  rnocemail: 'contact-email',
  orgnocemail: 'contact-email',
};

export function parseArinAnswer(text: string): RegistryAnswer {
  throwIfRefused(text);
  const answer = emptyAnswer();
  const lines = text.split(/\r?\n|\r/, 20_000).map((l) => l.slice(0, MAX_VALUE));
  for (const line of lines) {
    const m = /^ReferralServer:\s*(\S+)/i.exec(line);
    if (m) answer.referral = m[1]!;
  }
  let start = -1;
  lines.forEach((line, i) => {
    if (/^NetRange:/i.test(line)) start = i;
  });
  if (start < 0) {
    answer.notFound = true;
    return answer;
  }
  const section = lines.slice(start);
  const found: FoundAddress[] = [];
  const get = (key: string) => {
    const line = section.find((l) => l.toLowerCase().startsWith(`${key.toLowerCase()}:`));
    return line ? line.slice(line.indexOf(':') + 1).trim() : undefined;
  };
  const netRange = get('NetRange');
  answer.range = parseWhoisRange(netRange);
  const cidr = get('CIDR');
  if (answer.range && cidr && !cidr.includes(',')) {
    const c = parseWhoisRange(cidr);
    if (c?.cidr && c.first === answer.range.first && c.last === answer.range.last) answer.range.cidr = c.cidr;
  }
  const asn = /AS(\d{1,10})/i.exec(get('OriginAS') ?? '');
  answer.network = {
    name: get('NetName'),
    handle: get('NetHandle'),
    country: get('Country'),
    org: get('Organization') ?? get('CustName') ?? get('OrgName'),
    ...(asn ? { asn: Number(asn[1]) } : {}),
  };
  answer.evidence.push(`NetRange: ${netRange ?? ''}`, `NetName: ${answer.network.name ?? ''}`);
  if (/allocated to|transferred to/i.test(get('NetType') ?? '')) answer.delegatedElsewhere = true;
  if (answer.referral) answer.delegatedElsewhere = true;
  for (const line of section) {
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const field = FIELDS[key];
    if (field && m[2]!.trim()) found.push({ address: m[2]!.trim(), field, evidence: line.trim().slice(0, 300) });
  }
  for (const line of section) {
    if (!/^Comment:/i.test(line)) continue;
    for (const a of addressesInText(line)) found.push({ address: a, field: 'remarks', evidence: line.trim().slice(0, 300) });
    answer.webForms.push(...webFormsInText(line));
  }
  // Resource-level abuse first, then the organisation's.
  found.sort((a, b) => order(a.field) - order(b.field));
  answer.addresses = found;
  return answer;
}

function order(field: AddressField): number {
  return field === 'resource-abuse-email' ? 0 : field === 'org-abuse-email' ? 1 : 2;
}
