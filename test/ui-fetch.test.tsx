// Live mail in the desk from a real IMAP server (throwaway Dovecot): a fetch on
// open, a fetch on F while the list stays usable, and a server that refuses the
// login shown once in the status line, not as a crash.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import { banMail } from './helpers/mails.js';
import { KEYS, renderDesk, tempStore, type RenderedDesk, type TestStore } from './helpers/render.js';

let dovecot: Dovecot;
let t: TestStore | undefined;
let desk: RenderedDesk | undefined;

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot.stop();
});
afterEach(() => {
  desk?.unmount();
  desk = undefined;
  t?.close();
  t = undefined;
});

describe('fetch from the desk', () => {
  it('fetches on open and on F; new mail appears in the list without a restart', async () => {
    for (let i = 0; i < 3; i++) await dovecot.deliver(banMail({ ip: `192.0.2.${10 + i}`, messageId: `open-${i}@x` }), 'DeskOpen');
    t = tempStore({ imap: { url: dovecot.imapUrl('DeskOpen'), connectTimeoutMs: 3000 } });
    desk = renderDesk(t, {}, undefined, { fetchOnOpen: true });
    await desk.waitFor('fetched 3 new mails');
    await desk.waitFor('1/3');
    await desk.press('j');
    await desk.waitFor('2/3');
    await dovecot.deliver(banMail({ ip: '192.0.2.99', messageId: 'later@x' }), 'DeskOpen');
    await desk.press('F');
    await desk.waitFor('fetched 1 new mail');
    const f = await desk.waitFor('1 Incoming 4 ');
    expect(f).toContain('banned 192.0.2.99');
    await desk.press('F');
    await desk.waitFor('no new mail');
  });

  it('a refused login is shown once in the status line; the desk keeps working', async () => {
    t = tempStore({ imap: { url: `imap://${dovecot.user}:wrong@127.0.0.1:${dovecot.port}/INBOX`, connectTimeoutMs: 3000 } });
    desk = renderDesk(t);
    await desk.waitFor('No mail stored yet');
    await desk.press('F');
    const f = await desk.waitFor(/fetching mail failed: .+/);
    expect(f.match(/fetching mail failed/g)).toHaveLength(1);
    await desk.press('?');
    await desk.waitFor('Keys (Esc or ? closes)');
    await desk.press(KEYS.escape);
    await desk.waitFor('No mail stored yet');
  });
});
