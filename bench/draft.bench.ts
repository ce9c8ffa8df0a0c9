// Drafting 1,000 complaints (5 reports and 20 log lines each): the whole draft
// (Handlebars text, redaction, X-ARF YAML, evidence, sanitising) against a raw
// baseline that concatenates the same fields into the same three parts with no
// template, no redaction and no sanitising. Medians of 5 rounds after a warm-up.
import { performance } from 'node:perf_hooks';
import type { CandidateReport } from '../src/core/candidate.js';
import { draftComplaint, type DraftInput } from '../src/core/complaint-draft.js';
import { createRedactor } from '../src/core/redaction.js';
import { complaintSchema, operatorSchema } from '../src/config/schema.js';

const N = Number(process.env.DRAFT_BENCH_N ?? 1000);
const ROUNDS = Number(process.env.DRAFT_BENCH_ROUNDS ?? 5);
const operator = operatorSchema.parse({
  organisation: 'Example Org hosting',
  from: 'Abuse desk <abuse@example.org>',
  replyTo: 'abuse-replies@example.org',
  domain: 'example.org',
  timezone: 'Europe/Berlin',
  ownNetworks: ['198.51.100.0/24'],
  ownHostnames: ['gw.example.org'],
});
const complaint = complaintSchema.parse({ redactPatterns: ['token=\\w+'] });
const now = new Date('2026-11-24T04:00:00Z');
const services = ['sshd', 'postfix-sasl', 'dovecot', 'nginx-http-auth', 'sshd'];

function makeInput(i: number): DraftInput {
  const ip = `203.0.${(i >> 8) & 255}.${i & 255}`;
  const reports: CandidateReport[] = Array.from({ length: 5 }, (_, r) => {
    const host = `web${r % 3}`;
    return {
      id: i * 10 + r,
      messageId: `<f2b-${i}-${r}@${host}.example.org>`,
      ip,
      service: services[r],
      reporter: `${host}.example.org`,
      failures: 5 + r,
      bannedAt: new Date(now.getTime() - (5 - r) * 600_000),
      logLines: Array.from(
        { length: 4 },
        (_, l) => `Nov 24 04:${String(r * 10 + l).padStart(2, '0')}:01 ${host} sshd[${800 + l}]: Failed password for user${l}@example.com from ${ip} port ${50000 + l} ssh2 to 198.51.100.${l}`,
      ),
      whois: null,
      trusted: true,
      private: false,
      privateReason: null,
    };
  });
  return {
    ip,
    reports,
    recipient: 'abuse@provider.example',
    contact: { source: 'RIPE whois', via: 'whois.ripe.net', range: '203.0.0.0/16', network: 'EXAMPLE', country: 'NL', evidence: "% Abuse contact for '203.0.0.0/16' is 'abuse@provider.example'" },
    operator,
    complaint,
    followUp: null,
    now,
    reportId: `c-${i}`,
    messageId: `c-${i}@example.org`,
  };
}

// The same fields in the same three parts, by plain concatenation.
function baseline(input: DraftInput): number {
  const first = input.reports[0].bannedAt.toISOString();
  const last = input.reports[input.reports.length - 1].bannedAt.toISOString();
  let text = `Hello,\n\nwe have observed login attacks from ${input.ip}.\nReports: ${input.reports.length}\nTime range: ${first} - ${last}\n\n`;
  let evidence = '';
  for (const r of input.reports) {
    text += `${r.reporter} (${r.service}, ${r.failures} failures):\n`;
    for (const line of r.logLines) {
      text += `  ${line}\n`;
      evidence += `${line}\n`;
    }
  }
  text += `\nContact: ${input.recipient} (${input.contact.source}, ${input.contact.range})\n${input.contact.evidence}\n`;
  for (const r of input.reports) text += `  ${r.messageId}\n`;
  text += `\nRegards,\n${input.operator.organisation}\n`;
  const xarf = `Reported-From: ${input.operator.replyTo}\nCategory: abuse\nReport-Type: login-attack\nService: ssh\nVersion: 0.2\nUser-Agent: abusedesk\nDate: ${last}\nSource-Type: ipv4\nSource: ${input.ip}\nPort: 22\nReport-ID: ${input.reportId}@${input.operator.domain}\nAttachment: text/plain\n`;
  const subject = `abuse report about ${input.ip} - ${now.toISOString()}`;
  return text.length + xarf.length + evidence.length + subject.length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => number): { ms: number; sink: number } {
  const start = performance.now();
  const sink = fn();
  return { ms: performance.now() - start, sink };
}

const inputs = Array.from({ length: N }, (_, i) => makeInput(i));
let sink = 0;
// Warm-up: JIT, the compiled template, Intl formatters.
for (let i = 0; i < 100; i++) sink += draftComplaint(inputs[i]).text.length + baseline(inputs[i]);

const draftMs: number[] = [];
const baseMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const b = time(() => inputs.reduce((n, input) => n + baseline(input), 0));
  const d = time(() =>
    inputs.reduce((n, input) => {
      const draft = draftComplaint(input);
      return n + draft.text.length + draft.xarfReport.length + draft.evidenceLog.length + draft.subject.length;
    }, 0),
  );
  baseMs.push(b.ms);
  draftMs.push(d.ms);
  sink += b.sink + d.sink;
}
const draftMedian = median(draftMs);
const baseMedian = median(baseMs);
const ratio = draftMedian / baseMedian;
console.log(`complaints: ${N}, 5 reports and 20 log lines each, median of ${ROUNDS} rounds`);
console.log(`baseline string concatenation (${N} complaints): ${baseMedian.toFixed(1)} ms`);
console.log(`draft ${N} complaints: ${draftMedian.toFixed(1)} ms (${ratio.toFixed(1)}x vs baseline)`);
console.log(`draft per complaint: ${((draftMedian / N) * 1000).toFixed(0)} µs (${ratio.toFixed(1)}x vs baseline)`);

// Hostile lines: 1,000 lines of 10 KB of address characters with no "@" (quadratic for a naive
// e-mail pattern). Baseline: one global regex pass (/@/g) over the same lines.
const hostile = Array.from({ length: 1000 }, (_, i) => `Nov 24 04:00:01 web1 sshd[1]: Invalid user ${'a.b-c'.repeat(2000)}${i} from 203.0.113.7`);
const redactor = createRedactor({ redactOwnHosts: true, ownHostnames: [], ownNetworks: ['198.51.100.0/24'], redactPatterns: [], reportingHosts: ['web1.example.org'] });
const hostileBase = median(Array.from({ length: ROUNDS }, () => time(() => hostile.reduce((n, l) => n + l.replace(/@/g, '<X>').length, 0)).ms));
const hostileMs = median(Array.from({ length: ROUNDS }, () => time(() => hostile.reduce((n, l) => n + redactor.line(l, ['203.0.113.7']).length, 0)).ms));
console.log(`baseline one regex pass (1000 lines of 10 KB): ${hostileBase.toFixed(1)} ms`);
console.log(`sanitise + redact 1000 hostile 10 KB lines: ${hostileMs.toFixed(1)} ms (${(hostileMs / hostileBase).toFixed(1)}x vs baseline)`);
if (sink === 0) console.log('(no output)');
