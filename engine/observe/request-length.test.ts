// $request_length rebuilt from what a parser kept (semantics §11; nginx counts the request line, each
// header line and the blank line with their CRLFs, then the body): both ways of rebuilding it must
// equal the bytes of the request they describe, written out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declaredLength, rawHeadLength, traceRequestLength, utf8Length } from './request-length.ts';

const seed = Number(process.env['FC_SEED'] ?? 20_261_128);
console.log(`[fast-check] request-length seed=${seed} (replay: FC_SEED=${seed})`);

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
const target = fc.stringMatching(/^\/[A-Za-z0-9/._~%-]{0,30}(\?[A-Za-z0-9=&%-]{0,20})?$/);

describe('request-length', () => {
  it('§11 rawHeadLength is the byte length of the request line and header block as written', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST', 'OPTIONS'), target, fc.array(fc.tuple(token, value), { maxLength: 12 }), (method, t, headers) => {
        const wire = `${method} ${t} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
        expect(rawHeadLength(method, t, headers.flat())).toBe(Buffer.byteLength(wire, 'latin1'));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('§11 traceRequestLength counts a repeated header once per value, UTF-8 text, and the declared body', () => {
    const headers = { host: 'shop.example', 'x-note': 'café', accept: ['a/b', 'c/d'], 'content-length': '12' };
    const wire = 'PUT /p?q=1 HTTP/1.1\r\nhost: shop.example\r\nx-note: café\r\naccept: a/b\r\naccept: c/d\r\ncontent-length: 12\r\n\r\n';
    expect(traceRequestLength('PUT', 'http://shop.example:8080/p?q=1', headers)).toBe(Buffer.byteLength(wire) + 12);
    // A URL without a path is requested as `/`; one with only a query as `/?query`.
    expect(traceRequestLength('GET', 'http://h', {})).toBe('GET / HTTP/1.1\r\n\r\n'.length);
    expect(traceRequestLength('GET', 'http://h?x=1', {})).toBe('GET /?x=1 HTTP/1.1\r\n\r\n'.length);
  });

  it('declaredLength reads only a plain decimal Content-Length', () => {
    expect([declaredLength('42'), declaredLength(''), declaredLength('4 2'), declaredLength('-1'), declaredLength('1'.repeat(16))]).toEqual([42, 0, 0, 0, 0]);
  });

  it('utf8Length equals what TextEncoder writes, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) }), (a, b) => {
        expect(utf8Length(a + b)).toBe(new TextEncoder().encode(a + b).length);
      }),
      { seed, numRuns: 1000 },
    );
  });
});
