/**
 * Wires a PodFleet into the simulation host: each config revision's gateway IR (the first from the
 * scenario's gateway, one more per deploy that brings a config), a fresh Gateway for every new pod
 * (a new pod starts empty: no local counters, no JWKS cache), the host's replica list kept equal to
 * the pods alive, and the HPA when it can measure CPU.
 */
import type { EventQueue } from '../../core/event-queue.ts';
import type { GatewayIR } from '../../config/ir.ts';
import type { GatewaySpec, KubernetesSpec, Scenario, TimedEvent } from '../../scenario/types.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { CapacityModel } from './capacity/model.ts';
import { PodFleet, type PodReplica } from './pods.ts';
import { PodCpuMeter, scheduleHpa } from './pods-hpa.ts';

export interface PodHostOptions<R extends PodReplica & { gateway: { ir: GatewayIR } }> {
  spec: KubernetesSpec;
  scenario: Scenario;
  queue: EventQueue;
  sink: TraceSink;
  capacity: CapacityModel | undefined;
  adapt: (spec: GatewaySpec) => GatewayIR;
  /** The host's replica list (mutated in place: pods join on creation and leave when killed). */
  replicas: () => R[];
  create: (name: string, ir: GatewayIR) => R;
  /** Gives an existing pod a fresh gateway on a new config (a hot reload). */
  renew: (replica: R, ir: GatewayIR) => void;
  manage: (ir: GatewayIR) => void;
}

export interface PodHost<R extends PodReplica> {
  fleet: PodFleet<R>;
  meter: PodCpuMeter;
  event(ev: Extract<TimedEvent, { kind: 'deploy' | 'drain' }>): void;
  /** A config event: every pod alive loads the new config at once (a hot reload, no restart). */
  reload(spec: GatewaySpec): void;
}

export function startPodFleet<R extends PodReplica & { gateway: { ir: GatewayIR } }>(o: PodHostOptions<R>): PodHost<R> {
  const irs = new Map<number, GatewayIR>();
  const adapt = (spec: GatewaySpec): GatewayIR => {
    const ir = o.adapt(spec);
    o.manage(ir);
    return ir;
  };
  irs.set(1, adapt(o.scenario.gateway));
  let revision = 1;
  const fleet: PodFleet<R> = new PodFleet<R>({
    spec: o.spec,
    queue: o.queue,
    sink: o.sink,
    untilMs: o.scenario.durationMs,
    create: (name, rev) => {
      const ir = irs.get(rev) ?? (irs.get(1) as GatewayIR);
      const r = o.create(name, ir);
      o.replicas().push(r);
      // Pods made at the start are announced with the run; later ones when they start.
      if (o.queue.now > 0 || started) {
        o.sink.emit({ type: 'config.load', t: o.queue.now, replica: name, dialect: ir.dialect, routes: ir.routes.length, plugins: ir.plugins.map((p) => p.plugin) });
      }
      return r;
    },
    remove: (r) => {
      const list = o.replicas();
      const i = list.indexOf(r);
      if (i >= 0) list.splice(i, 1);
    },
  });
  let started = false;
  fleet.start();
  started = true;
  const meter = new PodCpuMeter();
  const hpa = o.spec.hpa;
  const requestMillis = o.spec.deployment.containers.reduce((sum, c) => sum + (c.cpuRequestMillis ?? NaN), 0);
  if (hpa && o.capacity?.modelsCpu && o.scenario.capacity && Number.isFinite(requestMillis) && requestMillis > 0) {
    scheduleHpa({ hpa, fleet, meter, requestMillis, limitMillis: o.scenario.capacity.cpuMillicores, queue: o.queue, sink: o.sink, untilMs: o.scenario.durationMs });
  }
  return {
    fleet,
    meter,
    event(ev) {
      if (ev.kind === 'drain') return fleet.drain(o.queue.now, ev.node);
      const ir = ev.gateway ? adapt(ev.gateway) : (irs.get(revision) as GatewayIR);
      revision = fleet.deploy(o.queue.now, ev.pauseAfter);
      irs.set(revision, ir);
    },
    reload(spec) {
      const ir = adapt(spec);
      irs.set(revision, ir);
      for (const r of o.replicas()) o.renew(r, ir);
    },
  };
}
