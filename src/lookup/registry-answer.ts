// What every registry parser (RDAP, and whois per registry) hands back: the range
// the answer is about, the network, every address with the field it came from,
// web forms, the next server to ask, and short evidence lines. The judgement on
// the addresses lives in core/abuse-contact.ts.
import type { FoundAddress } from '../core/abuse-contact.js';

export interface AnswerRange {
  cidr?: string;
  first: string;
  last: string;
}

export interface AnswerNetwork {
  name?: string;
  country?: string;
  handle?: string;
  /** Origin AS when the answer names one (RDAP originautnums, whois origin:/OriginAS:). */
  asn?: number;
  /** Holder organisation, when named. */
  org?: string;
}

export interface RegistryAnswer {
  range: AnswerRange | null;
  network: AnswerNetwork;
  addresses: FoundAddress[];
  webForms: string[];
  /** Whois server (host or whois://host:port) the answer refers the query to. */
  referral: string | null;
  /** The answer hands the space to another registry: its own addresses are not the holder's. */
  delegatedElsewhere: boolean;
  /** "No entries found" or the whole-space placeholder object. */
  notFound: boolean;
  /** Lines that justify the result (network, range, address lines). */
  evidence: string[];
}

export function emptyAnswer(): RegistryAnswer {
  return { range: null, network: {}, addresses: [], webForms: [], referral: null, delegatedElsewhere: false, notFound: false, evidence: [] };
}

/** A registry said no: rate limit or access denied. The caller backs off. */
export class RateLimitError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RateLimitError';
  }
}

/** Network trouble or an answer that cannot be used: timeout, reset, garbage. */
export class LookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookupError';
  }
}
