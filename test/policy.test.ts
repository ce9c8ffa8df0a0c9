import { describe, expect, it } from 'vitest';
import { groupCandidates, summarizeCandidate, type CandidateReport } from '../src/core/candidate.js';
import { capWindowStart, evaluateCandidate, neverReportText, type PolicyConfig, type PolicyFacts } from '../src/core/policy.js';
import { policySchema } from '../src/config/schema.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const POLICY: PolicyConfig = policySchema.parse(undefined);

let nextId = 1;
function report(over: Partial<CandidateReport> & { hoursAgo?: number } = {}): CandidateReport {
  const { hoursAgo = 1, ...rest } = over;
  const id = nextId++;
  return {
    id,
    messageId: `m${id}@web1.example.net`,
    ip: '203.0.113.7',
    service: 'sshd',
    reporter: 'web1.example.net',
    failures: 5,
    bannedAt: new Date(NOW.getTime() - hoursAgo * HOUR),
    logLines: [],
    whois: null,
    trusted: true,
    private: false,
    privateReason: null,
    ...rest,
  };
}

function facts(reports: CandidateReport[], over: Partial<PolicyFacts> = {}): PolicyFacts {
  return {
    candidate: summarizeCandidate(reports[0].ip, reports),
    now: NOW,
    neverReport: null,
    contact: { status: 'found', address: 'abuse@provider.example', confidence: 'high' },
    complaintsForIpToday: 0,
    lastComplaintAt: null,
    complaintsForRecipientToday: 0,
    ...over,
  };
}

const three = () => [report({ hoursAgo: 3 }), report({ hoursAgo: 2 }), report({ hoursAgo: 1 })];

