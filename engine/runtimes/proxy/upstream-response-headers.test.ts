/**
 * The direct path of responseHeaders must give the map the grouped path (undici's parseHeaders, as
 * undici's request() grouped them) gives, for any raw header list: names in any case, repeats,
 * names that start with a digit (an object sorts those first), `__proto__`, non-ASCII bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupedHeaders, responseHeaders } from './upstream-response-headers.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] upstream response headers seed=${seed} (replay: FC_SEED=${seed})`);

const name = fc.oneof(
  fc.constantFrom('Content-Length', 'content-type', 'Date', 'Server', 'Set-Cookie', 'set-cookie', 'Connection', 'Keep-Alive', 'X-A', 'x-a', '2', '10', '1x', '__proto__', 'constructor', 'Transfer-Encoding', 'TE', 'Trailer'),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/),
);
const value = fc.oneof(fc.constantFrom('3', 'keep-alive', 'close, X-A', 'a=b; Path=/', '', 'caf\u00e9'), fc.string({ maxLength: 8 }));
const rawLines = fc.array(fc.tuple(name, value), { maxLength: 12 });

const toRaw = (lines: Array<[string, string]>): Buffer[] => lines.flatMap(([n, v]) => [Buffer.from(n, 'latin1'), Buffer.from(v, 'latin1')]);

describe('responseHeaders', () => {
  it('gives the same lines as the grouped path, in the same order', () => {
    fc.assert(
      fc.property(rawLines, (lines) => {
        const raw = toRaw(lines);
        const direct = responseHeaders(raw);
        const grouped = groupedHeaders(raw);
        expect(direct.list()).toEqual(grouped.list());
        for (let i = 0; i < direct.size; i++) expect(direct.lowerAt(i)).toBe(grouped.lowerAt(i));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('reads each value afresh when its bytes differ from the last one of its name (the remembered values)', () => {
    const answer = (date: string, server: string): Array<[string, string]> => [['Server', server], ['Date', date], ['Content-Length', '3']];
    expect(responseHeaders(toRaw(answer('Fri, 27 Nov 2026 22:10:00 GMT', 'caf\u00e9'))).list()[1]).toEqual(['date', 'Fri, 27 Nov 2026 22:10:00 GMT']);
    // Same length, one byte different; then the same bytes again; then a byte above 0x7f.
    expect(responseHeaders(toRaw(answer('Fri, 27 Nov 2026 22:10:01 GMT', 'cafe'))).list()).toEqual([
      ['server', 'cafe'],
      ['date', 'Fri, 27 Nov 2026 22:10:01 GMT'],
      ['content-length', '3'],
    ]);
    expect(responseHeaders(toRaw(answer('Fri, 27 Nov 2026 22:10:01 GMT', 'caf\u00e9'))).valueAt(0)).toBe('caf\u00e9');
    expect(responseHeaders(toRaw(answer('', 'x'.repeat(100)))).list().slice(0, 2)).toEqual([
      ['server', 'x'.repeat(100)],
      ['date', ''],
    ]);
  });

  it('pins: a typical answer, a repeated header grouped at its first line, a numeric name first', () => {
    expect(responseHeaders(toRaw([['Server', 'nginx'], ['Content-Length', '3'], ['Connection', 'keep-alive'], ['X-Saw-Bench', '1']])).list()).toEqual([
      ['server', 'nginx'],
      ['content-length', '3'],
      ['x-saw-bench', '1'],
    ]);
    expect(responseHeaders(toRaw([['Set-Cookie', 'a'], ['Date', 'd'], ['set-cookie', 'b']])).list()).toEqual([
      ['set-cookie', 'a'],
      ['set-cookie', 'b'],
      ['date', 'd'],
    ]);
    expect(responseHeaders(toRaw([['X-A', '1'], ['7', 'n']])).list()).toEqual([
      ['7', 'n'],
      ['x-a', '1'],
    ]);
  });
});
