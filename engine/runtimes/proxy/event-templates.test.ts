import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../../trace/events.ts';
import { EncodedEventRing } from './encoded-ring.ts';
import type { HoledTemplate } from './event-templates-holed.ts';
import { EventTemplate, EventTemplates, makeTemplate } from './event-templates.ts';
import { ObjectShape, snapshot } from './event-shapes.ts';

/** What the ring would keep for an event that fits `template`: an exact one's JSON from t and req, a holed one's print. */
function printedBy(template: EventTemplate | HoledTemplate, e: Record<string, unknown>): string {
  return template instanceof EventTemplate ? template.json(e.t as number, e.req as string) : template.render(e);
}

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`[fast-check] event-templates seed=${seed} (replay: FC_SEED=${seed})`);

/** Leaves JSON prints in more than one way or not at all: the walk must never call two of them alike. */
const trickyLeaf = fc.oneof(
  fc.constantFrom<unknown>(NaN, -0, 0, Infinity, -Infinity, undefined, null, true, false, '', '1', 1, 'é', '\u2028', '"', '\\', '\ud800', 'a\u0000b'),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.date({ noInvalidDate: true }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof({ maxDepth: 3, depthSize: 'small' }, trickyLeaf, tie('obj'), tie('arr')),
  obj: fc.dictionary(fc.constantFrom('a', 'b', '2', '10', 'reason', 'data', 'toJSON', '__proto__'), tie('any'), { maxKeys: 4 }),
  arr: fc.array(tie('any'), { maxLength: 3 }),
})).any;

/**
 * Leaves and small objects from a tiny pool, so that events of one kind often share their keys and
 * differ in one leaf, one key or one key's place: the cases a loose match would print wrongly.
 */
const nearMiss = fc.constantFrom<unknown>(
  'access', 'x', 1, 2, NaN, -0, 0, undefined, null, '1', true,
  [1], [1, 2], [2, 1], [undefined], [null], { a: 1 }, { a: 2 }, { b: 1 }, { a: 1, b: 1 }, { b: 1, a: 1 }, { a: undefined }, {}, { a: { b: 1 } }, { a: { b: 2 } }, { a: { b: 1, c: 1 } },
  // Frozen objects are matched by identity (event-shapes.ts origin): shared ones, nested ones, and a
  // frozen one with a mutable object inside (which gets no origin).
  Object.freeze({ a: 1 }), Object.freeze({ a: Object.freeze({ b: 1 }) }), Object.freeze({ a: { b: 1 } }), Object.freeze([1]),
);

/** A frozen object whose enumerable getter counts its reads: JSON.stringify prints a new number each time. */
function frozenWithGetter(): object {
  let reads = 0;
  return Object.freeze(Object.defineProperty({ a: 1 }, 'n', { get: () => reads++, enumerable: true }));
}

/** A kind of event: its type and plugin, and the keys after them (in either order). */
const kind = fc.record({
  type: fc.constantFrom('plugin.decision', 'upstream.send'),
  plugin: fc.constantFrom('router', undefined),
  keys: fc.uniqueArray(fc.constantFrom('phase', 'reason', 'data', '7', 'ms'), { maxLength: 3 }),
});
/** Values mostly from a handful, so two events of a kind often differ in one leaf only. */
const leaf = fc.oneof({ arbitrary: fc.constantFrom<unknown>(1, 2, 'x', { a: 1 }, { a: 2 }, [1], [1, 2]), weight: 6 }, { arbitrary: nearMiss, weight: 3 }, { arbitrary: value, weight: 1 });
/** One event of a kind: its leaves, its t and req, and whether its keys come in reverse order. */
const variant = fc.record({
  leaves: fc.array(leaf, { minLength: 3, maxLength: 3 }),
  reversed: fc.boolean(),
  t: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(0.5, -0, 1e21)),
  req: fc.constantFrom('req-1', 'req-2', 'a"b'),
});
type Kind = { type: string; plugin: string | undefined; keys: string[] };
type Variant = { leaves: unknown[]; reversed: boolean; t: number; req: string };

function build(k: Kind, v: Variant): Record<string, unknown> {
  const out: Record<string, unknown> = { type: k.type, t: v.t, req: v.req };
  if (k.plugin !== undefined) out.plugin = k.plugin;
  const keys = v.reversed ? [...k.keys].reverse() : k.keys;
  keys.forEach((key, i) => (out[key] = v.leaves[i]));
  return out;
}

