// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticTrace } from '../lib/derive/testing/synthetic.ts';
import { LONG_STRING } from './trace-codec-compile.ts';
import { TraceDecoder, TraceEncoder, transferables } from './trace-codec.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`trace-codec property seed: ${seed} (set FC_SEED to replay)`);

/**
 * Encodes in batches of `size`, each through a structured clone as postMessage would, and decodes.
 * `compile` picks generated per-shape code or the generic walk on each side; the wire form is the same.
 */
function roundTrip(events: readonly object[], size: number, compile: { enc: boolean; dec: boolean } = { enc: true, dec: true }): unknown[] {
  const enc = new TraceEncoder({ compile: compile.enc });
  const dec = new TraceDecoder({ compile: compile.dec });
  const out: unknown[] = [];
  for (let i = 0; i < events.length; i += size) {
    const batch = enc.encode(events.slice(i, i + size));
    out.push(...dec.decode(structuredClone(batch, { transfer: transferables(batch) })));
  }
  return out;
}

/** Equal values with keys in the same order (the trace view prints events as JSON). */
function expectSame(got: unknown[], want: readonly object[]): void {
  expect(got).toStrictEqual(want);
  expect(got.map((e) => JSON.stringify(e))).toEqual(want.map((e) => JSON.stringify(e)));
}

const leaf = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom('ok', 'c1-1', 'gw-0'));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;
const event = fc.record({ type: fc.constantFrom('a', 'b', 'c'), t: fc.double({ noNaN: true }), rest: fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 5, noNullPrototype: true }) })
  .map(({ type, t, rest }) => ({ type, t, ...rest }));

