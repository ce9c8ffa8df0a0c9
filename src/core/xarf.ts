// X-ARF 0.2 PLAIN login-attack: the machine-readable part (report.txt) of a
// complaint, and a validator for it driven by the 0.1.2 schema JSON in
// fixtures/xarf/ (draft-02 style: a boolean "required" on each property, which
// today's JSON-schema libraries no longer read, hence the small checker here).
//
// API (stable):
//   XarfLoginAttack                      the fields, camel-cased
//   renderXarfReport(fields)             -> report.txt text (YAML, keys in the customary order)
//   validateXarfReport(yaml)             -> problems; [] when valid against the schema rules
//   parseXarfReport(yaml)                -> the key/value map, or null when it is no YAML map
//   xarfService(jail)                    -> { service, port, known }: the protocol and port for a Fail2Ban jail
//   XARF_LOGIN_ATTACK_SCHEMA_URL, XARF_LOGIN_ATTACK_SCHEMA
//
// Port is a required integer. Fail2Ban reports carry no port, so it comes from the
// jail name (sshd -> 22, postfix/exim/sasl -> 25, dovecot/imap -> 143, pop3 -> 110,
// ftp -> 21, web servers and web apps -> 443, asterisk/sip -> 5060, ...; a jail ending
// in a number uses it). An unknown jail keeps its name as Service and gets port 22 (ssh,
// by far the most attacked login service; 0 is not a valid port); `known: false` says so.
import YAML from 'yaml';
import schemaJson from '../../fixtures/xarf/abuse_login-attack_0.1.2.json' with { type: 'json' };
import { parseIp } from './ip-ranges.js';
import { sanitizeHeaderValue } from './sanitize.js';

export const XARF_LOGIN_ATTACK_SCHEMA_URL = 'http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json';

interface SchemaProperty {
  type: 'string' | 'integer' | 'number';
  required?: boolean;
  enum?: Array<string | number>;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

interface Schema {
  type: 'object';
  additionalProperties?: boolean;
  properties: Record<string, SchemaProperty>;
}

export const XARF_LOGIN_ATTACK_SCHEMA = schemaJson as Schema;

export type XarfSourceType = 'ipv4' | 'ipv6' | 'ip-address';
export type Tlp = 'white' | 'green' | 'amber' | 'red';

export interface XarfLoginAttack {
  /** The reporter's address (addr-spec only). */
  reportedFrom: string;
  /** Protocol name ("ssh", "smtp"); see xarfService. */
  service: string;
  port: number;
  /** "abusedesk/<version>". */
  userAgent: string;
  /** "<unique>@<domain>". */
  reportId: string;
  /** RFC 3339. */
  date: string;
  source: string;
  sourceType: XarfSourceType;
  /** Sum of failures; left out when unknown. */
  occurrences?: number | null;
  tlp?: Tlp | null;
  destination?: string | null;
  destinationType?: XarfSourceType | null;
}

export function renderXarfReport(fields: XarfLoginAttack): string {
  const clean = (v: string) => sanitizeHeaderValue(v, 500);
  // Insertion order is the output order (the customary one of Fail2Ban's xarf-login-attack).
  const map: Record<string, string | number> = {
    'Reported-From': clean(fields.reportedFrom),
    Category: 'abuse',
    'Report-Type': 'login-attack',
    Service: clean(fields.service),
    Version: '0.2',
    'User-Agent': clean(fields.userAgent),
    Date: clean(fields.date),
    'Source-Type': fields.sourceType,
    Source: clean(fields.source),
    Port: fields.port,
    'Report-ID': clean(fields.reportId),
  };
  if (fields.destination) {
    map.Destination = clean(fields.destination);
    if (fields.destinationType) map['Destination-Type'] = fields.destinationType;
  }
  if (fields.occurrences != null && fields.occurrences > 0) map.Occurrences = fields.occurrences;
  if (fields.tlp) map.TLP = fields.tlp;
  map.Attachment = 'text/plain';
  map['Schema-URL'] = XARF_LOGIN_ATTACK_SCHEMA_URL;
  let out = '';
  for (const [key, value] of Object.entries(map)) out += `${key}: ${yamlScalar(value)}\n`;
  return out;
}

// A value is written plain only when YAML 1.1 and 1.2 both read it back as the same string
// (no numbers, booleans, timestamps, sexagesimals, indicators); otherwise double-quoted, which
// JSON string syntax is a subset of. Values are single-line and control-free by then.
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9._@/+:-]*$/;
const YAML11_WORDS = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

function yamlScalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (PLAIN_WORD.test(value) && !value.endsWith(':') && !YAML11_WORDS.test(value)) return value;
  // Dotted quads are never numbers; IPv6 only when a letter or "::" rules out a sexagesimal.
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(value) && parseIp(value)?.ip === value) return value;
  if (/^[0-9a-f:]+$/.test(value) && /[a-f]|::/.test(value) && parseIp(value)?.ip === value) return value;
  return JSON.stringify(value);
}