describe('event templates', () => {
  it('an event that fits a template prints exactly as JSON.stringify prints it', () => {
    let fitsInAll = 0;
    fc.assert(
      // Few distinct events drawn many times, so most are repeats and many fit a learned template.
      fc.property(fc.array(kind, { minLength: 1, maxLength: 2 }), fc.array(variant, { minLength: 2, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 20, maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 300 }), (kinds, variants, picks, times) => {
        const templates = new EventTemplates();
        picks.forEach(([k, v], i) => {
          const e = build(kinds[k % kinds.length] as Kind, variants[v % variants.length] as Variant);
          if (times[i] !== undefined) e.t = times[i];
          const template = templates.find(e);
          if (!template) return;
          fitsInAll++;
          expect(printedBy(template, e)).toBe(JSON.stringify(e));
        });
      }),
      { seed, numRuns: 300 },
    );
    // The property says something only if many events did fit.
    expect(fitsInAll).toBeGreaterThan(1000);
  });

  it('learns the repeating events of a proxied request, and a holed template for a kind whose counts vary every time', () => {
    const templates = new EventTemplates();
    let fit = 0;
    let holed = 0;
    let none = 0;
    for (let i = 0; i < 100; i++) {
      const req = `req-${i}`;
      const same = { type: 'plugin.decision', t: i, req, plugin: 'router', phase: 'access', verdict: 'next', reason: 'route r: matched', data: { route: 'r', service: 's' } };
      const varying = { type: 'plugin.decision', t: i, req, plugin: 'rate-limit', phase: 'access', verdict: 'next', reason: `${i} used`, data: { usage: i } };
      if (templates.find(same) instanceof EventTemplate) fit++;
      const found = templates.find(varying);
      if (found === undefined) none++;
      else if (!(found instanceof EventTemplate)) {
        holed++;
        expect(found.render(varying)).toBe(JSON.stringify(varying));
      }
    }
    expect(fit).toBe(100);
    // The first event makes an exact template, the second the holed one that fits all the rest.
    expect(holed).toBe(99);
    expect(none).toBe(0);
  });

  it('a kind that changes its keys every time is tried ever more rarely', () => {
    const templates = new EventTemplates();
    let found = 0;
    for (let i = 0; i < 100; i++) if (templates.find({ type: 'x', t: i, req: 'r', [`k${i}`]: 1 })) found++;
    // Exact templates after 1, 2, 4, … misses, and after 32 misses in a row only every 16th event is tried.
    expect(found).toBe(5);
  });

  it('a holed template prints exactly what JSON.stringify prints, whatever fills its holes', () => {
    const filler = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom<unknown>(-0, 1e21, 5e-7, '\u2028', '\ud800', '"\\', NaN, Infinity, null, undefined, true, [1], { a: 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, filler, filler), { minLength: 2, maxLength: 40 }), (fills) => {
        const templates = new EventTemplates();
        fills.forEach(([a, b, c], i) => {
          const e = { type: 'plugin.decision', t: i * 0.5, req: `req-${i}"`, plugin: 'rate-limit', phase: 'access', reason: a, data: { usage: b, list: [c, 'k'], nested: { x: c, y: undefined } } };
          const template = templates.find(e);
          if (template) expect(printedBy(template, e)).toBe(JSON.stringify(e));
        });
      }),
      { seed, numRuns: 300 },
    );
  });

  it('matches a frozen data object by identity, and nothing that could print otherwise', () => {
    const shapeOf = (v: unknown): ObjectShape => snapshot(v, 0) as ObjectShape;
    const data = Object.freeze({ consumer: 'c', hidden: false, inner: Object.freeze({ n: 1 }) });
    expect(shapeOf(data).origin).toBe(data);
    // Not vouched for by identity: not frozen, a mutable object inside, an accessor (it may answer anew).
    expect(shapeOf({ a: 1 }).origin).toBeUndefined();
    expect(shapeOf(Object.freeze({ inner: { n: 1 } })).origin).toBeUndefined();
    expect(shapeOf(frozenWithGetter()).origin).toBeUndefined();
    const templates = new EventTemplates();
    const event = (i: number, d: unknown): Record<string, unknown> => ({ type: 'plugin.decision', t: i, req: `req-${i}`, plugin: 'key-auth', phase: 'access', data: d });
    for (let i = 0; i < 5; i++) expect(templates.find(event(i, data))).toBeInstanceOf(EventTemplate);
    // A frozen object around a mutable one, changed inside between two events: printed as it is now.
    const inner = { n: 1 };
    const outer = Object.freeze({ inner });
    for (let i = 10; i < 14; i++) {
      inner.n = i;
      const found = templates.find(event(i, outer));
      if (found) expect(printedBy(found, event(i, outer))).toBe(JSON.stringify(event(i, outer)));
    }
  });

  it('makes no template of what the walk cannot vouch for', () => {
    expect(makeTemplate({ type: 'x', t: 1, req: 'r', when: new Date(0) })).toBeUndefined();
    expect(makeTemplate({ type: 'x', t: 1, req: 'r', n: 1n })).toBeUndefined();
    expect(makeTemplate({ type: 'x', t: 1, req: 'r', f: () => 1 })).toBeUndefined();
    expect(makeTemplate({ t: 1, type: 'x', req: 'r' })).toBeUndefined();
    expect(makeTemplate({ type: 'x', t: NaN, req: 'r' })).toBeUndefined();
    const cyclic: Record<string, unknown> = { type: 'x', t: 1, req: 'r' };
    cyclic.self = cyclic;
    expect(makeTemplate(cyclic)).toBeUndefined();
  });

  it('an object of another class never fits, even with the same keys and leaves', () => {
    class Odd {
      type = 'x';
      t = 1;
      req = 'r';
      toJSON(): string {
        return 'odd';
      }
    }
    const templates = new EventTemplates();
    expect(templates.find({ type: 'x', t: 1, req: 'r' })).toBeDefined();
    expect(templates.find(new Odd() as unknown as Record<string, unknown>)).toBeUndefined();
    expect(templates.find({ type: 'x', t: 2, req: 'r', nested: Object.create(null) as object })).toBeUndefined();
  });

  /**
   * The ring's round trip over generated runs: what `recent` gives back equals the JSON of the last
   * `capacity` events pushed. `kinds` bounds how many event kinds interleave (more: the guess of the
   * next kind is more often wrong).
   */
  const roundTrip = (maxCapacity: number, kinds: { minLength: number; maxLength: number }, maxVariants: number, numRuns: number): void => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: maxCapacity }), fc.array(kind, kinds), fc.array(variant, { minLength: 1, maxLength: maxVariants }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 600 }), (capacity, ks, variants, steps) => {
        const ring = new EncodedEventRing(capacity);
        const pushed: Record<string, unknown>[] = [];
        for (const [k, v, quiet] of steps) {
          const e = build(ks[k % ks.length] as Kind, variants[v % variants.length] as Variant);
          e.t = pushed.length;
          e.req = `req-${pushed.length >> 2}`;
          pushed.push(e);
          ring.push(e as unknown as TraceEvent);
          if (quiet) ring.sealIfFull();
        }
        const want = pushed.slice(Math.max(0, pushed.length - capacity));
        expect(ring.recent()).toStrictEqual(JSON.parse(JSON.stringify(want)));
      }),
      { seed, numRuns },
    );
  };

  it('the ring gives back templated and stringified events alike, in order, as their JSON', () => {
    roundTrip(200, { minLength: 1, maxLength: 2 }, 5, 150);
  });

  it('guessing the next kind changes nothing when many kinds interleave (the guess is often wrong)', () => {
    roundTrip(120, { minLength: 3, maxLength: 6 }, 4, 100);
  });

  it('a guessed kind never lends its template to an event whose t or req cannot fill the holes', () => {
    const templates = new EventTemplates();
    const a = (t: unknown, req: unknown): Record<string, unknown> => ({ type: 'plugin.decision', t, req, plugin: 'router', phase: 'access' });
    const b = (t: number): Record<string, unknown> => ({ type: 'upstream.send', t, req: `req-${t}`, path: '/' });
    // Teach the run a, b, a, b… so that b's kind is the guess after every a.
    for (let i = 0; i < 6; i++) {
      expect(templates.find(a(i, `req-${i}`))).toBeDefined();
      expect(templates.find(b(i))).toBeDefined();
    }
    expect(templates.find(a(7, 'req-7'))).toBeDefined();
    expect(templates.find({ type: 'upstream.send', t: NaN, req: 'req-8', path: '/' })).toBeUndefined();
    expect(templates.find(a(9, 'req-9'))).toBeDefined();
    expect(templates.find({ type: 'upstream.send', t: 10, req: 10, path: '/' })).toBeUndefined();
    expect(templates.find(a(11, 'req-11'))).toBeDefined();
    const found = templates.find(b(12));
    expect(found).toBeInstanceOf(EventTemplate);
    expect(printedBy(found as EventTemplate, b(12))).toBe(JSON.stringify(b(12)));
  });
});