describe('the trace wire codec', () => {
  it('gives back a real trace event for event, batch boundaries anywhere', () => {
    const trace = syntheticTrace(
      Array.from({ length: 40 }, (_, i) => ({ id: `c1-${i}`, at: i * 10, ...(i % 3 === 0 ? { reject: { status: 429, plugin: 'rate-limit', reason: 'limit reached' } } : { upstreamMs: i }) })),
      { narration: [[5, 'a burst']] },
    );
    for (const size of [1, 7, 1000]) expectSame(roundTrip(trace, size), trace);
  });

  it('sends each distinct string once and each shape once, however many events repeat them', () => {
    const enc = new TraceEncoder();
    const events = Array.from({ length: 100 }, (_, i) => ({ type: 'x', t: i, reason: 'limit reached', headers: { host: 'api' } }));
    const first = enc.encode(events.slice(0, 50));
    const second = enc.encode(events.slice(50));
    expect(first.strings).toEqual(['x', 'limit reached', 'api']);
    expect(first.shapes).toHaveLength(1);
    // The encoder's memory of the last string at each place stays on its side.
    expect(JSON.stringify(first.shapes)).not.toMatch(/last/);
    expect(second.strings).toEqual([]);
    expect(second.shapes).toEqual([]);
    expect(second.nums).toEqual(Float64Array.from({ length: 50 }, (_, i) => 50 + i));
  });

  it('round-trips any JSON-like events, keys in order, -0, NaN and undefined included', () => {
    const sides = fc.record({ enc: fc.boolean(), dec: fc.boolean() });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), sides, (events, size, compile) => {
        expectSame(roundTrip(events, size, compile), events);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('round-trips a few shapes in any order: the guessed next shape may or may not fit', () => {
    // Same type with different layouts, same keys with different kinds, keys in another order: the
    // shape that followed last time is tried first and must be refused whenever it does not fit.
    const templates = [
      (n: number, s: string) => ({ type: 'x', t: n, req: s }),
      (n: number, _s: string) => ({ type: 'x', t: n, req: n }),
      (n: number, s: string) => ({ type: 'x', req: s, t: n }),
      (n: number, s: string) => ({ type: 'x', t: n, req: s, data: { a: n, b: s } }),
      (n: number, s: string) => ({ type: 'x', t: n, req: s, data: { a: s, b: n } }),
      (n: number, s: string) => ({ type: 'y', t: n, req: s }),
      (n: number, s: string) => ({ type: 'y', t: n, req: s, extra: undefined }),
    ];
    const pick = fc.tuple(fc.nat({ max: templates.length - 1 }), fc.double(), fc.constantFrom('c1-1', 'c1-2', 'gw-0', ''));
    const sides = fc.record({ enc: fc.boolean(), dec: fc.boolean() });
    fc.assert(
      fc.property(fc.array(pick, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), sides, (picks, size, compile) => {
        const events = picks.map(([k, n, s]) => (templates[k] as (n: number, s: string) => object)(n, s));
        expectSame(roundTrip(events, size, compile), events);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('round-trips when the string table is emptied between batches, and then sends a text again', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (events, size, tableLimit, compile) => {
        const enc = new TraceEncoder({ compile, tableLimit });
        const dec = new TraceDecoder();
        const out: unknown[] = [];
        for (let i = 0; i < events.length; i += size) {
          const batch = enc.encode(events.slice(i, i + size));
          out.push(...dec.decode(structuredClone(batch, { transfer: transferables(batch) })));
        }
        expectSame(out, events);
      }),
      { seed, numRuns: 300 },
    );
    // The same text in two batches: sent once with room, twice once the table was emptied between them.
    const twice = (tableLimit: number): string[] => {
      const enc = new TraceEncoder({ tableLimit });
      return [...enc.encode([{ type: 'x', v: 'a' }, { type: 'x', v: 'b' }]).strings, ...enc.encode([{ type: 'x', v: 'a' }]).strings];
    };
    expect(twice(100)).toEqual(['x', 'a', 'b']);
    expect(twice(1)).toEqual(['x', 'a', 'b', 'a']);
  });

  it('refuses a value JSON could not carry', () => {
    expect(() => new TraceEncoder().encode([{ type: 'x', t: 0, f: () => 1 }])).toThrow(/function/);
    expect(() => new TraceEncoder({ compile: false }).encode([{ type: 'x', t: 0, f: () => 1 }])).toThrow(/function/);
  });

  it('generated and generic encoders write the same columns for a real trace', () => {
    const trace = syntheticTrace(Array.from({ length: 30 }, (_, i) => ({ id: `c1-${i}`, at: i * 7, ...(i % 4 === 0 ? { reject: { status: 429, plugin: 'rate-limit', reason: 'limit reached' } } : { upstreamMs: i }) })));
    const a = new TraceEncoder().encode(trace);
    const b = new TraceEncoder({ compile: false }).encode(trace);
    expect(a.shapeIds).toEqual(b.shapeIds);
    expect(a.nums).toEqual(b.nums);
    expect(a.strIds).toEqual(b.strIds);
    expect(a.strings).toEqual(b.strings);
  });
});

describe('the trace wire codec with request ids', () => {
  it('keeps request ids out of the string table, resends one whose slot was taken, and round-trips either way', () => {
    // Ids that count up (`app-N`, as the engine names requests) and odd ones (short, empty, with a
    // retry suffix, or sharing their last four characters), many in flight, in any order: slots
    // collide, texts come back after they were evicted, and a `req` that is no string takes another shape.
    const id = fc.oneof(
      fc.nat({ max: 40_000 }).map((n) => `app-${n}`),
      fc.nat({ max: 30 }).map((n) => `app-${n}.retry1`),
      fc.constantFrom('', 'a', 'ab', 'x-1234', 'y-1234', '1234'),
      fc.string({ maxLength: 6 }),
    );
    const ev = fc.record({ req: fc.oneof({ weight: 9, arbitrary: id }, { weight: 1, arbitrary: fc.nat() }), other: id, kind: fc.nat({ max: 2 }) });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 120 }), fc.integer({ min: 1, max: 40 }), (list, size) => {
        const events = list.map(({ req, other, kind }, t) => (kind === 0 ? { type: 'request.start', t, req, headers: { 'x-request-id': other } } : { type: kind === 1 ? 'effect.end' : 'request.end', t, req, ok: true }));
        expectSame(roundTrip(events, size), events);
        expectSame(roundTrip(events, size, { enc: false, dec: true }), events);
        const a = new TraceEncoder().encode(events);
        const b = new TraceEncoder({ compile: false }).encode(events);
        expect(a.strIds).toEqual(b.strIds);
        expect(a.strings).toEqual(b.strings);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('sends a request id once while it keeps its slot, and never puts it in the table', () => {
    const events = Array.from({ length: 3_000 }, (_, i) => ({ type: 'effect.end', t: i, req: `app-${i % 1_000}`, plugin: 'rate-limit' }));
    for (const compile of [true, false]) {
      const enc = new TraceEncoder({ compile });
      const b = enc.encode(events);
      expect(b.strings.filter((x) => x.startsWith('app-'))).toHaveLength(1_000);
      expect([...(enc as unknown as { strings: { ids: Map<string, number> } }).strings.ids.keys()]).toEqual(['effect.end', 'rate-limit']);
    }
  });
});

describe('the trace wire codec with awkward keys', () => {
  it('keeps a key named __proto__ as a key, and keys that are not identifiers', () => {
    const ev = JSON.parse('{"type":"x","t":1,"headers":{"__proto__":"v","0":"a","a\\"b":"q","\\u2028":"s","constructor":"c"}}') as object;
    for (const enc of [true, false]) for (const dec of [true, false]) expectSame(roundTrip([ev, ev], 1, { enc, dec }), [ev, ev]);
    expect(Object.getPrototypeOf((roundTrip([ev], 1)[0] as { headers: object }).headers)).toBe(Object.prototype);
  });
});

describe('the trace wire codec with long texts', () => {
  /** A text over LONG_STRING characters, different for each n (a rate limiter's reason, say). */
  const text = (n: number): string => `second window ${n}: 1 of 1 used by ip 203.0.113.${n % 250} — limit reached (counters of replica gw-${n % 3} only)`;

  it('sends texts that are new at every event without looking them up, and still round-trips them', () => {
    const events = Array.from({ length: 3_000 }, (_, i) => ({ type: 'x', t: i, reason: text(i) }));
    expect(text(0).length).toBeGreaterThan(LONG_STRING);
    expectSame(roundTrip(events, 700), events);
    const enc = new TraceEncoder() as unknown as { strings: { ids: Map<string, number> } };
    (enc as unknown as TraceEncoder).encode(events);
    // Looked up (and kept) while the place is judged, then one in 16 as a probe: far fewer than 3,000.
    expect(enc.strings.ids.size).toBeLessThan(300);
  });

  it('goes back to looking texts up when they start to repeat, so the table stays small', () => {
    // 1,000 new texts (the place stops looking them up), then 20,000 events cycling through 40 old ones.
    const events = [
      ...Array.from({ length: 1_000 }, (_, i) => ({ type: 'x', t: i, reason: text(i) })),
      ...Array.from({ length: 20_000 }, (_, i) => ({ type: 'x', t: i, reason: text(i % 40) })),
    ];
    for (const compile of [true, false]) {
      const enc = new TraceEncoder({ compile });
      let sent = 0;
      for (let i = 0; i < events.length; i += 5_000) sent += enc.encode(events.slice(i, i + 5_000)).strings.length;
      // Each text at most once while looked up; the skipped stretch repeats a few before a probe notices.
      expect(sent).toBeLessThan(1_000 + 40 + 16 * 32 + 2);
    }
    expectSame(roundTrip(events, 4_096), events);
  });

  it('round-trips long and short texts, new or repeated, in any mix, both encoders writing the same columns', () => {
    const pick = fc.array(fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 200 }), fc.boolean()), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(pick, fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 20 }), (runs, size, repeat) => {
        // Runs of events whose long text is new (n counts up) or drawn from a few (n mod `repeat`).
        const events: object[] = [];
        let n = 0;
        for (const [kind, length, fresh] of runs) {
          for (let i = 0; i < length; i++, n++) {
            const long = text(fresh ? n : n % repeat);
            // Kind 9 has a number where the others have a string, after the long text: the guessed
            // shape fails there, after its long text was counted (the same in both encoders).
            events.push(
              kind < 7 ? { type: 'x', t: n, reason: long, req: `c-${n % 5}` }
              : kind < 9 ? { type: 'x', t: n, reason: kind === 7 ? '' : long.slice(0, 20), req: long }
              : { type: 'x', t: n, reason: long, req: n },
            );
          }
        }
        expectSame(roundTrip(events, size), events);
        const a = new TraceEncoder().encode(events);
        const b = new TraceEncoder({ compile: false }).encode(events);
        expect(a.strIds).toEqual(b.strIds);
        expect(a.strings).toEqual(b.strings);
      }),
      { seed, numRuns: 40 },
    );
  });
});

