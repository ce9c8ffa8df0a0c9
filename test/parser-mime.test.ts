// The small MIME reader under the parser: header unfolding, RFC 2047, Content-Type
// parameters, the multipart splitter, transfer encodings and charset fallbacks.
import { describe, expect, it } from 'vitest';
import { binaryString, decodeHeaderText, firstAddress, messageIdOf, parseContentType, readHeaders } from '../src/core/mail-headers.js';
import { decodeCharset, decodeTransfer, partText, splitMultipart } from '../src/core/mime.js';

describe('headers', () => {
  it('splits at the first blank line (LF or CRLF) and unfolds continuation lines', () => {
    const bin = binaryString(Buffer.from('Subject: a\r\n b\r\n\tc\r\nX-Empty:\r\n\r\nbody\r\n\r\nmore'));
    const h = readHeaders(bin);
    expect(h.fields.get('subject')).toEqual(['a b c']);
    expect(h.fields.get('x-empty')).toEqual(['']);
    expect(bin.slice(h.bodyStart)).toBe('body\r\n\r\nmore');
    expect(readHeaders('\nbody').bodyStart).toBe(1);
    expect(readHeaders('Subject: only headers').bodyStart).toBe('Subject: only headers'.length);
  });

  it('decodes RFC 2047 words and raw 8-bit header bytes (UTF-8, else Latin-1)', () => {
    expect(decodeHeaderText('=?UTF-8?B?W0ZhaWwyQmFuXQ==?= =?ISO-8859-1?Q?K=F6ln?=')).toBe('[Fail2Ban]Köln');
    expect(decodeHeaderText(Buffer.from('Zürich').toString('latin1'))).toBe('Zürich');
    expect(decodeHeaderText('K\xf6ln')).toBe('Köln');
  });

  it('reads addresses and Message-IDs', () => {
    expect(firstAddress('Fail2Ban <Fail2Ban@Web1.Example.NET>')).toBe('fail2ban@web1.example.net');
    expect(firstAddress('root@web1 (Cron Daemon)')).toBe('root@web1');
    expect(firstAddress('fail2ban')).toBe('fail2ban');
    expect(firstAddress('=?UTF-8?Q?J=C3=BCrgen?= <j@example.net>')).toBe('j@example.net');
    expect(firstAddress('')).toBeNull();
    expect(messageIdOf(' <abc@host> ')).toBe('abc@host');
    expect(messageIdOf('bare@host')).toBe('bare@host');
    expect(messageIdOf('<>')).toBeNull();
  });

  it('parses Content-Type parameters, quoted, unquoted and RFC 2231 continued', () => {
    expect(parseContentType('multipart/report; report-type="delivery-status"; boundary=abc')).toEqual({
      mime: 'multipart/report',
      params: { 'report-type': 'delivery-status', boundary: 'abc' },
    });
    expect(parseContentType('text/plain; name*0="re"; name*1="port.txt"').params.name).toBe('report.txt');
    expect(parseContentType('garbage').mime).toBe('text/plain');
    expect(parseContentType(null).mime).toBe('text/plain');
  });
});

describe('multipart', () => {
  const part = (ct: string, body: string) => `Content-Type: ${ct}\n\n${body}`;
  it('splits parts, ignores preamble/epilogue and boundary-like text that is longer', () => {
    const body = ['preamble', '--b1', part('text/plain', 'one\n--b1x is text\nend'), '--b1  ', part('text/html', '<p>two</p>'), '--b1--', 'epilogue'].join('\n');
    const parts = splitMultipart(body, 'b1');
    expect(parts.map((p) => p.contentType.mime)).toEqual(['text/plain', 'text/html']);
    expect(parts[0].body).toBe('one\n--b1x is text\nend');
    expect(parts[1].body).toBe('<p>two</p>');
  });

  it('handles CRLF, an unterminated last part, a missing boundary', () => {
    const crlf = ['--b', 'Content-Type: text/plain', '', 'x', '--b', 'Content-Type: text/plain', '', 'last part'].join('\r\n');
    expect(splitMultipart(crlf, 'b').map((p) => p.body)).toEqual(['x', 'last part']);
    expect(splitMultipart('no parts here', 'b')).toEqual([]);
    expect(splitMultipart('--b\nx', '')).toEqual([]);
  });

  it('decodes a part by its transfer encoding and charset', () => {
    const [p] = splitMultipart(['--q', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'K=F6ln =', 'weiter', '--q--'].join('\n'), 'q');
    expect(partText(p)).toBe('Köln weiter');
  });
});

describe('transfer encodings and charsets', () => {
  it('base64 (with line breaks), quoted-printable, 8bit', () => {
    expect(decodeTransfer('SGVs\nbG8=\n', 'base64').toString()).toBe('Hello');
    expect(decodeTransfer('a=3Db=\n c', 'Quoted-Printable').toString()).toBe('a=b c');
    expect(decodeTransfer('\xe9', '8bit')).toEqual(Buffer.from([0xe9]));
  });

  it('UTF-8 wins under weak labels; real labels are used; mixed lines fall back per line', () => {
    expect(decodeCharset(Buffer.from('Zürich'), 'iso-8859-1')).toBe('Zürich');
    expect(decodeCharset(Buffer.from([0x4b, 0xf6, 0x6c, 0x6e]), 'utf-8')).toBe('Köln');
    expect(decodeCharset(Buffer.from([0xc1, 0xc2]), 'koi8-r')).toBe('аб');
    const mixed = Buffer.concat([Buffer.from('Zürich\n'), Buffer.from([0x4b, 0xf6, 0x6c, 0x6e])]);
    expect(decodeCharset(mixed, undefined)).toBe('Zürich\nKöln');
    expect(decodeCharset(mixed, 'x-no-such-charset')).toBe('Zürich\nKöln');
  });
});
