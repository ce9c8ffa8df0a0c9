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
  contact: { summary: 'the abuse contact of an IP: address, source, range, alternatives, evidence', usage: 'abusedesk contact <ip> [--refresh]', load: () => import('./contact.js') },
  contacts: { summary: 'cached abuse contacts by network range', usage: 'abusedesk contacts', load: () => import('./contacts.js') },
  override: { summary: 'local abuse contacts: add <cidr|ASn> <email...|--never> [--note], remove, list', usage: 'abusedesk override add|remove|list', load: () => import('./override.js') },
  init: {
    summary: 'write a commented config file',
    usage: 'abusedesk init [--force]',
    load: () => import('./init.js'),
  },
};
