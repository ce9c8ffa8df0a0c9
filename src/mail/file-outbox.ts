// A transport that writes each complaint as an .eml file instead of sending it
// (smtp.outboxDir; the demo uses it). The file is named after the Message-ID and
// written atomically (temp file + rename), so a crash leaves either the whole mail
// or nothing, and writing the same complaint again replaces it rather than adding one.
import fs from 'node:fs';
import path from 'node:path';
import type { ComplaintTransport } from './smtp-sender.js';

export function createFileOutbox(dir: string): ComplaintTransport {
  return {
    name: `file outbox ${dir}`,
    async send(mail) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, outboxFileName(mail.messageId));
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, mail.raw);
        fs.renameSync(tmp, file);
        return { kind: 'sent', response: `written to ${file}` };
      } catch (err) {
        // Nothing half-written is left under the final name: safe to try again.
        return { kind: 'temporary', response: `cannot write to ${dir}: ${(err as Error).message}` };
      }
    },
    close() {},
  };
}

/** "<local>@<domain>" -> a file name that is safe on every file system. */
export function outboxFileName(messageId: string): string {
  return `${messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 200)}.eml`;
}
