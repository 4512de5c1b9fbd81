/**
 * The capacity model on a bare event queue: a fake pipeline that holds each request for a fixed
 * time, so slots, the queue, the front timeout and the OOM kill can be checked one at a time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, PRIORITY } from '../../../core/event-queue.ts';
import { TraceCollector } from '../../../trace/sink.ts';
import type { HandledRequest } from '../../../pipeline/gateway.ts';
import type { CapacitySpec } from '../../../scenario/types.ts';
import { CapacityModel, type FrontCall } from './model.ts';

const MI = 1024 * 1024;
const SPEC: CapacitySpec = { cpuMillicores: 250, baseMemoryBytes: 100 * MI, memoryPerRequestBytes: MI, restartAfterOomMs: 1000 };

function rig(spec: Partial<CapacitySpec> | undefined, frontTimeoutMs?: number) {
  const queue = new EventQueue();
  const sink = new TraceCollector('summary');
  const restarted: Array<[string, number]> = [];
  const model = new CapacityModel({
    ...(spec ? { spec: { ...SPEC, ...spec } } : {}),
    ...(frontTimeoutMs !== undefined ? { frontTimeoutMs } : {}),
    queue,
    sink,
    restart: (r) => restarted.push([r, queue.now]),
  });
  const outcomes: Array<{ id: string; at: number; status: number; source: string }> = [];
  /** A request arriving at `at` whose pipeline takes `holdMs` (CPU work of cpuUs first, if any). */
  const send = (id: string, at: number, holdMs: number, cpuUs = 0): void => {
    queue.schedule(at, PRIORITY.arrival, () => {
      const call: FrontCall = {
        requestId: id,
        replica: 'gw-0',
        run: () => {
          const after = (): void => queue.schedule(queue.now + holdMs, PRIORITY.effect, () => model.replicaDone(call, { response: { status: 200 } } as HandledRequest), undefined);
          if (cpuUs > 0) model.compute('gw-0', id, cpuUs, after);
          else after();
        },
        answer: (h) => outcomes.push({ id, at: queue.now, status: h.response.status, source: 'replica' }),
        fail: (status, source) => outcomes.push({ id, at: queue.now, status, source }),
      };
      model.enter(call);
    }, undefined);
  };
  const drain = (): void => {
    while (queue.step()) { /* run to the end */ }
  };
  return { queue, sink, model, send, drain, outcomes, restarted };
}

describe('CapacityModel', () => {
  it('CPU work queues FIFO on a quarter core: the second request waits for the first', () => {
    const r = rig({});
    r.send('a', 0, 0, 250);
    r.send('b', 0, 0, 250);
    r.drain();
    expect(r.outcomes.map((o) => [o.id, o.at])).toEqual([['a', 1], ['b', 2]]);
  });

  it('slots full → queue; queue full → the front balancer reports a refused connection (502)', () => {
    const r = rig({ slots: 1, queue: 1 });
    r.send('a', 0, 10);
    r.send('b', 1, 10);
    r.send('c', 2, 10);
    r.drain();
    expect(r.outcomes).toEqual([
      { id: 'c', at: 2, status: 502, source: 'front' },
      { id: 'a', at: 10, status: 200, source: 'replica' },
      { id: 'b', at: 20, status: 200, source: 'replica' },
    ]);
  });

  it('a request that waited past queueTimeout gets 503 from the replica and never runs', () => {
    const r = rig({ slots: 1, queueTimeoutMs: 5 });
    r.send('a', 0, 10);
    r.send('b', 1, 10);
    r.drain();
    expect(r.outcomes).toEqual([
      { id: 'b', at: 6, status: 503, source: 'gateway' },
      { id: 'a', at: 10, status: 200, source: 'replica' },
    ]);
  });

  it('the front timeout answers 504; the replica still finishes the request and frees the slot', () => {
    const r = rig(undefined, 50);
    r.send('a', 0, 80);
    r.drain();
    expect(r.outcomes).toEqual([{ id: 'a', at: 50, status: 504, source: 'front' }]);
  });

  it('past the memory limit the replica is OOM-killed: everything it held is reset (502), it restarts empty', () => {
    // 100 MiB base + 1 MiB per request, limit 102 MiB: the third request held at once kills it.
    const r = rig({ memoryBytes: 102 * MI });
    r.send('a', 0, 100);
    r.send('b', 1, 100);
    r.send('c', 2, 100);
    r.drain();
    expect(r.outcomes.map((o) => [o.id, o.status, o.source])).toEqual([['a', 502, 'front'], ['b', 502, 'front'], ['c', 502, 'front']]);
    expect(r.restarted).toEqual([['gw-0', 1002]]);
    const moves = r.sink.events.filter((e) => e.type === 'breaker.transition').map((e) => (e.type === 'breaker.transition' ? [e.t, e.machine, e.from, e.to] : []));
    expect(moves).toEqual([[2, 'replica', 'running', 'oom-killed'], [1002, 'replica', 'oom-killed', 'running']]);
    expect(r.model.alive('gw-0')).toBe(true);
  });

  it('replica.queue samples at most once per 100 ms per replica', () => {
    const r = rig({});
    for (let i = 0; i < 100; i++) r.send(`r${i}`, i * 5, 1, 100);
    r.drain();
    const samples = r.sink.events.filter((e) => e.type === 'replica.queue').map((e) => e.t);
    for (let i = 1; i < samples.length; i++) expect((samples[i] as number) - (samples[i - 1] as number)).toBeGreaterThanOrEqual(100);
    expect(samples.length).toBeGreaterThan(3);
  });

  it('every request is answered exactly once, by the replica or the front, whatever slots, timeouts and OOM kills do', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] capacity answered-once seed=${seed} (replay: FC_SEED=${seed})`);
    const request = fc.record({ gapMs: fc.integer({ min: 0, max: 20 }), holdMs: fc.integer({ min: 0, max: 120 }), cpuUs: fc.integer({ min: 0, max: 3000 }) });
    const limits = fc.record({
      slots: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      queue: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      queueTimeoutMs: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      memoryBytes: fc.option(fc.integer({ min: 101, max: 108 }).map((m) => m * MI), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 40 }), limits, fc.option(fc.integer({ min: 5, max: 100 }), { nil: undefined }), (reqs, lim, front) => {
        const spec: Partial<CapacitySpec> = {};
        if (lim.slots !== undefined) spec.slots = lim.slots;
        if (lim.queue !== undefined) spec.queue = lim.queue;
        if (lim.queueTimeoutMs !== undefined) spec.queueTimeoutMs = lim.queueTimeoutMs;
        if (lim.memoryBytes !== undefined) spec.memoryBytes = lim.memoryBytes;
        const r = rig(spec, front);
        let at = 0;
        reqs.forEach((q, i) => {
          at += q.gapMs;
          r.send(`r${i}`, at, q.holdMs, q.cpuUs);
        });
        r.drain();
        const ids = r.outcomes.map((o) => o.id).sort();
        expect(ids).toEqual(reqs.map((_, i) => `r${i}`).sort());
      }),
      { seed, numRuns: 300 },
    );
  });
});
