// `abusedesk --auto` (built binary) finding abuse contacts over the real protocols:
// loopback RDAP and whois servers (test/helpers/registries.ts) answer with
// recorded-style registry data. A confident contact is approved and sent; a
// medium-confidence one waits for review; a network with no abuse contact is not drafted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { banMail } from './helpers/mails.js';
import { startRegistries, type Registries } from './helpers/registries.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';

let registries: Registries;
let sink: SmtpSink;
let dir: string;

beforeAll(async () => {
  [registries, sink] = await Promise.all([startRegistries(), startSmtpSink()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abusedesk-auto-reg-'));
});
afterAll(async () => {
  await Promise.all([registries?.close(), sink?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('looks contacts up over RDAP/whois, sends the confident ones, leaves the rest for review', async () => {
  const config = path.join(dir, 'reg.yaml');
  fs.writeFileSync(
    config,
    YAML.stringify({
      database: path.join(dir, 'reg.db'),
      smtp: { url: sink.url, insecureTls: true, timeoutMs: 5000 },
      operator: { from: 'Test desk <abuse@desk.test>', domain: 'desk.test' },
      lookup: registries.lookupConfig(),
    }),
  );
  const mails = path.join(dir, 'mails');
  fs.mkdirSync(mails);
  const now = Date.now();
  for (const ip of ['185.220.100.5', '8.8.8.8', '41.203.70.1', '198.51.100.9']) {
    for (const host of ['web1.example.net', 'mail1.example.net']) {
      fs.writeFileSync(path.join(mails, `${ip}-${host}.eml`), banMail({ ip, host, date: new Date(now - 3_600_000) }));
    }
  }
  expect((await runCli(['--config', config, 'import', mails])).code).toBe(0);

  const run = await runCli(['--config', config, '--auto']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.trim()).toBe('abusedesk: 3 complaints drafted (1 for review), 2 sent');

  expect(Object.fromEntries(sink.mails.map((m) => [m.to[0], m.subject.replace(/^abuse report about (\S+) - .*$/, '$1')]))).toEqual({
    'abuse@hosting-eu.example': '185.220.100.5',
    'network-abuse@dns-provider.example': '8.8.8.8',
  });
  // The registry evidence that justifies the recipient is in the text.
  const text = (await simpleParser(sink.mails.find((m) => m.to[0] === 'abuse@hosting-eu.example')!.raw)).text!;
  expect(text).toContain('abuse@hosting-eu.example');
  expect(text).toMatch(/RDAP/);

  const complaints = (await runCli(['--config', config, 'complaints', '--json'])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ip: string; state: string; recipient: string });
  expect(complaints.map((c) => `${c.ip} ${c.state} ${c.recipient}`).sort()).toEqual([
    '185.220.100.5 sent abuse@hosting-eu.example',
    '41.203.70.1 draft abuse@netafrica.example',
    '8.8.8.8 sent network-abuse@dns-provider.example',
  ]);
  const candidates = (await runCli(['--config', config, 'candidates', '--json'])).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ip: string; reason: string; eligible: boolean });
  expect(candidates).toEqual([expect.objectContaining({ ip: '198.51.100.9', eligible: false, reason: 'no abuse contact' })]);

  // The lookups were cached: a second run asks no registry.
  registries.reset();
  const again = await runCli(['--config', config, '--auto']);
  expect(again).toMatchObject({ code: 0, stdout: '', stderr: '' });
  expect(registries.totalRequests()).toBe(0);
});
