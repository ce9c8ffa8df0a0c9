import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  XARF_LOGIN_ATTACK_SCHEMA,
  XARF_LOGIN_ATTACK_SCHEMA_URL,
  parseXarfReport,
  renderXarfReport,
  validateXarfReport,
  xarfService,
  type XarfLoginAttack,
} from '../src/core/xarf.js';

const FIELDS: XarfLoginAttack = {
  reportedFrom: 'abuse@example.org',
  service: 'ssh',
  port: 22,
  userAgent: 'abusedesk/0.1.0',
  reportId: 'c-42@example.org',
  date: '2026-11-24T04:20:00+01:00',
  source: '203.0.113.7',
  sourceType: 'ipv4',
  occurrences: 13,
  tlp: 'green',
};

const EXPECTED = `Reported-From: abuse@example.org
Category: abuse
Report-Type: login-attack
Service: ssh
Version: "0.2"
User-Agent: abusedesk/0.1.0
Date: "2026-11-24T04:20:00+01:00"
Source-Type: ipv4
Source: 203.0.113.7
Port: 22
Report-ID: c-42@example.org
Occurrences: 13
TLP: green
Attachment: text/plain
Schema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json
`;

describe('renderXarfReport', () => {
  it('writes the login-attack fields in the customary order, valid against the schema', () => {
    const text = renderXarfReport(FIELDS);
    expect(text).toBe(EXPECTED);
    expect(validateXarfReport(text)).toEqual([]);
  });

  it('reads back with the right types (Port and Occurrences integers, Version and Date strings)', () => {
    const report = parseXarfReport(renderXarfReport({ ...FIELDS, source: '2001:db8::1', sourceType: 'ipv6' }))!;
    expect(report).toMatchObject({ Port: 22, Occurrences: 13, Version: '0.2', Date: '2026-11-24T04:20:00+01:00', Source: '2001:db8::1', 'Source-Type': 'ipv6' });
  });

  it('leaves unknown occurrences out and keeps hostile values on one line', () => {
    const text = renderXarfReport({ ...FIELDS, occurrences: null, tlp: null, service: 'ssh\r\nCategory: spam\u001b[2J' });
    expect(text).not.toContain('Occurrences');
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    const report = parseXarfReport(text)!;
    expect(report.Category).toBe('abuse');
    expect(report.Service).toBe('ssh Category: spam');
    expect(validateXarfReport(text)).toEqual([]);
  });
});

describe('validateXarfReport', () => {
  const withLine = (key: string, value: string | null) =>
    EXPECTED.split('\n')
      .filter((l) => !l.startsWith(`${key}:`))
      .concat(value === null ? [] : [`${key}: ${value}`])
      .join('\n');

  it('reports each broken rule by field', () => {
    expect(validateXarfReport(withLine('Source', null))).toEqual(['Source: required']);
    expect(validateXarfReport(withLine('Port', '"22"'))).toEqual(['Port: must be an integer']);
    expect(validateXarfReport(withLine('Port', '0'))).toEqual(['Port: must be at least 1']);
    expect(validateXarfReport(withLine('Category', 'spam'))).toEqual(['Category: must be one of abuse']);
    expect(validateXarfReport(withLine('Report-Type', 'ssh'))).toEqual(['Report-Type: must be one of login-attack']);
    expect(validateXarfReport(withLine('TLP', 'AMBER'))).toEqual(['TLP: must be one of white, green, amber, red']);
    expect(validateXarfReport(withLine('Reported-From', 'nobody'))).toEqual(['Reported-From: not a valid email']);
    expect(validateXarfReport(withLine('Date', 'yesterday'))).toEqual(['Date: not a valid date-time']);
    expect(validateXarfReport(withLine('Report-ID', 'no-domain'))).toEqual([`Report-ID: does not match ^[^@\\s]+@[^@\\s]+$`]);
    expect(validateXarfReport(withLine('Source-Type', 'ipv6'))).toEqual(['Source-Type: ipv6 does not match Source 203.0.113.7']);
    expect(validateXarfReport(withLine('Schema-URL', 'http://example.org/x.json'))).toEqual([`Schema-URL: must be one of ${XARF_LOGIN_ATTACK_SCHEMA_URL}`]);
    expect(validateXarfReport(withLine('Source', 'not-an-ip'))).toEqual(['Source: not a valid ip-address-or-ipv6']);
  });

  it('rejects what is not a YAML map', () => {
    expect(validateXarfReport('just text')).toEqual(['report.txt is not a YAML key/value map']);
    expect(validateXarfReport('Source: [unclosed')).toEqual(['report.txt is not a YAML key/value map']);
    expect(validateXarfReport('Port: 1\nPort: 2')).toEqual(['report.txt is not a YAML key/value map']);
  });

  it('is driven by the schema file in fixtures/xarf', () => {
    const file = JSON.parse(fs.readFileSync(new URL('../fixtures/xarf/abuse_login-attack_0.1.2.json', import.meta.url), 'utf8'));
    expect(XARF_LOGIN_ATTACK_SCHEMA).toEqual(file);
    const required = Object.entries(file.properties as Record<string, { required?: boolean }>)
      .filter(([, p]) => p.required)
      .map(([k]) => k)
      .sort();
    expect(required).toEqual(['Attachment', 'Category', 'Date', 'Port', 'Report-ID', 'Report-Type', 'Reported-From', 'Schema-URL', 'Service', 'Source', 'Source-Type', 'User-Agent']);
    // Every required field missing is reported, and nothing else.
    const empty = validateXarfReport('X: 1');
    expect(empty).toEqual(Object.keys(file.properties).filter((k) => file.properties[k].required).map((k) => `${k}: required`));
  });
});

describe('xarfService', () => {
  it('maps common Fail2Ban jails to a protocol and port', () => {
    const table: Array<[string, string, number]> = [
      ['sshd', 'ssh', 22],
      ['sshd-ddos', 'ssh', 22],
      ['dropbear', 'ssh', 22],
      ['postfix', 'smtp', 25],
      ['postfix-sasl', 'smtp', 25],
      ['exim', 'smtp', 25],
      ['submission-auth', 'smtp', 587],
      ['dovecot', 'imap', 143],
      ['courier-auth', 'imap', 143],
      ['pop3-auth', 'pop3', 110],
      ['sieve', 'sieve', 4190],
      ['vsftpd', 'ftp', 21],
      ['proftpd', 'ftp', 21],
      ['pure-ftpd', 'ftp', 21],
      ['nginx-http-auth', 'http', 443],
      ['apache-auth', 'http', 443],
      ['wordpress', 'http', 443],
      ['roundcube-auth', 'http', 443],
      ['asterisk', 'sip', 5060],
      ['mysqld-auth', 'mysql', 3306],
      ['webmin-auth', 'http', 10000],
      ['proxmox', 'http', 8006],
      ['Custom-8022', 'Custom-8022', 8022],
    ];
    expect(table.map(([jail]) => { const g = xarfService(jail); return [jail, g.service, g.port]; })).toEqual(table);
    expect(xarfService('sshd').known).toBe(true);
  });

  it('an unknown jail keeps its name and gets port 22, marked as a guess (never port 0)', () => {
    expect(xarfService('recidive')).toEqual({ service: 'recidive', port: 22, known: false });
    expect(xarfService('my\u001bjail')).toMatchObject({ port: 22, known: false });
    expect(xarfService('my\u001bjail').service).not.toMatch(/[\x00-\x1f]/);
  });
});
