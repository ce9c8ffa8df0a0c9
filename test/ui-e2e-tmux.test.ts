// The real built binary in a real terminal: tmux at 80x24 (send-keys, capture-pane).
// Opens the desk on the demo data, drafts and approves one complaint, sees it in
// Sent, quits; the shell prompt is intact and the terminal is neither in raw mode
// nor on the alternate screen. Hostile mails: no escape sequence from a mail gets
// through (the pane title and tmux's clipboard buffer stay untouched, the sequences
// appear as harmless caret text). Ctrl-C and SIGTERM also leave the terminal sane.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers/cli.js';

const SOCKET = `abusedesk-e2e-${process.pid}`;
let dir: string;
let demoConfig: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

function capture(session: string, escapes = false): string {
  return tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session);
}

async function waitForPane(session: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = capture(session);
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pane never showed ${pattern}; last:\n${last}`);
}

function keys(session: string, ...k: string[]): void {
  tmux('send-keys', '-t', session, ...k);
}

/** A shell in a fresh 80x24 window with a recognisable prompt. */
async function shell(name: string): Promise<string> {
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', `env -i PATH=${process.env.PATH} HOME=${dir} HISTFILE=/dev/null TERM=xterm-256color bash --norc --noprofile`);
  keys(name, "PS1='PROMPT$ '", 'Enter');
  await waitForPane(name, /PROMPT\$ ?$/m);
  keys(name, 'clear', 'Enter');
  await waitForPane(name, /^PROMPT\$ ?$/m);
  return name;
}

/** The pid of the process named `name` below `root` (the shell tmux started may sit under sh). */
function descendantNamed(root: number, names: string[]): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
  const below = new Set([root]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of table) if (below.has(p.ppid) && !below.has(p.pid)) (below.add(p.pid), (changed = true));
  }
  const hit = table.find((p) => p.pid !== root && below.has(p.pid) && names.includes(p.comm!));
  if (!hit) throw new Error(`no ${names.join('/')} process under ${root}`);
  return hit.pid;
}

/** After the desk ended: the prompt is back, the terminal is cooked with echo, no alternate screen. */
async function expectSaneTerminal(session: string): Promise<void> {
  await waitForPane(session, /PROMPT\$ ?$/m);
  expect(tmux('display', '-p', '-t', session, '#{alternate_on}').trim()).toBe('0');
  keys(session, 'stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo)" | tr "\\n" " "; echo END', 'Enter');
  const pane = await waitForPane(session, /^icanon echo END$/m);
  expect(pane).not.toMatch(/-icanon|-echo /);
  keys(session, 'echo ok-$((40+2))', 'Enter');
  await waitForPane(session, /^ok-42$/m);
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run npm run build');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-e2e-'));
  const demo = spawnSync(process.execPath, [BIN, 'demo', '--db', path.join(dir, 'demo', 'demo.db'), '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(demo.status, demo.stderr).toBe(0);
  demoConfig = (JSON.parse(demo.stdout) as { config: string }).config;
});

afterAll(() => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  // A desk still open when a test failed gets SIGHUP from the dying pane and exits shortly.
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
});

describe('the desk in tmux at 80x24', () => {
  it('opens on the demo data, drafts and approves one complaint, shows it in Sent, quits to an intact prompt', async () => {
    const s = await shell('demo');
    keys(s, `node ${BIN} --config ${demoConfig}`, 'Enter');
    let pane = await waitForPane(s, /1 Incoming 30 .*4 Sent 6/);
    expect(tmux('display', '-p', '-t', s, '#{alternate_on}').trim()).toBe('1');
    expect(pane.split('\n').every((l) => l.length <= 80)).toBe(true);
    // Candidates: the oldest (G) is a public IP with one report; draft it anyway.
    keys(s, '2');
    pane = await waitForPane(s, /Verdict/);
    keys(s, 'G');
    pane = await waitForPane(s, /(\d+)\/\1\s*$/m);
    const rows = pane.split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+\s/.test(l));
    const ip = rows[rows.length - 1]!.split(/\s+/)[0]!;
    keys(s, 'd');
    await waitForPane(s, /Draft a complaint anyway\?/);
    keys(s, 'y');
    await waitForPane(s, new RegExp(`complaint #7 drafted for ${ip.replace(/\./g, '\\.')}`));
    keys(s, '3');
    pane = await waitForPane(s, /3 Pending 1 /);
    expect(pane).toContain(ip);
    keys(s, 'a');
    pane = await waitForPane(s, /4 Sent 7 /);
    expect(pane).toContain('3 Pending 0');
    keys(s, '4');
    pane = await waitForPane(s, new RegExp(`sent\\s+\\d\\d-\\d\\d \\d\\d:\\d\\d ${ip.replace(/\./g, '\\.')}\\s`));
    const outbox = fs.readdirSync(path.join(path.dirname(demoConfig), 'outbox'));
    expect(outbox).toHaveLength(7);
    keys(s, 'q');
    await expectSaneTerminal(s);
  });

  it('no escape sequence from hostile mails reaches the terminal', async () => {
    const config = path.join(dir, 'hostile.yaml');
    fs.writeFileSync(config, `database: ${path.join(dir, 'hostile.db')}\n`);
    const imported = spawnSync(process.execPath, [BIN, '--config', config, 'import', path.join(ROOT, 'fixtures', 'mails', 'hostile')], { encoding: 'utf8' });
    expect(imported.stdout).toMatch(/new mails stored/);
    const s = await shell('hostile');
    tmux('set-option', '-t', s, 'set-clipboard', 'on');
    tmux('set-buffer', '-b', 'marker', 'untouched');
    const titleBefore = tmux('display', '-p', '-t', s, '#{pane_title}');
    keys(s, `node ${BIN} --config ${config}`, 'Enter');
    const pane = await waitForPane(s, /1 Incoming \d+/);
    const total = Number(/(\d+)\/(\d+)/.exec(pane)![2]);
    const seen: string[] = [];
    for (let i = 0; i < total; i++) {
      keys(s, 'Enter');
      await waitForPane(s, /Message-ID:/);
      seen.push(capture(s, true));
      keys(s, 'r');
      await waitForPane(s, /Raw mail/);
      seen.push(capture(s, true));
      keys(s, 'PageDown');
      await new Promise((r) => setTimeout(r, 30));
      seen.push(capture(s, true));
      // Esc alone: Esc then j in one burst reads as Alt-j, as in any terminal program.
      keys(s, 'Escape');
      await waitForPane(s, /When \(UTC\)/);
      keys(s, 'j');
      await waitForPane(s, new RegExp(`${Math.min(i + 2, total)}/${total}`));
    }
    const all = seen.join('\n');
    expect(all).toContain('^[]0;pwned^G');
    expect(all).toContain('^[[2J');
    // What tmux shows holds only its own SGR styling, no other sequence.
    expect(all.replace(/\x1b\[[0-9;:]*m/g, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(tmux('display', '-p', '-t', s, '#{pane_title}')).toBe(titleBefore);
    expect(tmux('list-buffers', '-F', '#{buffer_sample}')).not.toContain('echo pwned');
    keys(s, 'q');
    await expectSaneTerminal(s);
  });

  it('Ctrl-C and SIGTERM leave the terminal sane', async () => {
    const s = await shell('signals');
    keys(s, `node ${BIN} --config ${demoConfig}`, 'Enter');
    await waitForPane(s, /1 Incoming 30/);
    keys(s, 'C-c');
    await expectSaneTerminal(s);
    keys(s, 'clear', 'Enter');
    keys(s, `node ${BIN} --config ${demoConfig}; echo exited=$?`, 'Enter');
    await waitForPane(s, /1 Incoming 30/);
    const shellPid = tmux('display', '-p', '-t', s, '#{pane_pid}').trim();
    const deskPid = descendantNamed(Number(shellPid), ['node', 'abusedesk']);
    process.kill(deskPid, 'SIGTERM');
    await waitForPane(s, /exited=143/);
    await expectSaneTerminal(s);
  });
});
