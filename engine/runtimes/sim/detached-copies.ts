/**
 * Copies nobody waits for (a RequestMirror's shadow) in the simulation: a real call through the
 * backend model, so the mirror backend's workers, queue, latency and errors all see the load, and
 * its spans are recorded like any call's. Traced as an effect of the stage that asked (effect.start
 * when it leaves, effect.end when it is answered or given up on, both at `full`), like a callout.
 * Nothing goes back to the request: its own events keep their order and meaning.
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import type { Rng } from '../../core/rng.ts';
import type { DetachedCall, UpstreamAnswer } from '../../pipeline/host.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { BackendModels } from './backend-model.ts';
import { sampleLatency } from './latency.ts';

export interface CopyDeps {
  queue: EventQueue;
  sink: TraceSink;
  models: BackendModels;
  scenario: Scenario;
  /** Splits a named stream off the run's root. */
  split: (name: string) => Rng;
}

export function createCopySender(deps: CopyDeps): (copy: DetachedCall) => void {
  const { queue, sink, models, scenario } = deps;
  // The network draws of copies come from a stream of their own, made on the first copy: mirroring
  // leaves every main request's network delays as they were without it.
  let network: Rng | undefined;
  return (copy) => {
    const { call, requestId, plugin } = copy;
    if (sink.wants('effect.start')) {
      const where = `${call.target.host}:${call.target.port}`;
      sink.emit({ type: 'effect.start', t: queue.now, req: requestId, plugin, effect: `${copy.purpose}: ${call.request.method} ${call.request.path} to ${call.service.name} at ${where}` });
    }
    const net = sampleLatency(scenario.network.gatewayToBackend, (network ??= deps.split('network/gateway-copies')));
    const { afterMs, answer } = models.answer(call, queue.now, net);
    if (!sink.wants('effect.end')) return;
    queue.schedule(queue.now + afterMs, PRIORITY.effect, (a: UpstreamAnswer) => {
      // A mirror's answer is only ever read here, by the trace: a status, or why there was none.
      if (a.ok) sink.emit({ type: 'effect.end', t: queue.now, req: requestId, plugin, ok: true, detail: `${call.service.name} answered ${a.status} (ignored)` });
      else sink.emit({ type: 'effect.end', t: queue.now, req: requestId, plugin, ok: false, detail: `${a.failure}: ${a.message} (ignored)` });
    }, answer);
  };
}