describe('evaluateCandidate: one case per rule, each with its human reason', () => {
  const cases: Array<{ name: string; facts: () => PolicyFacts; policy?: Partial<PolicyConfig>; expect: { eligible: boolean; reason: string; blocking: string | null; counted: number; auto?: boolean } }> = [
    { name: '3 reports from one host in the window', facts: () => facts(three()), expect: { eligible: true, reason: '3 reports from 1 host in 7 days', blocking: null, counted: 3, auto: true } },
    {
      name: '2 reports from 2 hosts (the reporter rule)',
      facts: () => facts([report(), report({ reporter: 'mail.example.net' })]),
      expect: { eligible: true, reason: '2 reports from 2 hosts in 7 days', blocking: null, counted: 2, auto: true },
    },
    {
      name: 'host names differing only in case are one host',
      facts: () => facts([report(), report({ reporter: 'WEB1.example.net' })]),
      expect: { eligible: false, reason: '2 reports, needs 3', blocking: 'policy', counted: 2 },
    },
    { name: '1 report', facts: () => facts([report()]), expect: { eligible: false, reason: '1 report, needs 3', blocking: 'policy', counted: 1 } },
    {
      name: 'reports older than the window do not count',
      facts: () => facts([report({ hoursAgo: 24 * 8 }), report({ hoursAgo: 24 * 9 }), report()]),
      expect: { eligible: false, reason: '1 report, needs 3', blocking: 'policy', counted: 1 },
    },
    {
      name: 'nothing in the window',
      facts: () => facts([report({ hoursAgo: 24 * 8 }), report({ hoursAgo: 24 * 9, reporter: 'mail.example.net' })]),
      expect: { eligible: false, reason: 'no reports in 7 days', blocking: 'policy', counted: 0 },
    },
    {
      name: 'private range',
      facts: () => facts([report({ ip: '10.1.2.3', private: true, privateReason: 'private' })], { neverReport: 'private' }),
      expect: { eligible: false, reason: 'private range', blocking: 'never', counted: 0 },
    },
    {
      name: 'every report private, no neverReport given',
      facts: () => facts([report({ ip: '100.64.0.1', private: true, privateReason: 'cgnat' })]),
      expect: { eligible: false, reason: 'CGNAT range', blocking: 'never', counted: 0 },
    },
    { name: 'own network', facts: () => facts(three(), { neverReport: 'own network' }), expect: { eligible: false, reason: 'own network', blocking: 'never', counted: 0 } },
    { name: 'allow-listed', facts: () => facts(three(), { neverReport: 'allow-listed' }), expect: { eligible: false, reason: 'allow-listed', blocking: 'never', counted: 0 } },
    {
      name: 'an ignored IP note is the reason',
      facts: () => facts(three(), { neverReport: 'ignored: our customer, handled by phone' }),
      expect: { eligible: false, reason: 'ignored: our customer, handled by phone', blocking: 'never', counted: 0 },
    },
    {
      name: 'a never-report contact override',
      facts: () => facts(three(), { contact: { status: 'never-report', address: null, confidence: null, reason: 'override: never report 203.0.113.0/24' } }),
      expect: { eligible: false, reason: 'override: never report 203.0.113.0/24', blocking: 'never', counted: 0 },
    },
    {
      name: 'untrusted senders only',
      facts: () => facts([report({ trusted: false }), report({ trusted: false }), report({ trusted: false, reporter: 'x.example' })]),
      expect: { eligible: false, reason: 'untrusted sender only', blocking: 'policy', counted: 0 },
    },
    {
      name: 'untrusted reports are not counted',
      facts: () => facts([report(), report(), report({ trusted: false, reporter: 'evil.example' })]),
      expect: { eligible: false, reason: '2 reports, needs 3', blocking: 'policy', counted: 2 },
    },
    {
      name: 'only reports newer than the last complaint count',
      facts: () => facts([report({ hoursAgo: 5 }), report({ hoursAgo: 4 }), report({ hoursAgo: 3 }), report({ hoursAgo: 1 })], { lastComplaintAt: new Date(NOW.getTime() - 2 * HOUR), complaintsForIpToday: 1 }),
      expect: { eligible: false, reason: '1 new report, needs 3', blocking: 'policy', counted: 1 },
    },
    {
      name: 'nothing new since the last complaint',
      facts: () => facts(three(), { lastComplaintAt: new Date(NOW.getTime() - 0.5 * HOUR), complaintsForIpToday: 1 }),
      expect: { eligible: false, reason: 'no new reports since the last complaint', blocking: 'policy', counted: 0 },
    },
    {
      name: 'enough new reports after a complaint',
      facts: () => facts([report({ hoursAgo: 10 }), ...three()], { lastComplaintAt: new Date(NOW.getTime() - 5 * HOUR), complaintsForIpToday: 1 }),
      expect: { eligible: true, reason: '3 new reports from 1 host in 7 days', blocking: null, counted: 3, auto: true },
    },
    { name: 'IP cap reached', facts: () => facts(three(), { complaintsForIpToday: 4 }), expect: { eligible: false, reason: 'sent 4 today', blocking: 'cap', counted: 3 } },
    {
      name: 'IP cap of 0 means none at all',
      facts: () => facts(three()),
      policy: { maxComplaintsPerIpPerDay: 0 },
      expect: { eligible: false, reason: 'sent 0 today', blocking: 'cap', counted: 3 },
    },
    {
      name: 'no abuse contact',
      facts: () => facts(three(), { contact: { status: 'none', address: null, confidence: null } }),
      expect: { eligible: false, reason: 'no abuse contact', blocking: 'contact', counted: 3 },
    },
    {
      name: 'contact not looked up yet',
      facts: () => facts(three(), { contact: { status: 'pending', address: null, confidence: null } }),
      expect: { eligible: false, reason: 'abuse contact not looked up yet', blocking: 'contact', counted: 3 },
    },
    {
      name: 'lookup failed',
      facts: () => facts(three(), { contact: { status: 'failed', address: null, confidence: null, reason: 'whois.ripe.net timed out' } }),
      expect: { eligible: false, reason: 'abuse contact lookup failed: whois.ripe.net timed out', blocking: 'contact', counted: 3 },
    },
    {
      name: 'recipient cap reached',
      facts: () => facts(three(), { complaintsForRecipientToday: 20 }),
      expect: { eligible: false, reason: 'recipient cap reached (20 today)', blocking: 'cap', counted: 3 },
    },
    {
      name: 'eligible, but a low-confidence contact waits for review',
      facts: () => facts(three(), { contact: { status: 'found', address: 'noc@provider.example', confidence: 'low' } }),
      expect: { eligible: true, reason: '3 reports from 1 host in 7 days', blocking: null, counted: 3, auto: false },
    },
    {
      name: 'a configured window and threshold',
      facts: () => facts([report({ hoursAgo: 30 }), report({ hoursAgo: 1 })]),
      policy: { windowDays: 1, minReports: 2 },
      expect: { eligible: false, reason: '1 report, needs 2', blocking: 'policy', counted: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = evaluateCandidate(c.facts(), { ...POLICY, ...c.policy });
      expect({ eligible: result.eligible, reason: result.reason, blocking: result.blocking, counted: result.countedReports.length }).toEqual({
        eligible: c.expect.eligible,
        reason: c.expect.reason,
        blocking: c.expect.blocking,
        counted: c.expect.counted,
      });
      expect(result.autoApprovable).toBe(c.expect.auto ?? false);
    });
  }

  it('counted reports are exactly the trusted, public, new ones in the window', () => {
    const keep = [report({ hoursAgo: 2 }), report({ hoursAgo: 1, reporter: 'mail.example.net' })];
    const drop = [report({ hoursAgo: 24 * 8 }), report({ trusted: false }), report({ hoursAgo: 6 })];
    const result = evaluateCandidate(facts([...drop, ...keep], { lastComplaintAt: new Date(NOW.getTime() - 5 * HOUR) }), POLICY);
    expect(result.countedReports.map((r) => r.id).sort()).toEqual(keep.map((r) => r.id).sort());
  });

  it('the first blocking rule wins: never before policy before caps before contact', () => {
    const none = { status: 'none' as const, address: null, confidence: null };
    expect(evaluateCandidate(facts([report()], { neverReport: 'private', contact: none, complaintsForIpToday: 9 }), POLICY).blocking).toBe('never');
    expect(evaluateCandidate(facts([report()], { contact: none, complaintsForIpToday: 9 }), POLICY).blocking).toBe('policy');
    expect(evaluateCandidate(facts(three(), { contact: none, complaintsForIpToday: 9 }), POLICY).reason).toBe('sent 9 today');
    expect(evaluateCandidate(facts(three(), { contact: none, complaintsForRecipientToday: 99 }), POLICY).reason).toBe('no abuse contact');
  });
});

