// Which senders count as evidence: addresses, domains (and their subdomains) or
// reporting host names from the subject; an empty list trusts everyone.
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../src/core/trust.js';

describe('isTrustedSender', () => {
  it('trusts everyone when no trusted reporters are configured', () => {
    expect(isTrustedSender('evil@attacker.example', null, [])).toBe(true);
    expect(isTrustedSender(null, null, [])).toBe(true);
  });

  it('matches whole addresses, case-insensitively', () => {
    const list = ['Fail2Ban@web1.example.net'];
    expect(isTrustedSender('fail2ban@web1.example.net', null, list)).toBe(true);
    expect(isTrustedSender('root@web1.example.net', null, list)).toBe(false);
    expect(isTrustedSender('fail2ban@web1.example.net.evil.example', null, list)).toBe(false);
  });

  it('matches a domain and its subdomains, not look-alikes', () => {
    const list = ['example.net'];
    expect(isTrustedSender('fail2ban@example.net', null, list)).toBe(true);
    expect(isTrustedSender('fail2ban@web1.example.net', null, list)).toBe(true);
    expect(isTrustedSender('fail2ban@badexample.net', null, list)).toBe(false);
    expect(isTrustedSender('fail2ban@example.net.evil.example', null, list)).toBe(false);
  });

  it('matches the reporting host from the subject exactly (mail(1) reports carry no From domain)', () => {
    const list = ['web1.example.net'];
    expect(isTrustedSender(null, 'web1.example.net', list)).toBe(true);
    expect(isTrustedSender(null, 'WEB1.example.net.', list)).toBe(true);
    expect(isTrustedSender(null, 'x.web1.example.net.evil', list)).toBe(false);
    expect(isTrustedSender('root', 'web2.example.net', list)).toBe(false);
  });

  it('a bare local part (buffered actions send as "fail2ban") matches only the same bare entry', () => {
    expect(isTrustedSender('fail2ban', null, ['fail2ban'])).toBe(true);
    expect(isTrustedSender('fail2ban', null, ['example.net'])).toBe(false);
  });

  it('an untrusted sender stays untrusted with a list that has blank entries', () => {
    expect(isTrustedSender('a@b.example', 'h.example', ['', '  '])).toBe(false);
  });
});
