// `abusedesk import` of a Maildir of Fail2Ban mails, everything stored, against two
// baselines measured in the same run: reading + mailparser simpleParser (defaults), and a
// plain Python email+sqlite3 script. Then peak memory importing 100,000 mails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { benchMail } from './mailgen.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-bench-import-'));
const N = Number(process.env.BENCH_IMPORT_N ?? 10_000);
const N_MEMORY = Number(process.env.BENCH_MEMORY_N ?? 100_000);

function makeMaildir(name: string, n: number): { dir: string; bytes: number } {
  const dir = path.join(work, name);
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const raw = benchMail(i);
    bytes += raw.length;
    fs.writeFileSync(path.join(dir, 'new', `${1700000000 + i}.M${i}P1.bench`), raw);
  }
  return { dir, bytes };
}

function runImport(maildir: string, db: string): { seconds: number; rssKb: number; stored: number } {
  const rssFile = path.join(work, 'rss');
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--import', path.join(root, 'bench/rss-reporter.mjs'), path.join(root, 'bin/abusedesk.js'), 'import', maildir, '--json', '--db', db],
    { env: { ...process.env, ABUSEDESK_BENCH_RSS_FILE: rssFile, ABUSEDESK_CONFIG: '' }, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  const summary = JSON.parse(r.stdout);
  return { seconds, rssKb: Number(fs.readFileSync(rssFile, 'utf8')), stored: summary.stored };
}

async function main() {
  const { dir, bytes } = makeMaildir('maildir', N);
  console.log(`mails: ${N}, average size ${(bytes / N / 1024).toFixed(1)} KB`);

  // Warm the page cache so every contender reads from memory.
  for (const name of fs.readdirSync(path.join(dir, 'new'))) fs.readFileSync(path.join(dir, 'new', name));

  const t0 = process.hrtime.bigint();
  for (const name of fs.readdirSync(path.join(dir, 'new'))) {
    await simpleParser(fs.readFileSync(path.join(dir, 'new', name)));
  }
  const baselineSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const baselineRate = N / baselineSeconds;
  console.log(`baseline read + simpleParser (defaults): ${baselineRate.toFixed(0)} mails/s`);

  const py = spawnSync('python3', [path.join(root, 'bench/import_baseline.py'), dir, path.join(work, 'py.db')], { encoding: 'utf8' });
  let pyRate: number | null = null;
  if (py.status === 0) {
    const [, secs] = py.stdout.trim().split(' ');
    pyRate = N / Number(secs);
    console.log(`baseline python email + sqlite3 (stores): ${pyRate.toFixed(0)} mails/s`);
  } else {
    console.log(`baseline python: not run (${py.stderr.trim() || py.error})`);
  }

  const imp = runImport(dir, path.join(work, 'desk.db'));
  if (imp.stored !== N) throw new Error(`stored ${imp.stored} of ${N}`);
  const rate = N / imp.seconds;
  console.log(
    `abusedesk import (process start to exit, all stored): ${rate.toFixed(0)} mails/s ` +
      `(ratio ${(rate / baselineRate).toFixed(2)}x vs simpleParser, goal >= 2.0` +
      (pyRate ? `; ${(rate / pyRate).toFixed(2)}x vs python, goal >= 1.0)` : ')'),
  );
  console.log(`abusedesk import peak memory (${N} mails): ${(imp.rssKb / 1024).toFixed(0)} MB`);
  fs.rmSync(dir, { recursive: true, force: true });

  if (N_MEMORY > 0) {
    const big = makeMaildir('maildir-big', N_MEMORY);
    const m = runImport(big.dir, path.join(work, 'big.db'));
    console.log(
      `abusedesk import of ${N_MEMORY} mails: peak memory ${(m.rssKb / 1024).toFixed(0)} MB (goal < 300 MB), ` +
        `${(N_MEMORY / m.seconds).toFixed(0)} mails/s`,
    );
  }
}

try {
  await main();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
