// Editing a complaint's text in the operator's $VISUAL/$EDITOR: a 0600 file in a
// private temp directory, the terminal handed over while the editor runs, the
// result read back and checked before anything is stored.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HandOver } from './desk-context.js';

export type EditResult =
  | { status: 'changed'; subject: string; bodyText: string }
  | { status: 'unchanged' }
  | { status: 'error'; error: string };

export function editorCommand(env: NodeJS.ProcessEnv): string | null {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || null;
}

/** The file the operator edits: a Subject line, a blank line, the text. */
export function complaintToFile(subject: string, bodyText: string): string {
  return `Subject: ${subject}\n\n${bodyText}`;
}

export function complaintFromFile(text: string): { subject: string; bodyText: string } | { error: string } {
  const normal = text.replace(/\r\n/g, '\n');
  const m = /^Subject:[ \t]*(.*)\n\n/.exec(normal);
  if (!m) return { error: 'the first line must be "Subject: ..." followed by an empty line' };
  const subject = m[1]!.trim();
  if (!subject) return { error: 'the subject is empty' };
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(subject)) return { error: 'the subject holds control characters' };
  const bodyText = normal.slice(m[0].length).replace(/\s+$/, '') + '\n';
  if (!bodyText.trim()) return { error: 'the text is empty' };
  return { subject, bodyText };
}

export function editComplaintText(
  current: { subject: string; bodyText: string },
  env: NodeJS.ProcessEnv,
  handOver: HandOver,
): EditResult {
  const command = editorCommand(env);
  if (!command) return { status: 'error', error: 'set $VISUAL or $EDITOR to edit' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-edit-'));
  const file = path.join(dir, 'complaint.txt');
  try {
    const before = complaintToFile(current.subject, current.bodyText);
    fs.writeFileSync(file, before, { mode: 0o600 });
    // $EDITOR may carry arguments ("vim -u NONE"): the shell splits it; the file is "$1".
    const run = handOver(() => spawnSync('/bin/sh', ['-c', `${command} "$1"`, 'sh', file], { stdio: 'inherit', env }));
    if (run.error) return { status: 'error', error: `cannot run the editor: ${run.error.message}` };
    if (run.status !== 0) return { status: 'error', error: `the editor exited with status ${run.status ?? run.signal}: nothing saved` };
    const after = fs.readFileSync(file, 'utf8');
    if (after === before) return { status: 'unchanged' };
    const parsed = complaintFromFile(after);
    if ('error' in parsed) return { status: 'error', error: `not saved: ${parsed.error}` };
    if (parsed.subject === current.subject && parsed.bodyText === current.bodyText) return { status: 'unchanged' };
    return { status: 'changed', ...parsed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
