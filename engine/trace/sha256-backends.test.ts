import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineHashes, JsonlHasher, prepareTraceHash } from './hash.ts';
import type { TraceEvent } from './events.ts';
import { toJsonl } from './sink.ts';
import { activeSha256Backend, createNativeByteHash, createNobleByteHash, createWasmByteHashFactory, type ByteHash } from './sha256-backends.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = Number(process.env.FC_SEED ?? 0x5a256);
console.log(`sha256 backends property seed: ${seed} (set FC_SEED to replay)`);

/** The definition before docs/adr/0002: Node's hash of the text, encoded by Node as UTF-8. */
async function referenceHex(text: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hashPieces(hash: ByteHash, pieces: readonly string[]): string {
  const h = new JsonlHasher(hash);
  for (const p of pieces) h.addText(p);
  return h.digest();
}

/** Text with the characters that matter to UTF-8: ASCII, 2- to 4-byte ones and lone surrogates. */
const unit = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('\ud800', '\udfff', '\udbff\udc00', 'é', '€', '🚦', '\n', '"', '\\', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const text = fc.array(unit, { maxLength: 12 }).map((parts) => parts.join(''));

describe('the three SHA-256 backends agree (docs/adr/0002)', () => {
  it('native, hash-wasm and noble give the reference digest for any text, lone surrogates included', async () => {
    const wasm = await createWasmByteHashFactory();
    const native = createNativeByteHash;
    expect(native()).toBeDefined();
    const property = fc.asyncProperty(fc.array(text, { maxLength: 6 }), async (pieces) => {
      const expected = await referenceHex(pieces.join(''));
      expect(hashPieces(native() as ByteHash, pieces)).toBe(expected);
      expect(hashPieces(wasm(), pieces)).toBe(expected);
      expect(hashPieces(createNobleByteHash(), pieces)).toBe(expected);
    });
    await fc.assert(property, { seed, numRuns: 300 });
  });

  it('agree across batch boundaries: texts longer than the 64 KB buffer, and many short ones', async () => {
    const wasm = await createWasmByteHashFactory();
    const long = 'ab\ud800€'.repeat(30_000);
    const pieces = [long, ...Array.from({ length: 9000 }, (_, i) => `line ${i} 🚦\n`), long.slice(1)];
    const expected = await referenceHex(pieces.join(''));
    expect(hashPieces(createNativeByteHash() as ByteHash, pieces)).toBe(expected);
    expect(hashPieces(wasm(), pieces)).toBe(expected);
    expect(hashPieces(createNobleByteHash(), pieces)).toBe(expected);
  });

  it('keeps interleaved hashes apart when they share one hash-wasm instance', async () => {
    const wasm = await createWasmByteHashFactory();
    const property = fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), text), { maxLength: 20 }), async (steps) => {
      const a = new JsonlHasher(wasm());
      const b = new JsonlHasher(wasm());
      let textA = '';
      let textB = '';
      for (const [toA, t] of steps) {
        (toA ? a : b).addText(t);
        if (toA) textA += t;
        else textB += t;
        // Force each hasher to feed the shared instance now, so owners really alternate.
        (toA ? a : b).addText('x'.repeat(70_000));
        if (toA) textA += 'x'.repeat(70_000);
        else textB += 'x'.repeat(70_000);
      }
      expect(b.digest()).toBe(await referenceHex(textB));
      expect(a.digest()).toBe(await referenceHex(textA));
    });
    await fc.assert(property, { seed, numRuns: 40 });
  });

  it('add() on every backend hashes exactly the JSONL text, odd strings and numbers included', async () => {
    const wasm = await createWasmByteHashFactory();
    const odd = fc.oneof(fc.double(), fc.constantFrom(-0, 1e21, 1e-7, Number.NaN, Infinity, 2 ** 53 + 2), fc.integer());
    const event = fc.oneof(
      fc.record({ type: fc.constant('narration' as const), t: odd, text }),
      fc.record({
        type: fc.constant('plugin.decision' as const),
        t: odd,
        req: text,
        plugin: text,
        phase: fc.constant('access'),
        verdict: fc.constantFrom('next' as const, 'reply' as const),
        reason: text,
        data: fc.dictionary(text, fc.oneof(text, odd, fc.boolean(), fc.constant(null), fc.constant(undefined))),
      }),
    );
    const property = fc.asyncProperty(fc.array(event, { maxLength: 30 }), async (events: TraceEvent[]) => {
      const expected = await referenceHex(toJsonl(events));
      for (const create of [createNativeByteHash as () => ByteHash, wasm, createNobleByteHash]) {
        // Both ways of encoding: one text at a time (Node), and texts joined first (the browser).
        for (const joinTexts of [false, true]) {
          const h = new JsonlHasher(create(), joinTexts);
          for (const e of events) h.add(e);
          expect(h.digest(), `joinTexts ${joinTexts}`).toBe(expected);
        }
      }
    });
    await fc.assert(property, { seed, numRuns: 200 });
  });

  it('joined texts give the same digest across many joins and buffer flushes, long texts and addText between', async () => {
    const long = fc.array(unit, { maxLength: 400 }).map((parts) => parts.join(''));
    const event = fc.record({ type: fc.constant('narration' as const), t: fc.integer(), text: long });
    const step = fc.oneof(event.map((e) => ({ e })), text.map((raw) => ({ raw })));
    const property = fc.asyncProperty(fc.array(step, { maxLength: 120 }), async (steps) => {
      const reference = steps.map((x) => ('e' in x ? toJsonl([x.e as TraceEvent]) : x.raw)).join('');
      const expected = await referenceHex(reference);
      for (const joinTexts of [false, true]) {
        const h = new JsonlHasher(createNativeByteHash(), joinTexts);
        for (const x of steps) {
          if ('e' in x) h.add(x.e as TraceEvent);
          else h.addText(x.raw);
        }
        expect(h.digest(), `joinTexts ${joinTexts}`).toBe(expected);
      }
    });
    await fc.assert(property, { seed, numRuns: 60 });
  });

  it('uses native SHA-256 in Node, before and after prepareTraceHash', async () => {
    expect(activeSha256Backend()).toBe('native');
    await prepareTraceHash();
    expect(activeSha256Backend()).toBe('native');
    expect(combineHashes([['base', 'abc']])).toBe(await referenceHex('base\tabc\n'));
  });
});
