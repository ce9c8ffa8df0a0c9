// The one key table. Handlers ask "which command is this key here?", and the `?`
// help overlay and the footer hints are generated from the same rows, so a key
// documented is a key that works.
import type { Key } from 'ink';

export type Command =
  | 'quit'
  | 'help'
  | 'nextScreen'
  | 'prevScreen'
  | 'screen1'
  | 'screen2'
  | 'screen3'
  | 'screen4'
  | 'screen5'
  | 'screen6'
  | 'search'
  | 'searchNext'
  | 'searchPrev'
  | 'fetch'
  | 'refresh'
  | 'down'
  | 'up'
  | 'top'
  | 'bottom'
  | 'pageDown'
  | 'pageUp'
  | 'open'
  | 'back'
  | 'filter'
  | 'toggleRaw'
  | 'draft'
  | 'ignore'
  | 'override'
  | 'mark'
  | 'approve'
  | 'edit'
  | 'recipient'
  | 'reject'
  | 'defer'
  | 'sendNow'
  | 'retry'
  | 'yes'
  | 'no';

export type Category = 'global' | 'navigation' | 'incoming' | 'candidates' | 'pending' | 'sent' | 'confirm';

/** Where a binding applies: everywhere, in any list, or on one screen/overlay. */
export type Scope = 'global' | 'list' | 'detail' | 'incoming' | 'candidates' | 'pending' | 'sent' | 'confirm';

export interface Binding {
  command: Command;
  /** Key names as keyName() produces them. */
  keys: string[];
  /** What the help overlay shows for the keys (defaults to keys joined). */
  label?: string;
  description: string;
  category: Category;
  scope: Scope;
  /** Shown in the footer of that scope. */
  hint?: string;
}

