// Rendering the human-readable complaint text with Handlebars. The text is plain
// (noEscape: no HTML entities) and strict: a field a custom template names that
// does not exist is an error naming the field and the line, not an empty gap.
//
// API (stable):
//   DEFAULT_COMPLAINT_TEMPLATE                  the shipped template (templates/complaint.hbs is a copy for
//                                               operators to start from; a test keeps them equal)
//   ComplaintTemplateContext, AddressSection, HostLog, ContactSection, FollowUpSection
//                                               what a template can use (documented below)
//   renderComplaintTemplate(template, context)  -> text; throws ComplaintTemplateError
//   ComplaintTemplateError
//
// Helpers available in templates:
//   {{count n "report"}} / {{count n "address" "addresses"}}  -> "3 reports"
//   {{join list ", "}}                                        -> "a, b"
//   {{indent text 2}}                                         -> every line indented by 2 spaces
import Handlebars from 'handlebars';

export class ComplaintTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComplaintTemplateError';
  }
}

export interface HostLog {
  /** Reporting host as shown (redacted when own hosts are redacted). */
  host: string;
  services: string[];
  reports: number;
  /** The excerpt: the latest complaint.maxLogLinesPerHost distinct lines, sanitised and redacted. */
  lines: string[];
  /** Distinct lines this host reported in total. */
  total: number;
  omitted: number;
}

export interface ContactSection {
  /** The address the complaint goes to. */
  recipient: string;
  /** How it was found: "RIPE whois", "RDAP", "override", "offline data" (as the lookup names it). */
  source: string;
  /** Server or URL asked, or null. */
  via: string | null;
  range: string | null;
  network: string | null;
  country: string | null;
  /** Registry lines that name the contact, sanitised, bounded. */
  evidence: string[];
}

export interface FollowUpSection {
  messageId: string;
  /** Formatted in the operator's time zone. */
  sentAt: string;
}

export interface AddressSection {
  ip: string;
  ipVersion: 4 | 6;
  reports: number;
  /** Sum of the reported failures; null when no report said. */
  failures: number | null;
  hosts: string[];
  hostCount: number;
  /** Fail2Ban jails. */
  services: string[];
  /** The jails with the port they guard where known: "sshd (port 22)", "recidive". */
  servicePorts: string[];
  /** X-ARF service/port of the main jail. */
  xarfService: string;
  port: number;
  firstSeen: string;
  lastSeen: string;
  /** "2026-11-24 04:00:01 - 05:12:40 +01:00" */
  timeRange: string;
  hostLogs: HostLog[];
  /** Message-IDs of the source reports as shown (own host names redacted when configured). */
  sourceMessageIds: string[];
  contact: ContactSection;
  followUp: FollowUpSection | null;
}

export interface ComplaintTemplateContext {
  /** Several addresses in one mail (complaint.combinePerRecipient). */
  combined: boolean;
  /** The first address (the only one unless combined). */
  ip: string;
  ips: string[];
  addresses: AddressSection[];
  recipient: string;
  /** The first address's contact. */
  contact: ContactSection;
  /** The first follow-up among the addresses, or null. */
  followUp: FollowUpSection | null;
  operator: {
    organisation: string;
    from: string;
    replyTo: string | null;
    /** Where answers reach the operator: the address of replyTo, else of from ("abuse@example.net"). */
    contact: string;
  };
  /** IANA zone of all times shown. */
  timezone: string;
  /** Now, formatted. */
  date: string;
  totals: { reports: number; failures: number | null; hosts: number };
  sourceMessageIds: string[];
  xarf: { reportType: string; schemaUrl: string; reportId: string };
}

const hbs = Handlebars.create();
hbs.registerHelper('count', (n: unknown, singular: unknown, pluralArg: unknown) => {
  const noun = String(singular);
  // Handlebars passes its options object last: a missing plural arrives as that object.
  const plural = typeof pluralArg === 'string' ? pluralArg : `${noun}s`;
  return `${String(n)} ${Number(n) === 1 ? noun : plural}`;
});
hbs.registerHelper('join', (list: unknown, sep: unknown) => {
  const separator = typeof sep === 'string' ? sep : ', ';
  return Array.isArray(list) ? list.map(String).join(separator) : String(list ?? '');
});
hbs.registerHelper('indent', (text: unknown, width: unknown) => {
  const pad = ' '.repeat(typeof width === 'number' ? width : 2);
  return String(text ?? '')
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
});

