import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CandidateReport } from '../src/core/candidate.js';
import {
  ABUSEDESK_USER_AGENT,
  ComplaintDraftError,
  addressOf,
  checkComplaintTemplate,
  draftCombinedComplaint,
  draftComplaint,
  validateComplaintText,
  type DraftInput,
} from '../src/core/complaint-draft.js';
import { ComplaintTemplateError, DEFAULT_COMPLAINT_TEMPLATE } from '../src/core/complaint-template.js';
import { RedactionConfigError } from '../src/core/redaction.js';
import { hasControlCharacters } from '../src/core/sanitize.js';
import { parseXarfReport, validateXarfReport } from '../src/core/xarf.js';
import { complaintSchema, operatorSchema } from '../src/config/schema.js';

const IP = '203.0.113.7';

function report(id: number, reporter: string | null, service: string, at: string, logLines: string[], failures: number | null = 5, ip = IP): CandidateReport {
  return { id, messageId: `<f2b-${id}@${reporter ?? 'unknown'}>`, ip, service, reporter, failures, bannedAt: new Date(at), logLines, whois: null, trusted: true, private: false, privateReason: null };
}

const OPERATOR = operatorSchema.parse({
  organisation: 'Example Org hosting',
  from: 'Example Org abuse desk <abuse@example.org>',
  replyTo: 'abuse-replies@example.org',
  domain: 'example.org',
  timezone: 'Europe/Berlin',
  ownNetworks: ['198.51.100.0/24'],
});
const COMPLAINT = complaintSchema.parse({});

function input(over: Partial<DraftInput> = {}): DraftInput {
  return {
    ip: IP,
    recipient: 'abuse@provider.example',
    reports: [
      report(11, 'web1.example.org', 'sshd', '2026-11-24T03:00:05Z', [
        'Nov 24 04:00:01 web1 sshd[811]: Invalid user admin from 203.0.113.7 port 50122',
        'Nov 24 04:00:03 web1 sshd[811]: Failed password for invalid user admin from 203.0.113.7 port 50122 ssh2',
      ]),
      // Fail2Ban's grep repeats earlier lines of the log in the next ban mail.
      report(12, 'web1.example.org', 'sshd', '2026-11-24T03:10:05Z', [
        'Nov 24 04:00:01 web1 sshd[811]: Invalid user admin from 203.0.113.7 port 50122',
        'Nov 24 04:10:01 web1 sshd[901]: Failed password for root from 203.0.113.7 port 50200 ssh2',
      ]),
      report(13, 'mail.example.org', 'postfix-sasl', '2026-11-24T03:20:00Z', [
        'Nov 24 04:19:58 mail postfix/smtpd[77]: warning: unknown[203.0.113.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=info@example.org to 198.51.100.4',
      ], 3),
    ],
    contact: {
      source: 'RIPE whois',
      via: 'whois.ripe.net',
      range: '203.0.113.0/24',
      network: 'EXAMPLE-HOSTING',
      country: 'NL',
      evidence: "% Abuse contact for '203.0.113.0 - 203.0.113.255' is 'abuse@provider.example'\n",
    },
    operator: OPERATOR,
    complaint: COMPLAINT,
    followUp: null,
    now: new Date('2026-11-24T04:00:00Z'),
    reportId: 'c-42',
    messageId: 'c-42@example.org',
    ...over,
  };
}

