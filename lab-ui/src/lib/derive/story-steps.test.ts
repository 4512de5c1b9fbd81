// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { requestStory } from './inspector.ts';
import { gatewayTimeParts, storySteps } from './story-steps.ts';
import { buildTraceIndex } from './trace-index.ts';

const c = { client: 'app', replica: 'gw-0' } as const;

/**
 * On a saturated gw-0 (the shape the engine writes at full, capacity model): `q-1` arrives at 100,
 * waits 780 ms for a slot behind 37 others, waits 40 ms for the CPU for its own work (2 ms run),
 * then rate-limit's Redis call waits 10 ms for the CPU, runs 0.04 ms and takes 1 ms; the backend
 * answers in 15 ms. `calm-1` never waits. `full-1` finds the queue full. `killed-1` waits for the
 * CPU until an OOM kill.
 */
function saturatedTrace(): TraceEvent[] {
  const d = (t: number, req: string, plugin: string, verdict: 'next' | 'wait', reason: string): TraceEvent =>
    ({ type: 'plugin.decision', t, req, plugin, phase: 'access', verdict, reason });
  return [
    { type: 'run.start', t: 0, scenario: 's', variant: 'overload', seed: 1, start: '2026-01-01T12:00:00.000Z' },
    { type: 'config.load', t: 0, replica: 'gw-0', dialect: 'kong', routes: 1, plugins: ['rate-limit'] },
    { type: 'request.start', t: 50, req: 'calm-1', ...c, method: 'GET', url: 'http://x/', peerIp: '1.2.3.4' },
    d(50, 'calm-1', 'router', 'next', 'route r matched'),
    { type: 'effect.start', t: 50, req: 'calm-1', plugin: 'gateway', effect: 'gateway work: 500 µs CPU' },
    { type: 'effect.end', t: 52, req: 'calm-1', plugin: 'gateway', ok: true, cpuWaitMs: 0, cpuMs: 2 },
    { type: 'request.end', t: 53, req: 'calm-1', ...c, status: 200, source: 'upstream', route: 'r', service: 's', ms: 3, gatewayMs: 2, upstreamMs: 0 },
    { type: 'request.start', t: 100, req: 'q-1', ...c, method: 'GET', url: 'http://x/', peerIp: '1.2.3.4' },
    { type: 'request.start', t: 200, req: 'full-1', ...c, method: 'GET', url: 'http://x/', peerIp: '1.2.3.4' },
    { type: 'slot.wait', t: 200, req: 'full-1', replica: 'gw-0', ms: 0, ahead: 511, outcome: 'refused' },
    { type: 'request.end', t: 201, req: 'full-1', ...c, status: 502, source: 'front', route: null, service: null, ms: 2, gatewayMs: 0, upstreamMs: null },
    { type: 'request.start', t: 300, req: 'killed-1', ...c, method: 'GET', url: 'http://x/', peerIp: '1.2.3.4' },
    d(300, 'killed-1', 'router', 'next', 'route r matched'),
    { type: 'effect.start', t: 300, req: 'killed-1', plugin: 'gateway', effect: 'gateway work: 500 µs CPU' },
    { type: 'slot.wait', t: 880, req: 'q-1', replica: 'gw-0', ms: 780, ahead: 37, outcome: 'slot' },
    d(880, 'q-1', 'router', 'next', 'route r matched'),
    { type: 'effect.start', t: 880, req: 'q-1', plugin: 'gateway', effect: 'gateway work: 500 µs CPU' },
    { type: 'effect.end', t: 922, req: 'q-1', plugin: 'gateway', ok: true, cpuWaitMs: 40, cpuMs: 2 },
    d(922, 'q-1', 'rate-limit', 'wait', 'INCR in Redis'),
    { type: 'effect.start', t: 922, req: 'q-1', plugin: 'rate-limit', effect: 'store: incr k' },
    { type: 'effect.end', t: 933.04, req: 'q-1', plugin: 'rate-limit', ok: true, cpuWaitMs: 10, cpuMs: 0.04 },
    d(933.04, 'q-1', 'rate-limit', 'next', 'within limit'),
    { type: 'upstream.send', t: 933.04, req: 'q-1', service: 's', target: 's:80', method: 'GET', host: 's', path: '/' },
    { type: 'upstream.response', t: 948.04, req: 'q-1', status: 200, ms: 15 },
    { type: 'effect.end', t: 1000, req: 'killed-1', plugin: 'gateway', ok: false, detail: 'gw-0 was OOM-killed while this work waited for its CPU', cpuWaitMs: 700, cpuMs: 0, oomKilled: true },
    { type: 'request.end', t: 949.04, req: 'q-1', ...c, status: 200, source: 'upstream', route: 'r', service: 's', ms: 850.04, gatewayMs: 833.04, upstreamMs: 15 },
    { type: 'request.end', t: 1001, req: 'killed-1', ...c, status: 502, source: 'front', route: null, service: null, ms: 701, gatewayMs: 700, upstreamMs: null },
    { type: 'run.end', t: 2000, requests: 4 },
  ].sort((a, b) => a.t - b.t) as TraceEvent[];
}

