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
  candidates: { summary: 'unused reports grouped by IP, with abuse contact and eligibility; ignore|unignore <ip>', usage: 'abusedesk candidates [--limit N] | ignore <ip> [--note TEXT] | unignore <ip>', load: () => import('./candidates.js') },
  complaints: { summary: 'complaints and their states', usage: 'abusedesk complaints [--state S[,S]] [--limit N]', load: () => import('./complaints.js') },
  complaint: { summary: 'one complaint in full; --raw: the exact mail; --retry / --mark-sent after an interrupted send', usage: 'abusedesk complaint <id> [--raw | --retry | --mark-sent]', load: () => import('./complaint.js') },
  approve: { summary: 'approve draft complaints by id', usage: 'abusedesk approve <id...>', load: () => import('./approve.js') },
  reject: { summary: 'reject complaints by id (--release frees their reports)', usage: 'abusedesk reject <id...> --reason TEXT [--release]', load: () => import('./reject.js') },
  send: { summary: 'send approved complaints that are due (all, or by id)', usage: 'abusedesk send [<id...>]', load: () => import('./send.js') },
  auto: { summary: 'the headless run for cron (same as --auto [--dry-run])', usage: 'abusedesk --auto [--dry-run]', load: () => import('./auto.js') },
  demo: { summary: 'a sandbox: sample mailbox, offline contacts, file outbox, the whole pipeline', usage: 'abusedesk demo [--db FILE]', load: () => import('./demo.js') },
  stats: {
    summary: 'counts per day, service, reporting host, country, network; complaints by state',
    usage: 'abusedesk stats [--limit DAYS]',
    load: () => import('./stats.js'),
  },
  init: {
    summary: 'write a commented config file',
    usage: 'abusedesk init [--force]',
    load: () => import('./init.js'),
  },
};
