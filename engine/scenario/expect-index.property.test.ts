/**
 * The expectation index builds its per-request maps only when asked: what it answers must equal the
 * index built eagerly in one pass (the definition before, copied here) for any trace and any question.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PluginDecisionEvent, RequestEndEvent, TraceEvent, UpstreamSendEvent } from '../trace/events.ts';
import { TraceIndex } from './expect-index.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] expectation index seed=${seed} (replay: FC_SEED=${seed})`);

function referenceIndex(events: TraceEvent[]) {
  const index = { ends: [] as RequestEndEvent[], endOf: new Map<string, RequestEndEvent>(), sendOf: new Map<string, UpstreamSendEvent>(), decisionsOf: new Map<string, PluginDecisionEvent[]>(), states: [] as TraceEvent[], transitions: [] as TraceEvent[], samples: [] as TraceEvent[] };
  for (const ev of events) {
    if (ev.type === 'request.end') {
      index.ends.push(ev);
      index.endOf.set(ev.req, ev);
    } else if (ev.type === 'upstream.send') index.sendOf.set(ev.req, ev);
    else if (ev.type === 'plugin.decision') {
      const key = `${ev.req}\u0000${ev.plugin}`;
      index.decisionsOf.set(key, [...(index.decisionsOf.get(key) ?? []), ev]);
    } else if (ev.type === 'plugin.state') index.states.push(ev);
    else if (ev.type === 'breaker.transition') index.transitions.push(ev);
    else if (ev.type === 'replica.queue') index.samples.push(ev);
  }
  return index;
}

const req = fc.constantFrom('c-1', 'c-2', 'c-1.retry1', 'c-3');
const plugin = fc.constantFrom('rate-limiting', 'jwt', 'router', 'rate');
const event: fc.Arbitrary<TraceEvent> = fc.oneof(
  fc.record({ type: fc.constant('request.end' as const), t: fc.nat(100), req, client: fc.constant('c'), replica: fc.constant('gw-0'), status: fc.constantFrom(200, 429, 504), source: fc.constant('gateway' as const), route: fc.constant(null), service: fc.constant(null), ms: fc.nat(50), gatewayMs: fc.nat(5), upstreamMs: fc.constant(null) }),
  fc.record({ type: fc.constant('upstream.send' as const), t: fc.nat(100), req, service: fc.constant('s'), target: fc.constant('s:80'), method: fc.constant('GET'), host: fc.constantFrom('a', 'b'), path: fc.constantFrom('/x', '/y') }),
  fc.record({ type: fc.constant('plugin.decision' as const), t: fc.nat(100), req, plugin, phase: fc.constantFrom('access', 'response'), verdict: fc.constantFrom('next' as const, 'reply' as const), reason: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ type: fc.constant('plugin.state' as const), t: fc.nat(100), replica: fc.constant('gw-0'), plugin, state: fc.constant({}) }),
  fc.record({ type: fc.constant('narration' as const), t: fc.nat(100), text: fc.constant('n') }),
);

describe('expectation index built on demand', () => {
  it('answers as the eager one-pass index for any trace, asked in any order', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.array(fc.tuple(fc.constantFrom('end', 'send', 'decisions'), req, plugin), { maxLength: 12 }), (events, questions) => {
        const lazy = new TraceIndex(events);
        const eager = referenceIndex(events);
        for (const [what, r, p] of questions) {
          if (what === 'end') expect(lazy.endOf(r)).toBe(eager.endOf.get(r));
          else if (what === 'send') expect(lazy.sendOf(r)).toBe(eager.sendOf.get(r));
          else expect(lazy.decisionsOf(r, p)).toEqual(eager.decisionsOf.get(`${r}\u0000${p}`) ?? []);
        }
        expect(lazy.ends).toEqual(eager.ends);
        expect(lazy.states).toEqual(eager.states);
      }),
      { seed, numRuns: 500 },
    );
  });
});