const index = buildTraceIndex(saturatedTrace());
const eventsOf = (id: string): TraceEvent[] => saturatedTrace().filter((e) => 'req' in e && e.req === id);

describe('the request story tells each wait on the replica, in order with the decisions', () => {
  it('a slot wait with the number ahead, then the router, then each CPU wait after the decision that asked for the work', () => {
    const steps = storySteps(eventsOf('q-1'));
    expect(steps.map((s) => (s.kind === 'decision' ? `decision ${s.decision.plugin} ${s.decision.verdict}` : `wait ${s.wait.for}`))).toEqual([
      'wait slot',
      'decision router next',
      'wait cpu',
      'decision rate-limit wait',
      'wait cpu',
      'decision rate-limit next',
    ]);
    const words = steps.flatMap((s) => (s.kind === 'wait' ? [s.wait.text] : []));
    expect(words).toEqual([
      'waited 780 ms for a slot on gw-0 (37 requests ahead of it), then got one',
      'its own work (proxying and plugins): waited 40 ms for the CPU on gw-0 (work queued ahead of it), ran 2 ms',
      "rate-limit's Redis call: waited 10 ms for the CPU on gw-0 (work queued ahead of it), ran 0.04 ms, then 1 ms for the answer",
    ]);
  });

  it('says where the gateway time went; the parts add up to gatewayMs (semantics §11: request_time − upstream_time)', () => {
    const parts = gatewayTimeParts(eventsOf('q-1'));
    expect(parts?.text).toBe('waiting for a slot 780 ms · waiting for the CPU 50 ms · on the CPU 2.0 ms · I/O and delays 1.0 ms');
    const s = parts!.split;
    expect(s.slotWaitMs + s.cpuWaitMs + s.cpuMs + s.effectMs).toBeCloseTo(s.gatewayMs, 6);
    expect(s.otherMs).toBeCloseTo(0, 6);
  });

  it('a calm request has no wait lines (work that never waited is not a wait)', () => {
    expect(storySteps(eventsOf('calm-1')).every((s) => s.kind === 'decision')).toBe(true);
    expect(gatewayTimeParts(eventsOf('calm-1'))?.text).toBe('on the CPU 2.0 ms');
  });

  it('a refusal and an OOM kill say how the wait ended and who answered', () => {
    expect(storySteps(eventsOf('full-1')).map((s) => s.kind === 'wait' && s.wait.text)).toEqual([
      "refused at once: gw-0's wait queue was full (511 waiting), so the front balancer answered 502",
    ]);
    const killed = storySteps(eventsOf('killed-1')).flatMap((s) => (s.kind === 'wait' ? [s.wait] : []));
    expect(killed.map((w) => [w.ended, w.text])).toEqual([
      ['oom-killed', 'its own work (proxying and plugins): waited 700 ms for the CPU until gw-0 was OOM-killed (the front balancer answered 502)'],
    ]);
  });

  it('requestStory carries the steps, the parts and a bar per wait, as far as the trace has told it at the cursor', () => {
    const story = requestStory(index, 'q-1', 2000)!;
    expect(story.steps.filter((s) => s.kind === 'wait')).toHaveLength(3);
    expect(story.timeParts?.split.slotWaitMs).toBe(780);
    expect(story.spans.filter((s) => s.kind === 'wait').map((s) => [s.name, s.from, s.to])).toEqual([
      // Offsets from the client's send, 1 ms before the arrival.
      ['waiting for a slot', 1, 781],
      ['waiting for the CPU', 781, 821],
      ['waiting for the CPU', 823, 833],
    ]);
    // The slot wait's bar comes before the effect bars it delayed.
    expect(story.spans.map((s) => s.kind)).toEqual(['request', 'gateway', 'wait', 'effect', 'wait', 'effect', 'wait', 'upstream']);
    // At 500 ms it is still waiting for a slot, which the trace has not told yet: no wait line, no split.
    const early = requestStory(index, 'q-1', 500)!;
    expect(early.steps).toEqual([]);
    expect(early.timeParts).toBeNull();
  });
});