export const KEY_TABLE: readonly Binding[] = [
  { command: 'help', keys: ['?'], description: 'show or hide this help', category: 'global', scope: 'global', hint: 'help' },
  { command: 'quit', keys: ['q', 'ctrl+c'], description: 'quit (asks first while something is unsaved or sending)', category: 'global', scope: 'global', hint: 'quit' },
  { command: 'nextScreen', keys: ['tab'], description: 'next screen', category: 'global', scope: 'global' },
  { command: 'prevScreen', keys: ['shift+tab'], description: 'previous screen', category: 'global', scope: 'global' },
  { command: 'screen1', keys: ['1'], description: 'Incoming: stored mails', category: 'global', scope: 'global' },
  { command: 'screen2', keys: ['2'], description: 'Candidates: reports grouped by IP', category: 'global', scope: 'global' },
  { command: 'screen3', keys: ['3'], description: 'Pending: complaints to review', category: 'global', scope: 'global' },
  { command: 'screen4', keys: ['4'], description: 'Sent: complaint history', category: 'global', scope: 'global' },
  { command: 'screen5', keys: ['5'], description: 'Search results', category: 'global', scope: 'global' },
  { command: 'screen6', keys: ['6'], description: 'Stats', category: 'global', scope: 'global' },
  { command: 'search', keys: ['/'], description: 'search an IP, a CIDR range or a Message-ID', category: 'global', scope: 'global', hint: 'search' },
  { command: 'searchNext', keys: ['n'], description: 'next search result', category: 'global', scope: 'global' },
  { command: 'searchPrev', keys: ['N'], description: 'previous search result', category: 'global', scope: 'global' },
  { command: 'fetch', keys: ['F'], description: 'fetch new mail from the mailbox', category: 'global', scope: 'global', hint: 'fetch' },
  { command: 'refresh', keys: ['ctrl+l'], description: 're-read from the database and redraw', category: 'global', scope: 'global' },

  { command: 'down', keys: ['j', 'down'], label: 'j/↓', description: 'down', category: 'navigation', scope: 'list' },
  { command: 'up', keys: ['k', 'up'], label: 'k/↑', description: 'up', category: 'navigation', scope: 'list' },
  { command: 'top', keys: ['g', 'home'], label: 'g', description: 'first row', category: 'navigation', scope: 'list' },
  { command: 'bottom', keys: ['G', 'end'], label: 'G', description: 'last row', category: 'navigation', scope: 'list' },
  { command: 'pageDown', keys: ['pagedown', 'ctrl+f', 'ctrl+d'], label: 'PgDn', description: 'page down', category: 'navigation', scope: 'list' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+b', 'ctrl+u'], label: 'PgUp', description: 'page up', category: 'navigation', scope: 'list' },
  { command: 'open', keys: ['return'], label: 'Enter', description: 'open the selected row', category: 'navigation', scope: 'list', hint: 'open' },
  { command: 'back', keys: ['escape'], label: 'Esc', description: 'close the popup or detail view', category: 'navigation', scope: 'detail', hint: 'back' },
  { command: 'down', keys: ['j', 'down'], label: 'j/↓', description: 'scroll down', category: 'navigation', scope: 'detail' },
  { command: 'up', keys: ['k', 'up'], label: 'k/↑', description: 'scroll up', category: 'navigation', scope: 'detail' },
  { command: 'top', keys: ['g', 'home'], label: 'g', description: 'top', category: 'navigation', scope: 'detail' },
  { command: 'bottom', keys: ['G', 'end'], label: 'G', description: 'bottom', category: 'navigation', scope: 'detail' },
  { command: 'pageDown', keys: ['pagedown', 'space', 'ctrl+f', 'ctrl+d'], label: 'PgDn', description: 'page down', category: 'navigation', scope: 'detail' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+b', 'ctrl+u'], label: 'PgUp', description: 'page up', category: 'navigation', scope: 'detail' },
  { command: 'toggleRaw', keys: ['r'], description: 'show the raw mail / the parsed fields', category: 'incoming', scope: 'detail', hint: 'raw' },

  { command: 'filter', keys: ['f'], description: 'filter: all, bans, notices, unrecognised, errors, untrusted', category: 'incoming', scope: 'incoming', hint: 'filter' },

  { command: 'draft', keys: ['d'], description: 'draft a complaint for this IP now', category: 'candidates', scope: 'candidates', hint: 'draft' },
  { command: 'ignore', keys: ['i'], description: 'ignore this IP (with a note)', category: 'candidates', scope: 'candidates', hint: 'ignore' },
  { command: 'override', keys: ['o'], description: 'add an override abuse contact for this network', category: 'candidates', scope: 'candidates', hint: 'override' },

  { command: 'mark', keys: ['space'], label: 'Space', description: 'mark / unmark (actions apply to all marked)', category: 'pending', scope: 'pending', hint: 'mark' },
  { command: 'approve', keys: ['a'], description: 'approve and send', category: 'pending', scope: 'pending', hint: 'approve' },
  { command: 'edit', keys: ['e'], description: 'edit the text in $VISUAL / $EDITOR', category: 'pending', scope: 'pending', hint: 'edit' },
  { command: 'recipient', keys: ['t'], description: 'change the recipient', category: 'pending', scope: 'pending', hint: 'to' },
  { command: 'reject', keys: ['x'], description: 'reject with a reason', category: 'pending', scope: 'pending', hint: 'reject' },
  { command: 'defer', keys: ['z'], description: 'defer (snooze) for a day', category: 'pending', scope: 'pending', hint: 'defer' },
  { command: 'sendNow', keys: ['S'], description: 'send now (approves drafts first)', category: 'pending', scope: 'pending', hint: 'send' },

  { command: 'retry', keys: ['R'], description: 'retry a failed complaint', category: 'sent', scope: 'sent', hint: 'retry' },

  { command: 'yes', keys: ['y', 'Y'], description: 'confirm', category: 'confirm', scope: 'confirm', hint: 'yes' },
  { command: 'no', keys: ['n', 'N', 'escape'], label: 'n/Esc', description: 'cancel', category: 'confirm', scope: 'confirm', hint: 'no' },
];

/** A stable name for an Ink key event: "j", "G", "down", "return", "ctrl+c", "shift+tab", "space". */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageDown) return 'pagedown';
  if (key.pageUp) return 'pageup';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/** The command a key means in the given scopes (first scope wins), or undefined. */
export function commandFor(name: string, scopes: readonly Scope[]): Command | undefined {
  for (const scope of scopes) {
    const hit = KEY_TABLE.find((b) => b.scope === scope && b.keys.includes(name));
    if (hit) return hit.command;
  }
  return undefined;
}

export function bindingsFor(scope: Scope): Binding[] {
  return KEY_TABLE.filter((b) => b.scope === scope);
}

export function keyLabel(b: Binding): string {
  return b.label ?? b.keys.join('/');
}

/** Footer hints for the scopes in focus: "key label" pairs, disabled ones flagged. */
export function footerHints(
  scopes: readonly Scope[],
  disabled: Partial<Record<Command, string>> = {},
): { key: string; label: string; disabled: boolean }[] {
  const seen = new Set<Command>();
  const hints: { key: string; label: string; disabled: boolean }[] = [];
  for (const scope of scopes) {
    for (const b of bindingsFor(scope)) {
      if (!b.hint || seen.has(b.command)) continue;
      seen.add(b.command);
      hints.push({ key: b.label ?? b.keys[0]!, label: b.hint, disabled: disabled[b.command] !== undefined });
    }
  }
  return hints;
}
