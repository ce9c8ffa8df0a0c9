// The configuration file (YAML) as a zod schema. Every key has a default, so an
// empty file, or none at all, is a valid configuration. Sections belong to one
// concern each; the services read only their own section.
import { z } from 'zod';
import { isValidTimeZone } from '../core/presentation.js';
import { redactPatternProblem } from '../core/redaction.js';

const emailList = z.array(z.string().min(3)).default([]);

export const imapSchema = z
  .object({
    /** imap[s]://user:pass@host:port/Mailbox; ABUSEDESK_IMAP_URL overrides it. */
    url: z.string().optional(),
    /** Where used and old mails are moved; created when missing. */
    archiveMailbox: z.string().default('Archive'),
    /** Accept a self-signed server certificate (only for a server you run). */
    insecureTls: z.boolean().default(false),
    /** Messages fetched per batch (one SQLite transaction each). */
    batchSize: z.number().int().min(1).max(5000).default(500),
    connectTimeoutMs: z.number().int().min(100).default(15_000),
  })
  .strict()
  .default({ archiveMailbox: 'Archive', insecureTls: false, batchSize: 500, connectTimeoutMs: 15_000 });

export const smtpSchema = z
  .object({
    /** smtp[s]://user:pass@host:port; ABUSEDESK_SMTP_URL overrides it. */
    url: z.string().optional(),
    insecureTls: z.boolean().default(false),
    /** Written instead of sending when set: each complaint as an .eml file (the demo uses it). */
    outboxDir: z.string().optional(),
    timeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict()
  .default({ insecureTls: false, timeoutMs: 30_000 });

export const operatorSchema = z
  .object({
    /** Shown in complaints as who is reporting. */
    organisation: z.string().default('abusedesk operator'),
    /** From: of complaints, e.g. "Abuse desk <abuse@example.net>". */
    from: z.string().default('abusedesk <abuse@localhost>'),
    replyTo: z.string().optional(),
    cc: emailList,
    bcc: emailList,
    /** Domain for Message-IDs and X-ARF Report-IDs. */
    domain: z.string().default('localhost'),
    /** IANA zone name shown next to times in complaints, e.g. "Europe/Berlin". */
    timezone: z.string().refine(isValidTimeZone, 'not a known IANA time zone (e.g. Europe/Berlin, UTC)').default('UTC'),
    /** Networks (CIDR or single addresses) that are the operator's own: never reported, redacted. */
    ownNetworks: z.array(z.string()).default([]),
    /** Host names of the operator's servers, replaced in complaints when redaction asks for it. */
    ownHostnames: z.array(z.string()).default([]),
  })
  .strict()
  .default({
    organisation: 'abusedesk operator',
    from: 'abusedesk <abuse@localhost>',
    cc: [],
    bcc: [],
    domain: 'localhost',
    timezone: 'UTC',
    ownNetworks: [],
    ownHostnames: [],
  });

/**
 * Who may send reports: e-mail addresses ("fail2ban@web1.example.net"), domains
 * ("example.net", matching the sender's domain and its subdomains) or reporting
 * host names from the subject. Empty: every sender is trusted (and the tool says so).
 */
export const trustedReportersSchema = z.array(z.string().min(1)).default([]);

export const policySchema = z
  .object({
    minReports: z.number().int().min(1).default(3),
    windowDays: z.number().min(0.01).default(7),
    minReporters: z.number().int().min(1).default(2),
    maxComplaintsPerIpPerDay: z.number().int().min(0).default(4),
    maxComplaintsPerRecipientPerDay: z.number().int().min(0).default(20),
    /** Addresses or ranges never reported. */
    allowList: z.array(z.string()).default([]),
    /** Mails older than this many days are moved to the archive mailbox. */
    archiveAfterDays: z.number().min(0).default(7),
  })
  .strict()
  .default({
    minReports: 3,
    windowDays: 7,
    minReporters: 2,
    maxComplaintsPerIpPerDay: 4,
    maxComplaintsPerRecipientPerDay: 20,
    allowList: [],
    archiveAfterDays: 7,
  });

export const lookupSchema = z
  .object({
    /** Offline mode: only overrides and the cache (the demo uses it). */
    offline: z.boolean().default(false),
    /** A JSON file of contacts served without network (the demo's offline data). */
    offlineContactsFile: z.string().optional(),
    rdap: z
      .object({
        enabled: z.boolean().default(true),
        /** IANA bootstrap files (ipv4.json, ipv6.json) to use instead of the shipped snapshot. */
        bootstrapDir: z.string().optional(),
        /** Replace base URLs from the bootstrap data: { "https://rdap.db.ripe.net/": "http://127.0.0.1:8080/" }. */
        baseUrlMap: z.record(z.string(), z.string()).default({}),
        /** One base URL for every address (tests, proxies). */
        baseUrl: z.string().optional(),
        /** Where fresh bootstrap files (ipv4.json, ipv6.json) are fetched from when online. */
        bootstrapUrl: z.string().default('https://data.iana.org/rdap/'),
        /** Fetch fresh bootstrap files when the kept copy is older than this; 0 = never (use the snapshot). */
        bootstrapRefreshDays: z.number().min(0).default(30),
      })
      .strict()
      .default({ enabled: true, baseUrlMap: {}, bootstrapUrl: 'https://data.iana.org/rdap/', bootstrapRefreshDays: 30 }),
    whois: z
      .object({
        enabled: z.boolean().default(true),
        /** Where referrals start. */
        server: z.string().default('whois.iana.org'),
        /** Replace host names by host:port ("whois.ripe.net": "127.0.0.1:4301"). */
        serverMap: z.record(z.string(), z.string()).default({}),
        maxReferrals: z.number().int().min(0).max(5).default(3),
      })
      .strict()
      .default({ enabled: true, server: 'whois.iana.org', serverMap: {}, maxReferrals: 3 }),
    timeoutMs: z.number().int().min(100).default(10_000),
    /** Minimum gap between two requests to one registry server. */
    minGapMs: z.number().int().min(0).default(1_000),
    /** A longer (or shorter) gap for particular servers, by name: LACNIC allows about 10 whois queries a minute. */
    serverGapMs: z.record(z.string(), z.number().int().min(0)).default({ 'whois.lacnic.net': 6_000 }),
    /** First pause after an error or rate-limit answer from a server; doubles per further error. */
    backoffMs: z.number().int().min(0).default(60_000),
    maxBackoffMs: z.number().int().min(0).default(3_600_000),
    cacheDays: z.number().min(0).default(7),
    negativeCacheMinutes: z.number().min(0).default(60),
    maxAnswerBytes: z.number().int().min(1024).default(1_048_576),
  })
  .strict()
  .default({
    offline: false,
    rdap: { enabled: true, baseUrlMap: {}, bootstrapUrl: 'https://data.iana.org/rdap/', bootstrapRefreshDays: 30 },
    whois: { enabled: true, server: 'whois.iana.org', serverMap: {}, maxReferrals: 3 },
    timeoutMs: 10_000,
    minGapMs: 1_000,
    serverGapMs: { 'whois.lacnic.net': 6_000 },
    backoffMs: 60_000,
    maxBackoffMs: 3_600_000,
    cacheDays: 7,
    negativeCacheMinutes: 60,
    maxAnswerBytes: 1_048_576,
  });

export const complaintSchema = z
  .object({
    /** A Handlebars template for the human-readable text; the shipped one when unset. */
    template: z.string().optional(),
    /** Log lines per reporting host in the excerpt. */
    maxLogLinesPerHost: z.number().int().min(0).default(20),
    /** Replace the operator's own host names and addresses in evidence. */
    redactOwnHosts: z.boolean().default(true),
    /** Extra regular expressions whose matches are replaced by "<X>" in evidence. */
    redactPatterns: z
      .array(
        z.string().superRefine((pattern, ctx) => {
          const problem = redactPatternProblem(pattern);
          if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(pattern)} ${problem}` });
        }),
      )
      .default([]),
    /** Combine several IPs for one recipient in one run into one mail. */
    combinePerRecipient: z.boolean().default(false),
    /** Test mode: every complaint goes to this address instead of the abuse contact. */
    testRecipient: z.string().optional(),
    tlp: z.enum(['white', 'green', 'amber', 'red']).default('green'),
  })
  .strict()
  .default({ maxLogLinesPerHost: 20, redactOwnHosts: true, redactPatterns: [], combinePerRecipient: false, tlp: 'green' });

export const autoSchema = z
  .object({
    /** What --auto approves on its own: eligible candidates with a confident contact, or nothing. */
    approve: z.enum(['confident', 'none']).default('confident'),
    send: z.boolean().default(true),
    archive: z.boolean().default(true),
  })
  .strict()
  .default({ approve: 'confident', send: true, archive: true });

export const configSchema = z
  .object({
    database: z.string().optional(),
    imap: imapSchema,
    smtp: smtpSchema,
    operator: operatorSchema,
    trustedReporters: trustedReportersSchema,
    policy: policySchema,
    lookup: lookupSchema,
    complaint: complaintSchema,
    auto: autoSchema,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
