// Port-43 whois with plain `net`: send the query + CRLF, read raw bytes until the
// server closes, capped at maxBytes, with one overall timeout. Bytes are decoded
// once, as a whole (never chunk by chunk, which splits multi-byte characters):
// UTF-8 when the bytes are valid UTF-8, ISO-8859-1 otherwise (APNIC, LACNIC and
// older objects elsewhere answer in Latin-1).
import net from 'node:net';
import { LookupError } from './registry-answer.js';

export interface WhoisEndpoint {
  /** The registry's name as referrals spell it ("whois.ripe.net"). */
  name: string;
  host: string;
  port: number;
}

export interface WhoisResult {
  text: string;
  bytes: number;
  truncated: boolean;
  charset: 'utf-8' | 'iso-8859-1';
  raw: Buffer;
}

export interface WhoisOptions {
  timeoutMs: number;
  maxBytes: number;
}

export function whoisQuery(endpoint: WhoisEndpoint, query: string, options: WhoisOptions): Promise<WhoisResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let settled = false;
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => fail(new LookupError(`${endpoint.name}: no complete answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve({ ...decodeAnswer(Buffer.concat(chunks, size)), bytes: size, truncated });
      } catch (err) {
        reject(err);
      }
    };
    function fail(err: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    }
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(`${query}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      const room = options.maxBytes - size;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = true;
        finish();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    socket.on('end', finish);
    socket.on('close', (hadError) => (hadError ? fail(new LookupError(`${endpoint.name}: connection broken mid-answer`)) : finish()));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      fail(new LookupError(`${endpoint.name}: ${err.code === 'ECONNRESET' ? 'connection reset mid-answer' : err.code ?? err.message}`)),
    );
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeAnswer(raw: Buffer): { text: string; charset: 'utf-8' | 'iso-8859-1'; raw: Buffer } {
  let controls = 0;
  for (const b of raw) if ((b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) || b === 0x7f) controls++;
  if (raw.length && controls / raw.length > 0.05) throw new LookupError(`not a text answer (${controls} control bytes in ${raw.length})`);
  try {
    return { text: UTF8.decode(raw), charset: 'utf-8', raw };
  } catch {
    return { text: raw.toString('latin1'), charset: 'iso-8859-1', raw };
  }
}

/** "whois://whois.ripe.net", "whois.ripe.net:43", "rwhois://x:4321" -> name/port; null for protocols we do not speak. */
export function parseReferral(text: string): { name: string; port: number } | null {
  const m = /^(?:(r?whois):\/\/)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/i.exec(text.trim());
  if (!m || m[1]?.toLowerCase() === 'rwhois') return null;
  const port = m[3] ? Number(m[3]) : 43;
  if (port < 1 || port > 65535) return null;
  return { name: m[2]!.toLowerCase(), port };
}
