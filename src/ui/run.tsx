// Opens the desk: the alternate screen and raw mode for the session, and the
// terminal put back however the session ends (quit, Ctrl-C, a signal, a crash).
// Nothing else may write to stdout while Ink draws: console output is captured
// and printed after the screen is restored.
import path from 'node:path';
import { render } from 'ink';
import type { CommandContext } from '../commands/context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../commands/context.js';
import { App } from './app.js';
import { sanitizeText } from '../core/sanitize.js';
import type { DeskDeps, HandOver } from './desk-context.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

interface TerminalGuard {
  restore(): void;
  reenter(): void;
}

function guardTerminal(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): TerminalGuard {
  let inside = true;
  stdout.write(ENTER_ALT);
  const restore = () => {
    if (!inside) return;
    inside = false;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing to restore there.
    }
    stdout.write(LEAVE_ALT);
  };
  return {
    restore,
    reenter: () => {
      if (inside) return;
      inside = true;
      stdout.write(ENTER_ALT);
    },
  };
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const CONSOLE_METHODS: ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];

/** Routes console.* into a buffer while the desk is open; returns the undo. */
function captureConsole(into: string[]): () => void {
  const saved = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
  for (const m of CONSOLE_METHODS) {
    console[m] = (...args: unknown[]) => {
      if (into.length < 200) into.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    };
  }
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
  };
}

export async function runDesk(ctx: CommandContext): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    ctx.out.error('abusedesk: the desk needs a terminal (stdin and stdout must be a TTY); in scripts use the subcommands (see abusedesk --help)');
    return EXIT_USAGE;
  }
  const loaded = ctx.config();
  const store = ctx.store();

  const captured: string[] = [];
  const guard = guardTerminal(stdout, stdin);
  const releaseConsole = captureConsole(captured);
  const onSignal = (signal: NodeJS.Signals) => {
    guard.restore();
    releaseConsole();
    store.close();
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  const onCrash = (err: unknown) => {
    guard.restore();
    releaseConsole();
    process.stderr.write(`abusedesk: the desk crashed: ${sanitizeText((err as Error)?.stack ?? String(err))}\n`);
    process.exit(EXIT_FAILED);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', guard.restore);

  let instance: ReturnType<typeof render> | undefined;
  const handOver: HandOver = (fn) => {
    guard.restore();
    try {
      return fn();
    } finally {
      guard.reenter();
      if (stdin.isTTY) stdin.setRawMode(true);
      // The child drew over the screen: forget what Ink thinks is there.
      instance?.clear();
    }
  };
  const deps: DeskDeps = {
    store,
    config: loaded.config,
    env: ctx.env,
    handOver,
    configDir: loaded.configPath ? path.dirname(loaded.configPath) : process.cwd(),
  };
  try {
    instance = render(<App deps={deps} fetchOnOpen />, {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 60,
      incrementalRendering: false,
    });
    await instance.waitUntilExit();
    return EXIT_OK;
  } finally {
    guard.restore();
    releaseConsole();
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    // Library output may quote server or mail text: sanitised like everything else.
    for (const line of captured) process.stderr.write(`${sanitizeText(line)}\n`);
  }
}

