import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart, withoutMultipartField } from './multipart.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

/** A multipart/form-data body as a browser or curl -F writes one. */
function encode(boundary: string, fields: ReadonlyArray<readonly [string, string]>): string {
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

describe('multipart/form-data for key_in_body', () => {
  it('finds the boundary in a multipart/form-data Content-Type, quoted or not, and nowhere else', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----x1')).toBe('----x1');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('multipart/mixed; boundary=x')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeUndefined();
  });

  it('reads each named part and its value; a body without its closing delimiter is not a body', () => {
    const body = encode('xyz', [['apikey', 'a-secret-key'], ['note', 'two\r\nlines']]);
    expect(parseMultipart(body, 'xyz')?.fields.map((f) => [f.name, f.value])).toEqual([['apikey', 'a-secret-key'], ['note', 'two\r\nlines']]);
    expect(parseMultipart(body.slice(0, body.indexOf('--xyz--')), 'xyz')).toBeUndefined();
    expect(parseMultipart('apikey=a-secret-key', 'xyz')).toBeUndefined();
  });

  it('removing a field leaves the same body as one encoded without it, for any fields', () => {
    console.log(`[fast-check] key-auth multipart seed=${SEED} (replay: FC_SEED=${SEED})`);
    const name = fc.constantFrom('apikey', 'x', 'file', 'note');
    const value = fc.string({ unit: fc.constantFrom('a', 'b', '-', '\r', '\n', '"', ' ', 'é'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), (fields) => {
        const boundary = 'b0undary';
        const body = encode(boundary, fields);
        const parsed = parseMultipart(body, boundary);
        expect(parsed?.fields.map((f) => [f.name, f.value])).toEqual(fields);
        if (!parsed) return;
        expect(withoutMultipartField(body, parsed, 'apikey')).toBe(encode(boundary, fields.filter(([n]) => n !== 'apikey')));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
