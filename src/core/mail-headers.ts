// A small, synchronous RFC 5322 reader: split header and body at the first blank
// line, unfold headers, decode RFC 2047 words. Fail2Ban mails are tiny and flat, so
// this replaces a full streaming MIME parser on the hot path.
//
// Everything works on a "binary" string (latin1: one char per byte), so string
// offsets are byte offsets and any slice can be turned back into the exact bytes.
import libmime from 'libmime';

export interface MailHeaders {
  /** Lower-case header name -> unfolded raw values, in order of appearance. */
  fields: Map<string, string[]>;
  /** Byte offset where the body starts (raw.length when there is no body). */
  bodyStart: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as a binary string (latin1 maps each byte to the char with the same code). */
export function binaryString(raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
}

/** Offset of the body: after the first empty line (LF or CRLF). */
function findBodyStart(bin: string): { headerEnd: number; bodyStart: number } {
  // A mail that starts with a blank line has no headers at all.
  if (bin.startsWith('\r\n')) return { headerEnd: 0, bodyStart: 2 };
  if (bin.startsWith('\n')) return { headerEnd: 0, bodyStart: 1 };
  const lf = bin.indexOf('\n\n');
  const crlf = bin.indexOf('\n\r\n');
  if (lf < 0 && crlf < 0) return { headerEnd: bin.length, bodyStart: bin.length };
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf + 1, bodyStart: crlf + 3 };
  return { headerEnd: lf + 1, bodyStart: lf + 2 };
}

/** Splits and unfolds the header block of a binary mail string. Never throws. */
export function readHeaders(bin: string): MailHeaders {
  const { headerEnd, bodyStart } = findBodyStart(bin);
  return { fields: parseHeaderBlock(bin.slice(0, headerEnd)), bodyStart };
}

export function parseHeaderBlock(block: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let name: string | null = null;
  let value = '';
  const flush = () => {
    if (name === null) return;
    const list = fields.get(name);
    if (list) list.push(value.trim());
    else fields.set(name, [value.trim()]);
    name = null;
  };
  for (const rawLine of block.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') continue;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      // Continuation of the previous field (folded header).
      if (name !== null) value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    // A line without a colon (an mbox "From " line, garbage) is skipped.
    if (colon <= 0) {
      flush();
      continue;
    }
    flush();
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return fields;
}

export function headerValue(headers: MailHeaders, name: string): string | null {
  return headers.fields.get(name)?.[0] ?? null;
}

/** Raw 8-bit header bytes: UTF-8 when valid, else Latin-1 (already the binary string). */
function eightBitText(bin: string): string {
  if (!/[\x80-\xff]/.test(bin)) return bin;
  try {
    return UTF8.decode(Buffer.from(bin, 'latin1'));
  } catch {
    return bin;
  }
}

/** A header value as text: 8-bit bytes decoded, RFC 2047 words decoded. */
export function decodeHeaderText(bin: string): string {
  const text = eightBitText(bin);
  if (!text.includes('=?')) return text;
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/** The first address of an address header, lower case; a bare local part ("fail2ban") is kept as is. */
export function firstAddress(value: string | null): string | null {
  if (value === null) return null;
  const text = decodeHeaderText(value);
  const angle = /<([^<>\s]*)>/.exec(text);
  let address = angle ? angle[1] : null;
  if (address === null) {
    // "user@host (Name)" or a bare "user@host, other@host".
    const withoutComments = text.replace(/\([^()]*\)/g, ' ');
    const token = /[^\s,;"<>()]+@[^\s,;"<>()]+/.exec(withoutComments) ?? /^\s*([^\s,;"<>()]+)\s*$/.exec(withoutComments);
    address = token ? (token[1] ?? token[0]) : null;
  }
  if (!address) return null;
  return address.toLowerCase();
}

export function messageIdOf(value: string | null): string | null {
  if (value === null) return null;
  const angle = /<([^<>]+)>/.exec(value);
  const id = (angle ? angle[1] : value.replace(/[<>]/g, '')).replace(/\s+/g, '');
  return id ? id.slice(0, 998) : null;
}

/** RFC 5322 date (or anything V8 reads); null when missing or unparseable. */
export function parseDateHeader(value: string | null): Date | null {
  if (value === null) return null;
  const t = Date.parse(value.replace(/\s*\([^()]*\)\s*$/, ''));
  return Number.isNaN(t) ? null : new Date(t);
}

export interface ContentType {
  /** Lower-case "type/subtype"; "text/plain" when missing. */
  mime: string;
  params: Record<string, string>;
}

/** Content-Type (or Content-Disposition) with its parameters; RFC 2231 continuations are joined. */
export function parseContentType(value: string | null): ContentType {
  if (value === null) return { mime: 'text/plain', params: {} };
  const semi = value.indexOf(';');
  const mime = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase() || 'text/plain';
  const params: Record<string, string> = {};
  if (semi >= 0) {
    const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(value)) !== null) {
      const key = m[1].toLowerCase().replace(/\*\d*\*?$/, '');
      const val = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
      params[key] = key in params ? params[key] + val : val;
    }
  }
  return { mime: mime.includes('/') ? mime : 'text/plain', params };
}
