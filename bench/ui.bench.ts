// The desk on a big store: 100,000 reports (10,000 candidates, 10 reports each) plus
// 2,000 complaints (1,000 pending, 1,000 sent), driven through a real pseudo-terminal
// (util-linux `script`) like an operator over SSH.
//   (a) launch of the bundled binary to the first interactive frame (the list with
//       data), against `node -e` printing one line through the same pty (baseline).
//   (b) key press -> next frame on every list (j, PgDn, G, k, g), p50/p95.
// Figures: "name: value unit (ratio x vs baseline)".
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/db.js';
import { ingestStatements } from '../src/store/repos/messages.js';
import { insertComplaint } from '../src/store/repos/complaints.js';
import { parseIp } from '../src/core/ip-ranges.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'abusedesk.js');
const IPS = Number(process.env.UI_BENCH_IPS ?? 10_000);
const PER_IP = 10;
const COMPLAINTS = 2_000;
const LAUNCHES = Number(process.env.UI_BENCH_LAUNCHES ?? 7);
const FIRST_FRAME = new RegExp(`1/${IPS * PER_IP + COMPLAINTS}\\b`);

if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run npm run build');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-ui-bench-'));
const dbFile = path.join(dir, 'desk.db');
const configFile = path.join(dir, 'config.yaml');
fs.writeFileSync(configFile, `database: ${dbFile}\n`);

