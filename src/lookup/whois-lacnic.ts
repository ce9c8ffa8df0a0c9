// LACNIC whois: RPSL-like, the network names its abuse contact by handle
// ("abuse-c: ABX") and the person block with "nic-hdl: ABX" carries the "e-mail:";
// ranges in the short CIDR form "200.57.128/19"; the holder is "owner:"/"ownerid:".
// Person e-mails may be withheld as removed@lacnic.net (rejected by the judgement).
import type { RegistryAnswer } from './registry-answer.js';
import { parseRipeStyleAnswer } from './whois-ripe.js';
import { attr, parseRpsl } from './whois-rpsl.js';

export function parseLacnicAnswer(text: string): RegistryAnswer {
  const answer = parseRipeStyleAnswer(text);
  const net = parseRpsl(text).objects.find((o) => o.type === 'inetnum' || o.type === 'inet6num');
  if (net) {
    answer.network.name = attr(net, 'ownerid') ?? answer.network.name;
    answer.network.org = attr(net, 'owner') ?? answer.network.org;
    const owner = attr(net, 'owner');
    if (owner) answer.evidence.push(`owner: ${owner}`.slice(0, 300));
    const asn = /^AS(\d{1,10})$/i.exec(attr(net, 'aut-num') ?? '');
    if (asn) answer.network.asn = Number(asn[1]);
  }
  return answer;
}
