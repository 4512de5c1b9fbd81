import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadScenarioText } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { TraceEvent } from '../../trace/events.ts';
import { loadGateway } from '../../config/load-gateway.ts';
import type { GatewayIR } from '../../config/ir.ts';
import type { GatewaySpec } from '../../scenario/types.ts';
import { runVariant, type VariantRun } from './run-scenario.ts';
import { simulate } from './simulate.ts';
import { StreamingSink } from './streaming-sink.ts';

// Scenarios that exercise the sink's callers in different ways: async effects (JWT), config
// reloads mid-run, pods and capacity, a breaker, a plain burst.
const FILES = [
  'scenarios/rate-limiting/boundary-burst.yaml',
  'scenarios/auth/jwt-claims.yaml',
  'scenarios/resilience/circuit-breaker-states.yaml',
  'scenarios/capacity/deploy-502-blip.yaml',
  'scenarios/routing/ingress-annotation-typo.yaml',
];

const loaded = new Map<string, Scenario>();
function scenario(file: string): Scenario {
  let s = loaded.get(file);
  if (!s) {
    const got = loadScenarioText(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8'));
    if (!got.scenario) throw new Error(`${file} did not load`);
    loaded.set(file, (s = got.scenario));
  }
  return s;
}

const plain = new Map<string, Promise<VariantRun>>();
function withoutStream(file: string, variant: string, level: 'full' | 'decisions'): Promise<VariantRun> {
  const key = `${file}|${variant}|${level}`;
  let run = plain.get(key);
  if (!run) plain.set(key, (run = runVariant(scenario(file), variant, { level })));
  return run;
}

/** Runs with a listener; each slice is also serialised when it arrives, to catch later mutation. */
async function withStream(file: string, variant: string, level: 'full' | 'decisions', every: number) {
  const slices: Array<{ events: readonly TraceEvent[]; json: string }> = [];
  const run = await runVariant(scenario(file), variant, {
    level,
    streamEvery: every,
    onEvents: (events) => slices.push({ events, json: JSON.stringify(events) }),
  });
  return { run, slices };
}

describe('runVariant with an onEvents listener', () => {
  it('streams exactly the trace, in slices that end on complete instants, and changes no result', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] streamed runVariant seed=${seed} (replay: FC_SEED=${seed})`);
    const variantOf = (file: string): fc.Arbitrary<string> => fc.constantFrom(...scenario(file).variants.map((v) => v.name));
    const arb = fc.constantFrom(...FILES).chain((file) =>
      fc.record({ file: fc.constant(file), variant: variantOf(file), level: fc.constantFrom('full' as const, 'decisions' as const), every: fc.integer({ min: 1, max: 3000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ file, variant, level, every }) => {
        const base = await withoutStream(file, variant, level);
        const { run, slices } = await withStream(file, variant, level, every);
        expect(run.traceHash).toBe(base.traceHash);
        expect(run.requests).toBe(base.requests);
        expect(run.expectations).toEqual(base.expectations);
        expect(run.clients).toEqual(base.clients);
        expect(run.diagnostics).toEqual(base.diagnostics);
        expect(JSON.stringify(run.events)).toBe(JSON.stringify(base.events));
        // Together the slices are the trace, and no event changed after it was handed over.
        expect(slices.flatMap((s) => s.events)).toEqual(run.events);
        expect(`[${slices.map((s) => s.json.slice(1, -1)).filter((j) => j).join(',')}]`).toBe(JSON.stringify(run.events));
        for (let i = 0; i < slices.length; i++) {
          const s = slices[i]!.events;
          expect(s.length).toBeGreaterThan(0);
          if (i < slices.length - 1) expect(s.length).toBeGreaterThanOrEqual(every);
          // A slice never splits an instant: the next one starts later than this one ends.
          const next = slices[i + 1]?.events[0];
          if (next) expect(next.t).toBeGreaterThan(s[s.length - 1]!.t);
        }
      }),
      { seed, numRuns: 15 },
    );
  }, 120_000);

  it('is ignored when events are not kept', async () => {
    let calls = 0;
    const file = FILES[0]!;
    const run = await runVariant(scenario(file), 'base', { keepEvents: false, streamEvery: 1, onEvents: () => calls++ });
    expect(calls).toBe(0);
    expect(run.traceHash).toBe((await withoutStream(file, 'base', 'full')).traceHash);
  });
});

describe('runVariant with streamOnly', () => {
  // Every scenario here has expectations, which keep the events: their base without them takes the
  // path that keeps nothing. (A variant is patched from the file as written, expectations and all.)
  const bare = (file: string): Scenario => ({ ...scenario(file), expect: [] });

  it('hands over exactly the trace a keeping run returns, keeps none of it, and summarises the same clients', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] streamOnly runVariant seed=${seed} (replay: FC_SEED=${seed})`);
    const arb = fc.record({ file: fc.constantFrom(...FILES), level: fc.constantFrom('full' as const, 'decisions' as const), every: fc.integer({ min: 1, max: 3000 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ file, level, every }) => {
        const base = await runVariant(bare(file), 'base', { level });
        expect(JSON.stringify(base.events)).toBe(JSON.stringify((await withoutStream(file, 'base', level)).events));
        const json: string[] = [];
        const handed: TraceEvent[] = [];
        const run = await runVariant(bare(file), 'base', {
          level,
          streamEvery: every,
          streamOnly: true,
          onEvents: (events) => {
            json.push(JSON.stringify(events).slice(1, -1));
            for (const e of events) handed.push(e);
          },
        });
        expect(run.events).toEqual([]);
        expect(run.expectations).toEqual([]);
        expect(run.traceHash).toBe(base.traceHash);
        expect(run.requests).toBe(base.requests);
        expect(run.clients).toEqual(base.clients);
        expect(run.diagnostics).toEqual(base.diagnostics);
        // The same events in the same order, unchanged after they were handed over.
        expect(`[${json.filter((j) => j).join(',')}]`).toBe(JSON.stringify(base.events));
        expect(JSON.stringify(handed)).toBe(JSON.stringify(base.events));
      }),
      { seed, numRuns: 15 },
    );
  }, 120_000);

  it('still keeps the events, and measures the expectations, of a variant that has expectations', async () => {
    for (const file of FILES) {
      const base = await withoutStream(file, 'base', 'full');
      expect(base.expectations.length).toBeGreaterThan(0);
      const handed: TraceEvent[] = [];
      const run = await runVariant(scenario(file), 'base', { level: 'full', streamEvery: 500, streamOnly: true, onEvents: (events) => handed.push(...events) });
      expect(run.expectations).toEqual(base.expectations);
      expect(run.clients).toEqual(base.clients);
      expect(run.traceHash).toBe(base.traceHash);
      expect(JSON.stringify(run.events)).toBe(JSON.stringify(base.events));
      expect(handed).toEqual(run.events);
    }
  });
});

