/**
 * The simulation host: a virtual clock, an event queue and models of clients, the front balancer,
 * gateway replicas, backends, the network and the counter store. A run is a pure function of
 * (scenario, gateway IR, seed): the same inputs give a byte-identical trace.
 */
import { EventQueue, PRIORITY } from '../../core/event-queue.ts';
import { keyedBytes, keyedDraw } from '../../core/rng.ts';
import { Gateway } from '../../pipeline/gateway.ts';
import type { EffectListener, PipelineHost, UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import type { GatewaySpec, Scenario } from '../../scenario/types.ts';
import type { EffectStartEvent } from '../../trace/events.ts';
import { formatIsoInstant } from '../../core/calendar.ts';
import { BackendModels } from './backend-model.ts';
import { BackendCalls } from './backend-calls.ts';
import { createEffectAnswerer, type EffectFinish, type HeldAnswer } from './effect-answers.ts';
import { createCopySender, type CopyCpu } from './detached-copies.ts';
import { HashingSink } from './hashing-sink.ts';
import { StreamingSink } from './streaming-sink.ts';
import { describeChange, describeEffect } from './describe.ts';
import { scheduleProbes, type ProbeDeps } from './health-probes.ts';
import { RolloutController } from './rollout-controller.ts';
import { sampleLatency } from './latency.ts';
import { ModeledStore } from './store.ts';
import { ClientTry, type TryEnv } from './client-try.ts';
import { clientSchedules, rootRng } from './schedule.ts';
import { CapacityModel, type CpuJob, type ReplicaLife } from './capacity/model.ts';
import { ioCpuUs } from './capacity/costs.ts';
import { RecordedEffect } from './capacity/recorded-effect.ts';
import { startPodFleet } from './pods-host.ts';
import { startExplainRun } from './explain-probe.ts';
import { oneByteStringsInPlace } from '../../core/one-byte-strings.ts';
import type { Replica, SimOptions, SimResult } from './sim-types.ts';

export { DEFAULT_STORE_RTT_MS } from './effect-answers.ts';

export type { SimOptions, SimResult } from './sim-types.ts';

export async function simulate(scenario: Scenario, opts: SimOptions): Promise<SimResult> {
  // Strings sliced from a file with one non-Latin-1 character are two bytes per character, and so is
  // the JSON of every event they reach: one-byte copies make the trace hash cheaper (one-byte-strings.ts).
  oneByteStringsInPlace(scenario);
  const adapt = (spec: GatewaySpec): ReturnType<SimOptions['adapt']> => oneByteStringsInPlace(opts.adapt(spec));
  const seed = opts.seed ?? scenario.seed;
  const root = rootRng(seed);
  const queue = new EventQueue();
  const hashing = opts.hash !== false;
  const sink = opts.stream ? new StreamingSink(opts.level, opts.stream, hashing, opts.streamOnly !== true) : new HashingSink(opts.level, opts.keepEvents ?? true, hashing);
  const store = new ModeledStore();
  const start = scenario.start;
  const now = (): number => start + queue.now;
  const pendingAsync: Array<Promise<void>> = [];
  const asyncMemo = new Map<string, EffectResult>();
  let requestCount = 0;

  const c2gRng = root.split('network/client-gateway');
  const g2bRng = root.split('network/gateway-backend');
  const models = new BackendModels(scenario.backends, seed, (name) => root.split(name));
  // Backends calling backends, and backend spans at the full level (backend-calls.ts).
  if (sink.wants('span') || scenario.backends.some((b) => b.calls)) models.calls = new BackendCalls(scenario.backends, models, seed, queue, sink);

  const rollout = scenario.rollout ? new RolloutController(scenario.rollout, sink, start) : undefined;
  const makeReplicas = (spec: GatewaySpec): Replica[] => {
    const ir = adapt(spec);
    rollout?.manage(ir);
    const made = Array.from({ length: scenario.replicas }, (_, i) => {
      const name = `gw-${i}`;
      return { name, gateway: new Gateway(ir, name, now()) };
    });
    for (const r of made) scheduleProbes(r.gateway, hostFor(r), probeDeps);
    return made;
  };
  // Level full, with a capacity model: the effects whose answers are on their way, so that an OOM kill
  // ends its victims' in the trace (their answers are never read).
  const awaiting = scenario.capacity && sink.wants('effect.end') ? new AwaitingAnswers() : undefined;
  // Capacity (CPU, slots, memory per replica) and the front balancer's timeout: only when declared.
  const capacity = scenario.capacity || scenario.frontTimeoutMs !== undefined
    ? new CapacityModel({
        ...(scenario.capacity ? { spec: scenario.capacity } : {}),
        ...(awaiting ? { onKill: (life: ReplicaLife, at: number, replica: string) => awaiting.killed(life, at, replica) } : {}),
        ...(scenario.frontTimeoutMs !== undefined ? { frontTimeoutMs: scenario.frontTimeoutMs } : {}),
        queue,
        sink,
        restart: (name) => {
          const r = replicas.find((x) => x.name === name);
          if (!r) return;
          r.gateway = new Gateway(r.gateway.ir, name, now());
          scheduleProbes(r.gateway, hostFor(r), probeDeps);
        },
      })
    : undefined;
  const probeDeps: ProbeDeps = { queue, scenario, seed, models, live: (g) => replicas.some((r) => r.gateway === g) };

  // One host per replica object and life, built on first use: a request used to allocate one (and its
  // six closures). With a capacity model an OOM kill starts the replica's next life, and the requests
  // started after it get a new host: each host hands its work to the model with its own life.
  const hosts = new WeakMap<Replica, { host: PipelineHost; life: ReplicaLife | undefined }>();
  const hostFor = (replica: Replica): PipelineHost => {
    let held = hosts.get(replica);
    if (!held || held.life?.victims !== undefined) {
      const life = capacity?.life(replica.name);
      hosts.set(replica, (held = { host: makeHost(replica, life), life }));
    }
    return held.host;
  };
  const makeHost = (replica: Replica, life: ReplicaLife | undefined): PipelineHost => ({
    replica: replica.name,
    sink,
    now,
    traceTime: () => queue.now,
    draw: (purpose, id, index) => keyedDraw(seed, purpose, id, index),
    drawBytes: (purpose, key, into) => keyedBytes(seed, purpose, key, into),
    perform: (effect, requestId, plugin, done) => performEffect(effect, requestId, plugin, done, replica.name, life),
    callUpstream: (call, done) => callUpstream(call, done, life),
    sendDetached: (copy) => sendCopy(copy, replica.name, life),
    // Where the effect's object holds its answer (modelled CPU), it answers the request's run directly.
    ...(capacity?.modelsCpu ? { wantsCompute: true, performFor: (effect: Effect, requestId: string, plugin: string, listener: EffectListener) => performEffect(effect, requestId, plugin, listener, replica.name, life) } : {}),
  });

  // A run's sink keeps the same event types throughout: asked once, not per effect.
  const tracesEffectStart = sink.wants('effect.start');
  const tracesEffectEnd = sink.wants('effect.end');
  // ≈ 2.2 effect.start events per war-story request at `full`: when the sink is done with each event
  // inside `emit` (trace/sink.ts `retainsEvents`), one object refilled, as request-run.ts refills its
  // decision. The shape has no optional key, so the trace's bytes are the same.
  const sharedStart: EffectStartEvent | undefined = tracesEffectStart && sink.retainsEvents === false ? { type: 'effect.start', t: 0, req: '', plugin: '', effect: '' } : undefined;
  const performEffect = (effect: Effect, requestId: string, plugin: string, done: EffectDone, replica: string, life: ReplicaLife | undefined): void => {
    if (sharedStart !== undefined) {
      sharedStart.t = queue.now;
      sharedStart.req = requestId;
      sharedStart.plugin = plugin;
      sharedStart.effect = describeEffect(effect);
      sink.emit(sharedStart);
    } else if (tracesEffectStart) {
      sink.emit({ type: 'effect.start', t: queue.now, req: requestId, plugin, effect: describeEffect(effect) });
    }
    // Below `full` nobody records effect.end: the answer goes straight to `done` (no record per effect).
    // At `full` the record is the one listener (no closure per effect): it emits effect.end, then answers `done`.
    const record = tracesEffectEnd ? new RecordedEffect(sink, traceNow, requestId, plugin, done) : undefined;
    const finish: EffectDone = record ?? done;
    // With a capacity model, CPU work and the client side of an I/O call run on the replica's CPU first.
    const cpuUs = capacity?.modelsCpu ? (effect.type === 'compute' ? effect.cpuUs : ioCpuUs(effect)) : 0;
    // Where an OOM kill can end the request, one object carries the effect to the CPU and holds its
    // answer, which is dropped if the request died with its replica meanwhile.
    if (capacity?.modelsCpu && life !== undefined) {
      const inFlight = new EffectInFlight(capacity, answerEffect, effect, requestId, life, finish, record, awaiting);
      if (cpuUs <= 0) return inFlight.cpuDone();
      pods?.meter.charge(replica, cpuUs);
      // At full, the record hears how long the work waits for the CPU and runs (effect.end says it).
      capacity.submit(replica, cpuUs, inFlight, record);
      return;
    }
    answerEffect(effect, requestId, typeof finish === 'function' ? finish : (r) => finish.effectAnswered(r));
  };

  const traceNow = (): number => queue.now;
  const answerEffect = createEffectAnswerer({ queue, store, models, scenario, seed, g2bRng, now, pendingAsync, asyncMemo });
  // With modelled CPU a copy costs its replica CPU too (charged to the pod's meter like an effect's).
  const copyCpu: CopyCpu | undefined = capacity?.modelsCpu
    ? {
        compute: (replica, requestId, cpuUs, done, life) => {
          pods?.meter.charge(replica, cpuUs);
          capacity.compute(replica, requestId, cpuUs, done, undefined, life);
        },
      }
    : undefined;
  const copies = createCopySender({ queue, sink, models, scenario, split: (name) => root.split(name), cpu: copyCpu });
  const sendCopy = copies.send;

  const callUpstream = (call: UpstreamCall, done: (a: UpstreamAnswer) => void, life: ReplicaLife | undefined): void => {
    const net = sampleLatency(scenario.network.gatewayToBackend, g2bRng);
    const { afterMs, answer } = models.answer(call, queue.now, net);
    // Where an OOM kill can end the request, its backend's answer reaches a dead process: dropped then.
    if (capacity?.modelsCpu && life !== undefined) {
      const held: UpstreamInFlight = { model: capacity, life, requestId: call.requestId, done, answer };
      queue.schedule(queue.now + afterMs, PRIORITY.effect, upstreamAnswered, held);
      return;
    }
    queue.schedule(queue.now + afterMs, PRIORITY.effect, done, answer);
  };

  // With a Kubernetes workload the replicas are the Deployment's pods (pods-host.ts); otherwise gw-0, gw-1, ...
  let replicas: Replica[] = [];
  const pods = scenario.kubernetes
    ? startPodFleet({
        spec: scenario.kubernetes, scenario, queue, sink, capacity, adapt,
        replicas: () => replicas,
        create: (name, ir) => {
          const r: Replica = { name, gateway: new Gateway(ir, name, now()) };
          scheduleProbes(r.gateway, hostFor(r), probeDeps);
          return r;
        },
        renew: (r, ir) => {
          r.gateway = new Gateway(ir, r.name, now());
          scheduleProbes(r.gateway, hostFor(r), probeDeps);
        },
        manage: (ir) => rollout?.manage(ir),
      })
    : undefined;
  if (!pods) replicas = makeReplicas(scenario.gateway);
  const ir0 = replicas[0]?.gateway.ir;
  sink.emit({ type: 'run.start', t: 0, scenario: scenario.id, variant: opts.variant, seed, start: isoOf(scenario) });
  for (const r of replicas) {
    sink.emit({
      type: 'config.load',
      t: 0,
      replica: r.name,
      dialect: r.gateway.ir.dialect,
      routes: r.gateway.ir.routes.length,
      plugins: r.gateway.ir.plugins.map((p) => p.plugin),
    });
  }
  void ir0;

  // Scenario events and narration.
  for (const ev of scenario.events) {
    queue.schedule(ev.atMs, PRIORITY.control, () => {
      if (ev.kind === 'outage') {
        const until = ev.atMs + ev.durationMs;
        if (ev.target === 'redis' || ev.target === 'store') store.outage(start + ev.atMs, start + until);
        else models.outage(ev.target, ev.atMs, until);
        sink.emit({ type: 'scenario.event', t: queue.now, kind: 'outage', target: ev.target, detail: `${ev.target} down for ${ev.durationMs} ms` });
      } else if (ev.kind === 'degrade') {
        models.degrade(ev.target, ev.atMs, ev.atMs + ev.durationMs, ev.change);
        sink.emit({ type: 'scenario.event', t: queue.now, kind: 'degrade', target: ev.target, detail: describeChange(ev.target, ev.change, ev.durationMs) });
      } else if (ev.kind === 'deploy' || ev.kind === 'drain') {
        pods?.event(ev);
      } else if (pods) {
        pods.reload(ev.gateway);
        sink.emit({ type: 'scenario.event', t: queue.now, kind: 'config', detail: 'new gateway config on every pod (a hot reload, not a deploy)' });
      } else {
        replicas = makeReplicas(ev.gateway);
        sink.emit({ type: 'scenario.event', t: queue.now, kind: 'config', detail: 'new gateway config on every replica' });
      }
    }, undefined);
  }
  for (const step of scenario.narration) {
    queue.schedule(step.atMs, PRIORITY.observe, () => sink.emit({ type: 'narration', t: queue.now, text: step.text }), undefined);
  }
  for (const at of scenario.snapshotsAtMs) {
    queue.schedule(at, PRIORITY.observe, () => {
      for (const r of replicas) {
        const snap = r.gateway.snapshot(hostFor(r));
        for (const [plugin, state] of Object.entries(snap)) {
          sink.emit({ type: 'plugin.state', t: queue.now, replica: r.name, plugin, state });
        }
      }
    }, undefined);
  }

  // Front balancer.
  const frontRng = root.split('front-balancer');
  let rr = 0;
  const pickReplica = (peerIp: string): Replica | undefined => {
    // Pods: only those in the endpoints (ready, not yet removed) are candidates.
    const candidates = pods ? pods.fleet.routable().filter((r) => !capacity || capacity.alive(r.name)) : replicas;
    if (pods) return candidates.length === 0 ? undefined : candidates[frontIndex(peerIp, candidates.length)];
    const n = replicas.length;
    const i = frontIndex(peerIp, n);
    if (!capacity) return replicas[i] as Replica;
    // An OOM-killed replica is out of the Service's endpoints until it is back: the next live one takes it.
    for (let k = 0; k < n; k++) {
      const r = replicas[(i + k) % n] as Replica;
      if (capacity.alive(r.name)) return r;
    }
    return undefined;
  };

  function frontIndex(peerIp: string, n: number): number {
    if (scenario.frontBalancer === 'random') return Math.floor(frontRng.next() * n);
    if (scenario.frontBalancer === 'ip-hash') return Math.floor(keyedDraw(seed, 'ip-hash', peerIp) * n);
    return rr++ % n;
  }

  // One try of a client request (client-try.ts); the environment is the same object for every try.
  const tryEnv: TryEnv = {
    queue, sink, scenario, seed, c2gRng, capacity, pods, rollout, now, pickReplica, hostFor,
    refillsEvents: sink.retainsEvents === false,
    counted: () => void requestCount++,
  };

  // Clients: each schedules its next send when the previous one fires, so the agenda stays small.
  for (const { client, times } of clientSchedules(scenario, seed)) {
    let n = 0;
    const send = (): void => {
      n++;
      if (n < times.length) queue.schedule(times[n] as number, PRIORITY.arrival, send, undefined);
      new ClientTry(tryEnv, client, `${client.id}-${n}`, 0);
    };
    if (times.length > 0) queue.schedule(times[0] as number, PRIORITY.arrival, send, undefined);
  }

  // Only `gatelab explain --scenario` passes one (explain-probe.ts); a scenario run has none.
  const probe = opts.probe ? startExplainRun(opts.probe, { sink }) : undefined;

  // The loop: synchronous while it can be; it waits only when an async effect (WebCrypto) is pending.
  const endAt = scenario.durationMs;
  for (;;) {
    if (probe?.finished()) break;
    if (pendingAsync.length > 0) {
      const waiting = pendingAsync.splice(0);
      await Promise.all(waiting);
      continue;
    }
    // Answers of copies without a timeout never hold the run open (detached-copies.ts).
    if (queue.size <= copies.lingering) break;
    // Requests in flight at the end are allowed to finish; new arrivals stop at the duration.
    queue.step();
  }
  sink.emit({ type: 'run.end', t: Math.max(endAt, queue.now), requests: requestCount });
  return { events: sink.events, traceHash: hashing ? sink.hasher.digest() : '', requests: requestCount };
}

function isoOf(scenario: Scenario): string {
  return formatIsoInstant(scenario.start);
}

type EffectAnswerer = (effect: Effect, requestId: string, finish: EffectFinish) => void;

/** Who reads an effect's answer: the pipeline's callback, or a request's run itself (`performFor`). */
type EffectDone = ((r: EffectResult) => void) | EffectListener;

/**
 * An effect of a request on a replica that an OOM kill can end: the capacity model's queue event
 * carries this one object while its CPU work waits (no closure, no second job record per effect),
 * then it holds the effect's answer, which is dropped if the request died with its replica meanwhile:
 * a killed process reads nothing, so the dead request's plugins do not go on.
 */
class EffectInFlight implements CpuJob, HeldAnswer {
  answer: EffectResult | undefined = undefined;

  constructor(
    public queuedBy: CapacityModel | undefined,
    private readonly answerer: EffectAnswerer,
    private readonly effect: Effect,
    readonly requestId: string,
    readonly life: ReplicaLife,
    private readonly finish: EffectDone,
    /** Level full: the effect's record, told if an OOM kill ends the effect while its answer is on its way. */
    readonly record: RecordedEffect | undefined,
    private readonly awaiting: AwaitingAnswers | undefined,
  ) {}

  /** Its CPU work is done (or it had none): the effect goes out, and its answer comes back here. */
  cpuDone(): void {
    this.awaiting?.add(this);
    this.answerer(this.effect, this.requestId, this);
  }

  deliver(): void {
    this.awaiting?.remove(this);
    if ((this.queuedBy as CapacityModel).died(this.life, this.requestId)) return;
    const finish = this.finish;
    if (typeof finish === 'function') finish(this.answer as EffectResult);
    else finish.effectAnswered(this.answer as EffectResult);
  }
}

/** A backend's answer on its way to a request on a replica that an OOM kill can end. */
interface UpstreamInFlight {
  model: CapacityModel;
  life: ReplicaLife;
  requestId: string;
  done: (a: UpstreamAnswer) => void;
  answer: UpstreamAnswer;
}

function upstreamAnswered(held: UpstreamInFlight): void {
  if (!held.model.died(held.life, held.requestId)) held.done(held.answer);
}

/**
 * Level full: per replica life, the effects whose answers are on their way. An OOM kill ends its
 * victims' there, failed, at the kill (as the model ends their CPU work cut short), since the
 * answers that come later are dropped: the trace then has no event of theirs after their 502.
 */
class AwaitingAnswers {
  private readonly byLife = new Map<ReplicaLife, Set<EffectInFlight>>();

  add(e: EffectInFlight): void {
    let set = this.byLife.get(e.life);
    if (!set) this.byLife.set(e.life, (set = new Set()));
    set.add(e);
  }

  remove(e: EffectInFlight): void {
    this.byLife.get(e.life)?.delete(e);
  }

  /** `life` ended at `at`: its victims' effects end there (in the order they went out). */
  killed(life: ReplicaLife, at: number, replica: string): void {
    const set = this.byLife.get(life);
    if (!set) return;
    this.byLife.delete(life);
    const victims = life.victims;
    for (const e of set) if (victims?.has(e.requestId)) e.record?.ioKilled(at, replica);
  }
}
