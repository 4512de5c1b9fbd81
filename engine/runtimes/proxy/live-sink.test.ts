import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceEvent } from '../../trace/events.ts';
import { redactTraceEvent, secretNamesOf } from '../../observe/redact.ts';
import { LiveSink } from './live-sink.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`[fast-check] live-sink seed=${seed} (replay: FC_SEED=${seed})`);

function endEvent(i: number): TraceEvent {
  return { type: 'request.end', t: i, req: `req-${i}`, client: '10.0.0.1', replica: 'gw-0', status: 200, source: 'service', route: null, service: null, ms: 0 } as unknown as TraceEvent;
}

/** What the ring of objects that the sink kept before gave back: the last `size` events, oldest first. */
function arrayRingRecent(events: readonly TraceEvent[], size: number): TraceEvent[] {
  const ring: TraceEvent[] = [];
  let next = 0;
  for (const e of events) {
    if (ring.length < size) ring.push(e);
    else ring[next] = e;
    next = (next + 1) % size;
  }
  return ring.length < size ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)];
}

/** Text of every kind the trace carries: ASCII, accents, "…", emoji, lone surrogates, quotes, newlines. */
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('key benc… from header apikey', 'window 23:31:00–23:32:00', 'line\nbreak "quoted" \\', '\ud800 lone', '😀'));
const decision: fc.Arbitrary<TraceEvent> = fc
  .record({
    t: fc.oneof(fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e9 })),
    req: text,
    plugin: fc.constantFrom('router', 'key-auth', 'rate-limit'),
    verdict: fc.constantFrom('next', 'respond'),
    reason: text,
    data: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 }),
  })
  .map((d) => ({ type: 'plugin.decision', phase: 'access', ...d }) as unknown as TraceEvent);
const event = fc.oneof(decision, fc.nat().map(endEvent));

