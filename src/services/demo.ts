// `abusedesk demo`: the whole pipeline in a sandbox. A temp directory (or the one the
// given --db lives in) gets a copy of the bundled sample mailbox, the offline contact
// data, a demo config and a file outbox; the mailbox is imported and one --auto run
// drafts, approves and "sends" (writes .eml files). Nothing leaves the machine.
//
// The sample mails are from a fixed week. So that the policy window (7 days) sees them
// as recent, the copy's Date: headers are moved forward by whole days to end within the
// last day (sample data only; the demo says so). Log lines inside keep their times.
//
// Public API:
//   runDemo({ dbPath?, dir?, now? }) -> Promise<DemoResult>
//   demoFixturesDir() -> string    where fixtures/demo is (source tree or installed package)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { loadConfig } from '../config/load.js';
import { openStore } from '../store/db.js';
import { listComplaints } from '../store/repos/complaints.js';
import type { ComplaintRow } from '../store/schema/complaints.js';
import { runAuto, type AutoRunSummary } from './auto-run.js';
import { importPaths, type ImportResult } from './import.js';

export interface DemoResult {
  dir: string;
  dbPath: string;
  configPath: string;
  outboxDir: string;
  mailboxDir: string;
  /** How far the sample mails' Date headers were moved, in whole days. */
  shiftedDays: number;
  imported: ImportResult;
  run: AutoRunSummary;
  complaints: ComplaintRow[];
  outboxFiles: string[];
}

const DAY_MS = 86_400_000;

export function demoFixturesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'fixtures', 'demo');
    if (fs.existsSync(path.join(candidate, 'mailbox'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the bundled demo data (fixtures/demo) next to the program');
}

export async function runDemo(opts: { dbPath?: string; dir?: string; now?: Date } = {}): Promise<DemoResult> {
  const now = opts.now ?? new Date();
  const dir = opts.dir ?? (opts.dbPath ? path.dirname(path.resolve(opts.dbPath)) : fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-demo-')));
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = path.resolve(opts.dbPath ?? path.join(dir, 'abusedesk-demo.db'));
  const fixtures = demoFixturesDir();
  const mailboxDir = path.join(dir, 'demo-mailbox');
  const outboxDir = path.join(dir, 'outbox');
  const contactsFile = path.join(dir, 'demo-contacts.json');
  fs.copyFileSync(path.join(fixtures, 'contacts.json'), contactsFile);
  const shiftedDays = copyRedated(path.join(fixtures, 'mailbox'), mailboxDir, now);

  const configPath = path.join(dir, 'abusedesk-demo.yaml');
  const demoConfig = {
    database: dbPath,
    smtp: { outboxDir },
    operator: {
      organisation: 'Demo abuse desk',
      from: 'Demo abuse desk <abuse@demo.example>',
      replyTo: 'abuse@demo.example',
      domain: 'demo.example',
      timezone: 'UTC',
    },
    lookup: { offline: true, offlineContactsFile: contactsFile },
    auto: { approve: 'confident', send: true, archive: false },
  };
  fs.writeFileSync(
    configPath,
    `# abusedesk demo configuration, written by \`abusedesk demo\`.\n` +
      `# Open the desk on the demo data: abusedesk --config ${configPath}\n` +
      `# Complaints are written to ${outboxDir} as .eml files; nothing is mailed.\n` +
      YAML.stringify(demoConfig),
  );
  const { config } = loadConfig({ configPath, databasePath: dbPath, env: {} });
  const store = openStore(dbPath);
  try {
    const imported = await importPaths(store, config, [mailboxDir]);
    const run = await runAuto(store, config, { kind: 'demo', baseDir: dir, now: () => new Date() });
    const complaints = listComplaints(store, {}, { limit: 1000 }).sort((a, b) => a.id - b.id);
    const outboxFiles = fs.existsSync(outboxDir) ? fs.readdirSync(outboxDir).filter((f) => f.endsWith('.eml')).sort() : [];
    return { dir, dbPath, configPath, outboxDir, mailboxDir, shiftedDays, imported, run, complaints, outboxFiles };
  } finally {
    store.close();
  }
}

/**
 * Copies a Maildir, moving each mail's Date: header forward by the same whole number
 * of days so the newest mail falls within the last day before `now`.
 */
function copyRedated(from: string, to: string, now: Date): number {
  const files: Array<{ sub: string; name: string; raw: Buffer; date: number | null }> = [];
  for (const sub of ['cur', 'new']) {
    const src = path.join(from, sub);
    if (!fs.existsSync(src)) continue;
    for (const name of fs.readdirSync(src).sort()) {
      const raw = fs.readFileSync(path.join(src, name));
      files.push({ sub, name, raw, date: dateOf(raw) });
    }
  }
  const newest = Math.max(...files.map((f) => f.date ?? -Infinity));
  const days = Number.isFinite(newest) ? Math.max(0, Math.floor((now.getTime() - 3_600_000 - newest) / DAY_MS)) : 0;
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(to, sub), { recursive: true });
  for (const f of files) {
    const raw = f.date === null || days === 0 ? f.raw : redate(f.raw, new Date(f.date + days * DAY_MS));
    fs.writeFileSync(path.join(to, f.sub, f.name), raw);
  }
  return days;
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf === -1) return lf;
  if (lf === -1) return crlf;
  return Math.min(crlf, lf);
}

function dateOf(raw: Buffer): number | null {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
  const m = /^Date:[ \t]*(.+)$/im.exec(head);
  if (!m) return null;
  const t = Date.parse(m[1]!.trim());
  return Number.isNaN(t) ? null : t;
}

function redate(raw: Buffer, date: Date): Buffer {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end).toString('latin1').replace(/^Date:[ \t]*.+$/im, `Date: ${date.toUTCString().replace('GMT', '+0000')}`);
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(end)]);
}
