// The desk shell: tab bar, the active screen (all screens stay mounted so each keeps
// its place), the focus stack of popups, the status line and the footer hints.
// One input handler routes every key: the top of the focus stack first, else the
// active screen's scope, then the list keys, then the global ones.
import { Box, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Footer, StatusLine, TabBar, type Tone } from './components/chrome.js';
import { OverlayView } from './components/overlays.js';
import { ThemeContext } from './components/theme-context.js';
import { DeskContext, SCREENS, type DeskApi, type DeskDeps, type ScreenHandler, type ScreenId } from './desk-context.js';
import { useRefState } from './hooks/use-ref-state.js';
import { KEY_TABLE, commandFor, footerHints, keyLabel, keyName, type Command, type Scope } from './keys.js';
import { focusReducer, wrapOverlay, type Overlay } from './state/focus.js';
import { createTheme } from './theme.js';
import { IncomingScreen } from './screens/incoming.js';
import { SearchScreen } from './screens/search.js';
import { StatsScreen } from './screens/stats.js';
import { CandidatesScreen } from './screens/candidates.js';
import { PendingScreen } from './screens/pending.js';
import { SentScreen } from './screens/sent.js';
import { sanitizeLine } from '../core/sanitize.js';
import { dataVersion, deskCounts, search } from '../services/desk.js';

export interface AppProps {
  deps: DeskDeps;
  /** Fetch new mail on open (when a mailbox is configured). */
  fetchOnOpen?: boolean;
}

const CATEGORY_TITLES: Record<string, string> = {
  global: 'Everywhere',
  navigation: 'Lists and views',
  incoming: 'Incoming',
  candidates: 'Candidates',
  pending: 'Pending (Space marks several; actions apply to all marked)',
  sent: 'Sent',
  confirm: 'Confirmations',
};