/** Event types the simulator refills for a sink that keeps none, besides plugin.decision. */
const REFILLED = ['effect.start', 'effect.end', 'request.start', 'request.end'] as const;

describe('StreamingSink with a listener per event', () => {
  const bare = (file: string): Scenario => ({ ...scenario(file), expect: [] });
  const adapt = (spec: GatewaySpec): GatewayIR => {
    const ir = loadGateway(spec).ir;
    if (!ir) throw new Error('the gateway config did not load');
    return ir;
  };

  it('hands each event over inside emit, keeps none, and lets the hosts refill the decision, effect and request events', async () => {
    for (const file of FILES) {
      for (const level of ['full', 'decisions'] as const) {
        const base = await runVariant(bare(file), 'base', { level });
        const lines: string[] = [];
        const decisions = new Set<object>();
        // The objects handed over per event type the hosts refill besides decisions.
        const objects = new Map<string, Set<object>>(REFILLED.map((t) => [t, new Set<object>()]));
        const result = await simulate(bare(file), {
          variant: 'base',
          level,
          adapt,
          streamOnly: true,
          stream: {
            every: 1,
            onEvents: () => {
              throw new Error('slices are not used when each event is handed over');
            },
            onEvent: (e) => {
              // Serialised now: a refilled event is changed after this call returns.
              lines.push(JSON.stringify(e));
              if (e.type === 'plugin.decision') decisions.add(e);
              objects.get(e.type)?.add(e);
            },
          },
        });
        expect(result.events).toEqual([]);
        expect(result.traceHash).toBe(base.traceHash);
        expect(result.requests).toBe(base.requests);
        expect(lines).toEqual(base.events.map((e) => JSON.stringify(e)));
        // The pipeline heard `retainsEvents: false`: every decision came in one object, refilled.
        if (base.events.some((e) => e.type === 'plugin.decision')) expect(decisions.size).toBe(1);
        // So did the simulator's effects and client tries: one object per set of keys of each type
        // (none of these scenarios sends request copies, whose starts detached-copies.ts builds fresh,
        // or has a client give up, whose request.end client-try.ts builds fresh).
        for (const type of REFILLED) {
          const keySets = new Set(base.events.filter((e) => e.type === type).map((e) => Object.keys(e).join()));
          expect(objects.get(type)?.size, `${file} ${level} ${type}`).toBe(keySets.size);
        }
      }
    }
  });

  it('summarises the clients as a keeping run does, from request.end events it does not hold', async () => {
    for (const file of FILES) {
      for (const level of ['full', 'decisions'] as const) {
        const base = await runVariant(bare(file), 'base', { level });
        let handed = 0;
        const run = await runVariant(bare(file), 'base', { level, onEvent: () => void handed++ });
        expect(run.events).toEqual([]);
        expect(handed).toBe(base.events.length);
        expect(run.clients).toStrictEqual(base.clients);
        expect(JSON.stringify(run.clients)).toBe(JSON.stringify(base.clients));
      }
    }
  });

  it('tells the hosts it keeps no event only when each goes straight to the listener', () => {
    const stream = { every: 1, onEvents: () => {} };
    expect(new StreamingSink('full', { ...stream, onEvent: () => {} }, true, false).retainsEvents).toBe(false);
    expect(new StreamingSink('full', { ...stream, onEvent: () => {} }, true, true).retainsEvents).toBe(true);
    expect(new StreamingSink('full', stream, true, false).retainsEvents).toBe(true);
  });
});
