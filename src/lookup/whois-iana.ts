// IANA whois: names the registry that holds the covering block ("refer:" or
// "whois:") and the block itself ("inetnum:"), which lets the resolver remember
// the referral for every address in that block.
import { emptyAnswer, type RegistryAnswer } from './registry-answer.js';
import { throwIfRefused } from './whois-ripe.js';
import { attr, parseRpsl } from './whois-rpsl.js';
import { parseWhoisRange } from './whois-range.js';

export function parseIanaAnswer(text: string): RegistryAnswer {
  throwIfRefused(text);
  const answer = emptyAnswer();
  const { objects } = parseRpsl(text);
  for (const o of objects) {
    const refer = attr(o, 'refer') ?? attr(o, 'whois');
    if (refer && !answer.referral) answer.referral = refer;
    const inetnum = attr(o, 'inetnum') ?? attr(o, 'inet6num');
    if (inetnum && !answer.range) {
      answer.range = parseWhoisRange(inetnum);
      answer.network = { name: attr(o, 'organisation'), handle: inetnum };
      answer.evidence.push(`inetnum: ${inetnum}`.slice(0, 300));
    }
  }
  if (answer.referral) answer.evidence.push(`refer: ${answer.referral}`.slice(0, 300));
  answer.delegatedElsewhere = Boolean(answer.referral);
  answer.notFound = !answer.referral;
  return answer;
}