describe('the trace wire codec, one event at a time', () => {
  const templates = [
    (n: number, s: string) => ({ type: 'plugin.decision', t: n, req: s, plugin: 'p', verdict: 'next', status: undefined, data: undefined }),
    (n: number, s: string) => ({ type: 'plugin.decision', t: n, req: s, plugin: 'p', verdict: 'reply', status: 429, data: { id: `${s}/${n}` } }),
    (n: number, s: string) => ({ type: 'effect.start', t: n, req: s, plugin: 'q' }),
    (n: number, s: string) => ({ type: 'request.end', t: n, req: s, status: n }),
    (n: number, _s: string) => ({ type: 'run.end', t: n }),
  ];
  const picks = fc.array(fc.tuple(fc.nat({ max: templates.length - 1 }), fc.nat({ max: 1000 }), fc.constantFrom('c1-1', 'c1-2', 'c1-3', 'gw-0', '')), { maxLength: 80 });

  it('writes with `push` what `add` writes, though the caller refills one object after each push', () => {
    fc.assert(
      fc.property(picks, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (list, size, tableLimit, compile) => {
        const events = list.map(([k, n, s]) => (templates[k] as (n: number, s: string) => object)(n, s));
        const byAdd = new TraceEncoder({ compile, tableLimit });
        const byPush = new TraceEncoder({ compile, tableLimit });
        // One object per template, refilled for every event, as the engine's shared decision is.
        const shared = templates.map(() => ({}) as Record<string, unknown>);
        for (let i = 0; i < events.length; i += size) {
          const slice = events.slice(i, i + size);
          byAdd.add(slice);
          for (let j = 0; j < slice.length; j++) {
            const k = (list[i + j] as [number, number, string])[0];
            const one = shared[k] as Record<string, unknown>;
            for (const key of Object.keys(one)) delete one[key];
            Object.assign(one, slice[j]);
            byPush.push(one);
            Object.assign(one, { t: -1, req: 'refilled' });
          }
          const a = byAdd.take();
          const b = byPush.take();
          expect(b.shapeIds).toEqual(a.shapeIds);
          expect(b.nums).toEqual(a.nums);
          expect(b.strIds).toEqual(a.strIds);
          expect(b.strings).toEqual(a.strings);
          expect(b.shapes).toEqual(a.shapes);
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});
