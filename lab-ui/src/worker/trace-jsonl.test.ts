// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceEncoder } from './trace-codec.ts';
import { JsonlColumns } from './trace-jsonl.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`trace-jsonl property seed: ${seed} (set FC_SEED to replay)`);

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Strings JSON escapes or encodes oddly: quotes, backslashes, controls, 2- to 4-byte characters, lone surrogates. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('"', '\\', '\u0000\u001f\u007f', '\ud800', 'a\udfffb', '\ud83d\ude00', '— en–dash', '\u2028\u2029', '</script>', 'x'.repeat(70)),
);
/** Numbers JSON writes oddly or that leave the int32 digits path. */
const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e21, -1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, 0.1 + 0.2, 2223.629528945644),
);
const leaf = fc.oneof(oddNumber, oddString, fc.boolean(), fc.constant(null), fc.constant(undefined));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(oddString, tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;
/** Events as the engine makes them: a type, a time, then anything JSON-like (keys of any text, numeric ones too). */
const event = fc
  .record({ type: fc.constantFrom('request.start', 'plugin.decision', 'request.end'), t: oddNumber, rest: fc.dictionary(fc.oneof(oddString, fc.constantFrom('0', '17', '__proto__', 't')), value, { maxKeys: 5, noNullPrototype: true }) })
  .map(({ type, t, rest }) => ({ type, t, ...rest }));

/** The columns' JSON lines for `events` encoded in batches of `size`, with `out` bytes of output buffer. */
function linesFromColumns(events: readonly object[], size: number, out: number): { bytes: Uint8Array; ok: boolean } {
  const parts: Uint8Array[] = [];
  const lines = new JsonlColumns((b) => parts.push(b.slice()), out);
  const enc = new TraceEncoder();
  for (let i = 0; i < events.length; i += size) {
    const batch = enc.encode(events.slice(i, i + size));
    if (!lines.prepare(batch)) return { bytes: new Uint8Array(), ok: false };
    lines.write(batch);
  }
  lines.end();
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) bytes.set(p, (at += p.length) - p.length);
  return { bytes, ok: true };
}

const jsonl = (events: readonly object[]): Uint8Array => utf8.encode(events.map((e) => `${JSON.stringify(e)}\n`).join(''));

describe('JSON lines from the codec columns', () => {
  it('writes JSON.stringify(e) + "\\n" for each event, byte for byte', () => {
    fc.assert(
      fc.property(event, (e) => {
        const { bytes, ok } = linesFromColumns([e], 1, 1 << 16);
        expect(ok).toBe(true);
        expect(text.decode(bytes)).toBe(`${JSON.stringify(e)}\n`);
        expect(bytes).toEqual(jsonl([e]));
      }),
      { seed, numRuns: 1000 },
    );
  });

  it('writes the whole trace the same, at any batch size and with the output flushed mid-event', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(512, 2048, 1 << 16), (events, size, out) => {
        const { bytes, ok } = linesFromColumns(events, size, out);
        // A shape whose constants and numbers do not fit a small output is refused (the caller decodes).
        fc.pre(ok);
        expect(bytes).toEqual(jsonl(events));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('refuses a shape it cannot write, so the caller falls back to decoding', () => {
    const lines = new JsonlColumns(() => undefined, 64);
    const batch = new TraceEncoder().encode([{ type: 'x', t: 1, [`k${'y'.repeat(80)}`]: 1 }]);
    expect(lines.prepare(batch)).toBe(false);
  });
});
