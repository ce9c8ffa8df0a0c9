import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/load.js';
import { RedactionConfigError, createRedactor, redactPatternProblem, validateRedactPatterns, type RedactionOptions } from '../src/core/redaction.js';

const ATTACKER = '203.0.113.7';
const BASE: RedactionOptions = {
  redactOwnHosts: true,
  ownHostnames: ['mail.example.org'],
  ownNetworks: ['198.51.100.0/24', '2001:db8:1::/48'],
  redactPatterns: [],
  reportingHosts: ['web1.example.org'],
};

describe('redaction of log lines', () => {
  const r = createRedactor(BASE);

  it('replaces own host names (numbered, also the short syslog host field) and own addresses', () => {
    expect(r.line('Nov 24 04:00:01 web1 sshd[811]: Failed password for root from 203.0.113.7 port 50122 ssh2', [ATTACKER])).toBe(
      'Nov 24 04:00:01 <redacted-host-1> sshd[811]: Failed password for root from 203.0.113.7 port 50122 ssh2',
    );
    expect(r.line('/var/log/mail.log:Nov 24 04:19:58 mail postfix/smtpd[77]: connect from unknown[203.0.113.7] to 198.51.100.4:25', [ATTACKER])).toBe(
      '/var/log/mail.log:Nov 24 04:19:58 <redacted-host-2> postfix/smtpd[77]: connect from unknown[203.0.113.7] to <redacted-ip>:25',
    );
    expect(r.line('2026-11-24T04:00:01+01:00 WEB1 dovecot: lip=2001:db8:1::25, rip=203.0.113.7, mail.example.org. ::ffff:198.51.100.9', [ATTACKER])).toBe(
      '2026-11-24T04:00:01+01:00 <redacted-host-1> dovecot: lip=<redacted-ip>, rip=203.0.113.7, <redacted-host-2>. <redacted-ip>',
    );
    expect(r.host('web1.example.org.')).toBe('<redacted-host-1>');
    expect(r.host('MAIL.example.org')).toBe('<redacted-host-2>');
    expect(r.host('other.example.net')).toBe('other.example.net');
    expect(r.host(null)).toBe('unknown host');
  });

  it('leaves look-alikes alone: longer names, other addresses, timestamps, words', () => {
    const line = 'Nov 24 04:00:01 gw sshd[1]: from 203.0.113.70 via webmail.example.org and mail.example.org.uk, 198.51.1000.4, web1 said hi';
    expect(r.line(line, [ATTACKER])).toBe(line);
  });

  it('a reporting host without a dot is replaced in the syslog host field only, not in words', () => {
    const short = createRedactor({ ...BASE, reportingHosts: ['mail'] });
    expect(short.line('Nov 24 04:00:01 mail postfix/smtpd[1]: lost connection after mail from unknown[203.0.113.7]', [ATTACKER])).toBe(
      'Nov 24 04:00:01 <redacted-host-1> postfix/smtpd[1]: lost connection after mail from unknown[203.0.113.7]',
    );
    expect(short.host('mail')).toBe('<redacted-host-1>');
  });

  it('masks e-mail addresses as <X> (blocklist.de practice)', () => {
    expect(r.line('sasl_username=info@example.org, from=<bob.smith+tag@customer.example>, to=<root@web1>', [ATTACKER])).toBe(
      'sasl_username=<X>, from=<<X>>, to=<<X>>',
    );
  });

  it('applies configured patterns and never redacts the attacking address', () => {
    const custom = createRedactor({ ...BASE, redactPatterns: ['token=\\w+', '\\d+\\.\\d+\\.\\d+\\.\\d+', 'ssh2'] });
    expect(custom.line('token=abc123 from 203.0.113.7 port 22 ssh2 and 192.0.2.1', [ATTACKER])).toBe('<X> from 203.0.113.7 port 22 <X> and <X>');
    // The attacker in another spelling (IPv4-mapped) is protected too.
    expect(custom.line('rip=::ffff:203.0.113.7', [ATTACKER])).toBe('rip=::ffff:203.0.113.7');
    // An own-network attacker (which the policy never lets through) still stays visible here.
    expect(createRedactor(BASE).line('from 198.51.100.4', ['198.51.100.4'])).toBe('from 198.51.100.4');
  });

  it('strips control characters: ESC sequences shown as text, CR/LF as one line', () => {
    const out = r.line('Invalid user \u001b[2J\u001b]0;pwned\u0007admin\r\nSubject: fake from 203.0.113.7\u0000', [ATTACKER]);
    expect(out).toBe('Invalid user ^[[2J^[]0;pwned^Gadmin⏎Subject: fake from 203.0.113.7^@');
    expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  it('redacts nothing of the own hosts when redactOwnHosts is off, but still masks e-mails', () => {
    const off = createRedactor({ ...BASE, redactOwnHosts: false });
    expect(off.line('Nov 24 04:00:01 web1 x: 198.51.100.4 mail.example.org a@b.example', [ATTACKER])).toBe('Nov 24 04:00:01 web1 x: 198.51.100.4 mail.example.org <X>');
    expect(off.host('web1.example.org')).toBe('web1.example.org');
  });

  it('hostsIn redacts host names and addresses but no e-mail shapes (for Message-IDs)', () => {
    expect(r.hostsIn('<20261124.ABC@web1.example.org>')).toBe('<20261124.ABC@<redacted-host-1>>');
    expect(r.hostsIn('f2b-1@relay.example.net')).toBe('f2b-1@relay.example.net');
  });
});

describe('redaction config errors name the pattern', () => {
  it('a bad regular expression', () => {
    expect(validateRedactPatterns(['ok\\d+', '(unclosed', '[z-a]'])).toEqual([
      'complaint.redactPatterns[1] "(unclosed" is not a valid regular expression: Unterminated group',
      'complaint.redactPatterns[2] "[z-a]" is not a valid regular expression: Range out of order in character class',
    ]);
  });
  it('a pattern matching the empty string', () => {
    expect(validateRedactPatterns(['x*'])).toEqual(['complaint.redactPatterns[0] "x*" matches the empty string']);
  });
  it('createRedactor throws with every problem, including bad own networks', () => {
    let error: unknown;
    try {
      createRedactor({ ...BASE, redactPatterns: ['('], ownNetworks: ['not-a-net'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RedactionConfigError);
    expect((error as RedactionConfigError).problems).toEqual([
      'complaint.redactPatterns[0] "(" is not a valid regular expression: Unterminated group',
      'operator.ownNetworks "not-a-net" is not an address or CIDR range',
    ]);
  });
});

describe('the config file rejects what redaction and drafting cannot use', () => {
  it('a bad pattern is a config error naming the key and the pattern', () => {
    expect(redactPatternProblem('ok\\d')).toBeNull();
    expect(redactPatternProblem('(x')).toBe('is not a valid regular expression: Unterminated group');
    expect(() => parseConfig({ complaint: { redactPatterns: ['token=\\w+', '(x'] } })).toThrow(ConfigError);
    expect(() => parseConfig({ complaint: { redactPatterns: ['token=\\w+', '(x'] } })).toThrow(
      'config: complaint.redactPatterns.1: "(x" is not a valid regular expression: Unterminated group',
    );
    expect(parseConfig({ complaint: { redactPatterns: ['token=\\w+'] } }).complaint.redactPatterns).toEqual(['token=\\w+']);
  });
  it('an unknown time zone is a config error', () => {
    expect(() => parseConfig({ operator: { timezone: 'Mars/Base' } })).toThrow('config: operator.timezone: not a known IANA time zone (e.g. Europe/Berlin, UTC)');
    expect(parseConfig({ operator: { timezone: 'Europe/Berlin' } }).operator.timezone).toBe('Europe/Berlin');
  });
});
