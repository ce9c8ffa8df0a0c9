// Building a complaint mail and handing it to SMTP (nodemailer).
//
//   const mail = await composeComplaintMail(outgoing)      -> { raw, envelope }
//   const transport = createSmtpTransport(config.smtp)     (or createFileOutbox from ./file-outbox.js)
//   const outcome = await transport.send(mail)             -> SendOutcome { kind, response }
//   transport.close()
//
// The mail is composed to bytes first and those exact bytes are sent (nodemailer's
// `raw`), so what the store keeps as "the mail that was sent" is byte for byte what
// the server received. Every header value is sanitised here, the last place before
// the wire.
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Config } from '../config/schema.js';
import { parseMailUrl } from '../config/load.js';
import { sanitizeHeaderValue } from '../core/sanitize.js';

export interface OutgoingComplaint {
  from: string;
  to: string;
  cc?: readonly string[];
  bcc?: readonly string[];
  replyTo?: string;
  subject: string;
  /** Without angle brackets. */
  messageId: string;
  date: Date;
  /** Message-ID (no brackets) of the earlier complaint this one follows up. */
  inReplyTo?: string | null;
  /** Human-readable text (part 1). */
  text: string;
  /** X-ARF report.txt (part 2). */
  report: string;
  /** logfile.log (part 3). */
  evidence: string;
}

export interface ComposedMail {
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

/** Outcome of one hand-over to the server. */
export interface SendOutcome {
  /**
   * sent: the server accepted it. temporary: refused for now (4xx, or no connection
   * before anything was sent): safe to retry. permanent: refused (5xx). unknown: the
   * connection broke after the message went out: it may have been delivered.
   */
  kind: 'sent' | 'temporary' | 'permanent' | 'unknown';
  /** The server's answer or the error, one line. */
  response: string;
}

export interface ComplaintTransport {
  /** Human name for logs ("smtp://host:25", "file outbox /tmp/x"). */
  readonly name: string;
  send(mail: ComposedMail & { messageId: string }): Promise<SendOutcome>;
  close(): void;
}

const h = (value: string) => sanitizeHeaderValue(value);

/** One bare address: a registry answer must never smuggle in a second recipient. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export async function composeComplaintMail(c: OutgoingComplaint): Promise<ComposedMail> {
  if (!SINGLE_ADDRESS.test(c.to)) throw new Error(`not a single e-mail address: ${h(c.to).slice(0, 100)}`);
  const messageId = `<${h(c.messageId).replace(/[<>\s]/g, '')}>`;
  const replyTo = c.inReplyTo ? `<${h(c.inReplyTo).replace(/[<>\s]/g, '')}>` : undefined;
  const composer = new MailComposer({
    from: h(c.from),
    to: h(c.to),
    cc: (c.cc ?? []).map(h),
    bcc: (c.bcc ?? []).map(h),
    ...(c.replyTo ? { replyTo: h(c.replyTo) } : {}),
    subject: h(c.subject),
    messageId,
    date: c.date,
    ...(replyTo ? { inReplyTo: replyTo, references: [replyTo] } : {}),
    headers: { 'Auto-Submitted': 'auto-generated', 'X-XARF': 'PLAIN' },
    text: c.text,
    textEncoding: 'quoted-printable',
    attachments: [
      { filename: 'report.txt', content: c.report, contentType: 'text/plain; charset=utf-8', contentTransferEncoding: 'quoted-printable' },
      { filename: 'logfile.log', content: c.evidence, contentType: 'text/plain; charset=utf-8', contentTransferEncoding: 'quoted-printable' },
    ],
  });
  const node = composer.compile();
  const envelope = node.getEnvelope();
  const built = await new Promise<Buffer>((resolve, reject) => node.build((err, buf) => (err ? reject(err) : resolve(buf))));
  // nodemailer normalises header names to "X-Xarf"; X-ARF readers expect the spelling of the spec.
  // Line ends as they travel (CRLF), so the stored bytes are the bytes the server receives.
  const text = built.toString('latin1').replace(/\r?\n/g, '\r\n');
  const end = text.indexOf('\r\n\r\n');
  const raw = Buffer.from(text.slice(0, end).replace(/^X-Xarf: /m, 'X-XARF: ') + text.slice(end), 'latin1');
  return { raw, envelope: { from: envelope.from || '', to: envelope.to } };
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A transport over nodemailer's SMTP connection, one connection per mail, so that
 * the phase a failure happened in is known: before the envelope was sent nothing can
 * have been delivered (retry is safe); after it, a broken connection leaves the
 * outcome unknown (the server may have accepted the mail just before it closed).
 */
export function createSmtpTransport(smtp: Config['smtp']): ComplaintTransport {
  if (!smtp.url) throw new Error('no SMTP server configured: set smtp.url (or ABUSEDESK_SMTP_URL), or smtp.outboxDir');
  const url = parseMailUrl(smtp.url, ['smtp:', 'smtps:'], 'smtp.url');
  return {
    name: `smtp${url.secure ? 's' : ''}://${url.host}:${url.port}`,
    send(mail) {
      const connection = new SMTPConnection({
        host: url.host,
        port: url.port,
        secure: url.secure,
        // Without TLS in the URL: STARTTLS when offered, unless insecureTls says the server is ours and plain.
        ignoreTLS: !url.secure && smtp.insecureTls,
        tls: { rejectUnauthorized: !smtp.insecureTls },
        connectionTimeout: smtp.timeoutMs,
        greetingTimeout: smtp.timeoutMs,
        socketTimeout: smtp.timeoutMs,
        logger: false,
      });
      let phase: 'connect' | 'send' = 'connect';
      return new Promise<SendOutcome>((resolve) => {
        let settled = false;
        const finish = (outcome: SendOutcome, quit = false) => {
          if (settled) return;
          settled = true;
          try {
            if (quit) connection.quit();
            else connection.close();
          } catch {
            // already closed
          }
          resolve(outcome);
        };
        connection.on('error', (err: SmtpError) => finish(classifySmtpError(err, phase)));
        connection.on('end', () => finish(classifySmtpError(new Error('connection closed'), phase)));
        const deliver = () => {
          phase = 'send';
          connection.send(mail.envelope, mail.raw, (err, info) => {
            if (err) finish(classifySmtpError(err as SmtpError, phase));
            else finish({ kind: 'sent', response: oneLine(String(info.response ?? '250 accepted')) }, true);
          });
        };
        connection.connect(() => {
          if (!url.user) return deliver();
          connection.login({ user: url.user, pass: url.pass }, (err) => (err ? finish(classifySmtpError(err as SmtpError, phase)) : deliver()));
        });
      });
    },
    close() {
      // One connection per mail: nothing stays open.
    },
  };
}

/**
 * What a failed hand-over means for retrying. A refusal the server said out loud (4xx)
 * or any failure before the envelope was sent is safe to retry; 5xx is final; a
 * connection lost after the envelope went out may have delivered the mail.
 */
export function classifySmtpError(err: SmtpError, phase: 'connect' | 'send'): SendOutcome {
  const response = oneLine(err.response ?? err.message ?? String(err));
  const code = err.responseCode;
  if (phase === 'connect') return { kind: 'temporary', response };
  if (code && code >= 400 && code < 500) return { kind: 'temporary', response };
  if (code && code >= 500) return { kind: 'permanent', response };
  return { kind: 'unknown', response };
}

function oneLine(text: string): string {
  return sanitizeHeaderValue(text, 500);
}
