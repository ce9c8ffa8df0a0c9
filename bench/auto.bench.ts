// `abusedesk --auto` with nothing new on a store of 100,000 reports, end to end
// through the built binary (process start, config, migrations check, IMAP login and
// an empty incremental fetch against a real Dovecot, bounces, candidates, send,
// archive, the run record), against baselines measured in the same run: `node -e 0`
// and `abusedesk --version` (the binary's own start-up). Two stores:
//   realistic: 90 days of reports, most used in 30,000 sent complaints, the recent
//              unused ones below the policy threshold;
//   worst:     all 100,000 reports unused and inside the policy window (each IP once,
//              so none is eligible and every run must look at all of them).
// The store is filled directly with prepared statements in one transaction.
// Then drafting 1,000 complaints through the service (candidate evaluation, contact,
// policy, template, X-ARF, evidence, insert with the reports in one transaction),
// against the storage floor: inserting 1,000 complaint rows of the same size raw.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { draftEligible } from '../src/services/drafts.js';
import { ContactResolver } from '../src/services/resolve-contact.js';
import { openStore } from '../src/store/db.js';
import { startDovecot } from '../test/helpers/dovecot.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin', 'abusedesk.js');
const N = Number(process.env.BENCH_AUTO_N ?? 100_000);
const ROUNDS = Number(process.env.BENCH_AUTO_ROUNDS ?? 7);
const DAY = 86_400_000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-bench-auto-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function ipOf(i: number): { ip: string; key: string } {
  const a = 100 + ((i >> 16) & 63);
  const b = (i >> 8) & 255;
  const c = i & 255;
  const ip = `${a}.${b}.${c}.${1 + (i % 250)}`;
  const key = [a, b, c, 1 + (i % 250)].map((n) => n.toString(16).padStart(2, '0')).join('');
  return { ip, key: `4:${key}` };
}

function fill(dbPath: string, scenario: 'realistic' | 'worst'): void {
  const store = openStore(dbPath);
  const s = store.sqlite;
  const now = Date.now();
  const insMsg = s.prepare(
    `INSERT INTO messages (message_id, sha256, raw, size, source, source_ref, mailbox, uid_validity, uid, stored_at, date, from_address, subject, kind, trusted, error, report_count, archived_at)
     VALUES (?, ?, ?, ?, 'imap', 'bench', ?, 1, ?, ?, ?, 'fail2ban@web1.example.net', ?, 'ban', 1, NULL, 1, ?)`,
  );
  const insRep = s.prepare(
    `INSERT INTO reports (message_row_id, message_id, kind, ip, ip_version, ip_key, service, reporter, failures, banned_at, whois, log_lines, log_paths, private, private_reason, trusted, complaint_id)
     VALUES (?, ?, 'ban', ?, 4, ?, 'sshd', ?, 5, ?, NULL, ?, '[]', 0, NULL, 1, ?)`,
  );
  const insComplaint = s.prepare(
    `INSERT INTO complaints (state, ip, ip_key, recipient, abuse_contact, contact, message_id, subject, body_text, xarf_report, evidence_log, source_message_ids, created_at, updated_at, sent_at, attempts)
     VALUES ('sent', ?, ?, ?, ?, '{}', ?, 'abuse report', 'text', 'report', 'log', '[]', ?, ?, ?, 1)`,
  );
  const insCip = s.prepare('INSERT INTO complaint_ips (complaint_id, ip, ip_key) VALUES (?, ?, ?)');
  const insLink = s.prepare('INSERT INTO complaint_reports (complaint_id, report_id, message_row_id) VALUES (?, ?, ?)');
  const raw = Buffer.alloc(600, 'x');
  s.transaction(() => {
    let complaintId = 0;
    let reportsInComplaint = 0;
    for (let i = 0; i < N; i++) {
      const recent = scenario === 'worst' || i >= N * 0.9;
      const at = recent ? now - ((i % 6000) / 6000) * 6 * DAY : now - 8 * DAY - ((i % 80_000) / 80_000) * 82 * DAY;
      // Realistic: old reports come in threes per IP and were used; recent ones are single bans per IP.
      const ipIndex = scenario === 'worst' || recent ? i : Math.floor(i / 3);
      const { ip, key } = ipOf(ipIndex);
      const msgId = `bench-${i}@web1.example.net`;
      const archived = recent ? null : at + 7 * DAY;
      const msgRow = Number(
        insMsg.run(msgId, `sha-${scenario}-${i}`, raw, raw.length, archived ? 'Archive' : 'INBOX', i + 1, at, at, `[Fail2Ban] sshd: banned ${ip}`, archived).lastInsertRowid,
      );
      let used: number | null = null;
      if (!recent) {
        if (reportsInComplaint === 0) {
          complaintId = Number(insComplaint.run(ip, key, 'abuse@net.example', 'abuse@net.example', `c-${i}@desk.example`, at, at, at).lastInsertRowid);
          insCip.run(complaintId, ip, key);
        }
        used = complaintId;
        reportsInComplaint = (reportsInComplaint + 1) % 3;
      }
      const reportRow = Number(
        insRep.run(msgRow, msgId, ip, key, `web${i % 3}.example.net`, at, JSON.stringify([`sshd: Failed password for root from ${ip}`]), used).lastInsertRowid,
      );
      if (used !== null) insLink.run(used, reportRow, msgRow);
    }
  })();
  s.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
}

function wallMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ABUSEDESK_CONFIG: '' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (args.includes('--auto') && r.stdout.trim()) throw new Error(`--auto with nothing new printed: ${r.stdout}`);
  return ms;
}