const EXPECTED_TEXT = `Hello,

we have observed login attacks on our servers from 203.0.113.7, an address in your network.
Fail2Ban blocked it after repeated failed logins.
Please investigate and stop this activity.

Attacking address: 203.0.113.7
Attacks:           3 reports from 2 hosts, 13 failed logins
Services:          postfix-sasl (port 25), sshd (port 22)
Attacked hosts:    <redacted-host-1>, <redacted-host-2>
Time range:        2026-11-24 04:00:05 - 04:20:00 +01:00

Log excerpt (times as logged by each host):

<redacted-host-1> (sshd, 2 reports):
  Nov 24 04:00:01 <redacted-host-1> sshd[811]: Invalid user admin from 203.0.113.7 port 50122
  Nov 24 04:00:03 <redacted-host-1> sshd[811]: Failed password for invalid user admin from 203.0.113.7 port 50122 ssh2
  Nov 24 04:10:01 <redacted-host-1> sshd[901]: Failed password for root from 203.0.113.7 port 50200 ssh2

<redacted-host-2> (postfix-sasl, 1 report):
  Nov 24 04:19:58 <redacted-host-2> postfix/smtpd[77]: warning: unknown[203.0.113.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=<X> to <redacted-ip>

Why this goes to you: abuse@provider.example is the abuse contact for 203.0.113.0/24 (EXAMPLE-HOSTING, NL)
according to RIPE whois (whois.ripe.net):
  % Abuse contact for '203.0.113.0 - 203.0.113.255' is 'abuse@provider.example'

Source reports (Message-IDs of the Fail2Ban mails):
  f2b-11@<redacted-host-1>
  f2b-12@<redacted-host-1>
  f2b-13@<redacted-host-2>

Times are in Europe/Berlin unless noted. A machine-readable report in X-ARF format
(report.txt, login-attack) and the log lines (logfile.log) are attached.

Please reply to abuse-replies@example.org with any questions.

Regards,
Example Org hosting
`;

describe('draftComplaint: a realistic case, pinned', () => {
  const draft = draftComplaint(input());

  it('subject and headers', () => {
    expect(draft.subject).toBe('abuse report about 203.0.113.7 - 2026-11-24T05:00:00+01:00');
    expect(draft.headers).toEqual({
      'X-XARF': 'PLAIN',
      'Auto-Submitted': 'auto-generated',
      'X-Abusedesk-Report-ID': 'c-42@example.org',
      'X-Abusedesk-Source': '203.0.113.7',
    });
    expect(draft.inReplyTo).toBeNull();
  });

  it('the text', () => {
    expect(draft.text).toBe(EXPECTED_TEXT);
    expect(validateComplaintText(draft.text, draft.ips)).toEqual([]);
  });

  it('the X-ARF report validates and carries the facts', () => {
    expect(draft.xarfReport).toBe(`Reported-From: abuse-replies@example.org
Category: abuse
Report-Type: login-attack
Service: ssh
Version: "0.2"
User-Agent: ${ABUSEDESK_USER_AGENT}
Date: "2026-11-24T04:20:00+01:00"
Source-Type: ipv4
Source: 203.0.113.7
Port: 22
Report-ID: c-42@example.org
Occurrences: 13
TLP: green
Attachment: text/plain
Schema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json
`);
    expect(validateXarfReport(draft.xarfReport)).toEqual([]);
    expect(ABUSEDESK_USER_AGENT).toBe(`abusedesk/${JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}`);
  });

  it('the evidence log: distinct lines, redacted, in report order', () => {
    expect(draft.evidenceLog).toBe(`Nov 24 04:00:01 <redacted-host-1> sshd[811]: Invalid user admin from 203.0.113.7 port 50122
Nov 24 04:00:03 <redacted-host-1> sshd[811]: Failed password for invalid user admin from 203.0.113.7 port 50122 ssh2
Nov 24 04:10:01 <redacted-host-1> sshd[901]: Failed password for root from 203.0.113.7 port 50200 ssh2
Nov 24 04:19:58 <redacted-host-2> postfix/smtpd[77]: warning: unknown[203.0.113.7]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=<X> to <redacted-ip>
`);
  });

  it('the bookkeeping: source Message-IDs unredacted, report ids, addresses', () => {
    expect(draft.sourceMessageIds).toEqual(['f2b-11@web1.example.org', 'f2b-12@web1.example.org', 'f2b-13@mail.example.org']);
    expect(draft.reportIds).toEqual([11, 12, 13]);
    expect(draft.ips).toEqual([IP]);
  });

  it('nothing of the own hosts leaves in text, report or evidence', () => {
    for (const part of [draft.text, draft.xarfReport, draft.evidenceLog, draft.subject, ...Object.values(draft.headers)]) {
      expect(part).not.toMatch(/web1|mail\.example|198\.51\.100\.4|info@example\.org/);
    }
  });
});

