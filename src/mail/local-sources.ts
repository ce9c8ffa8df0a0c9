// Local mail sources: single .eml files, directories of them, Maildir folders,
// mbox files, and one mail on stdin. Each yields mails one at a time so an import
// of 100,000 mails never holds more than one batch in memory.
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMail } from '../services/ingest.js';

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** A problem with one file that does not stop the import. */
export interface SourceProblem {
  path: string;
  error: string;
}

const FROM_LINE = Buffer.from('From ');

/** Yields every mail under the given paths ("-" = one mail on stdin). */
export async function* readLocalMail(
  paths: readonly string[],
  options: { stdin?: NodeJS.ReadableStream; onProblem?: (problem: SourceProblem) => void } = {},
): AsyncGenerator<IncomingMail> {
  const onProblem = options.onProblem ?? (() => {});
  for (const p of paths) {
    if (p === '-') {
      yield { raw: stripEnvelopeLine(await readAll(options.stdin ?? process.stdin)), source: 'stdin', sourceRef: null };
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      throw new SourceError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (stat.isDirectory()) yield* readDirectory(p, onProblem);
    else yield* readFile(p, onProblem);
  }
}

function isMaildir(dir: string): boolean {
  return ['cur', 'new'].every((sub) => {
    try {
      return fs.statSync(path.join(dir, sub)).isDirectory();
    } catch {
      return false;
    }
  });
}

function* readDirectory(dir: string, onProblem: (p: SourceProblem) => void): Generator<IncomingMail> {
  if (isMaildir(dir)) {
    for (const sub of ['new', 'cur']) {
      for (const name of sortedEntries(path.join(dir, sub), onProblem)) {
        if (name.startsWith('.')) continue;
        const file = path.join(dir, sub, name);
        const raw = readFileSafe(file, onProblem);
        if (raw) yield { raw, source: 'maildir', sourceRef: file };
      }
    }
    // Maildir++ subfolders (".Archive") are mailboxes of their own.
    for (const name of sortedEntries(dir, onProblem)) {
      const sub = path.join(dir, name);
      if (name.startsWith('.') && name.length > 1 && isMaildir(sub)) yield* readDirectory(sub, onProblem);
    }
    return;
  }
  for (const name of sortedEntries(dir, onProblem)) {
    if (name.startsWith('.')) continue;
    const file = path.join(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (err) {
      onProblem({ path: file, error: (err as Error).message });
      continue;
    }
    if (stat.isDirectory()) yield* readDirectory(file, onProblem);
    else if (stat.isFile()) yield* readFile(file, onProblem);
  }
}

function sortedEntries(dir: string, onProblem: (p: SourceProblem) => void): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (err) {
    onProblem({ path: dir, error: (err as Error).message });
    return [];
  }
}

function readFileSafe(file: string, onProblem: (p: SourceProblem) => void): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    onProblem({ path: file, error: (err as Error).message });
    return null;
  }
}

/** Opens a file for reading; a file that cannot be opened is a recorded problem, not a crash. */
function openSafe(file: string, onProblem: (p: SourceProblem) => void): number | null {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    onProblem({ path: file, error: (err as Error).message });
    return null;
  }
}

function* readFile(file: string, onProblem: (p: SourceProblem) => void): Generator<IncomingMail> {
  const head = Buffer.alloc(5);
  const fd = openSafe(file, onProblem);
  if (fd === null) return;
  let headBytes: number;
  try {
    headBytes = fs.readSync(fd, head, 0, 5, 0);
  } catch (err) {
    onProblem({ path: file, error: (err as Error).message });
    return;
  } finally {
    fs.closeSync(fd);
  }
  if (headBytes === 5 && head.equals(FROM_LINE)) {
    yield* readMbox(file, onProblem);
    return;
  }
  if (headBytes === 0) {
    onProblem({ path: file, error: 'empty file' });
    return;
  }
  const raw = readFileSafe(file, onProblem);
  if (raw) yield { raw, source: 'file', sourceRef: file };
}

/**
 * Splits an mbox file at "From " lines, streaming it in chunks. Lines escaped as
 * ">From " (mboxrd) lose one ">" so each mail is as it was delivered.
 */
export function* readMbox(file: string, onProblem: (p: SourceProblem) => void = () => {}): Generator<IncomingMail> {
  const fd = openSafe(file, onProblem);
  if (fd === null) return;
  const chunk = Buffer.alloc(1 << 20);
  let pending = Buffer.alloc(0);
  let current: Buffer[] = [];
  let index = 0;
  let started = false;
  const finish = (): IncomingMail | null => {
    if (!started) return null;
    const raw = unescapeMboxrd(trimSeparatorNewline(Buffer.concat(current)));
    current = [];
    index++;
    return raw.length ? { raw, source: 'mbox', sourceRef: `${file}#${index}` } : null;
  };
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      const data = n > 0 ? Buffer.concat([pending, chunk.subarray(0, n)]) : pending;
      let lineStart = 0;
      for (;;) {
        const nl = data.indexOf(10, lineStart);
        if (nl < 0 && n > 0) break;
        const lineEnd = nl < 0 ? data.length : nl + 1;
        if (lineEnd === lineStart) break;
        const line = data.subarray(lineStart, lineEnd);
        if (line.subarray(0, 5).equals(FROM_LINE)) {
          const mail = finish();
          if (mail) yield mail;
          started = true;
        } else if (started) {
          current.push(Buffer.from(line));
        }
        lineStart = lineEnd;
        if (nl < 0) break;
      }
      pending = data.subarray(lineStart);
      if (n <= 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  const last = finish();
  if (last) yield last;
}

function trimSeparatorNewline(raw: Buffer): Buffer {
  // The blank line before the next "From " belongs to the mbox format, not the mail;
  // a mail not followed by one (a truncated last mail) keeps its last line break.
  const crlf = raw.length >= 4 && raw.subarray(raw.length - 4).toString('latin1') === '\r\n\r\n';
  if (crlf) return raw.subarray(0, raw.length - 2);
  const lflf = raw.length >= 2 && raw[raw.length - 1] === 10 && raw[raw.length - 2] === 10;
  return lflf ? raw.subarray(0, raw.length - 1) : raw;
}

function unescapeMboxrd(raw: Buffer): Buffer {
  if (raw.indexOf('>From ') < 0) return raw;
  const text = raw.toString('latin1').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(text, 'latin1');
}

function stripEnvelopeLine(raw: Buffer): Buffer {
  // An MTA piping into a command may prepend the mbox envelope line "From sender date".
  if (!raw.subarray(0, 5).equals(FROM_LINE)) return raw;
  const nl = raw.indexOf(10);
  return nl < 0 ? raw : raw.subarray(nl + 1);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
