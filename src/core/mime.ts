// Body decoding: transfer encodings, charsets (with the fallbacks real Fail2Ban
// mails need) and a small multipart splitter for the few multipart kinds abusedesk
// looks into (DSN bounces, X-ARF/ARF complaints, forwarded reports).
import libqp from 'libqp';
import { parseContentType, parseHeaderBlock, type ContentType } from './mail-headers.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const decoders = new Map<string, TextDecoder | null>();

/** Bytes of a body (binary string) after its Content-Transfer-Encoding. */
export function decodeTransfer(bin: string, encoding: string | null): Buffer {
  const cte = (encoding ?? '').trim().toLowerCase();
  if (cte === 'base64') return Buffer.from(bin, 'base64');
  if (cte === 'quoted-printable') return libqp.decode(bin);
  return Buffer.from(bin, 'latin1');
}

// Labels that often lie: mail(1) writes the locale charset, sendmail-* actions write
// none, and whois output is pasted in unconverted. For these, valid UTF-8 wins.
const WEAK_LABELS = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8', 'iso-8859-1', 'latin1', 'iso8859-1', 'windows-1252', 'cp1252', 'unknown-8bit', 'x-unknown']);

function decoderFor(label: string): TextDecoder | null {
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = null;
    }
    decoders.set(label, d);
  }
  return d;
}

/**
 * Text of a body part. UTF-8 when the bytes are valid UTF-8 and the label is one of
 * the weak ones; otherwise the declared charset when Node knows it; otherwise line
 * by line, UTF-8 where valid and Latin-1 elsewhere (whois text under a UTF-8 label).
 */
export function decodeCharset(bytes: Buffer, charset: string | null | undefined): string {
  const label = (charset ?? '').trim().toLowerCase();
  if (!WEAK_LABELS.has(label)) {
    const decoder = decoderFor(label);
    if (decoder) return decoder.decode(bytes);
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    return decodeLinesMixed(bytes);
  }
}

/** Line by line: UTF-8 where a line is valid UTF-8, Latin-1 where not. */
export function decodeLinesMixed(bytes: Buffer): string {
  const bin = bytes.toString('latin1');
  const lines = bin.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!/[\x80-\xff]/.test(line)) continue;
    try {
      lines[i] = UTF8.decode(Buffer.from(line, 'latin1'));
    } catch {
      // Already Latin-1 text: the binary string is its own Latin-1 decoding.
    }
  }
  return lines.join('\n');
}

export interface MimePart {
  headers: Map<string, string[]>;
  contentType: ContentType;
  /** The part's body as a binary string, still transfer-encoded. */
  body: string;
}

function partOf(bin: string): MimePart {
  const lf = bin.indexOf('\n\n');
  const crlf = bin.indexOf('\n\r\n');
  let headerEnd: number;
  let bodyStart: number;
  if (bin.startsWith('\n') || bin.startsWith('\r\n')) {
    headerEnd = 0;
    bodyStart = bin.startsWith('\n') ? 1 : 2;
  } else if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    headerEnd = crlf + 1;
    bodyStart = crlf + 3;
  } else if (lf >= 0) {
    headerEnd = lf + 1;
    bodyStart = lf + 2;
  } else {
    headerEnd = bin.length;
    bodyStart = bin.length;
  }
  const headers = parseHeaderBlock(bin.slice(0, headerEnd));
  return { headers, contentType: parseContentType(headers.get('content-type')?.[0] ?? null), body: bin.slice(bodyStart) };
}

/**
 * Start of the next delimiter line ("--boundary" at a line start, followed by
 * whitespace, "--" or the line end) at or after `from`; -1 when none.
 */
function findDelimiter(body: string, delimiter: string, from: number): number {
  let at = from === 0 && body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`, from);
  while (at >= 0) {
    const start = body.charCodeAt(at) === 0x0a ? at + 1 : at;
    const next = body.charCodeAt(start + delimiter.length);
    // A longer boundary-like string ("--b1x") is text, not a delimiter.
    if (Number.isNaN(next) || next === 0x0a || next === 0x0d || next === 0x20 || next === 0x09 || next === 0x2d) return start;
    at = body.indexOf(`\n${delimiter}`, start + 1);
  }
  return -1;
}

/** The parts of a multipart body (one level); an unterminated last part is kept. */
export function splitMultipart(body: string, boundary: string, maxParts = 100): MimePart[] {
  if (!boundary) return [];
  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  let pos = findDelimiter(body, delimiter, 0);
  while (pos >= 0 && parts.length < maxParts) {
    const lineEnd = body.indexOf('\n', pos);
    if (body.startsWith(`${delimiter}--`, pos) || lineEnd < 0) break;
    const start = lineEnd + 1;
    const next = findDelimiter(body, delimiter, start - 1);
    let end = next < 0 ? body.length : next - 1; // the line break before the delimiter belongs to it
    if (end > start && body.charCodeAt(end - 1) === 0x0d) end--;
    parts.push(partOf(body.slice(start, Math.max(start, end))));
    pos = next;
  }
  return parts;
}

/** Text of a part, transfer- and charset-decoded. */
export function partText(part: MimePart): string {
  const bytes = decodeTransfer(part.body, part.headers.get('content-transfer-encoding')?.[0] ?? null);
  return decodeCharset(bytes, part.contentType.params.charset);
}