export function parseXarfReport(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = YAML.parse(text, { version: '1.2', uniqueKeys: true });
  } catch {
    return null;
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const EMAIL = /^[^\s@<>()",;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function checkFormat(format: string, value: string): boolean {
  switch (format) {
    case 'email':
      return EMAIL.test(value);
    case 'date-time':
      return RFC3339.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
    case 'ip-address-or-ipv6':
      return parseIp(value) !== null && !/^\s|\s$/.test(value);
    default:
      return true;
  }
}

export function validateXarfReport(text: string): string[] {
  const report = parseXarfReport(text);
  if (!report) return ['report.txt is not a YAML key/value map'];
  const problems: string[] = [];
  const schema = XARF_LOGIN_ATTACK_SCHEMA;
  for (const [name, rule] of Object.entries(schema.properties)) {
    const value = report[name];
    if (value === undefined || value === null) {
      if (rule.required) problems.push(`${name}: required`);
      continue;
    }
    if (rule.type === 'string' && typeof value !== 'string') {
      problems.push(`${name}: must be a string`);
      continue;
    }
    if (rule.type === 'integer' && !Number.isInteger(value)) {
      problems.push(`${name}: must be an integer`);
      continue;
    }
    if (rule.type === 'number' && typeof value !== 'number') {
      problems.push(`${name}: must be a number`);
      continue;
    }
    if (rule.enum && !rule.enum.includes(value as string | number)) {
      problems.push(`${name}: must be one of ${rule.enum.join(', ')}`);
    }
    if (typeof value === 'string') {
      if (rule.minLength !== undefined && value.length < rule.minLength) problems.push(`${name}: must not be empty`);
      if (rule.pattern && !new RegExp(rule.pattern).test(value)) problems.push(`${name}: does not match ${rule.pattern}`);
      if (rule.format && !checkFormat(rule.format, value)) problems.push(`${name}: not a valid ${rule.format}`);
    }
    if (typeof value === 'number') {
      if (rule.minimum !== undefined && value < rule.minimum) problems.push(`${name}: must be at least ${rule.minimum}`);
      if (rule.maximum !== undefined && value > rule.maximum) problems.push(`${name}: must be at most ${rule.maximum}`);
    }
  }
  if (schema.additionalProperties === false) {
    for (const name of Object.keys(report)) if (!(name in schema.properties)) problems.push(`${name}: unknown field`);
  }
  // Source-Type must say what Source is (a check the schema cannot express).
  const source = typeof report.Source === 'string' ? parseIp(report.Source) : null;
  const sourceType = report['Source-Type'];
  if (source && (sourceType === 'ipv4' || sourceType === 'ipv6') && sourceType !== `ipv${source.version}`) {
    problems.push(`Source-Type: ${sourceType} does not match Source ${report.Source}`);
  }
  return problems;
}

// First match wins; checked against the lower-cased jail name.
const SERVICE_PORTS: Array<[RegExp, string, number]> = [
  [/ssh|dropbear/, 'ssh', 22],
  [/submission/, 'smtp', 587],
  [/sasl|postfix|exim|sendmail|smtp|qmail|haraka|opensmtpd/, 'smtp', 25],
  [/sieve/, 'sieve', 4190],
  [/pop3?(?![a-z])/, 'pop3', 110],
  [/dovecot|courier|imap|cyrus|zimbra/, 'imap', 143],
  [/ftp/, 'ftp', 21],
  [/asterisk|freeswitch|sip|kamailio|opensips/, 'sip', 5060],
  [/webmin/, 'http', 10000],
  [/proxmox|pve/, 'http', 8006],
  [/cockpit/, 'http', 9090],
  [/nginx|apache|httpd|http|lighttpd|caddy|traefik|haproxy|wordpress|wp-|php|roundcube|horde|sogo|nextcloud|owncloud|drupal|joomla|gitlab|gitea|grafana|jenkins|mediawiki|web|nginx/, 'http', 443],
  [/mysql|mariadb/, 'mysql', 3306],
  [/postgres|pgsql/, 'postgresql', 5432],
  [/mssql/, 'mssql', 1433],
  [/mongo/, 'mongodb', 27017],
  [/redis/, 'redis', 6379],
  [/rdp/, 'rdp', 3389],
  [/vnc/, 'vnc', 5900],
  [/telnet/, 'telnet', 23],
  [/openvpn/, 'openvpn', 1194],
  [/ldap/, 'ldap', 389],
  [/samba|smb/, 'smb', 445],
  [/squid|proxy/, 'http-proxy', 3128],
  [/named|bind9?(?![a-z])|dns/, 'dns', 53],
  [/murmur|mumble/, 'mumble', 64738],
];

export interface XarfServiceGuess {
  service: string;
  port: number;
  /** false: an unknown jail, reported with its own name and port 22. */
  known: boolean;
}

const serviceCache = new Map<string, XarfServiceGuess>();

export function xarfService(jail: string): XarfServiceGuess {
  const cached = serviceCache.get(jail);
  if (cached) return cached;
  const name = jail.toLowerCase();
  let guess: XarfServiceGuess | null = null;
  for (const [pattern, service, port] of SERVICE_PORTS) {
    if (pattern.test(name)) {
      guess = { service, port, known: true };
      break;
    }
  }
  if (!guess) {
    const numeric = /(?:^|[^0-9])([0-9]{2,5})$/.exec(name);
    const port = numeric ? Number(numeric[1]) : 0;
    guess = port >= 1 && port <= 65535 ? { service: sanitizeHeaderValue(jail, 60), port, known: true } : { service: sanitizeHeaderValue(jail, 60) || 'unknown', port: 22, known: false };
  }
  if (serviceCache.size < 1000) serviceCache.set(jail, guess);
  return guess;
}
