// The subcommands. Each is loaded only when called, so `abusedesk <cmd>` pays
// for its own imports and nothing else (the desk's React/Ink stays unloaded).
import type { CommandModule } from './context.js';

export interface CommandEntry {
  summary: string;
  usage: string;
  load: () => Promise<CommandModule>;
}

export const commands: Record<string, CommandEntry> = {
  fetch: { summary: 'fetch new mail from the configured IMAP mailbox', usage: 'abusedesk fetch', load: () => import('./fetch.js') },
  import: {
    summary: 'ingest .eml files, directories, Maildir folders, mbox files, or one mail on stdin (-)',
    usage: 'abusedesk import <path...|->',
    load: () => import('./import.js'),
  },
  reports: {
    summary: 'stored reports; QUERY = IP address, CIDR range or Message-ID',
    usage: 'abusedesk reports [QUERY] [--limit N]',
    load: () => import('./reports.js'),
  },
  messages: {
    summary: 'stored mails and how each was classified',
    usage: 'abusedesk messages [--kind KIND] [--limit N]',
    load: () => import('./messages.js'),
  },
  init: {
    summary: 'write a commented config file',
    usage: 'abusedesk init [--force]',
    load: () => import('./init.js'),
  },
};
