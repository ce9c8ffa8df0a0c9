// `abusedesk demo` through the built binary: the bundled sample mailbox, offline
// contacts and a file outbox; then the written demo config opens the same data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateXarfReport } from '../src/core/xarf.js';
import { runCli } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-demo-test-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

it('runs the whole pipeline into a file outbox and tells how to open the desk on it', async () => {
  const db = path.join(dir, 'demo.db');
  const res = await runCli(['demo', '--db', db, '--json']);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  const out = JSON.parse(res.stdout) as {
    db: string;
    config: string;
    outbox: string;
    shiftedDays: number;
    imported: { mails: number; reports: number };
    run: { drafted: number; sent: number; errors: string[] };
    complaints: Array<{ id: number; state: string; ip: string; recipient: string; messageId: string }>;
    outboxFiles: string[];
  };
  expect(out.db).toBe(db);
  const sample = ['cur', 'new'].flatMap((d) => fs.readdirSync(path.join(process.cwd(), 'fixtures/demo/mailbox', d)));
  expect(out.imported.mails).toBe(sample.length);
  expect(out.run.errors).toEqual([]);
  expect(out.run.sent).toBeGreaterThan(0);
  expect(out.run.sent).toBe(out.run.drafted);
  // One .eml per sent complaint, named after its Message-ID, a valid X-ARF mail to the offline contact.
  expect(out.outboxFiles).toHaveLength(out.run.sent);
  const contacts = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'fixtures/demo/contacts.json'), 'utf8')) as Array<{ address: string }>;
  for (const c of out.complaints) {
    expect(c.state).toBe('sent');
    const file = path.join(out.outbox, `${c.messageId}.eml`);
    const mail = await simpleParser(fs.readFileSync(file));
    expect(mail.messageId).toBe(`<${c.messageId}>`);
    expect(contacts.map((k) => k.address)).toContain(c.recipient);
    const report = mail.attachments.find((a) => a.filename === 'report.txt')!.content.toString('utf8');
    expect(validateXarfReport(report)).toEqual([]);
    expect(mail.text).toContain(c.ip);
  }
  // Private addresses in the sample are never complained about.
  expect(out.complaints.some((c) => /^(10\.|192\.168\.)/.test(c.ip))).toBe(false);

  // The demo config opens the same data.
  const complaints = await runCli(['--config', out.config, 'complaints', '--json']);
  expect(complaints.code).toBe(0);
  expect(complaints.stdout.trim().split('\n')).toHaveLength(out.complaints.length);
  const candidates = await runCli(['--config', out.config, 'candidates']);
  expect(candidates.code).toBe(0);
  expect(candidates.stdout).toContain('private range');

  // The human output names the outbox, the database and how to open the desk.
  const human = await runCli(['demo', '--db', path.join(dir, 'again', 'demo.db')]);
  expect(human.code).toBe(0);
  expect(human.stdout).toContain(`abusedesk --config ${path.join(dir, 'again', 'abusedesk-demo.yaml')}`);
  expect(human.stdout).toMatch(/Date headers were moved forward by \d+ days/);
  expect(human.stdout).toContain(path.join(dir, 'again', 'outbox'));
});
