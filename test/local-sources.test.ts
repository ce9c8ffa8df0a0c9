import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalMail, SourceError, type SourceProblem } from '../src/mail/local-sources.js';
import type { IncomingMail } from '../src/services/ingest.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-src-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function collect(paths: string[], stdin?: NodeJS.ReadableStream) {
  const mails: IncomingMail[] = [];
  const problems: SourceProblem[] = [];
  for await (const m of readLocalMail(paths, { stdin, onProblem: (p) => problems.push(p) })) mails.push(m);
  return { mails, problems };
}

describe('local mail sources', () => {
  it('reads one .eml file verbatim', async () => {
    const dir = tempDir();
    const raw = Buffer.from('Subject: x\r\n\r\nbody\xff', 'latin1');
    fs.writeFileSync(path.join(dir, 'a.eml'), raw);
    const { mails } = await collect([path.join(dir, 'a.eml')]);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw.equals(raw)).toBe(true);
    expect(mails[0]!.source).toBe('file');
  });

  it('walks directories recursively, skipping dot files, in name order', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'b.eml'), 'Subject: b\n\nb');
    fs.writeFileSync(path.join(dir, 'a.eml'), 'Subject: a\n\na');
    fs.writeFileSync(path.join(dir, 'sub', 'c.eml'), 'Subject: c\n\nc');
    fs.writeFileSync(path.join(dir, '.hidden'), 'Subject: h\n\nh');
    fs.writeFileSync(path.join(dir, 'empty.eml'), '');
    const { mails, problems } = await collect([dir]);
    expect(mails.map((m) => m.raw.toString().slice(9, 10))).toEqual(['a', 'b', 'c']);
    expect(problems).toEqual([{ path: path.join(dir, 'empty.eml'), error: 'empty file' }]);
  });

  it('reads a Maildir (new and cur, not tmp) and its Maildir++ subfolders', async () => {
    const dir = tempDir();
    for (const sub of ['cur', 'new', 'tmp', '.Archive/cur', '.Archive/new', '.Archive/tmp']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, 'new', '1.host'), 'Subject: new\n\n1');
    fs.writeFileSync(path.join(dir, 'cur', '2.host:2,S'), 'Subject: cur\n\n2');
    fs.writeFileSync(path.join(dir, 'tmp', '3.host'), 'Subject: tmp\n\n3');
    fs.writeFileSync(path.join(dir, '.Archive', 'cur', '4.host:2,S'), 'Subject: archived\n\n4');
    const { mails } = await collect([dir]);
    expect(mails.map((m) => m.raw.toString().split('\n')[0])).toEqual(['Subject: new', 'Subject: cur', 'Subject: archived']);
    expect(mails.every((m) => m.source === 'maildir')).toBe(true);
  });

  it('splits an mbox file and undoes >From escaping', async () => {
    const dir = tempDir();
    const mbox = [
      'From fail2ban@web1 Thu Nov 20 10:00:00 2026',
      'Subject: one',
      '',
      'first',
      '>From the log',
      '',
      'From fail2ban@web2 Thu Nov 20 11:00:00 2026',
      'Subject: two',
      '',
      'second',
      '',
      'From fail2ban@web3 Thu Nov 20 12:00:00 2026',
      'Subject: three',
      '',
      'third',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'box.mbox'), mbox);
    const { mails } = await collect([path.join(dir, 'box.mbox')]);
    expect(mails.map((m) => m.raw.toString())).toEqual([
      'Subject: one\n\nfirst\nFrom the log\n',
      'Subject: two\n\nsecond\n',
      'Subject: three\n\nthird\n',
    ]);
    expect(mails[2]!.sourceRef).toBe(`${path.join(dir, 'box.mbox')}#3`);
  });

  it('reads an mbox larger than one read chunk', async () => {
    const dir = tempDir();
    const parts: string[] = [];
    for (let i = 0; i < 400; i++) parts.push(`From x Thu Nov 20 10:00:00 2026\nSubject: ${i}\n\n${'y'.repeat(5000)}\n\n`);
    fs.writeFileSync(path.join(dir, 'big'), parts.join(''));
    const { mails } = await collect([path.join(dir, 'big')]);
    expect(mails).toHaveLength(400);
    expect(mails[399]!.raw.toString().startsWith('Subject: 399\n')).toBe(true);
    mails.forEach((m, i) => expect(m.raw.toString()).toBe(`Subject: ${i}\n\n${'y'.repeat(5000)}\n`));
  });

  it('reads one mail from stdin and drops an MTA envelope line', async () => {
    const { mails } = await collect(['-'], Readable.from([Buffer.from('From root Thu Nov 20\nSubject: s\n\nb')]));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw.toString()).toBe('Subject: s\n\nb');
    expect(mails[0]!.source).toBe('stdin');
  });

  it('fails clearly on a path that does not exist', async () => {
    await expect(collect(['/nonexistent/abusedesk/mail'])).rejects.toThrow(SourceError);
    await expect(collect(['/nonexistent/abusedesk/mail'])).rejects.toThrow(/ENOENT/);
  });
});
