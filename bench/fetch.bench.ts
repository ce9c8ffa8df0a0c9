// `abusedesk fetch` from a real Dovecot against a baseline measured in the same run:
// imapflow fetching every mail with its source and parsing each with mailparser's
// simpleParser (default options). Then a fetch with nothing new, timed after login.
// 10,000 Fail2Ban sendmail-whois-lines mails (~3-4 KB) are written straight into the
// Maildir (APPEND would take minutes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { parseConfig } from '../src/config/load.js';
import { fetchMail } from '../src/services/fetch.js';
import { openStore } from '../src/store/db.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { benchMail } from './mailgen.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_FETCH_N ?? 10_000);
const ROUNDS = 3;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-bench-fetch-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function main() {
  const dovecot = await startDovecot();
  try {
    let bytes = 0;
    const mails: Buffer[] = [];
    for (let i = 0; i < N; i++) {
      const raw = benchMail(i);
      bytes += raw.length;
      mails.push(raw);
    }
    dovecot.seedMaildir(mails);
    mails.length = 0;
    console.log(`mails: ${N}, average size ${(bytes / N / 1024).toFixed(1)} KB, Dovecot on 127.0.0.1:${dovecot.port}`);

    const connect = async () => {
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        auth: { user: dovecot.user, pass: dovecot.pass },
        logger: false,
      });
      await client.connect();
      return client;
    };

    // Warm-up (not timed): Dovecot builds its index and cache, the page cache fills.
    {
      const client = await connect();
      const lock = await client.getMailboxLock('INBOX', { readOnly: true });
      let n = 0;
      try {
        for await (const m of client.fetch('1:*', { uid: true, source: true }, { uid: true })) if (m.source) n++;
      } finally {
        lock.release();
        await client.logout();
      }
      if (n !== N) throw new Error(`warm-up saw ${n} of ${N} mails`);
    }

    const baselineRates: number[] = [];
    const deskRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // (a) baseline: login, fetch every source, simpleParser (defaults) on each.
      {
        const start = process.hrtime.bigint();
        const client = await connect();
        const lock = await client.getMailboxLock('INBOX', { readOnly: true });
        let parsed = 0;
        try {
          for await (const m of client.fetch('1:*', { uid: true, source: true }, { uid: true })) {
            await simpleParser(m.source!);
            parsed++;
          }
        } finally {
          lock.release();
          await client.logout();
        }
        if (parsed !== N) throw new Error(`baseline parsed ${parsed} of ${N}`);
        baselineRates.push(N / seconds(start));
      }
      // (b) abusedesk: fetchMail into a fresh SQLite file, every mail and report stored.
      {
        const store = openStore(path.join(work, `desk-${round}.db`));
        const config = parseConfig({ imap: { url: dovecot.imapUrl() } });
        const start = process.hrtime.bigint();
        const result = await fetchMail(store, config);
        const s = seconds(start);
        const rows = store.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
        if (result.stored !== N || rows.n !== N) throw new Error(`fetchMail stored ${result.stored} (${rows.n} rows) of ${N}`);
        deskRates.push(N / s);
        store.close();
      }
    }
    const baseline = median(baselineRates);
    const desk = median(deskRates);
    console.log(`baseline imapflow fetch + simpleParser (defaults): ${baseline.toFixed(0)} mails/s (median of ${ROUNDS})`);
    console.log(
      `abusedesk fetchMail, all stored: ${desk.toFixed(0)} mails/s (${(desk / baseline).toFixed(2)}x vs baseline, goal >= 1.5)`,
    );

    // (c) nothing new: the same store again; time from login to the end of the call.
    const store = openStore(path.join(work, 'desk-0.db'));
    const config = parseConfig({ imap: { url: dovecot.imapUrl() } });
    const afterLogin: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = process.hrtime.bigint();
      let loggedIn = 0n;
      const result = await fetchMail(store, config, { onConnected: () => (loggedIn = process.hrtime.bigint()) });
      const end = process.hrtime.bigint();
      if (result.fetched !== 0) throw new Error('nothing-new fetch fetched mail');
      afterLogin.push(Number(end - loggedIn) / 1e6);
      whole.push(Number(end - start) / 1e6);
    }
    store.close();
    console.log(
      `abusedesk fetch with nothing new: ${median(afterLogin).toFixed(1)} ms after login (goal < 100 ms); ` +
        `${median(whole).toFixed(1)} ms with connect and login`,
    );

    // The same through the shipped binary, process start to exit (when built).
    if (fs.existsSync(path.join(root, 'dist', 'cli.js'))) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [path.join(root, 'bin/abusedesk.js'), 'fetch', '--json', '--db', path.join(work, 'desk-0.db')], {
          env: { ...process.env, ABUSEDESK_CONFIG: '', ABUSEDESK_IMAP_URL: dovecot.imapUrl() },
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`abusedesk fetch failed: ${r.stderr}`);
        if (JSON.parse(r.stdout).fetched !== 0) throw new Error('binary nothing-new fetch fetched mail');
        runs.push(seconds(start) * 1000);
      }
      console.log(`abusedesk fetch (binary) with nothing new, process start to exit: ${median(runs).toFixed(0)} ms`);
    }
  } finally {
    await dovecot.stop();
  }
}

try {
  await main();
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
