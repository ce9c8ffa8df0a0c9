// The contract between the command line and each subcommand module. A command
// module exports `run(ctx)` and returns the exit code: 0 ok, 1 some work failed,
// 2 bad usage or config (throw UsageError or ConfigError for those).
import type { LoadedConfig } from '../config/load.js';
import type { Store } from '../store/db.js';
import type { Output } from './output.js';

export interface GlobalFlags {
  config?: string;
  db?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Every parsed flag (global and command-specific, camelCase as meow gives them). */
  flags: GlobalFlags & Record<string, unknown>;
  out: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Loaded on first use; throws ConfigError. */
  config(): LoadedConfig;
  /** Opened (and migrated) on first use; closed by the CLI when the command returns. */
  store(): Store;
}

export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
