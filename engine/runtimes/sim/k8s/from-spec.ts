/**
 * From the config readers' specs (engine/config/k8s/workloads) to the models' parameters, so the
 * simulation does not repeat the defaults or the rounding rules.
 */
import { readyAfterMs, resolveFenceposts, type ContainerSpec, type DeploymentSpec, type HpaSpec } from '../../../config/k8s/workloads/index.ts';
import { DEFAULT_ENDPOINT_REMOVAL_LAG_MS, type PodLifecycle } from './lifecycle.ts';
import type { HpaParams } from './hpa.ts';

export interface LifecycleOptions {
  /** Container start → the app can serve (image already pulled). The model's assumption: 5 s. */
  appReadyMs?: number;
  endpointRemovalLagMs?: number;
  /** Which container's preStop and probe count; the first container when absent. */
  container?: string;
}

export function lifecycleFromDeployment(d: DeploymentSpec, opts: LifecycleOptions = {}): PodLifecycle {
  const c: ContainerSpec | undefined = d.containers.find((x) => x.name === opts.container) ?? d.containers[0];
  const preStop = c?.preStop?.kind === 'sleep' ? c.preStop.ms : 0;
  return {
    startupMs: readyAfterMs(opts.appReadyMs ?? 5000, c?.readiness),
    terminationGracePeriodMs: d.terminationGracePeriodMs,
    preStopMs: preStop,
    endpointRemovalLagMs: opts.endpointRemovalLagMs ?? DEFAULT_ENDPOINT_REMOVAL_LAG_MS,
  };
}

/** maxSurge / maxUnavailable as pods; a Recreate strategy is every old pod down before any new one. */
export function rolloutBounds(d: DeploymentSpec): { maxSurge: number; maxUnavailable: number; note?: string } {
  if (d.strategy.type === 'Recreate') return { maxSurge: 0, maxUnavailable: Math.max(1, d.replicas), note: 'Recreate: all old pods terminate before new ones start (modelled as maxUnavailable = replicas, which starts new pods at once instead of after the old are gone)' };
  const f = resolveFenceposts(d.replicas, d.strategy.maxSurge, d.strategy.maxUnavailable);
  return f.note ? { maxSurge: f.surge, maxUnavailable: f.unavailable, note: f.note } : { maxSurge: f.surge, maxUnavailable: f.unavailable };
}

export function hpaParams(h: HpaSpec): HpaParams | undefined {
  if (h.cpuTargetPercent === undefined) return undefined;
  return { minReplicas: h.minReplicas, maxReplicas: h.maxReplicas, targetPercent: h.cpuTargetPercent, scaleUpStabilizationMs: h.scaleUpStabilizationMs, scaleDownStabilizationMs: h.scaleDownStabilizationMs };
}