describe('candidates', () => {
  it('groups by canonical IP, newest last-seen first, with the summary facts', () => {
    const reports = [
      report({ ip: '2001:DB8::7', hoursAgo: 10, service: 'dovecot' }),
      report({ ip: '203.0.113.9', hoursAgo: 1 }),
      report({ ip: '2001:db8:0::7', hoursAgo: 5, reporter: 'mail.example.net', service: 'postfix-sasl' }),
      report({ ip: '203.0.113.9', hoursAgo: 3, reporter: 'WEB1.example.net', failures: null }),
    ];
    const groups = groupCandidates(reports);
    expect(groups.map((g) => [g.ip, g.ipVersion, g.reportCount, g.reporters, g.services])).toEqual([
      ['203.0.113.9', 4, 2, ['WEB1.example.net'], ['sshd']],
      ['2001:db8::7', 6, 2, ['mail.example.net', 'web1.example.net'], ['dovecot', 'postfix-sasl']],
    ]);
    expect(groups[1].firstSeen).toEqual(reports[0].bannedAt);
    expect(groups[1].lastSeen).toEqual(reports[2].bannedAt);
    expect(groups[0].reports.map((r) => r.id)).toEqual([reports[3].id, reports[1].id]);
  });

  it('the daily caps look back 24 hours', () => {
    expect(capWindowStart(NOW).toISOString()).toBe('2026-11-23T12:00:00.000Z');
  });

  it('names every never-report reason in words', () => {
    expect(['private', 'loopback', 'link-local', 'cgnat', 'multicast', 'reserved', 'unspecified', 'own network', 'allow-listed'].map(neverReportText)).toEqual([
      'private range',
      'loopback address',
      'link-local address',
      'CGNAT range',
      'multicast address',
      'reserved range',
      'unspecified address',
      'own network',
      'allow-listed',
    ]);
  });
});

describe('a recipient that bounced', () => {
  it('stays eligible but is never auto-approved for 30 days, and says why', () => {
    const bouncedAt = new Date(NOW.getTime() - 3 * 24 * HOUR);
    const result = evaluateCandidate(facts(three(), { recipientBouncedAt: bouncedAt }), POLICY);
    expect(result).toMatchObject({
      eligible: true,
      blocking: null,
      autoApprovable: false,
      reason: '3 reports from 1 host in 7 days; the recipient bounced on 2026-11-21, review it',
    });
    const old = evaluateCandidate(facts(three(), { recipientBouncedAt: new Date(NOW.getTime() - 31 * 24 * HOUR) }), POLICY);
    expect(old).toMatchObject({ eligible: true, autoApprovable: true, reason: '3 reports from 1 host in 7 days' });
  });
});
