/**
 * The fast evaluator: the gateway's own replicas, plugins, effect answers and backend models on the
 * virtual clock, without what a claim about admissions does not need — no trace, no hashing, no
 * client network hop, no client timeouts or retries. A search runs thousands of schedules; this
 * costs a fraction of a full simulation per request (docs/adversary.md has the numbers and the
 * list of what is and is not exercised).
 */
import { EventQueue, PRIORITY } from '../core/event-queue.ts';
import { keyedDraw } from '../core/rng.ts';
import { Gateway } from '../pipeline/gateway.ts';
import type { PipelineHost, UpstreamAnswer, UpstreamCall } from '../pipeline/host.ts';
import type { TraceSink } from '../trace/sink.ts';
import { BackendModels } from '../runtimes/sim/backend-model.ts';
import { createEffectAnswerer } from '../runtimes/sim/effect-answers.ts';
import { sampleLatency } from '../runtimes/sim/latency.ts';
import { buildRequest } from '../runtimes/sim/request-builder.ts';
import { rootRng } from '../runtimes/sim/schedule.ts';
import { ModeledStore } from '../runtimes/sim/store.ts';
import type { Admissions } from './admissions.ts';
import type { AttackTarget } from './target.ts';

/** Keeps nothing: the fast evaluator reads verdicts from the pipeline's answers, not from a trace. */
const SILENT_SINK: TraceSink = { level: 'summary', wants: () => false, emit: () => undefined };

/**
 * Sends the schedule (ms offsets from the start, any order) and returns when each request was
 * admitted. Admitted means the gateway forwarded it and the client got a 2xx; the instant is the
 * first forward (see admissions.ts).
 */
export async function evaluateFast(target: AttackTarget, schedule: readonly number[]): Promise<Admissions> {
  const { scenario, client } = target;
  const seed = scenario.seed;
  const root = rootRng(seed);
  const queue = new EventQueue();
  const store = new ModeledStore();
  const now = (): number => scenario.start + queue.now;
  const models = new BackendModels(scenario.backends, seed, (name) => root.split(name));
  const g2bRng = root.split('network/gateway-backend');
  const pendingAsync: Array<Promise<void>> = [];
  const answerEffect = createEffectAnswerer({ queue, store, models, scenario, seed, g2bRng, now, pendingAsync, asyncMemo: new Map() });

  const forwardedAt = new Map<string, number>();
  const callUpstream = (call: UpstreamCall, done: (a: UpstreamAnswer) => void): void => {
    if (!forwardedAt.has(call.requestId)) forwardedAt.set(call.requestId, queue.now);
    const { afterMs, answer } = models.answer(call, queue.now, sampleLatency(scenario.network.gatewayToBackend, g2bRng));
    queue.schedule(queue.now + afterMs, PRIORITY.effect, done, answer);
  };
  const replicas = Array.from({ length: scenario.replicas }, (_, i) => {
    const name = `gw-${i}`;
    const gateway = new Gateway(target.ir, name, now());
    const host: PipelineHost = {
      replica: name,
      sink: SILENT_SINK,
      now,
      traceTime: () => queue.now,
      draw: (purpose, id, index) => keyedDraw(seed, purpose, id, index),
      perform: (effect, requestId, _plugin, done) => answerEffect(effect, requestId, done),
      callUpstream,
    };
    return { gateway, host };
  });
  scheduleBackendEvents(target, queue, models, store);

  // The front balancer, as the simulation picks for one client's arrivals in order.
  const frontRng = root.split('front-balancer');
  let rr = 0;
  const pick = (): number => {
    const n = replicas.length;
    if (scenario.frontBalancer === 'random') return Math.floor(frontRng.next() * n);
    if (scenario.frontBalancer === 'ip-hash') return Math.floor(keyedDraw(seed, 'ip-hash', client.ip) * n);
    return rr++ % n;
  };

  const sorted = [...schedule].sort((a, b) => a - b);
  const admitted: number[] = [];
  sorted.forEach((atMs, i) => {
    const id = `${client.id}-${i + 1}`;
    queue.schedule(atMs, PRIORITY.arrival, () => {
      const replica = replicas[pick()] as (typeof replicas)[number];
      replica.gateway.handle(buildRequest(id, client.request, client.ip), replica.host, (handled) => {
        const at = forwardedAt.get(id);
        const status = handled.response.status;
        if (at !== undefined && status >= 200 && status < 300) admitted.push(at);
      });
    }, undefined);
  });
  // As the simulation's loop: synchronous until an asynchronous effect (WebCrypto) must be awaited.
  for (;;) {
    if (pendingAsync.length > 0) {
      await Promise.all(pendingAsync.splice(0));
      continue;
    }
    if (!queue.step()) break;
  }
  return { admittedMs: admitted.sort((a, b) => a - b), sent: sorted.length };
}

/** Backend and store outages and degradations at their instants, as the simulation applies them. */
function scheduleBackendEvents(target: AttackTarget, queue: EventQueue, models: BackendModels, store: ModeledStore): void {
  const start = target.scenario.start;
  for (const ev of target.scenario.events) {
    if (ev.kind !== 'outage' && ev.kind !== 'degrade') continue;
    queue.schedule(ev.atMs, PRIORITY.control, () => {
      const until = ev.atMs + ev.durationMs;
      if (ev.kind === 'degrade') models.degrade(ev.target, ev.atMs, until, ev.change);
      else if (ev.target === 'redis' || ev.target === 'store') store.outage(start + ev.atMs, start + until);
      else models.outage(ev.target, ev.atMs, until);
    }, undefined);
  }
}