type Compiled = (context: ComplaintTemplateContext) => string;
const compiled = new Map<string, Compiled>();

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/s.exec(message);
  if (missing) return `complaint template: "${missing[1]}" is not a field (line ${missing[2]}, column ${Number(missing[3]) + 1})`;
  const firstLine = message.split('\n')[0];
  const rest = message.split('\n').slice(-1)[0];
  return `complaint template: ${firstLine}${rest && rest !== firstLine ? ` (${rest})` : ''}`;
}

function compile(template: string): Compiled {
  let fn = compiled.get(template);
  if (fn) return fn;
  let delegate: HandlebarsTemplateDelegate<ComplaintTemplateContext>;
  try {
    delegate = hbs.compile<ComplaintTemplateContext>(template, { noEscape: true, strict: true });
    // Handlebars compiles lazily: force the parse now so syntax errors surface here.
    hbs.precompile(template, { noEscape: true, strict: true });
  } catch (error) {
    throw new ComplaintTemplateError(describe(error));
  }
  fn = (context) => delegate(context);
  if (compiled.size >= 20) compiled.delete(compiled.keys().next().value as string);
  compiled.set(template, fn);
  return fn;
}

export function renderComplaintTemplate(template: string, context: ComplaintTemplateContext): string {
  const fn = compile(template);
  let text: string;
  try {
    text = fn(context);
  } catch (error) {
    throw new ComplaintTemplateError(describe(error));
  }
  // Tidy: no trailing spaces, at most one blank line in a row, one final newline.
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

export const DEFAULT_COMPLAINT_TEMPLATE = `{{!--
  abusedesk complaint text (Handlebars, plain text, strict: an unknown field is an error).
  Copy this file, edit it, and set complaint.template to its path. Fields (all always present):
    combined, ip, ips, recipient, timezone, date, totals.{reports,failures,hosts}, sourceMessageIds,
    operator.{organisation,from,replyTo,contact}, followUp.{messageId,sentAt} (or null),
    contact.{recipient,source,via,range,network,country,evidence}, xarf.{reportType,schemaUrl,reportId},
    addresses: each with ip, ipVersion, reports, failures, hosts, hostCount, services, servicePorts,
      xarfService, port, firstSeen, lastSeen, timeRange, sourceMessageIds, contact, followUp,
      hostLogs: each with host, services, reports, lines, total, omitted.
  Helpers: {{count n "report"}}, {{join list ", "}}, {{indent text 2}}.
  Log lines, host names and registry text arrive sanitised and redacted.
--}}
Hello,

{{#if combined}}
we have observed login attacks on our servers from {{count addresses.length "address" "addresses"}}
in your network: {{join ips ", "}}.
{{else}}
we have observed login attacks on our servers from {{ip}}, an address in your network.
{{/if}}
Fail2Ban blocked {{#if combined}}each of them{{else}}it{{/if}} after repeated failed logins.
Please investigate and stop this activity.
{{#each addresses}}

{{#if ../combined}}
== {{ip}} ==

{{/if}}
{{#if followUp}}
This follows up on our report {{followUp.messageId}} of {{followUp.sentAt}}:
the attacks continued after it.

{{/if}}
Attacking address: {{ip}}
Attacks:           {{count reports "report"}} from {{count hostCount "host"}}{{#if failures}}, {{count failures "failed login"}}{{/if}}
Services:          {{join servicePorts ", "}}
Attacked hosts:    {{join hosts ", "}}
Time range:        {{timeRange}}

Log excerpt (times as logged by each host):
{{#each hostLogs}}

{{host}} ({{join services ", "}}, {{count reports "report"}}{{#if omitted}}, last {{lines.length}} of {{total}} lines{{/if}}):
{{#each lines}}
  {{this}}
{{/each}}
{{/each}}

Why this goes to you: {{contact.recipient}} is the abuse contact{{#if contact.range}} for {{contact.range}}{{/if}}{{#if contact.network}} ({{contact.network}}{{#if contact.country}}, {{contact.country}}{{/if}}){{/if}}
according to {{contact.source}}{{#if contact.via}} ({{contact.via}}){{/if}}:
{{#each contact.evidence}}
  {{this}}
{{/each}}

Source reports (Message-IDs of the Fail2Ban mails):
{{#each sourceMessageIds}}
  {{this}}
{{/each}}
{{/each}}

Times are in {{timezone}} unless noted. A machine-readable report in X-ARF format
(report.txt, login-attack) and the log lines (logfile.log) are attached.
{{#if combined}}
X-ARF allows one source per report: report.txt describes {{ip}}, logfile.log covers
all addresses.
{{/if}}

Please reply to {{operator.contact}} with any questions.

Regards,
{{operator.organisation}}
`;
