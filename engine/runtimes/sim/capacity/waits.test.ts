/**
 * Each wait a request spends on a replica is in the trace at the `full` level: `slot.wait` for the
 * slot queue (with how it ended), and effect.end's cpuWaitMs / cpuMs for the CPU — and nothing of it
 * below `full`. On a bare event queue with a fake pipeline, like model.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventQueue, PRIORITY } from '../../../core/event-queue.ts';
import { TraceCollector } from '../../../trace/sink.ts';
import type { HandledRequest } from '../../../pipeline/gateway.ts';
import type { CapacitySpec } from '../../../scenario/types.ts';
import type { EffectEndEvent, SlotWaitEvent, TraceLevel } from '../../../trace/events.ts';
import { CapacityModel, type CpuJob, type FrontCall, type ReplicaLife } from './model.ts';
import { RecordedEffect } from './recorded-effect.ts';
import { requestWaits } from './wait-story.ts';

const MI = 1024 * 1024;
const SPEC: CapacitySpec = { cpuMillicores: 250, baseMemoryBytes: 100 * MI, memoryPerRequestBytes: MI, restartAfterOomMs: 1000 };

/** A CPU job that records its effect like the simulation host does at `full`. */
class Job implements CpuJob {
  queuedBy: CapacityModel | undefined = undefined;
  constructor(readonly requestId: string, readonly life: ReplicaLife | undefined, private readonly then: () => void) {}
  cpuDone(): void {
    this.then();
  }
}

function rig(spec: Partial<CapacitySpec>, level: TraceLevel = 'full') {
  const queue = new EventQueue();
  const sink = new TraceCollector(level);
  const model = new CapacityModel({ spec: { ...SPEC, ...spec }, queue, sink, restart: () => undefined });
  const started: Record<string, number> = {};
  const arrived: Record<string, number> = {};
  /** A request arriving at `at` that holds its slot `holdMs`, after `cpuUs` of CPU work as an effect, if any. */
  const send = (id: string, at: number, holdMs: number, cpuUs = 0): void => {
    queue.schedule(at, PRIORITY.arrival, () => {
      arrived[id] = queue.now;
      const call: FrontCall = {
        requestId: id,
        replica: 'gw-0',
        run: () => {
          started[id] = queue.now;
          const hold = (): void => queue.schedule(queue.now + holdMs, PRIORITY.effect, () => model.replicaDone(call, { response: { status: 200 } } as HandledRequest), undefined);
          if (cpuUs === 0) return hold();
          sink.emit({ type: 'effect.start', t: queue.now, req: id, plugin: 'gateway', effect: `gateway work: ${cpuUs} µs CPU` });
          const record = sink.wants('effect.end') ? new RecordedEffect(sink, () => queue.now, id, 'gateway', () => hold()) : undefined;
          model.submit('gw-0', cpuUs, new Job(id, model.life('gw-0'), () => (record ? record.finish({ ok: true }) : hold())), record);
        },
        answer: () => undefined,
        fail: () => undefined,
      };
      model.enter(call);
    }, undefined);
  };
  const drain = (): void => {
    while (queue.step()) { /* run to the end */ }
  };
  const waits = (): SlotWaitEvent[] => sink.events.filter((e): e is SlotWaitEvent => e.type === 'slot.wait');
  const ends = (): EffectEndEvent[] => sink.events.filter((e): e is EffectEndEvent => e.type === 'effect.end');
  return { sink, send, drain, waits, ends, started, arrived };
}