describe('draftComplaint: variants', () => {
  it('a follow-up says so and refers to the earlier Message-ID', () => {
    const draft = draftComplaint(input({ followUp: { messageId: '<c-41@example.org>', sentAt: new Date('2026-11-23T10:00:00Z') } }));
    expect(draft.headers['In-Reply-To']).toBe('<c-41@example.org>');
    expect(draft.headers.References).toBe('<c-41@example.org>');
    expect(draft.inReplyTo).toBe('c-41@example.org');
    expect(draft.text).toContain('This follows up on our report c-41@example.org of 2026-11-23 11:00:00 +01:00:\nthe attacks continued after it.\n\nAttacking address: 203.0.113.7');
  });

  it('without redaction the host names stay, and the X-ARF Report-ID keeps a given domain', () => {
    const draft = draftComplaint(input({ complaint: { ...COMPLAINT, redactOwnHosts: false }, reportId: 'r1@other.example', operator: { ...OPERATOR, replyTo: undefined } }));
    expect(draft.text).toContain('Please reply to abuse@example.org with any questions.');
    expect(draft.text).not.toContain('X-ARF allows one source');
    expect(draft.text).toContain('Attacked hosts:    web1.example.org, mail.example.org');
    expect(draft.text).toContain('  f2b-11@web1.example.org');
    expect(draft.evidenceLog).toContain('to 198.51.100.4');
    expect(draft.evidenceLog).toContain('sasl_username=<X>');
    expect(parseXarfReport(draft.xarfReport)!['Report-ID']).toBe('r1@other.example');
  });

  it('bounds the excerpt per host (latest lines) but keeps all distinct lines in the evidence', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `Nov 24 04:00:${String(i).padStart(2, '0')} gw sshd[1]: Failed password for root from ${IP} port ${40000 + i} ssh2`);
    const draft = draftComplaint(
      input({ complaint: { ...COMPLAINT, maxLogLinesPerHost: 5 }, reports: [report(1, 'gw.example.org', 'sshd', '2026-11-24T03:00:00Z', lines, null)] }),
    );
    expect(draft.text).toContain('<redacted-host-1> (sshd, 1 report, last 5 of 30 lines):\n' + lines.slice(25).map((l) => `  ${l.replace(' gw ', ' <redacted-host-1> ')}`).join('\n') + '\n');
    expect(draft.text).not.toContain('port 40024');
    expect(draft.evidenceLog.trimEnd().split('\n')).toHaveLength(30);
    // No failure counts known: the text says nothing about them, X-ARF leaves Occurrences out.
    expect(draft.text).toContain('Attacks:           1 report from 1 host\n');
    expect(draft.xarfReport).not.toContain('Occurrences');
    expect(validateXarfReport(draft.xarfReport)).toEqual([]);
  });

  it('cuts absurdly long log lines so the text stays sendable', () => {
    const long = `Nov 24 04:00:01 gw sshd[1]: Invalid user ${'A'.repeat(10_000)} from ${IP}`;
    expect(long.length).toBe(10_058);
    const draft = draftComplaint(input({ reports: [report(1, 'gw.example.org', 'sshd', '2026-11-24T03:00:00Z', [long])] }));
    const cut = `Nov 24 04:00:01 <redacted-host-1> sshd[1]: Invalid user ${'A'.repeat(1000 - 56)}… (cut, 10058 characters)`;
    expect(cut.indexOf('…')).toBe(1000);
    expect(draft.evidenceLog).toBe(`${cut}\n`);
    expect(draft.text).toContain(`  ${cut}\n`);
    expect(validateComplaintText(draft.text, draft.ips)).toEqual([]);
  });

  it('an IPv6 attacker, an unknown jail and a report without a host', () => {
    const ip = '2001:db8:abcd::7';
    const draft = draftComplaint(
      input({ ip: '2001:DB8:ABCD:0::7', reports: [report(5, null, 'recidive', '2026-11-24T02:00:00Z', [`ban of ${ip} repeated`], 2, ip)], contact: { source: 'override', via: null, range: null, evidence: '' } }),
    );
    expect(draft.subject).toBe('abuse report about 2001:db8:abcd::7 - 2026-11-24T05:00:00+01:00');
    expect(draft.text).toContain('Services:          recidive\nAttacked hosts:    unknown host\n');
    expect(draft.text).toContain('Why this goes to you: abuse@provider.example is the abuse contact\naccording to override:\n\nSource reports');
    const xarf = parseXarfReport(draft.xarfReport)!;
    expect(xarf).toMatchObject({ Source: ip, 'Source-Type': 'ipv6', Service: 'recidive', Port: 22 });
    expect(validateXarfReport(draft.xarfReport)).toEqual([]);
  });

  it('combines several addresses for one recipient in one mail', () => {
    const other = '203.0.113.99';
    const draft = draftCombinedComplaint([
      input({ reports: [report(21, 'web1.example.org', 'sshd', '2026-11-24T03:30:00Z', [`Nov 24 04:29:59 web1 sshd[5]: Failed password for root from ${other} port 1 ssh2`], 4, other)], ip: other, followUp: { messageId: 'c-7@example.org', sentAt: new Date('2026-11-20T00:00:00Z') } }),
      input({ followUp: { messageId: 'c-9@example.org', sentAt: new Date('2026-11-22T00:00:00Z') } }),
    ]);
    // The address with the most reports comes first and is the one report.txt describes.
    expect(draft.ips).toEqual([IP, other]);
    expect(draft.subject).toBe('abuse report about 203.0.113.7, 203.0.113.99 - 2026-11-24T05:00:00+01:00');
    expect(draft.text).toContain('from 2 addresses\nin your network: 203.0.113.7, 203.0.113.99.\nFail2Ban blocked each of them');
    expect(draft.text).toContain('== 203.0.113.7 ==\n\nThis follows up on our report c-9@example.org');
    expect(draft.text).toContain('== 203.0.113.99 ==\n\nThis follows up on our report c-7@example.org');
    expect(parseXarfReport(draft.xarfReport)!.Source).toBe(IP);
    expect(draft.text).toContain('X-ARF allows one source per report: report.txt describes 203.0.113.7, logfile.log covers\nall addresses.\n');
    expect(draft.headers['X-Abusedesk-Source']).toBe('203.0.113.7, 203.0.113.99');
    expect(draft.headers['In-Reply-To']).toBe('<c-9@example.org>');
    expect(draft.headers.References).toBe('<c-7@example.org> <c-9@example.org>');
    expect(draft.reportIds.sort()).toEqual([11, 12, 13, 21]);
    expect(draft.sourceMessageIds).toEqual(['f2b-11@web1.example.org', 'f2b-12@web1.example.org', 'f2b-13@mail.example.org', 'f2b-21@web1.example.org']);
    expect(draft.evidenceLog).toContain(`Nov 24 04:29:59 <redacted-host-1> sshd[5]: Failed password for root from ${other} port 1 ssh2`);
    expect(validateComplaintText(draft.text, draft.ips)).toEqual([]);
  });

  it('refuses what cannot be a complaint', () => {
    expect(() => draftComplaint(input({ reports: [] }))).toThrow(ComplaintDraftError);
    expect(() => draftComplaint(input({ ip: 'not-an-ip' }))).toThrow('not an IP address: not-an-ip');
    expect(() => draftCombinedComplaint([input(), input({ recipient: 'abuse@elsewhere.example' })])).toThrow('a combined complaint needs one recipient');
    expect(() => draftCombinedComplaint([])).toThrow(ComplaintDraftError);
    expect(() => draftComplaint(input({ complaint: { ...COMPLAINT, redactPatterns: ['(('] } }))).toThrow(RedactionConfigError);
  });
});

