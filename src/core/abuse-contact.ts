// Judgement on the addresses a registry answer names: which are real abuse
// mailboxes, which are placeholders, catch-alls or registry addresses that must
// never be mailed, how sure we are, and which one to use. Pure: the lookup code
// gathers the addresses with the field they came from; this decides.

export type Confidence = 'high' | 'medium' | 'low';

/** Where in an answer an address was found. Structured fields beat free text. */
export type AddressField =
  | 'override'
  | 'offline'
  | 'rdap-abuse' // email of an RDAP entity with role "abuse" (any depth)
  | 'abuse-comment' // RIPE/APNIC "% Abuse contact for '<range>' is '<email>'"
  | 'abuse-mailbox' // abuse-mailbox: of the abuse-c role or the org
  | 'irt' // APNIC irt object's abuse-mailbox
  | 'irt-email' // irt object's plain e-mail
  | 'org-abuse-email' // ARIN OrgAbuseEmail
  | 'resource-abuse-email' // ARIN RAbuseEmail
  | 'abuse-c-email' // LACNIC abuse-c handle -> e-mail
  | 'rdap-other' // email of a non-abuse RDAP entity (registrant, technical)
  | 'contact-email' // e-mail/OrgTechEmail of a non-abuse contact
  | 'remarks' // free text in remarks:/descr:/RDAP remarks
  | 'free-text';

export interface FoundAddress {
  address: string;
  field: AddressField;
  /** The answer line (or entity summary) it came from; shown as evidence. */
  evidence: string;
}

export interface JudgedAddress {
  /** Normalised (trimmed, domain lower-cased) when valid; the raw text otherwise. */
  address: string;
  field: AddressField;
  confidence: Confidence;
  accepted: boolean;
  reason: string;
  evidence: string;
}

export interface JudgementContext {
  /** Network name/handle/org, to tell a registry's own space from space it only points elsewhere. */
  networkNames?: Array<string | undefined>;
  /** The answer hands the range to another registry (referral, "allocated to"): its addresses are the registry's, not the holder's. */
  delegatedElsewhere?: boolean;
}

export interface Judgement {
  chosen: JudgedAddress | null;
  all: JudgedAddress[];
}

const FIELD_RANK: Record<AddressField, number> = {
  override: 0,
  offline: 0,
  'rdap-abuse': 1,
  'abuse-comment': 1,
  'abuse-mailbox': 1,
  irt: 1,
  'org-abuse-email': 1,
  'resource-abuse-email': 1,
  'abuse-c-email': 1,
  'irt-email': 2,
  remarks: 3,
  'rdap-other': 4,
  'contact-email': 4,
  'free-text': 5,
};

const STRUCTURED_ABUSE = new Set<AddressField>([
  'override',
  'offline',
  'rdap-abuse',
  'abuse-comment',
  'abuse-mailbox',
  'irt',
  'irt-email',
  'org-abuse-email',
  'resource-abuse-email',
  'abuse-c-email',
]);

export function isStructuredAbuseField(field: AddressField): boolean {
  return STRUCTURED_ABUSE.has(field);
}

// RFC 5321-ish, strict enough to refuse junk ("abuse@", "a@b", "x@-y.com", spaces).
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The normalised address, or null when it is not a deliverable-looking mailbox. */
export function normalizeAddress(text: string): string | null {
  const trimmed = text.trim().replace(/^<|>$/g, '').replace(/^mailto:/i, '').replace(/[.,;]+$/, '');
  if (trimmed.length > 254) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return null;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (!/^[a-z]{2,63}$|^xn--[a-z0-9-]+$/.test(labels[labels.length - 1]!)) return null;
  return `${local}@${domain}`;
}

// Addresses registries put where the real one was withheld, and texts that stand for "no address".
const PLACEHOLDER_ADDRESSES = new Set(['removed@lacnic.net', 'nomail@lacnic.net', 'unread@ripe.net', 'noemail@afrinic.net']);
const PLACEHOLDER_TEXT =
  /redacted|not[\s._-]*disclosed|withheld|data[\s._-]*protect|privacy[\s._-]*(?:protect|redact)|no[\s._-]*(?:e-?mail|abuse|contact)[\s._-]*(?:available|registered)?@|^(?:none|null|nobody|unknown|invalid|n\/?a)@|@(?:invalid|localhost|none|unknown)(?:\.|$)/i;

/** Domains of the registries themselves: their addresses are for the registry's own networks. */
const REGISTRY_DOMAINS: Record<string, RegExp> = {
  'ripe.net': /ripe[\s-]*(?:ncc|network coordination)/i,
  'arin.net': /^arin\b|american registry for internet numbers/i,
  'apnic.net': /^apnic\b|asia pacific network information/i,
  'lacnic.net': /^lacnic\b|latin american and caribbean/i,
  'afrinic.net': /^afrinic\b|african network information/i,
  'iana.org': /^iana\b|internet assigned numbers/i,
};

