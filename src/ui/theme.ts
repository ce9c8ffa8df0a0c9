// Semantic colours. Components say theme.status.danger, never "red"; NO_COLOR
// (https://no-color.org) is honoured here and nowhere else.
export interface Theme {
  enabled: boolean;
  text: { primary?: string; muted?: string; accent?: string };
  status: { ok?: string; warning?: string; danger?: string; info?: string };
  selection: { background?: string; foreground?: string };
  tab: { active?: string; inactive?: string };
  chart: { bar?: string };
}

export function createTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  const enabled = env.NO_COLOR === undefined || env.NO_COLOR === '';
  if (!enabled) {
    return { enabled, text: {}, status: {}, selection: {}, tab: {}, chart: {} };
  }
  return {
    enabled,
    text: { primary: undefined, muted: 'gray', accent: 'cyan' },
    status: { ok: 'green', warning: 'yellow', danger: 'red', info: 'blue' },
    selection: { background: 'blue', foreground: 'white' },
    tab: { active: 'cyan', inactive: 'gray' },
    chart: { bar: 'cyan' },
  };
}
