// Placeholder until the desk lands (issue 5): the entry must resolve this module.
import type { CommandContext } from '../commands/context.js';

export async function runDesk(ctx: CommandContext): Promise<number> {
  ctx.out.error('abusedesk: the desk (terminal UI) is not available in this build; see abusedesk --help');
  return 2;
}
