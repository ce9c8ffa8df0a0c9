// How commands print. Everything that may hold text from a mail or a registry goes
// through the sanitiser here, so no command can forget it. JSON output is safe by
// construction: JSON.stringify escapes every control character.
import { sanitizeLine, sanitizeText } from '../core/sanitize.js';

export interface Output {
  /** One line of text on stdout (sanitised, line breaks kept). */
  line(text?: string): void;
  /** One JSON object on its own line (JSON Lines). */
  json(value: unknown): void;
  /** An error or warning on stderr. */
  error(text: string): void;
  /** Only with --verbose. */
  verbose(text: string): void;
  /** A transient progress line on stderr when it is a terminal; nothing otherwise. */
  progress(text: string): void;
  /** Ends any progress line. */
  progressDone(): void;
  /** Aligned columns; cells are sanitised to one line and cut to the column width. */
  table(headers: string[], rows: Array<Array<string | number | null | undefined>>, maxWidths?: number[]): void;
  readonly jsonMode: boolean;
  readonly quiet: boolean;
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createOutput(options: OutputOptions): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const progressOn = Boolean((stderr as { isTTY?: boolean }).isTTY) && !options.quiet && !options.json;
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) {
      stderr.write('\r\x1b[2K');
      progressShown = false;
    }
  };
  return {
    jsonMode: options.json,
    quiet: options.quiet,
    line(text = '') {
      clearProgress();
      stdout.write(`${sanitizeText(text)}\n`);
    },
    json(value) {
      clearProgress();
      stdout.write(`${JSON.stringify(value)}\n`);
    },
    error(text) {
      clearProgress();
      stderr.write(`${sanitizeText(text)}\n`);
    },
    verbose(text) {
      if (options.verbose) {
        clearProgress();
        stderr.write(`${sanitizeText(text)}\n`);
      }
    },
    progress(text) {
      if (!progressOn) return;
      const width = Math.max(20, ((stderr as { columns?: number }).columns ?? 80) - 1);
      stderr.write(`\r\x1b[2K${sanitizeLine(text).slice(0, width)}`);
      progressShown = true;
    },
    progressDone() {
      clearProgress();
    },
    table(headers, rows, maxWidths = []) {
      clearProgress();
      const cells = rows.map((row) => row.map((cell, i) => fit(cell, maxWidths[i])));
      const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
      const render = (row: string[]) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd();
      stdout.write(`${render(headers)}\n`);
      for (const row of cells) stdout.write(`${render(row)}\n`);
    },
  };
}

function fit(cell: string | number | null | undefined, max: number | undefined): string {
  const text = cell === null || cell === undefined ? '-' : sanitizeLine(String(cell));
  if (!max || text.length <= max) return text;
  return `${text.slice(0, Math.max(1, max - 1))}…`;
}