async function draftBench(): Promise<void> {
  const M = Number(process.env.BENCH_DRAFT_N ?? 1000);
  const dbPath = path.join(work, 'draft.db');
  const store = openStore(dbPath);
  const now = Date.now();
  const insMsg = store.sqlite.prepare(
    `INSERT INTO messages (message_id, sha256, raw, size, source, stored_at, date, kind, trusted, report_count) VALUES (?, ?, x'00', 1, 'file', ?, ?, 'ban', 1, 1)`,
  );
  const insRep = store.sqlite.prepare(
    `INSERT INTO reports (message_row_id, message_id, kind, ip, ip_version, ip_key, service, reporter, failures, banned_at, log_lines, log_paths, private, trusted)
     VALUES (?, ?, 'ban', ?, 4, ?, ?, ?, 6, ?, ?, '[]', 0, 1)`,
  );
  store.sqlite.transaction(() => {
    for (let i = 0; i < M; i++) {
      const { ip, key } = ipOf(i);
      for (let r = 0; r < 3; r++) {
        const at = now - (r + 1) * 3_600_000;
        const msgId = `d-${i}-${r}@web${r}.example.net`;
        const row = Number(insMsg.run(msgId, `d-${i}-${r}`, at, at).lastInsertRowid);
        const lines = Array.from({ length: 20 }, (_, l) => `Nov 24 0${r}:${String(l).padStart(2, '0')}:01 web${r} sshd[${900 + l}]: Failed password for user${l} from ${ip} port ${40000 + l} ssh2`);
        insRep.run(row, msgId, ip, key, ['sshd', 'postfix-sasl', 'dovecot'][r], `web${r}.example.net`, at, JSON.stringify(lines));
      }
    }
  })();
  const contacts = path.join(work, 'draft-contacts.json');
  fs.writeFileSync(contacts, JSON.stringify([{ cidr: '96.0.0.0/3', address: 'abuse@provider.example' }]));
  const config = parseConfig({
    operator: { from: 'Bench <abuse@desk.example>', domain: 'desk.example', ownHostnames: ['web0.example.net'] },
    policy: { maxComplaintsPerRecipientPerDay: 1_000_000 },
    lookup: { offline: true, offlineContactsFile: contacts },
  });
  const resolver = new ContactResolver(store, config.lookup);
  const t0 = performance.now();
  const summary = await draftEligible(store, config, { resolver, approve: 'none' });
  const ms = performance.now() - t0;
  if (summary.drafted !== M) throw new Error(`drafted ${summary.drafted} of ${M}: ${summary.errors.join('; ')}`);
  // The floor: the same number of complaint rows of the same size, inserted raw in one transaction.
  const sample = store.sqlite.prepare('SELECT * FROM complaints LIMIT 1').get() as Record<string, unknown>;
  const floorStore = openStore(path.join(work, 'floor.db'));
  const ins = floorStore.sqlite.prepare(
    `INSERT INTO complaints (state, ip, ip_key, recipient, abuse_contact, contact, message_id, subject, body_text, xarf_report, evidence_log, source_message_ids, created_at, updated_at)
     VALUES ('draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const f0 = performance.now();
  floorStore.sqlite.transaction(() => {
    for (let i = 0; i < M; i++) {
      ins.run(sample.ip, sample.ip_key, sample.recipient, sample.abuse_contact, sample.contact, `floor-${i}`, sample.subject, sample.body_text, sample.xarf_report, sample.evidence_log, sample.source_message_ids, now, now);
    }
  })();
  const floor = performance.now() - f0;
  floorStore.close();
  store.close();
  console.log(`raw insert of ${M} complaint rows: ${floor.toFixed(0)} ms (baseline)`);
  console.log(
    `draft ${M} complaints (3 reports, 60 log lines each): ${ms.toFixed(0)} ms, ${(ms / M).toFixed(2)} ms per complaint (${(ms / floor).toFixed(1)}x vs raw insert)`,
  );
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run npm run build');
  const dovecot = await startDovecot();
  try {
    const outbox = path.join(work, 'outbox');
    const baseline = median(Array.from({ length: ROUNDS }, () => wallMs(['-e', '0'])));
    const version = median(Array.from({ length: ROUNDS }, () => wallMs([BIN, '--version'])));
    console.log(`node -e 0: ${baseline.toFixed(0)} ms (baseline)`);
    console.log(`abusedesk --version: ${version.toFixed(0)} ms (${(version / baseline).toFixed(2)}x vs baseline)`);
    for (const scenario of ['realistic', 'worst'] as const) {
      const dbPath = path.join(work, `${scenario}.db`);
      const t0 = Date.now();
      fill(dbPath, scenario);
      const config = path.join(work, `${scenario}.yaml`);
      fs.writeFileSync(
        config,
        YAML.stringify({
          database: dbPath,
          imap: { url: dovecot.imapUrl() },
          smtp: { outboxDir: outbox },
          operator: { from: 'Bench <abuse@desk.example>', domain: 'desk.example' },
          lookup: { offline: true },
        }),
      );
      // The first run syncs the (empty) mailbox position; then every run has nothing new.
      wallMs([BIN, '--config', config, '--auto']);
      const runs = Array.from({ length: ROUNDS }, () => wallMs([BIN, '--config', config, '--auto']));
      const ms = median(runs);
      console.log(
        `auto nothing new, ${scenario} store (${N.toLocaleString('en')} reports, filled in ${((Date.now() - t0) / 1000).toFixed(1)} s): ` +
          `${ms.toFixed(0)} ms (${(ms / baseline).toFixed(2)}x vs node -e 0, ${(ms / version).toFixed(2)}x vs --version; min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`,
      );
    }
    await draftBench();
  } finally {
    await dovecot.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
