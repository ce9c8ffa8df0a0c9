// Every string that came from a mail or a registry is hostile: it may carry
// terminal escape sequences (clear screen, set title, OSC 52 clipboard writes),
// bidi overrides that reorder text, or CR/LF that forge header lines. The store
// keeps the bytes verbatim; these functions run at the edge, before a string
// reaches a terminal or an outgoing header.

// ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] P X ^ _ ... ST/BEL),
// and two-byte escapes. Also their 8-bit C1 forms (0x9b CSI, 0x9d OSC, 0x90 DCS ...).
const ESCAPE_SEQUENCE =
  /(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function caret(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 0x7f) return '^?';
  if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
  return `\\x${code.toString(16)}`;
}

/**
 * Text for the terminal, keeping line breaks: escape sequences are shown as
 * harmless caret text ("^[[2J") so the operator sees that something was there;
 * other control characters become caret notation; tabs become spaces; CR is dropped
 * before LF and shown elsewhere.
 */
export function sanitizeText(input: string): string {
  return input
    .replace(/\r\n/g, '\n')
    .replace(ESCAPE_SEQUENCE, (seq) => seq.replace(/[\x00-\x1f\x7f-\x9f]/g, caret))
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, caret)
    .replace(BIDI_CONTROLS, '');
}

/** One line for the terminal or a list cell: line breaks become a visible "⏎". */
export function sanitizeLine(input: string): string {
  return sanitizeText(input).replace(/\n/g, '⏎');
}

/**
 * A value for an outgoing mail header: single line, no control characters at all,
 * whitespace collapsed, bounded length. Nodemailer encodes non-ASCII itself.
 */
export function sanitizeHeaderValue(input: string, maxLength = 900): string {
  const flat = input
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/** True when the string holds anything sanitizeText would change (for tests and warnings). */
export function hasControlCharacters(input: string): boolean {
  return /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(input);
}
