#!/usr/bin/env node
// The entry: meow parses, then either a subcommand runs headless and exits, or
// the desk (Ink) is imported lazily and opened. Keep this file small: every import
// here is paid by every run, including cron's.
import meow from 'meow';
import { loadConfig, ConfigError, type LoadedConfig } from './config/load.js';
import { openStore, StoreError, type Store } from './store/db.js';
import { createOutput } from './commands/output.js';
import { commands } from './commands/index.js';
import { UsageError, EXIT_FAILED, EXIT_USAGE, type CommandContext, type GlobalFlags } from './commands/context.js';

const commandList = Object.entries(commands)
  .map(([name, entry]) => `  ${name.padEnd(12)} ${entry.summary}`)
  .join('\n');

const cli = meow(
  `
  Usage
    abusedesk                      open the desk (terminal UI)
    abusedesk --auto [--dry-run]   headless run for cron
    abusedesk <command> [args]

  Commands
${commandList}

  Global options
    --config FILE   config file (default ~/.config/abusedesk/config.yaml, or $ABUSEDESK_CONFIG)
    --db FILE       database file (default ~/.local/share/abusedesk/abusedesk.db, or $ABUSEDESK_DB)
    --json          JSON Lines for lists, one object for summaries
    --quiet         print only errors
    --verbose       print more detail on stderr
    --help, --version

  Exit codes: 0 ok, 1 some work failed, 2 bad usage or config.
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: false,
    flags: {
      config: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false, shortFlag: 'q' },
      verbose: { type: 'boolean', default: false, shortFlag: 'v' },
      auto: { type: 'boolean', default: false },
      dryRun: { type: 'boolean', default: false },
      limit: { type: 'number' },
      kind: { type: 'string' },
      force: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      raw: { type: 'boolean', default: false },
      never: { type: 'boolean', default: false },
      note: { type: 'string' },
      reason: { type: 'string' },
      state: { type: 'string' },
      keep: { type: 'boolean', default: false },
      release: { type: 'boolean', default: false },
      retry: { type: 'boolean', default: false },
      markSent: { type: 'boolean', default: false },
    },
  },
);

// `abusedesk reports | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(): Promise<number> {
  const flags = cli.flags as GlobalFlags & Record<string, unknown>;
  const out = createOutput({ json: flags.json, quiet: flags.quiet, verbose: flags.verbose });
  let loaded: LoadedConfig | undefined;
  let store: Store | undefined;
  const ctx: CommandContext = {
    args: cli.input.slice(1),
    flags,
    out,
    stdin: process.stdin,
    env: process.env,
    config: () => (loaded ??= loadConfig({ configPath: flags.config, databasePath: flags.db })),
    store: () => (store ??= openStore(ctx.config().databasePath)),
  };
  const name = flags.auto ? 'auto' : cli.input[0];
  if (flags.auto) ctx.args = cli.input;
  try {
    if (!name) {
      const { runDesk } = await import('./ui/run.js');
      return await runDesk(ctx);
    }
    const entry = commands[name];
    if (!entry) throw new UsageError(`unknown command "${name}" (see abusedesk --help)`);
    const command = await entry.load();
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      out.error(`abusedesk: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof StoreError) {
      out.error(`abusedesk: ${err.message}`);
      return EXIT_FAILED;
    }
    out.error(`abusedesk: ${(err as Error)?.stack ?? String(err)}`);
    return EXIT_FAILED;
  } finally {
    store?.close();
  }
}

process.exitCode = await main();
