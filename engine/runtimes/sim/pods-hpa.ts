/**
 * The HorizontalPodAutoscaler beside a PodFleet: every HPA_SYNC_PERIOD_MS it reads each ready pod's
 * CPU utilisation (CPU work the capacity model ran for it since the previous sync ÷ the container's
 * requests.cpu) and lets evaluateHpa decide the replica count. Utilisation needs the capacity model:
 * without `gateway.capacity` no CPU is modelled and the converter has already warned that the HPA is
 * skipped. The CPU charged is what the pod was asked to do, capped at its limit: a saturated pod reads
 * as its limit ÷ request, as the metrics-server would report it.
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import type { HpaSpec } from '../../config/k8s/workloads/index.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { evaluateHpa, HPA_SYNC_PERIOD_MS, hpaParams, initialHpaState, type HpaState } from './k8s/index.ts';
import type { PodFleet, PodReplica } from './pods.ts';

/** CPU microseconds charged per pod since the last read. */
export class PodCpuMeter {
  private readonly used = new Map<string, number>();

  charge(pod: string, cpuUs: number): void {
    this.used.set(pod, (this.used.get(pod) ?? 0) + cpuUs);
  }

  /** Utilisation in percent of `requestMillis` over `windowMs`, capped at the limit; resets the pod. */
  take(pod: string, windowMs: number, requestMillis: number, limitMillis: number): number {
    const us = this.used.get(pod) ?? 0;
    this.used.delete(pod);
    const millicores = Math.min(us / windowMs, limitMillis);
    return (100 * millicores) / requestMillis;
  }
}

export interface HpaDriverOptions<R extends PodReplica> {
  hpa: HpaSpec;
  fleet: PodFleet<R>;
  meter: PodCpuMeter;
  /** The container's requests.cpu (millicores); the HPA's Utilization is relative to it. */
  requestMillis: number;
  /** The CPU limit the capacity model runs the pod at. */
  limitMillis: number;
  queue: EventQueue;
  sink: TraceSink;
  untilMs: number;
}

export function scheduleHpa<R extends PodReplica>(o: HpaDriverOptions<R>): void {
  const params = hpaParams(o.hpa);
  if (!params) return;
  let state: HpaState = initialHpaState(o.fleet.desired, 0);
  const sync = (): void => {
    const t = o.queue.now;
    const utils = o.fleet.ready().map((r) => o.meter.take(r.name, HPA_SYNC_PERIOD_MS, o.requestMillis, o.limitMillis));
    const r = evaluateHpa(params, { ...state, replicas: o.fleet.desired }, t, utils);
    state = r.state;
    const { desired, reason } = r.decision;
    if (desired !== o.fleet.desired) {
      o.sink.emit({ type: 'scenario.event', t, kind: 'hpa', detail: `HorizontalPodAutoscaler ${o.hpa.name}: ${o.fleet.desired} → ${desired} replicas (${reason})` });
      o.fleet.scale(t, desired, reason);
    }
    if (t + HPA_SYNC_PERIOD_MS <= o.untilMs) o.queue.schedule(t + HPA_SYNC_PERIOD_MS, PRIORITY.control, sync, undefined);
  };
  o.queue.schedule(HPA_SYNC_PERIOD_MS, PRIORITY.control, sync, undefined);
}
