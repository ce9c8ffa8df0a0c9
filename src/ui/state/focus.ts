// Focus is a stack (lazygit): popups and detail views are pushed on top of the
// screen, only the top one gets keys, Esc pops it. Pure, tested without rendering.

export interface TextOverlay {
  kind: 'text';
  title: string;
  lines: string[];
  /** A second view of the same thing ('r' toggles: parsed fields / raw mail). */
  alt?: { title: string; lines: string[] };
  top: number;
}

export interface ConfirmOverlay {
  kind: 'confirm';
  message: string;
  onYes: () => void;
}

export interface PromptOverlay {
  kind: 'prompt';
  label: string;
  value: string;
  onSubmit: (value: string) => void;
}

export interface ChoiceOverlay {
  kind: 'choice';
  title: string;
  options: string[];
  cursor: number;
  onChoose: (index: number) => void;
}

export type Overlay = TextOverlay | ConfirmOverlay | PromptOverlay | ChoiceOverlay;

export type FocusAction =
  | { type: 'push'; overlay: Overlay }
  | { type: 'pop' }
  | { type: 'scroll'; by: number; height: number }
  | { type: 'scrollTo'; where: 'top' | 'bottom'; height: number }
  | { type: 'toggleAlt' }
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'choose'; by: number };

export function focusReducer(stack: readonly Overlay[], action: FocusAction): Overlay[] {
  if (action.type === 'push') return [...stack, action.overlay];
  if (action.type === 'pop') return stack.slice(0, -1);
  const top = stack[stack.length - 1];
  if (!top) return [...stack];
  const replace = (o: Overlay) => [...stack.slice(0, -1), o];
  switch (action.type) {
    case 'scroll':
    case 'scrollTo': {
      if (top.kind !== 'text') return [...stack];
      const max = Math.max(0, top.lines.length - action.height);
      const target = action.type === 'scroll' ? top.top + action.by : action.where === 'top' ? 0 : max;
      return replace({ ...top, top: Math.max(0, Math.min(max, target)) });
    }
    case 'toggleAlt': {
      if (top.kind !== 'text' || !top.alt) return [...stack];
      return replace({ ...top, title: top.alt.title, lines: top.alt.lines, alt: { title: top.title, lines: top.lines }, top: 0 });
    }
    case 'type':
      if (top.kind !== 'prompt') return [...stack];
      return replace({ ...top, value: top.value + action.text });
    case 'erase':
      if (top.kind !== 'prompt') return [...stack];
      return replace({ ...top, value: top.value.slice(0, -1) });
    case 'choose': {
      if (top.kind !== 'choice') return [...stack];
      const cursor = Math.max(0, Math.min(top.options.length - 1, top.cursor + action.by));
      return replace({ ...top, cursor });
    }
  }
}

/** Hard-wraps a text overlay's lines (and its alternate view) to the popup's inner width, so nothing is cut off. */
export function wrapOverlay(overlay: Overlay, width: number): Overlay {
  if (overlay.kind !== 'text') return overlay;
  const w = Math.max(10, width);
  const wrap = (lines: string[]) =>
    lines.flatMap((line) => {
      if (line.length <= w) return [line];
      const parts: string[] = [];
      for (let i = 0; i < line.length; i += w) parts.push(line.slice(i, i + w));
      return parts;
    });
  return { ...overlay, lines: wrap(overlay.lines), alt: overlay.alt ? { title: overlay.alt.title, lines: wrap(overlay.alt.lines) } : undefined };
}