export function registryOfAddress(address: string): string | null {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  for (const reg of Object.keys(REGISTRY_DOMAINS)) if (domain === reg || domain.endsWith(`.${reg}`)) return reg;
  return null;
}

function baseConfidence(field: AddressField): Confidence {
  const rank = FIELD_RANK[field];
  return rank <= 1 ? 'high' : rank <= 3 ? 'medium' : 'low';
}

/** Judges every address and chooses one: the best accepted structured abuse field, first in answer order. */
export function judgeAddresses(found: readonly FoundAddress[], context: JudgementContext = {}): Judgement {
  const hasStructured = found.some((f) => STRUCTURED_ABUSE.has(f.field) && normalizeAddress(f.address) && !rejectionOf(f, context));
  const seen = new Map<string, JudgedAddress>();
  const all: JudgedAddress[] = [];
  for (const f of found) {
    const normal = normalizeAddress(f.address);
    const key = (normal ?? f.address).toLowerCase();
    const prior = seen.get(key);
    // The same address seen twice keeps its best field (first-seen order among equals).
    if (prior && FIELD_RANK[prior.field] <= FIELD_RANK[f.field]) continue;
    let judged: JudgedAddress;
    const rejected = rejectionOf(f, context);
    if (rejected) {
      judged = { address: normal ?? f.address.trim(), field: f.field, confidence: 'low', accepted: false, reason: rejected, evidence: f.evidence };
    } else if (hasStructured && !STRUCTURED_ABUSE.has(f.field)) {
      judged = {
        address: normal!,
        field: f.field,
        confidence: 'low',
        accepted: false,
        reason: `ignored: found in ${fieldLabel(f.field)} while a structured abuse field exists`,
        evidence: f.evidence,
      };
    } else {
      judged = { address: normal!, field: f.field, confidence: baseConfidence(f.field), accepted: true, reason: `from ${fieldLabel(f.field)}`, evidence: f.evidence };
    }
    if (prior) all.splice(all.indexOf(prior), 1, judged);
    else all.push(judged);
    seen.set(key, judged);
  }
  let chosen: JudgedAddress | null = null;
  for (const j of all) {
    if (!j.accepted) continue;
    if (!chosen || FIELD_RANK[j.field] < FIELD_RANK[chosen.field]) chosen = j;
  }
  return { chosen, all };
}

function rejectionOf(f: FoundAddress, context: JudgementContext): string | null {
  const raw = f.address.trim();
  if (PLACEHOLDER_TEXT.test(raw) && !normalizeAddress(raw)) return 'placeholder: the registry withholds the address';
  const normal = normalizeAddress(raw);
  if (!normal) return 'invalid address syntax';
  if (PLACEHOLDER_ADDRESSES.has(normal.toLowerCase()) || PLACEHOLDER_TEXT.test(normal)) return 'placeholder: the registry withholds the address';
  const registry = registryOfAddress(normal);
  if (registry && f.field !== 'override' && f.field !== 'offline') {
    const own = REGISTRY_DOMAINS[registry]!;
    const names = (context.networkNames ?? []).filter((n): n is string => Boolean(n));
    if (context.delegatedElsewhere || !names.some((n) => own.test(n))) {
      return `registry address (${registry}): the registry only points to the holder of this space`;
    }
  }
  return null;
}

export function fieldLabel(field: AddressField): string {
  switch (field) {
    case 'override':
      return 'a local override';
    case 'offline':
      return 'the offline contacts file';
    case 'rdap-abuse':
      return 'the RDAP abuse entity';
    case 'abuse-comment':
      return "the registry's abuse contact line";
    case 'abuse-mailbox':
      return 'abuse-mailbox';
    case 'irt':
      return 'the irt abuse-mailbox';
    case 'irt-email':
      return 'the irt e-mail';
    case 'org-abuse-email':
      return 'OrgAbuseEmail';
    case 'resource-abuse-email':
      return 'RAbuseEmail';
    case 'abuse-c-email':
      return 'the abuse-c contact e-mail';
    case 'rdap-other':
      return 'a non-abuse RDAP entity';
    case 'contact-email':
      return 'a non-abuse contact';
    case 'remarks':
      return 'remarks';
    case 'free-text':
      return 'free text';
  }
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}/g;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`)\]]+/gi;

// Free text is scanned only this far: the address patterns backtrack, and a hostile
// answer can be one megabyte-long line.
const MAX_SCANNED = 4096;

/** Addresses mentioned in free text (remarks, descr, notices). */
export function addressesInText(text: string): string[] {
  return [...new Set(text.slice(0, MAX_SCANNED).match(EMAIL_IN_TEXT) ?? [])].slice(0, 20);
}

/** URLs in a remark that speaks of abuse reporting: the holder's web form. */
export function webFormsInText(text: string): string[] {
  text = text.slice(0, MAX_SCANNED);
  if (!/abuse|report|complain|spam/i.test(text)) return [];
  return [...new Set((text.match(URL_IN_TEXT) ?? []).map((u) => u.replace(/[.,;]+$/, '')))].slice(0, 5);
}
