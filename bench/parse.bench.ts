// parseMail against mailparser's simpleParser at default options (the raw baseline),
// on the same mails in the same run: 10,000 generated sendmail-whois-lines mails
// (~4 KB, bench/mailgen.ts) and the real Fail2Ban fixture mails cycled to 10,000.
// Target: >= 10,000 mails/s for parseMail on ~4 KB mails.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { parseMail } from '../src/core/fail2ban-mail.js';
import { benchMail } from './mailgen.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_PARSE_N ?? 10_000);
const ROUNDS = 3;

function realMails(n: number): Buffer[] {
  const dir = path.join(root, 'fixtures', 'mails');
  const files = fs
    .readdirSync(dir)
    .filter((d) => d.startsWith('sendmail') || d.startsWith('mail'))
    .flatMap((d) => fs.readdirSync(path.join(dir, d)).filter((f) => f.startsWith('ban-')).map((f) => fs.readFileSync(path.join(dir, d, f))));
  return Array.from({ length: n }, (_, i) => files[i % files.length]);
}

async function timeSimpleParser(mails: Buffer[]): Promise<number> {
  const start = process.hrtime.bigint();
  for (const raw of mails) await simpleParser(raw);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function timeParseMail(mails: Buffer[]): { seconds: number; reports: number } {
  let reports = 0;
  const start = process.hrtime.bigint();
  for (const raw of mails) reports += parseMail(raw).reports.length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, reports };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function bench(name: string, mails: Buffer[]): Promise<{ rate: number; ratio: number }> {
  const kb = mails.reduce((n, m) => n + m.length, 0) / mails.length / 1024;
  // Warm-up so both sides run JIT-compiled code.
  await timeSimpleParser(mails.slice(0, 500));
  timeParseMail(mails.slice(0, 500));
  const base: number[] = [];
  const ours: number[] = [];
  let reports = 0;
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await timeSimpleParser(mails));
    const t = timeParseMail(mails);
    ours.push(t.seconds);
    reports = t.reports;
  }
  if (reports !== mails.length) throw new Error(`${name}: expected ${mails.length} reports, parsed ${reports}`);
  const baseRate = mails.length / median(base);
  const oursRate = mails.length / median(ours);
  const ratio = oursRate / baseRate;
  console.log(`parse ${name} simpleParser (baseline, ${kb.toFixed(1)} KB avg): ${Math.round(baseRate)} mails/s`);
  console.log(`parse ${name} parseMail: ${Math.round(oursRate)} mails/s (${ratio.toFixed(1)}x vs baseline)`);
  return { rate: oursRate, ratio };
}

const generated = await bench('generated', Array.from({ length: N }, (_, i) => benchMail(i)));
await bench('real-fixtures', realMails(N));

// The 5 MB / 60,000-line mail, once: a figure, not a test.
const ip = '198.51.100.99';
const lines = Array.from({ length: 60_000 }, (_, i) => `Nov 20 10:00:00 web1 sshd[${i}]: Failed password for invalid user u${i} from ${ip} port ${i} ssh2`);
const huge = Buffer.from(
  `Subject: [Fail2Ban] sshd: banned ${ip} from web1.example.net\n\nHi,\n\nThe IP ${ip} has just been banned by Fail2Ban after\n5 attempts against sshd.\n\n\nLines containing failures of ${ip} (max 100000)\n${lines.join('\n')}\n\n\nRegards,\n\nFail2Ban`,
);
let t = process.hrtime.bigint();
parseMail(huge);
const hugeMs = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
await simpleParser(huge);
const hugeBaseMs = Number(process.hrtime.bigint() - t) / 1e6;
console.log(`parse huge (${(huge.length / 1e6).toFixed(1)} MB) simpleParser (baseline): ${hugeBaseMs.toFixed(0)} ms`);
console.log(`parse huge (${(huge.length / 1e6).toFixed(1)} MB) parseMail: ${hugeMs.toFixed(0)} ms (${(hugeBaseMs / hugeMs).toFixed(1)}x vs baseline)`);

// The absolute target depends on the machine and its load: reported, not enforced.
if (generated.rate < 10_000) console.log(`note: parseMail below 10,000 mails/s here (${Math.round(generated.rate)})`);
// The ratio is what the import target (>= 2x simpleParser incl. storage) rests on.
if (generated.ratio < 4) {
  console.log(`!! parseMail only ${generated.ratio.toFixed(1)}x simpleParser: too slow to leave room for storage`);
  process.exitCode = 1;
}