function ipOf(i: number): string {
  return `45.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function seed(): void {
  const store = openStore(dbFile);
  const st = ingestStatements(store);
  const now = Date.now();
  const raw = Buffer.from('Subject: [Fail2Ban] sshd: banned 45.0.0.1 from web1.example.net\n\nbody\n');
  const insertAll = store.sqlite.transaction(() => {
    let n = 0;
    const add = (ip: string, at: number, reporter: string) => {
      const parsed = parseIp(ip)!;
      const id = st.insertMessage({
        messageId: `bench-${n}@web.example.net`,
        sha256: `bench${String(n).padStart(59, '0')}`,
        raw,
        size: raw.length,
        source: 'file',
        sourceRef: null,
        storedAt: new Date(at),
        date: new Date(at),
        fromAddress: 'fail2ban@web1.example.net',
        subject: `[Fail2Ban] sshd: banned ${ip} from ${reporter}`,
        kind: 'ban',
        trusted: true,
        error: null,
        reportCount: 1,
      });
      st.insertReport({
        messageRowId: id,
        messageId: `bench-${n}@web.example.net`,
        ip: parsed.ip,
        ipVersion: parsed.version,
        ipKey: parsed.key,
        service: n % 3 ? 'sshd' : 'postfix-sasl',
        reporter,
        failures: 5,
        bannedAt: new Date(at),
        logLines: [`Nov 24 04:00:01 web1 sshd[1]: Failed password for root from ${ip} port 50000 ssh2`],
        logPaths: [],
        private: false,
        privateReason: null,
        trusted: true,
      });
      n++;
      return id;
    };
    for (let r = 0; r < PER_IP; r++) for (let i = 0; i < IPS; i++) add(ipOf(i), now - (r * IPS + i) * 1000, `web${r % 3}.example.net`);
    // Complaints use reports of their own IPs (so the 10,000 candidates stay).
    for (let c = 0; c < COMPLAINTS; c++) {
      const ip = `46.0.${c >> 8}.${c & 255}`;
      const parsed = parseIp(ip)!;
      const messageRowId = add(ip, now - c * 1000, 'web1.example.net');
      const reportId = (store.sqlite.prepare('SELECT id FROM reports WHERE message_row_id = ?').get(messageRowId) as { id: number }).id;
      insertComplaint(
        store,
        {
          state: 'draft',
          ips: [{ ip: parsed.ip, ipKey: parsed.key }],
          recipient: `abuse@provider${c % 50}.example`,
          abuseContact: `abuse@provider${c % 50}.example`,
          contact: { source: 'rdap' },
          messageId: `complaint-${c}@desk.example`,
          inReplyTo: null,
          subject: `abuse report about ${ip}`,
          bodyText: 'text',
          xarfReport: 'Source: x',
          evidenceLog: 'log',
          sourceMessageIds: [`bench-${c}@web.example.net`],
          reason: 'bench',
          reports: [{ id: reportId, messageRowId }],
        },
        new Date(now - c * 1000),
      );
    }
  });
  insertAll();
  store.sqlite.prepare("UPDATE complaints SET state = 'sent', sent_at = updated_at, smtp_response = '250 2.0.0 Ok: queued' WHERE id % 2 = 0").run();
  store.close();
}

const started: Pty[] = [];

/** A process on a fresh 80x24 pty; `output` accumulates everything it draws. */
class Pty {
  child: ChildProcessWithoutNullStreams;
  output = '';
  private waiters: Array<() => void> = [];
  constructor(command: string) {
    this.child = spawn('script', ['-qfec', `stty rows 24 cols 80; exec ${command}`, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', TERM: 'xterm-256color' },
    });
    started.push(this);
    this.child.stdout.on('data', (d: Buffer) => {
      this.output += d.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    });
  }
  /** Resolves when the output after `from` matches; returns the time it happened. */
  async until(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (pattern.test(this.output.slice(from))) return performance.now();
      if (performance.now() > deadline) throw new Error(`timeout waiting for ${pattern}; since: ${JSON.stringify(this.output.slice(from).slice(0, 1500))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  write(text: string): void {
    this.child.stdin.write(text);
  }
  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise((r) => this.child.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function launchToFirstFrame(): Promise<{ desk: number; baseline: number }> {
  const desk: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) {
    let t0 = performance.now();
    const base = new Pty(`${process.execPath} -e "process.stdout.write('ready')"`);
    baseline.push((await base.until(/ready/)) - t0);
    await base.exit();
    t0 = performance.now();
    const pty = new Pty(`${process.execPath} ${BIN} --config ${configFile}`);
    desk.push((await pty.until(FIRST_FRAME)) - t0);
    pty.write('q');
    await pty.exit();
  }
  return { desk: median(desk), baseline: median(baseline) };
}

/** Baseline: a key through the same pty to a program in raw mode that echoes it (stty raw; cat). */
async function echoLatency(): Promise<number> {
  const pty = new Pty(`sh -c 'stty raw -echo; exec cat'`);
  await sleep(300);
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const from = pty.output.length;
    const t0 = performance.now();
    pty.write('j');
    times.push((await pty.until(/j/, from)) - t0);
    await sleep(10);
  }
  pty.child.kill('SIGTERM');
  await pty.exit();
  return pct(times, 95);
}

async function keyLatencies(baselineP95: number): Promise<void> {
  const pty = new Pty(`${process.execPath} ${BIN} --config ${configFile}`);
  await pty.until(FIRST_FRAME);
  await sleep(300);
  const press = async (key: string, pattern: RegExp): Promise<number> => {
    const from = pty.output.length;
    const t0 = performance.now();
    pty.write(key);
    const t1 = await pty.until(pattern, from);
    // Keys arrive at typing speed, not inside Ink's frame throttle.
    await sleep(25);
    return t1 - t0;
  };
  const lists: Array<{ name: string; open: string[]; total: number | null }> = [
    { name: 'Incoming', open: [], total: IPS * PER_IP + COMPLAINTS },
    { name: 'Candidates', open: ['2'], total: IPS },
    { name: 'Pending', open: ['3'], total: COMPLAINTS / 2 },
    { name: 'Sent', open: ['4'], total: COMPLAINTS / 2 },
    { name: 'Search 45.0.0.0/8', open: ['/', ...'45.0.0.0/8', '\r'], total: IPS * PER_IP },
    { name: 'Stats', open: ['6'], total: null },
  ];
  const all: number[] = [];
  for (const list of lists) {
    const position = list.total === null ? /Reports per day|Top |Mails /: new RegExp(`\\d+/${list.total}\\b`);
    const from = pty.output.length;
    const t0 = performance.now();
    for (const k of list.open) {
      pty.write(k);
      await sleep(15);
    }
    const opened = list.open.length ? (await pty.until(list.total === null ? /Reports per day/ : new RegExp(`1/${list.total}\\b`), from)) - t0 : 0;
    await sleep(300);
    const times: number[] = [];
    // Stats is one scrollable page (~45 lines): keys that each move it.
    const keys =
      list.total === null
        ? ['j', 'j', 'j', 'k', 'k', 'G', 'g', 'j', 'G', 'g']
        : [...Array(100).fill('j'), ...Array(20).fill('\x1b[6~'), 'G', ...Array(20).fill('k'), 'g', ...Array(20).fill('\x1b[6~')];
    for (const key of keys) times.push(await press(key, list.total === null ? /\n/ : position));
    all.push(...times);
    console.log(
      `desk key -> frame, ${list.name}: p50 ${median(times).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (${times.length} keys; opening the screen ${opened.toFixed(0)} ms)`,
    );
  }
  const p95 = pct(all, 95);
  console.log(`desk key -> frame, all lists: p95 ${p95.toFixed(1)} ms (ratio ${(p95 / baselineP95).toFixed(2)}x vs baseline; goal < 30 ms)`);
  pty.write('q');
  await pty.exit();
}

try {
  const t0 = performance.now();
  seed();
  console.log(`store: ${IPS * PER_IP + COMPLAINTS} reports, ${IPS} candidates, ${COMPLAINTS} complaints (seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (process.env.UI_BENCH_SEED_ONLY) {
    console.log(`seeded ${dir} (config ${configFile})`);
    process.exit(0);
  }
  const launch = await launchToFirstFrame();
  console.log(`baseline node -e (one line through the pty): ${launch.baseline.toFixed(0)} ms`);
  console.log(
    `desk launch -> first interactive frame: ${launch.desk.toFixed(0)} ms (ratio ${(launch.desk / launch.baseline).toFixed(2)}x vs baseline; goal < 300 ms)`,
  );
  const echo = await echoLatency();
  console.log(`baseline key echo through the pty (stty raw; cat), p95: ${echo.toFixed(1)} ms`);
  await keyLatencies(echo);
} finally {
  // A failed measurement must not leave desks running on their ptys.
  for (const pty of started) if (pty.child.exitCode === null) pty.child.kill('SIGKILL');
  if (process.env.UI_BENCH_KEEP) console.log(`kept ${dir}`);
  else spawnSync("rm", ["-rf", dir]);
}