describe('LiveSink ring', () => {
  it('gives back the last ring-size events as the ring of objects did, in the same JSON, for any events and size', () => {
    fc.assert(
      // Sizes and counts cross many of the 64-event batches the ring encodes in.
      fc.property(fc.integer({ min: 0, max: 600 }), fc.array(event, { maxLength: 1500, size: 'max' }), (ringSize, events) => {
        const sink = new LiveSink('decisions', ringSize);
        for (const e of events) sink.emit(e);
        const want = ringSize === 0 ? [] : arrayRingRecent(events, ringSize);
        const got = sink.recent();
        // The wire form /trace sends, byte for byte, and the objects readers get.
        expect(got.map((e) => JSON.stringify(e))).toEqual(want.map((e) => JSON.stringify(e)));
        expect(got).toStrictEqual(JSON.parse(JSON.stringify(want)));
      }),
      { seed, numRuns: 60 },
    );
  });

  it('keeps exactly the last ringSize events, oldest first, however many were emitted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 2000 }), (ringSize, emitted) => {
        const sink = new LiveSink('decisions', ringSize);
        for (let i = 0; i < emitted; i++) sink.emit(endEvent(i));
        const kept = sink.recent().map((e) => e.t);
        const first = Math.max(0, emitted - ringSize);
        expect(kept).toEqual(Array.from({ length: emitted - first }, (_, k) => first + k));
      }),
      { seed, numRuns: 60 },
    );
  });

  it('keeps the redacted form: no secret of a URL, header or reason survives in the ring', () => {
    const names = secretNamesOf({ plugins: [{ plugin: 'key-auth', config: { key_names: ['x-token'] } }] } as never);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{12,20}$/), fc.integer({ min: 1, max: 400 }), (secret, ringSize) => {
        const sink = new LiveSink('full', ringSize);
        sink.redact = (e) => redactTraceEvent(e, names);
        const seen: string[] = [];
        sink.subscribe((e) => seen.push(JSON.stringify(e)));
        for (let i = 0; i < 300; i++) {
          sink.emit({ type: 'request.start', t: i, req: `r${i}`, client: 'c', replica: 'gw-0', method: 'GET', url: `http://a/p?x-token=${secret}&q=1`, peerIp: 'c', headers: { 'x-token': secret, authorization: `Bearer ${secret}` } } as unknown as TraceEvent);
          sink.emit({ type: 'plugin.decision', t: i, req: `r${i}`, plugin: 'key-auth', phase: 'access', verdict: 'next', reason: `saw /p?apikey=${secret}` } as unknown as TraceEvent);
        }
        const kept = sink.recent().map((e) => JSON.stringify(e));
        expect(kept.join('\n')).not.toContain(secret);
        expect(kept.join('\n')).toContain('[redacted]');
        // The ring holds what subscribers were sent, redaction included.
        expect(kept).toEqual(seen.slice(-ringSize));
      }),
      { seed, numRuns: 30 },
    );
  });

  it('hands out copies: editing what recent() returned changes nothing kept', () => {
    const sink = new LiveSink('decisions', 300);
    for (let i = 0; i < 280; i++) sink.emit(endEvent(i));
    for (const e of sink.recent()) (e as { t: number }).t = -1;
    expect(sink.recent().map((e) => e.t)).toEqual(Array.from({ length: 280 }, (_, i) => i));
  });

  it('with a ring of 0 keeps nothing and still sends every event to subscribers', () => {
    const sink = new LiveSink('decisions', 0);
    const seen: number[] = [];
    sink.subscribe((e) => seen.push(e.t));
    for (let i = 0; i < 5; i++) sink.emit(endEvent(i));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(sink.recent()).toEqual([]);
  });

  it('still sends every event to subscribers once the ring is full', () => {
    const sink = new LiveSink('decisions', 3);
    const seen: number[] = [];
    sink.subscribe((e) => seen.push(e.t));
    for (let i = 0; i < 7; i++) sink.emit(endEvent(i));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sink.recent().map((e) => e.t)).toEqual([4, 5, 6]);
  });

  it("hands the proxy's wire facts to subscribers beside the event, never into it, the ring or /trace", () => {
    const sink = new LiveSink('decisions', 10);
    const seen: Array<[TraceEvent, unknown]> = [];
    sink.subscribe((e, wire) => seen.push([e, wire ? { ...wire } : wire]));
    const wire = { referer: 'https://r.example/', userAgent: 'ua/1', bodyBytesSent: 42, requestLength: 77, upstreamBytes: 40 };
    sink.emit(endEvent(1), wire);
    sink.emit(endEvent(2));
    expect(seen.map(([, w]) => w)).toEqual([wire, undefined]);
    // The event keeps its own fields only: trace hashes and the live stream do not see the facts.
    expect(Object.keys(seen[0]?.[0] ?? {})).toEqual(Object.keys(endEvent(1)));
    expect(JSON.stringify(sink.recent())).not.toMatch(/r\.example|ua\/1|42|77/);
  });

  it('sends a subscriber that names its event types only those, in order, beside one that takes them all', () => {
    const sink = new LiveSink('decisions', 10);
    const all: string[] = [];
    const some: string[] = [];
    const startEvent = (i: number) => ({ type: 'request.start', t: i, req: `req-${i}`, client: 'c', replica: 'gw-0', method: 'GET', url: 'http://a/', peerIp: 'c' }) as unknown as TraceEvent;
    const decision = (i: number) => ({ type: 'plugin.decision', t: i, req: `req-${i}`, plugin: 'key-auth', phase: 'access', verdict: 'next' }) as unknown as TraceEvent;
    const unsubscribe = sink.subscribe((e) => some.push(`${e.type}@${e.t}`), ['request.start', 'request.end']);
    sink.subscribe((e) => all.push(`${e.type}@${e.t}`));
    for (let i = 0; i < 3; i++) {
      sink.emit(startEvent(i));
      sink.emit(decision(i));
      sink.emit(endEvent(i));
    }
    expect(some).toEqual(['request.start@0', 'request.end@0', 'request.start@1', 'request.end@1', 'request.start@2', 'request.end@2']);
    expect(all).toHaveLength(9);
    // The ring keeps every event the level keeps, whoever listens.
    expect(sink.recent().map((e) => e.type)).toEqual(all.map((a) => a.split('@')[0]));
    expect(unsubscribe()).toBe(true);
    sink.emit(startEvent(3));
    expect(some).toHaveLength(6);
    expect(all).toHaveLength(10);
  });

  it('routes by type without changing what the level keeps: a type above the level reaches no one', () => {
    const sink = new LiveSink('summary', 10);
    const seen: string[] = [];
    sink.subscribe((e) => seen.push(e.type), ['plugin.decision', 'request.end']);
    expect(sink.wants('plugin.decision')).toBe(false);
    expect(sink.wants('request.end')).toBe(true);
    sink.emit({ type: 'plugin.decision', t: 0, req: 'r', plugin: 'key-auth', phase: 'access', verdict: 'next' } as unknown as TraceEvent);
    sink.emit(endEvent(1));
    expect(seen).toEqual(['request.end']);
  });
});