describe('hostile input', () => {
  const evil = [
    `Nov 24 04:00:01 web1 sshd[1]: Invalid user \u001b[2J\u001b]0;owned\u0007root from ${IP}\r\nSubject: you have been hacked\r\nBcc: victim@example.net`,
    `\u009b31mred\u001b[0m \u0000 nul \u0008 bs \u202e reversed ${IP}`,
    'Regards,\n\nFail2Ban\n--boundary_123--\nContent-Type: text/html',
  ];
  const draft = draftComplaint(
    input({
      reports: [
        { ...report(1, 'web1.example.org\r\nX-Injected: 1', 'sshd\u001b[31m', '2026-11-24T03:00:00Z', evil), messageId: '<a@b>\r\nBcc: victim@example.net' },
      ],
      contact: { source: 'RIPE\u001b[2J whois', via: 'whois.ripe.net\r\nX-Evil: 1', range: '203.0.113.0/24', network: 'NET\u0007', country: 'NL', evidence: "remarks: \u001b]52;c;ZXZpbA==\u0007\r\n% Abuse contact for '203.0.113.0/24' is 'abuse@provider.example'" },
      operator: { ...OPERATOR, organisation: 'Org\u001b[2J' },
    }),
  );

  it('no control characters or escape sequences anywhere in text, report, evidence, subject or headers', () => {
    for (const part of [draft.text, draft.xarfReport, draft.evidenceLog]) {
      expect(hasControlCharacters(part)).toBe(false);
      expect(part).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    }
    for (const value of [draft.subject, ...Object.values(draft.headers), ...draft.sourceMessageIds]) {
      expect(value).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
  });

  it('fake header lines stay inside one evidence line, shown, not obeyed', () => {
    expect(draft.evidenceLog.split('\n').filter((l) => /^(Subject|Bcc|Content-Type):/.test(l))).toEqual([]);
    expect(draft.text).toContain('^[[2J^[]0;owned^Groot from 203.0.113.7⏎Subject: you have been hacked⏎Bcc: <X>');
    expect(draft.text).toContain('Regards,⏎⏎Fail2Ban⏎--boundary_123--⏎Content-Type: text/html');
    expect(validateXarfReport(draft.xarfReport)).toEqual([]);
  });
});

describe('templates', () => {
  it('the shipped templates/complaint.hbs is the built-in default', () => {
    expect(fs.readFileSync(new URL('../templates/complaint.hbs', import.meta.url), 'utf8')).toBe(DEFAULT_COMPLAINT_TEMPLATE);
    expect(checkComplaintTemplate(DEFAULT_COMPLAINT_TEMPLATE)).toEqual([]);
  });

  it('a custom template renders with the helpers, as plain text (no HTML escaping)', () => {
    const template = 'Abuse from {{ip}} <{{recipient}}> & co: {{count totals.reports "report"}}, {{join addresses.[0].hosts " / "}}\n{{indent contact.evidence.[0] 4}}';
    const draft = draftComplaint(input({ template }));
    expect(draft.text).toBe(
      "Abuse from 203.0.113.7 <abuse@provider.example> & co: 3 reports, <redacted-host-1> / <redacted-host-2>\n    % Abuse contact for '203.0.113.0 - 203.0.113.255' is 'abuse@provider.example'\n",
    );
  });

  it('every field the shipped template documents exists', () => {
    const every = `{{ip}} {{combined}} {{join ips ","}} {{recipient}} {{timezone}} {{date}} {{totals.reports}} {{totals.failures}} {{totals.hosts}}
{{join sourceMessageIds ","}} {{operator.organisation}} {{operator.from}} {{operator.replyTo}} {{operator.contact}}
{{#if followUp}}{{followUp.messageId}} {{followUp.sentAt}}{{/if}} {{contact.recipient}} {{contact.source}} {{contact.via}} {{contact.range}}
{{contact.network}} {{contact.country}} {{join contact.evidence ","}} {{xarf.reportType}} {{xarf.schemaUrl}} {{xarf.reportId}}
{{#each addresses}}{{ip}} {{ipVersion}} {{reports}} {{failures}} {{join hosts ","}} {{hostCount}} {{join services ","}} {{join servicePorts ","}}
{{xarfService}} {{port}} {{firstSeen}} {{lastSeen}} {{timeRange}} {{join sourceMessageIds ","}} {{contact.source}} {{#if followUp}}{{followUp.messageId}}{{/if}}
{{#each hostLogs}}{{host}} {{join services ","}} {{reports}} {{join lines ","}} {{total}} {{omitted}}{{/each}}{{/each}}`;
    expect(checkComplaintTemplate(every)).toEqual([]);
  });

  it('a typo in a custom template is an error naming the field and the line', () => {
    expect(() => draftComplaint(input({ template: 'Hello\n{{ipp}}' }))).toThrow(ComplaintTemplateError);
    expect(() => draftComplaint(input({ template: 'Hello\n{{ipp}}' }))).toThrow('complaint template: "ipp" is not a field (line 2, column 3)');
    expect(checkComplaintTemplate('{{#each addresses}}{{hostz}}{{/each}} {{ip}}')).toEqual(['complaint template: "hostz" is not a field (line 1, column 22)']);
    expect(checkComplaintTemplate('{{#if ip}}unclosed')[0]).toMatch(/^complaint template: Parse error on line 1/);
    expect(checkComplaintTemplate('We saw nothing.')).toEqual(['complaint template: the text is too short to be a complaint', 'complaint template: the text does not name the attacking address 192.0.2.10',
      'complaint template: the text does not name the attacking address 192.0.2.11',
    ]);
  });
});

describe('validateComplaintText', () => {
  const ok = draftComplaint(input()).text;
  it('accepts the drafted text and reasonable edits', () => {
    expect(validateComplaintText(ok, [IP])).toEqual([]);
    expect(validateComplaintText(ok.replace('Hello,', 'Dear abuse team,\r\n\tplease note:'), [IP])).toEqual([]);
  });
  it('names each problem', () => {
    expect(validateComplaintText('   \n ', [IP])).toEqual(['the text is empty']);
    expect(validateComplaintText(ok.replaceAll(IP, 'the address'), [IP])).toEqual(['the text does not name the attacking address 203.0.113.7']);
    expect(validateComplaintText(`${ok}\u001b[2J`, [IP])).toEqual(['the text holds control characters or escape sequences']);
    expect(validateComplaintText(`${ok}${'x'.repeat(300 * 1024)}`, [IP])).toEqual(['the text is 302 KiB, more than 256 KiB', 'a line is longer than 5000 characters']);
    expect(validateComplaintText(`${IP} bad`, [IP])).toEqual(['the text is too short to be a complaint']);
  });
});

describe('addressOf', () => {
  it('takes the addr-spec of a mailbox', () => {
    expect(addressOf('Example Org abuse desk <abuse@example.org>')).toBe('abuse@example.org');
    expect(addressOf('abuse@example.org')).toBe('abuse@example.org');
    expect(addressOf('"Desk, Abuse" <a@b.example>')).toBe('a@b.example');
  });
});

describe('evidence without log lines', () => {
  it('a ban mail without log lines (sendmail-whois) still gives logfile.log the ban itself', () => {
    const draft = draftComplaint(
      input({
        reports: [
          report(21, 'web1.example.org', 'sshd', '2026-11-24T03:00:05Z', [], 6),
          report(22, 'web1.example.org', 'sshd', '2026-11-24T03:30:05Z', ['Nov 24 04:30:01 web1 sshd[9]: Failed password for root from 203.0.113.7 port 1 ssh2']),
        ],
      }),
    );
    const lines = draft.evidenceLog.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2026-11-24T04:00:05\+01:00 <redacted-host-1> fail2ban: banned 203\.0\.113\.7 after 6 failures against sshd$/);
    expect(lines[1]).toContain('Failed password for root from 203.0.113.7');
    expect(validateXarfReport(draft.xarfReport)).toEqual([]);
  });
});