describe('slot.wait: a request that could not start at once says how long it waited and why it stopped', () => {
  it("a queued request's recorded wait is its slot start − its arrival, with those queued ahead of it", () => {
    const r = rig({ slots: 1, queue: 5 });
    r.send('a', 0, 10);
    r.send('b', 1, 10);
    r.send('c', 2, 10);
    r.drain();
    // a runs 0–10, b waits 1→10, c waits 2→20 behind b.
    expect(r.waits().map((w) => [w.req, w.t, w.ms, w.ahead, w.outcome])).toEqual([
      ['b', 10, 9, 0, 'slot'],
      ['c', 20, 18, 1, 'slot'],
    ]);
    for (const w of r.waits()) expect(w.ms).toBe((r.started[w.req] as number) - (r.arrived[w.req] as number));
    // Whoever got a slot at once has no record.
    expect(r.waits().some((w) => w.req === 'a')).toBe(false);
  });

  it('a refusal (full queue) is recorded at once, 0 ms, with the full queue ahead of it', () => {
    const r = rig({ slots: 1, queue: 1 });
    r.send('a', 0, 10);
    r.send('b', 1, 10);
    r.send('c', 2, 10);
    r.drain();
    expect(r.waits().find((w) => w.req === 'c')).toEqual({ type: 'slot.wait', t: 2, req: 'c', replica: 'gw-0', ms: 0, ahead: 1, outcome: 'refused' });
  });

  it('a queue timeout is recorded when it fires, with the time waited', () => {
    const r = rig({ slots: 1, queueTimeoutMs: 5 });
    r.send('a', 0, 10);
    r.send('b', 1, 10);
    r.drain();
    expect(r.waits()).toEqual([{ type: 'slot.wait', t: 6, req: 'b', replica: 'gw-0', ms: 5, ahead: 0, outcome: 'queue-timeout' }]);
    expect(r.started.b).toBeUndefined();
  });

  it('an OOM kill ends the waits of the queued requests and of the arrival that set it off', () => {
    // 100 MiB base + 1 MiB per request held, limit 102 MiB: the third request held kills the replica.
    const r = rig({ slots: 1, queue: 5, memoryBytes: 102 * MI });
    r.send('a', 0, 100);
    r.send('b', 1, 100);
    r.send('c', 3, 100);
    r.drain();
    expect(r.waits().map((w) => [w.req, w.t, w.ms, w.ahead, w.outcome])).toEqual([
      ['b', 3, 2, 0, 'oom-killed'],
      ['c', 3, 0, 1, 'oom-killed'],
    ]);
  });

  it('the arrival that kills a replica while it still had a free slot has a 0 ms wait too', () => {
    const r = rig({ memoryBytes: 101 * MI });
    r.send('a', 0, 100);
    r.send('b', 1, 100);
    r.drain();
    expect(r.waits()).toEqual([{ type: 'slot.wait', t: 1, req: 'b', replica: 'gw-0', ms: 0, ahead: 0, outcome: 'oom-killed' }]);
  });

  it('below full nothing of it is recorded (the war story at decisions pays nothing)', () => {
    const r = rig({ slots: 1, queue: 1, queueTimeoutMs: 5 }, 'decisions');
    r.send('a', 0, 10, 250);
    r.send('b', 1, 10, 250);
    r.send('c', 2, 10, 250);
    r.drain();
    expect(r.sink.events.filter((e) => e.type === 'slot.wait' || e.type === 'effect.end')).toEqual([]);
  });
});

describe('CPU waits on effect.end: FIFO on the replica CPU, so the wait is the work queued ahead', () => {
  it('two jobs at once on a quarter core: the second waits the first one\'s 1 ms, both run 1 ms', () => {
    const r = rig({});
    r.send('a', 0, 0, 250);
    r.send('b', 0, 0, 250);
    r.drain();
    expect(r.ends().map((e) => [e.req, e.t, e.cpuWaitMs, e.cpuMs])).toEqual([['a', 1, 0, 1], ['b', 2, 1, 1]]);
    // The effect is its wait plus its run here (no I/O): effect.end − effect.start.
    for (const e of r.ends()) {
      const start = r.sink.events.find((s) => s.type === 'effect.start' && s.req === e.req);
      expect(e.t - (start?.t as number)).toBeCloseTo((e.cpuWaitMs as number) + (e.cpuMs as number), 9);
    }
  });

  it('an OOM kill ends the CPU work not done yet: a failed effect.end with the wait (and run) so far', () => {
    // a and b queue 4 ms of CPU each at 0 (a runs 0–4, b waits 0–4, runs 4–8); c at 6 kills the replica.
    const r = rig({ memoryBytes: 102 * MI });
    r.send('a', 0, 100, 1000);
    r.send('b', 0, 100, 1000);
    r.send('c', 6, 100);
    r.drain();
    expect(r.ends()).toEqual([
      { type: 'effect.end', t: 4, req: 'a', plugin: 'gateway', ok: true, cpuWaitMs: 0, cpuMs: 4 },
      { type: 'effect.end', t: 6, req: 'b', plugin: 'gateway', ok: false, detail: 'gw-0 was OOM-killed while this work ran on its CPU', cpuWaitMs: 4, cpuMs: 2, oomKilled: true },
    ]);
    const words = requestWaits(r.sink.events.filter((e) => 'req' in e && e.req === 'b'), 'gw-0');
    expect(words.map((w) => w.text)).toEqual(['its own work (proxying and plugins): waited 4 ms for the CPU and had run 2 ms when gw-0 was OOM-killed (the front balancer answered 502)']);
  });
});
