/**
 * A Deployment's RollingUpdate as the Deployment controller runs it (pkg/controller/deployment
 * rolling.go), reduced to what the gateway's traffic feels. The controller reacts to every pod
 * change at once (its sync is event-driven), so the plan reconciles at the start and whenever a new
 * pod becomes ready:
 * - scale up the new ReplicaSet while pods (not counting terminating ones) stay ≤ replicas + maxSurge;
 * - scale down old pods while available pods stay ≥ replicas − maxUnavailable, counting new pods that
 *   are not ready yet as unavailable (NewRSNewReplicas, reconcileOldReplicaSets).
 * Terminating pods do not count against maxSurge (the default podReplacementPolicy), so during their
 * grace period more than replicas + maxSurge pods may exist — as in a real cluster.
 */
import { sortEvents, startEvents, terminationEvents, type PodEvent, type PodLifecycle } from './lifecycle.ts';

export interface RollingDeployInput {
  /** When the new pod template is applied (ms on the simulation clock). */
  at: number;
  replicas: number;
  /** Resolved pod counts (resolveFenceposts from engine/config/k8s/workloads). */
  maxSurge: number;
  maxUnavailable: number;
  lifecycle: PodLifecycle;
  /** Pod name prefixes; pods are `<prefix>-<n>`. */
  oldPrefix?: string;
  newPrefix?: string;
  /**
   * Replace only this many pods, then hold: a canary step. Argo Rollouts' `setWeight` without a
   * traffic router scales the new ReplicaSet to that share of the pods and the old one down by the
   * same number, then `pause` holds there. Default: every pod (a complete rollout).
   */
  pauseAfter?: number;
}

export interface RollingDeployPlan {
  /** Pods running and ready at `at`, before the first event. */
  initialPods: string[];
  events: PodEvent[];
  /** The controller's view: every pod new and ready, every old pod terminating. */
  completeAt: number;
  /** The last event: the last old pod killed. */
  quietAt: number;
}

interface Pod {
  name: string;
  isNew: boolean;
  readyAt: number;
  terminating: boolean;
}

export function planRollingDeploy(input: RollingDeployInput): RollingDeployPlan {
  const { at, replicas: R, lifecycle: lc } = input;
  if (!Number.isInteger(R) || R < 0) throw new RangeError(`replicas must be a non-negative integer, not ${R}`);
  if (input.maxSurge === 0 && input.maxUnavailable === 0) throw new RangeError('maxSurge and maxUnavailable cannot both be 0 (resolveFenceposts makes maxUnavailable 1)');
  const oldPrefix = input.oldPrefix ?? 'old';
  const newPrefix = input.newPrefix ?? 'new';
  const pods: Pod[] = Array.from({ length: R }, (_, i) => ({ name: `${oldPrefix}-${i}`, isNew: false, readyAt: at, terminating: false }));
  const initialPods = pods.map((p) => p.name);
  const events: PodEvent[] = [];
  let created = 0;
  const maxTotal = R + input.maxSurge;
  const minAvailable = R - input.maxUnavailable;
  const target = Math.min(R, input.pauseAfter ?? R);
  if (!Number.isInteger(target) || target < 0) throw new RangeError(`pauseAfter must be a non-negative integer, not ${input.pauseAfter}`);
  // During a canary step the old ReplicaSet keeps R − target pods: it only makes room for new ones.
  const keepOld = R - target;

  const reconcile = (t: number): boolean => {
    const live = pods.filter((p) => !p.terminating);
    const fresh = live.filter((p) => p.isNew);
    const toCreate = Math.max(0, Math.min(maxTotal - live.length, target - fresh.length));
    for (let i = 0; i < toCreate; i++) {
      const name = `${newPrefix}-${created++}`;
      pods.push({ name, isNew: true, readyAt: t + lc.startupMs, terminating: false });
      events.push(...startEvents(name, t, lc, `the new ReplicaSet scales up (${live.length + i + 1} of at most ${maxTotal} pods)`));
    }
    const all = pods.filter((p) => !p.terminating);
    const newUnavailable = all.filter((p) => p.isNew && p.readyAt > t).length;
    const old = all.filter((p) => !p.isNew);
    // Unready old pods go first (cleanupUnhealthyReplicas), then the oldest-numbered ready ones.
    old.sort((a, b) => Number(a.readyAt <= t) - Number(b.readyAt <= t));
    const canKill = Math.min(old.length - keepOld, Math.max(0, all.length - minAvailable - newUnavailable));
    for (const p of old.slice(0, canKill)) {
      p.terminating = true;
      events.push(...terminationEvents(p.name, t, lc, `the old ReplicaSet scales down (keeping at least ${minAvailable} available)`));
    }
    return toCreate > 0 || canKill > 0;
  };

  let t = at;
  let completeAt = at;
  for (let guard = 0; guard < 10 * (R + 2) * (R + 2); guard++) {
    while (reconcile(t));
    const live = pods.filter((p) => !p.terminating);
    const freshReady = live.filter((p) => p.isNew && p.readyAt <= t).length;
    if (freshReady === target && live.length === R && live.filter((p) => p.isNew).length === target) {
      completeAt = t;
      break;
    }
    const next = Math.min(...live.filter((p) => p.readyAt > t).map((p) => p.readyAt));
    if (!Number.isFinite(next)) break;
    t = next;
  }
  const sorted = sortEvents(events);
  return { initialPods, events: sorted, completeAt, quietAt: sorted.length ? (sorted[sorted.length - 1] as PodEvent).t : at };
}
