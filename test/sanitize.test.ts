import { describe, expect, it } from 'vitest';
import { hasControlCharacters, sanitizeHeaderValue, sanitizeLine, sanitizeText } from '../src/core/sanitize.js';

const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('sanitizeText', () => {
  it('defuses CSI, OSC (title, clipboard) and DCS sequences', () => {
    const hostile = [
      'clear \x1b[2J\x1b[H screen',
      'title \x1b]0;pwned\x07 set',
      'clip \x1b]52;c;ZWNobyBwd25lZA==\x1b\\ write',
      'dcs \x1bP+q544e\x1b\\ query',
      '8-bit \x9b31m csi',
    ];
    for (const text of hostile) {
      const out = sanitizeText(text);
      expect(out, text).not.toMatch(RAW_CONTROL);
      expect(out).not.toContain('\x1b');
    }
    expect(sanitizeText('a\x1b[31mred')).toBe('a^[[31mred');
  });
  it('keeps line breaks and shows CR, NUL, DEL visibly', () => {
    expect(sanitizeText('one\r\ntwo\rthree\x00\x7f')).toBe('one\ntwo^Mthree^@^?');
    expect(sanitizeText('tab\there')).toBe('tab    here');
  });
  it('removes bidi overrides', () => {
    expect(sanitizeText('user\u202eexe.txt')).toBe('userexe.txt');
  });
  it('leaves ordinary text, including non-ASCII, alone', () => {
    expect(sanitizeText('Zürich – 東京 ✓')).toBe('Zürich – 東京 ✓');
  });
});

describe('sanitizeLine', () => {
  it('makes one line', () => {
    expect(sanitizeLine('a\nb\r\nc')).toBe('a⏎b⏎c');
  });
});

describe('sanitizeHeaderValue', () => {
  it('cannot forge header lines', () => {
    const value = sanitizeHeaderValue('abuse report\r\nBcc: victim@example.org\x1b[2J');
    expect(value).toBe('abuse report Bcc: victim@example.org');
    expect(value).not.toMatch(/[\r\n]/);
  });
  it('bounds the length', () => {
    expect(sanitizeHeaderValue('x'.repeat(2000), 100)).toHaveLength(100);
  });
});

describe('hasControlCharacters', () => {
  it('detects, repeatably', () => {
    expect(hasControlCharacters('a\x1bb')).toBe(true);
    expect(hasControlCharacters('a\u202eb')).toBe(true);
    expect(hasControlCharacters('a\u202eb')).toBe(true);
    expect(hasControlCharacters('plain\ntext')).toBe(false);
  });
});
