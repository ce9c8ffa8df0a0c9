// Opening an IMAP connection from the configured URL, with errors an operator can
// act on ("cannot reach host:port", "login failed for user") instead of imapflow's.
// imapflow's own logger writes to stdout and would tear the desk's screen: off.
import { ImapFlow } from 'imapflow';
import { parseMailUrl, type MailServerUrl } from '../config/load.js';
import type { Config } from '../config/schema.js';

export class ImapError extends Error {
  /** 'connect' (server unreachable or gone), 'auth' (login refused), 'mailbox', 'protocol'. */
  readonly kind: 'connect' | 'auth' | 'mailbox' | 'protocol';
  constructor(kind: ImapError['kind'], message: string) {
    super(message);
    this.name = 'ImapError';
    this.kind = kind;
  }
}

export interface ImapAccount {
  server: MailServerUrl;
  /** The mailbox named in the URL; INBOX when the URL has no path. */
  mailbox: string;
  /** "user@host:port" (no password): names the account in the store. */
  account: string;
}

export function imapAccount(url: string): ImapAccount {
  const server = parseMailUrl(url, ['imap:', 'imaps:'], 'imap.url');
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return { server, mailbox: server.path || 'INBOX', account: `${server.user}@${host}:${server.port}` };
}

/** "user@host:port/Mailbox": the key of a mailbox's sync position and the sourceRef of its mails. */
export function mailboxRef(account: ImapAccount, mailbox: string): string {
  return `${account.account}/${mailbox}`;
}

interface ImapFlowError extends Error {
  code?: string;
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
}

/** The server's own words for a failed command, without Dovecot's timing suffix. */
export function serverText(err: unknown): string {
  const e = (err ?? {}) as ImapFlowError;
  const text = e.responseText || e.message || String(err);
  return text.replace(/\s*\([\d.+ ]+secs?\)\.?\s*$/, '').trim();
}

/** Turns whatever imapflow or the socket threw into an ImapError with a readable message. */
export function describeImapError(err: unknown, account: ImapAccount, doing = 'IMAP'): ImapError {
  if (err instanceof ImapError) return err;
  const e = (err ?? {}) as ImapFlowError;
  const where = `${account.server.host}:${account.server.port}`;
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new ImapError('auth', `login failed for ${account.server.user} at ${where}${e.responseText ? `: ${serverText(err)}` : ''}`);
  }
  const code = e.code ?? '';
  const network: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'timed out',
    CONNECT_TIMEOUT: 'timed out',
    GREETING_TIMEOUT: 'no greeting from the server (is it an imaps:// port?)',
    NoConnection: 'connection closed',
    EPIPE: 'connection closed',
  };
  if (network[code]) return new ImapError('connect', `cannot reach IMAP server ${where}: ${network[code]}`);
  if (/Connection not available|connection closed|Socket closed|Unexpected close/i.test(e.message ?? '')) {
    return new ImapError('connect', `connection to IMAP server ${where} lost`);
  }
  if (/self[- ]signed|certificate|TLS|SSL/i.test(`${code} ${e.message ?? ''}`)) {
    return new ImapError('connect', `TLS with ${where} failed: ${e.message} (imap.insecureTls accepts a self-signed certificate)`);
  }
  return new ImapError('protocol', `${doing} at ${where} failed: ${serverText(err)}`);
}

/**
 * Connects and logs in. The returned client has an 'error' listener (an unhandled
 * 'error' event would kill the process); a dropped connection shows up as `client.usable === false`
 * and as rejected commands, which callers turn into a reconnect.
 */
export async function connectImap(account: ImapAccount, imap: Config['imap']): Promise<ImapFlow> {
  const { server } = account;
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: { user: server.user, pass: server.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: imap.connectTimeoutMs,
    greetingTimeout: imap.connectTimeoutMs,
    // A server that stops answering mid-fetch is treated as a lost connection.
    socketTimeout: Math.max(60_000, imap.connectTimeoutMs * 4),
    tls: { rejectUnauthorized: !imap.insecureTls },
    // A hostile server must not make us buffer gigabytes for one mail.
    maxLiteralSize: 256 * 1024 * 1024,
    maxResponseSize: 512 * 1024 * 1024,
  });
  client.on('error', () => {
    // Reported through the rejected command or connect(); nothing to do here.
  });
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw describeImapError(err, account, 'login');
  }
  return client;
}

/** Logs out politely; a connection that is already gone is simply closed. */
export async function disconnectImap(client: ImapFlow): Promise<void> {
  if (client.usable) {
    try {
      await client.logout();
      return;
    } catch {
      // fall through to close
    }
  }
  client.close();
}
