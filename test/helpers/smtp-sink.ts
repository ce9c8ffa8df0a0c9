// A real SMTP server (npm smtp-server) on a free loopback port that records every
// mail it accepts and answers as the test programs it:
//
//   const sink = await startSmtpSink();
//   sink.program('tempfail', 'ok');        // next mail: 451, the one after: accepted
//   sink.program('permfail');              // 550 with a message
//   sink.program('drop');                  // reads the whole DATA, then cuts the connection (no answer)
//   config.smtp.url = sink.url;
//   sink.mails                             // [{ from, to, raw, messageId, subject, ... }]
//   await sink.stop();                     // in afterAll
//
// Only accepted mails are recorded in `mails`; every DATA received (whatever the
// answer) is in `attempts`, so a test can tell "arrived twice" from "retried once".
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export type SinkAnswer = 'ok' | 'tempfail' | 'permfail' | 'drop';

export interface SinkMail {
  from: string;
  to: string[];
  raw: Buffer;
  /** Message-ID header without angle brackets ('' when missing). */
  messageId: string;
  subject: string;
  answer: SinkAnswer;
  at: Date;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Mails accepted (250). */
  readonly mails: SinkMail[];
  /** Every DATA received, whatever the answer. */
  readonly attempts: SinkMail[];
  /** Queue answers for the next mails; when the queue is empty the sink accepts. */
  program(...answers: SinkAnswer[]): void;
  /** Called as soon as a mail's DATA has arrived, before it is answered (tests kill the client here). */
  onReceive: ((raw: Buffer) => void) | null;
  /** Answer every mail this many ms after its DATA arrived (a slow server; widens the "sending" window). */
  setDelay(ms: number): void;
  /** Waits until `n` mails were accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

export async function startSmtpSink(options: { tempfailText?: string; permfailText?: string } = {}): Promise<SmtpSink> {
  const mails: SinkMail[] = [];
  const attempts: SinkMail[] = [];
  const queue: SinkAnswer[] = [];
  let delayMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'abusedesk test sink',
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.onReceive?.(Buffer.concat(chunks));
        setTimeout(reply, delayMs);
      });
      const reply = () => {
        const raw = Buffer.concat(chunks);
        const answer = queue.shift() ?? 'ok';
        const mail: SinkMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          messageId: header(raw, 'message-id').replace(/^<|>$/g, ''),
          subject: header(raw, 'subject'),
          answer,
          at: new Date(),
        };
        attempts.push(mail);
        if (answer === 'ok') {
          mails.push(mail);
          callback(null);
        } else if (answer === 'tempfail' || answer === 'permfail') {
          const err = new Error(
            answer === 'tempfail'
              ? (options.tempfailText ?? 'Greylisted, please try again later')
              : (options.permfailText ?? 'Mailbox unavailable: no such user here'),
          ) as Error & { responseCode: number };
          err.responseCode = answer === 'tempfail' ? 451 : 550;
          callback(err);
        } else {
          // The whole message arrived, but the client never hears the answer.
          for (const connection of (server as unknown as { connections: Set<{ session?: { id: string }; _socket?: { destroy(): void } }> })
            .connections) {
            if (connection.session?.id === session.id) connection._socket?.destroy();
          }
        }
      };
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {
    // A dropped connection surfaces as a socket error on the server: expected here.
  });
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  const port = address.port;
  const sink: SmtpSink = {
    onReceive: null,
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    attempts,
    program(...answers) {
      queue.push(...answers);
    },
    setDelay(ms) {
      delayMs = ms;
    },
    async waitFor(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > until) throw new Error(`smtp sink: expected ${n} mails, got ${mails.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    clear() {
      mails.length = 0;
      attempts.length = 0;
      queue.length = 0;
      delayMs = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return sink;
}

/** One unfolded header value from raw mail bytes ('' when absent). */
export function header(raw: Buffer, name: string): string {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
  return re.exec(head)?.[1]?.trim() ?? '';
}