export function helpLines(): string[] {
  const lines: string[] = [];
  for (const category of Object.keys(CATEGORY_TITLES)) {
    const seen = new Set<string>();
    const rows = KEY_TABLE.filter((b) => b.category === category).filter((b) => {
      const id = `${keyLabel(b)}:${b.description}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    if (!rows.length) continue;
    lines.push(CATEGORY_TITLES[category]!);
    for (const b of rows) lines.push(`  ${keyLabel(b).padEnd(14)} ${b.description}`);
    lines.push('');
  }
  return lines;
}

const GLOBAL_DESCRIPTIONS = new Map(KEY_TABLE.map((b) => [b.command, b.description]));

export function App({ deps, fetchOnOpen = false }: AppProps): ReactNode {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const theme = useMemo(() => createTheme(deps.env), [deps.env]);
  // Read on every render; a resize only has to trigger one.
  const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [, setResizes] = useState(0);
  useEffect(() => {
    const onResize = () => setResizes((n) => n + 1);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  const [getScreen, setScreen] = useRefState(0);
  const [getStack, setStack] = useRefState<Overlay[]>([]);
  const [getFlash, setFlash] = useRefState<{ message: string; tone: Tone; at: number } | null>(null);
  const [busyLabel, setBusyLabel] = useState<string | null>(null);
  const busyRef = useRef(0);
  const [version, setVersion] = useState(0);
  // Tab counts: four COUNT queries whenever the data may have changed (not per key),
  // after the frame is out (on a big store they cost tens of ms; the list comes first).
  const [storeCounts, setStoreCounts] = useState<Partial<ReturnType<typeof deskCounts>>>({});
  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        setStoreCounts(deskCounts(deps.store));
      } catch {
        // Closed while quitting.
      }
    }, 0);
    return () => clearTimeout(timer);
  }, [deps.store, version]);
  const [searchText, setSearchText] = useState<string | null>(null);
  const searchCount = useMemo(() => (searchText === null ? undefined : search(deps.store, searchText).reports.count()), [deps.store, searchText, version]);
  const handlers = useRef<Partial<Record<ScreenId, ScreenHandler>>>({});
  const keySeq = useRef(0);
  const abort = useRef(new AbortController());

  const flash = useCallback((message: string, tone: Tone = 'info') => setFlash({ message: sanitizeLine(message), tone, at: keySeq.current }), [setFlash]);
  const innerWidth = (stdout.columns || 80) - 4;
  const push = useCallback(
    (overlay: Overlay) => setStack((s) => focusReducer(s, { type: 'push', overlay: wrapOverlay(overlay, innerWidth) })),
    [setStack, innerWidth],
  );
  const pop = useCallback(() => setStack((s) => focusReducer(s, { type: 'pop' })), [setStack]);
  const changed = useCallback(() => setVersion((v) => v + 1), []);

  const runTask = useCallback(
    async <T,>(label: string, fn: (progress: (text: string) => void) => Promise<T>): Promise<T | undefined> => {
      busyRef.current++;
      setBusyLabel(`${label}…`);
      try {
        return await fn((text) => setBusyLabel(`${label}: ${text}`));
      } catch (err) {
        flash(`${label} failed: ${(err as Error)?.message ?? String(err)}`, 'danger');
        return undefined;
      } finally {
        busyRef.current--;
        if (busyRef.current === 0) setBusyLabel(null);
        changed();
      }
    },
    [flash, changed],
  );

  const showScreen = useCallback((id: ScreenId) => setScreen(SCREENS.findIndex((s) => s.id === id)), [setScreen]);

  const api: DeskApi = useMemo(
    () => ({
      deps,
      version,
      changed,
      push,
      pop,
      flash,
      register: (id, handler) => {
        handlers.current[id] = handler;
      },
      runTask,
      busy: busyLabel !== null,
      searchText,
      showScreen,
    }),
    [deps, version, changed, push, pop, flash, runTask, busyLabel, searchText, showScreen],
  );

  const fetchMail = useCallback(async () => {
    if (!deps.config.imap.url) {
      flash('fetch: no mailbox configured (set imap.url in the config file, or ABUSEDESK_IMAP_URL)', 'warning');
      return;
    }
    const result = await runTask('fetching mail', async (progress) => {
      const { fetchMail: fetch } = await import('../services/fetch.js');
      return fetch(deps.store, deps.config, {
        signal: abort.current.signal,
        onProgress: (p) => progress(`${p.fetched}/${p.total}, ${p.stored} new`),
      });
    });
    if (result) flash(result.stored ? `fetched ${result.stored} new mail${result.stored === 1 ? '' : 's'}` : 'no new mail', 'ok');
  }, [deps, flash, runTask]);

  useEffect(() => {
    // Once, on open; the abort stops a fetch still running when the desk closes.
    if (fetchOnOpen && deps.config.imap.url) void fetchMail();
    return () => abort.current.abort();
  }, []);

  // Live: another process (cron, abusedesk fetch) wrote to the database -> re-read.
  useEffect(() => {
    let seen = dataVersion(deps.store);
    const timer = setInterval(() => {
      try {
        const now = dataVersion(deps.store);
        if (now !== seen) {
          seen = now;
          changed();
        }
      } catch {
        // The database closed under us (quitting): nothing to watch.
      }
    }, deps.pollMs ?? 2000);
    return () => clearInterval(timer);
  }, [deps.store, deps.pollMs, changed]);

  const quit = useCallback(() => {
    abort.current.abort();
    exit();
  }, [exit]);

  const requestQuit = useCallback(() => {
    if (busyRef.current > 0) {
      push({ kind: 'confirm', message: `Quit while work is running (${busyLabel ?? 'busy'})? It is stopped; what is stored stays stored.`, onYes: quit });
      return;
    }
    quit();
  }, [busyLabel, push, quit]);

  const startSearch = useCallback(() => {
    push({
      kind: 'prompt',
      label: 'Search: an IP address, a CIDR range or a Message-ID',
      value: '',
      onSubmit: (value) => {
        const text = value.trim();
        if (!text) return;
        setSearchText(text);
        showScreen('search');
      },
    });
  }, [push, showScreen]);

  const contentHeight = Math.max(3, size.rows - 4);

  const onInput = (input: string, key: Key) => {
    keySeq.current++;
    const name = keyName(input, key);
    const f = getFlash();
    if (f && f.at < keySeq.current - 1) setFlash(null);
    const stack = getStack();
    const top = stack[stack.length - 1];
    if (top) {
      handleOverlay(top, name, input, key);
      return;
    }
    const screen = SCREENS[getScreen()]!;
    const handler = handlers.current[screen.id];
    const scopes: Scope[] = handler && handler.scope !== 'list' ? [handler.scope, 'list', 'global'] : ['list', 'global'];
    const command = commandFor(name, scopes);
    if (!command) return;
    const reason = handler?.disabled()[command];
    if (reason) {
      flash(`${GLOBAL_DESCRIPTIONS.get(command) ?? command}: ${reason}`, 'warning');
      return;
    }
    if (globalCommand(command)) return;
    handler?.onCommand(command);
  };

  const globalCommand = (command: Command): boolean => {
    const index = ['screen1', 'screen2', 'screen3', 'screen4', 'screen5', 'screen6'].indexOf(command);
    if (index >= 0) {
      setScreen(index);
      return true;
    }
    switch (command) {
      case 'quit':
        requestQuit();
        return true;
      case 'help':
        push({ kind: 'text', title: 'Keys (Esc or ? closes)', lines: helpLines(), top: 0 });
        return true;
      case 'nextScreen':
        setScreen((s) => (s + 1) % SCREENS.length);
        return true;
      case 'prevScreen':
        setScreen((s) => (s + SCREENS.length - 1) % SCREENS.length);
        return true;
      case 'search':
        startSearch();
        return true;
      case 'searchNext':
      case 'searchPrev': {
        const search = handlers.current.search;
        if (searchText === null || !search) {
          flash('no search yet: press / to search', 'warning');
          return true;
        }
        showScreen('search');
        search.onCommand(command === 'searchNext' ? 'down' : 'up');
        return true;
      }
      case 'fetch':
        void fetchMail();
        return true;
      case 'refresh':
        changed();
        return true;
      default:
        return false;
    }
  };

  const handleOverlay = (top: Overlay, name: string, input: string, key: Key) => {
    const textHeight = Math.max(1, contentHeight - 3);
    if (name === 'ctrl+c') {
      if (top.kind === 'confirm' && top.onYes === quit) quit();
      else requestQuit();
      return;
    }
    switch (top.kind) {
      case 'text': {
        if (name === 'escape' || name === 'q' || name === '?') return pop();
        const command = commandFor(name, ['detail']);
        if (command === 'toggleRaw') return setStack((s) => focusReducer(s, { type: 'toggleAlt' }));
        const by = { down: 1, up: -1, pageDown: textHeight, pageUp: -textHeight } as Partial<Record<Command, number>>;
        if (command && by[command] !== undefined) return setStack((s) => focusReducer(s, { type: 'scroll', by: by[command]!, height: textHeight }));
        if (command === 'top' || command === 'bottom')
          return setStack((s) => focusReducer(s, { type: 'scrollTo', where: command, height: textHeight }));
        return;
      }
      case 'confirm': {
        const command = commandFor(name, ['confirm']);
        if (command === 'yes') {
          pop();
          top.onYes();
        } else if (command === 'no') pop();
        return;
      }
      case 'prompt': {
        if (name === 'escape') return pop();
        if (name === 'return') {
          pop();
          top.onSubmit(top.value);
          return;
        }
        if (name === 'backspace') return setStack((s) => focusReducer(s, { type: 'erase' }));
        if (key.ctrl || key.meta) return;
        // Printable text only (a paste may bring several characters at once).
        const text = input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
        if (text) setStack((s) => focusReducer(s, { type: 'type', text }));
        return;
      }
      case 'choice': {
        if (name === 'escape') return pop();
        if (name === 'return') {
          pop();
          top.onChoose(top.cursor);
          return;
        }
        const command = commandFor(name, ['list']);
        if (command === 'down' || command === 'up') setStack((s) => focusReducer(s, { type: 'choose', by: command === 'down' ? 1 : -1 }));
        return;
      }
    }
  };

  useInput(onInput, { isActive: isRawModeSupported === true });

  const activeIndex = getScreen();
  const active = SCREENS[activeIndex]!;
  const stack = getStack();
  const top = stack[stack.length - 1];
  const handler = handlers.current[active.id];
  const hintScopes: Scope[] = top
    ? top.kind === 'text'
      ? ['detail']
      : []
    : handler && handler.scope !== 'list'
      ? [handler.scope, 'list', 'global']
      : ['list', 'global'];
  const hints = footerHints(
    hintScopes,
    top ? (top.kind === 'text' && !top.alt ? { toggleRaw: 'no raw view here' } : {}) : (handler?.disabled() ?? {}),
  );
  const f = getFlash();
  const tabs = SCREENS.map((s, i) => ({ key: String(i + 1), title: s.title, count: s.id === 'search' ? searchCount : storeCounts[s.id as keyof typeof storeCounts] }));

  return (
    <ThemeContext.Provider value={theme}>
      <DeskContext.Provider value={api}>
        <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
          <TabBar tabs={tabs} active={activeIndex} />
          <Box flexDirection="column" height={contentHeight}>
            {SCREENS.map((s, i) => {
              const isActive = i === activeIndex && !top;
              const props = { active: isActive, visible: i === activeIndex && (!top || top.kind !== 'text'), width: size.columns, height: top && top.kind !== 'text' ? Math.max(3, contentHeight - 5) : contentHeight };
              switch (s.id) {
                case 'incoming':
                  return <IncomingScreen key={s.id} {...props} />;
                case 'candidates':
                  return <CandidatesScreen key={s.id} {...props} />;
                case 'pending':
                  return <PendingScreen key={s.id} {...props} />;
                case 'sent':
                  return <SentScreen key={s.id} {...props} />;
                case 'search':
                  return <SearchScreen key={s.id} {...props} />;
                case 'stats':
                  return <StatsScreen key={s.id} {...props} />;
              }
            })}
            {top ? <OverlayView overlay={top} width={size.columns} height={top.kind === 'text' ? contentHeight : 5} /> : null}
          </Box>
          <StatusLine message={f?.message} tone={f?.tone} busy={busyLabel ?? undefined} />
          <Footer hints={hints} />
        </Box>
      </DeskContext.Provider>
    </ThemeContext.Provider>
  );
}

export interface ScreenProps {
  /** Has the keyboard (no popup on top). */
  active: boolean;
  /** Is drawn (the active tab; hidden under a full-size popup). */
  visible: boolean;
  width: number;
  height: number;
}
