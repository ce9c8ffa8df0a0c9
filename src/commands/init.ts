import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_TEMPLATE } from '../config/template.js';
import { defaultConfigPath } from '../config/paths.js';
import { EXIT_FAILED, EXIT_OK, type CommandContext } from './context.js';

export async function run(ctx: CommandContext): Promise<number> {
  const file = (ctx.flags.config as string | undefined) ?? ctx.env.ABUSEDESK_CONFIG ?? defaultConfigPath();
  if (fs.existsSync(file) && !ctx.flags.force) {
    ctx.out.error(`abusedesk: ${file} exists; use --force to overwrite it`);
    return EXIT_FAILED;
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // The file will hold mailbox and SMTP passwords: readable by its owner only.
  fs.writeFileSync(file, CONFIG_TEMPLATE, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  if (ctx.out.jsonMode) ctx.out.json({ written: path.resolve(file) });
  else if (!ctx.out.quiet) ctx.out.line(`wrote ${path.resolve(file)}`);
  return EXIT_OK;
}
