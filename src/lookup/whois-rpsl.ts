// RPSL-style whois text (RIPE, APNIC, AFRINIC, LACNIC, IANA): objects separated by
// blank lines, "key: value" attributes with continuation lines, "%"/"#" comments.
// Tolerant by design: a hostile answer yields fewer objects, never an exception.

export interface RpslObject {
  /** The first attribute's key ("inetnum", "role", "irt", ...). */
  type: string;
  attrs: Array<[string, string]>;
}

export interface RpslText {
  objects: RpslObject[];
  comments: string[];
}

const MAX_OBJECTS = 500;
const MAX_ATTRS = 500;
/** Longer values are cut: no real attribute comes near, and the parsers' patterns stay linear. */
export const MAX_VALUE = 4096;

export function parseRpsl(text: string): RpslText {
  const objects: RpslObject[] = [];
  const comments: string[] = [];
  let current: RpslObject | null = null;
  for (const rawLine of text.split(/\r?\n|\r/)) {
    const line = rawLine.slice(0, MAX_VALUE).trimEnd();
    if (line.startsWith('%') || line.startsWith('#')) {
      if (comments.length < 1000) comments.push(line);
      continue;
    }
    if (!line.trim()) {
      current = null;
      continue;
    }
    // Continuation: leading space, tab or "+" continues the previous attribute.
    if (/^[ \t+]/.test(line) && current && current.attrs.length) {
      const last = current.attrs[current.attrs.length - 1]!;
      if (last[1].length < MAX_VALUE) last[1] = `${last[1]} ${line.replace(/^[ \t+]+/, '')}`.trim().slice(0, MAX_VALUE);
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9_-]{0,40}):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (!current) {
      if (objects.length >= MAX_OBJECTS) continue;
      current = { type: m[1]!.toLowerCase(), attrs: [] };
      objects.push(current);
    }
    if (current.attrs.length < MAX_ATTRS) current.attrs.push([m[1]!.toLowerCase(), m[2]!.trim()]);
  }
  return { objects, comments };
}

export function attr(obj: RpslObject, key: string): string | undefined {
  return obj.attrs.find(([k]) => k === key)?.[1];
}

export function attrs(obj: RpslObject, key: string): string[] {
  return obj.attrs.filter(([k]) => k === key).map(([, v]) => v);
}

/** A value without a trailing "# comment" (RPSL end-of-line comments). */
export function stripEolComment(value: string): string {
  return value.replace(/\s+#.*$/, '').trim();
}

/** The evidence form of an attribute line. */
export function attrLine(key: string, value: string): string {
  return `${key}: ${value}`.slice(0, 300);
}
