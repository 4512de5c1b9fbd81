/**
 * Copies nobody waits for (a RequestMirror's shadow) in the simulation: a real call through the
 * backend model, so the mirror backend's workers, queue, latency and errors all see the load, and
 * its spans are recorded like any call's. Traced as an effect of the stage that asked (effect.start
 * when it leaves, effect.end when it is answered or given up on, both at `full`), like a callout,
 * and as a `copy.end` (at `decisions`) that the metrics count against the mirror's service.
 * Nothing goes back to the request: its own events keep their order and meaning.
 *
 * A copy with no timeout (timeoutMs 0: its rule set `timeouts.request: 0s`, so Envoy gives the shadow
 * no timer) waits as long as the backend takes, but never holds the run open: when only such answers
 * are left, the run ends and they never come — no `copy.end`, no `effect.end`: the copy was still
 * waiting, and nothing modelled would have ended it. `lingering` counts them for the run loop (simulate.ts).
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import type { Rng } from '../../core/rng.ts';
import type { DetachedCall, UpstreamAnswer } from '../../pipeline/host.ts';
import { copyEnd } from '../../pipeline/request-copy.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { BackendModels } from './backend-model.ts';
import { SHADOW_COPY_CPU_US } from './capacity/costs.ts';
import type { ReplicaLife } from './capacity/model.ts';
import { sampleLatency } from './latency.ts';

/** The replica CPU a copy costs, when the scenario models it (capacity/). */
export interface CopyCpu {
  /**
   * Runs `cpuUs` of work for the request on the replica, then `done` (never if the request died with
   * the replica). `life`: the replica life the request runs in (capacity/model.ts), when known.
   */
  compute(replica: string, requestId: string, cpuUs: number, done: () => void, life: ReplicaLife | undefined): void;
}

export interface CopyDeps {
  queue: EventQueue;
  sink: TraceSink;
  models: BackendModels;
  scenario: Scenario;
  /** Splits a named stream off the run's root. */
  split: (name: string) => Rng;
  /** Set with a capacity model that models CPU: the copy is built and sent by the replica's CPU first. */
  cpu?: CopyCpu | undefined;
}

export type CopySend = (copy: DetachedCall, replica: string, life?: ReplicaLife) => void;

export interface CopySender {
  send: CopySend;
  /** Queued answers of copies without a timeout: when the queue holds only these, the run is over. */
  readonly lingering: number;
}

export function createCopySender(deps: CopyDeps): CopySender {
  const { queue, sink, models, scenario, cpu } = deps;
  // The network draws of copies come from a stream of their own, made on the first copy: mirroring
  // leaves every main request's network delays as they were without it.
  let network: Rng | undefined;
  let lingering = 0;
  const send = (copy: DetachedCall): void => {
    const { call, requestId, plugin } = copy;
    const where = `${call.target.host}:${call.target.port}`;
    if (sink.wants('effect.start')) {
      sink.emit({ type: 'effect.start', t: queue.now, req: requestId, plugin, effect: `${copy.purpose}: ${call.request.method} ${call.request.path} to ${call.service.name} at ${where}` });
    }
    const net = sampleLatency(scenario.network.gatewayToBackend, (network ??= deps.split('network/gateway-copies')));
    // timeoutMs 0 is no timeout: the backend model is asked without one (to it, 0 would be "at once").
    const unbounded = call.timeoutMs === 0;
    const { afterMs, answer } = models.answer(unbounded ? withoutTimeout(call) : call, queue.now, net);
    if (!sink.wants('effect.end') && !sink.wants('copy.end')) return;
    const sentAt = queue.now;
    if (unbounded) lingering++;
    queue.schedule(queue.now + afterMs, PRIORITY.effect, (a: UpstreamAnswer) => {
      if (unbounded) lingering--;
      // A mirror's answer is only ever read here, by the trace: a status, or why there was none.
      if (sink.wants('effect.end')) {
        if (a.ok) sink.emit({ type: 'effect.end', t: queue.now, req: requestId, plugin, ok: true, detail: `${call.service.name} answered ${a.status} (ignored)` });
        else sink.emit({ type: 'effect.end', t: queue.now, req: requestId, plugin, ok: false, detail: `${a.failure}: ${a.message} (ignored)` });
      }
      if (sink.wants('copy.end')) sink.emit(copyEnd(copy, a, queue.now, queue.now - sentAt));
    }, answer);
  };
  // Envoy sends a shadow from the worker that proxies the request, as a full upstream request of its
  // own: it waits for that replica's CPU like any other work there (and dies with the replica).
  const sendFrom: CopySend = cpu ? (copy, replica, life) => cpu.compute(replica, copy.requestId, SHADOW_COPY_CPU_US, () => send(copy), life) : send;
  return {
    send: sendFrom,
    get lingering() {
      return lingering;
    },
  };
}

/** The same call with no timeout for the backend model. */
function withoutTimeout(call: DetachedCall['call']): DetachedCall['call'] {
  const { timeoutMs: _none, ...rest } = call;
  return rest;
}
