/**
 * `kubectl drain <node>` against a PodDisruptionBudget. kubectl cordons the node, then asks the
 * Eviction API for every pod on it; the API server allows an eviction only while the pods the PDB
 * selects that are healthy (ready, not terminating) exceed its desiredHealthy, and answers 429
 * otherwise. kubectl retries each refused pod every 5 s and, with the default --timeout=0, forever.
 * Each evicted pod's ReplicaSet creates a replacement at once on another node (the drained one is
 * cordoned), which joins the budget when it is ready. So:
 * - 1 replica, minAvailable 1: every attempt is refused; the drain blocks (and the node stays up);
 * - 1 replica, no PDB: the pod goes at once, and nothing serves until its replacement is ready;
 * - 2+ replicas, minAvailable 1: pods go one at a time, each after the previous replacement is ready.
 */
import { sortEvents, startEvents, terminationEvents, type PodEvent, type PodLifecycle } from './lifecycle.ts';

export const KUBECTL_DRAIN_RETRY_MS = 5000;

export interface DrainInput {
  /** When `kubectl drain` starts (ms on the simulation clock). */
  at: number;
  /** The Deployment's pods, all running and ready at `at`, and the node each runs on. */
  pods: ReadonlyArray<{ name: string; node: string }>;
  node: string;
  /**
   * The PDB's desiredHealthy over these pods (desiredHealthy() from engine/config/k8s/workloads), or
   * undefined when no PDB selects them.
   */
  minHealthy?: number;
  lifecycle: PodLifecycle;
  /** Give up (report blocked) after this instant; kubectl's default would wait forever. */
  until: number;
  retryMs?: number;
  replacementPrefix?: string;
}

export interface Eviction {
  pod: string;
  /** Refused attempts (429 TooManyRequests: "would violate the pod's disruption budget"). */
  refused: number;
  firstRefusedAt?: number;
  evictedAt?: number;
}

export interface DrainPlan {
  events: PodEvent[];
  evictions: Eviction[];
  /** Every pod on the node evicted and killed: `kubectl drain` returns. */
  drainedAt?: number;
  /** Pods still on the node at `until`, and why. */
  blocked?: { pods: string[]; since: number; reason: string };
}

interface Pod {
  name: string;
  readyAt: number;
  terminating: boolean;
}

export function planDrain(input: DrainInput): DrainPlan {
  const { at, lifecycle: lc } = input;
  const retry = input.retryMs ?? KUBECTL_DRAIN_RETRY_MS;
  const prefix = input.replacementPrefix ?? 'replacement';
  const pods: Pod[] = input.pods.map((p) => ({ name: p.name, readyAt: at, terminating: false }));
  const onNode = input.pods.filter((p) => p.node === input.node).map((p) => p.name);
  const evictions: Eviction[] = onNode.map((pod) => ({ pod, refused: 0 }));
  const events: PodEvent[] = [];
  let replaced = 0;
  let lastKill = at;

  const healthy = (t: number): number => pods.filter((p) => !p.terminating && p.readyAt <= t).length;
  for (let t = at; t <= input.until; t += retry) {
    for (const ev of evictions) {
      if (ev.evictedAt !== undefined) continue;
      const h = healthy(t);
      if (input.minHealthy !== undefined && h - 1 < input.minHealthy) {
        ev.refused++;
        ev.firstRefusedAt ??= t;
        continue;
      }
      ev.evictedAt = t;
      const pod = pods.find((p) => p.name === ev.pod) as Pod;
      pod.terminating = true;
      const budget = input.minHealthy === undefined ? 'no PodDisruptionBudget selects it' : `${h} healthy, the budget needs ${input.minHealthy}`;
      const ends = terminationEvents(ev.pod, t, lc, `evicted by kubectl drain ${input.node} (${budget})`);
      lastKill = Math.max(lastKill, (ends[ends.length - 1] as PodEvent).t);
      const name = `${prefix}-${replaced++}`;
      pods.push({ name, readyAt: t + lc.startupMs, terminating: false });
      events.push(...ends, ...startEvents(name, t, lc, `the ReplicaSet replaces ${ev.pod} on another node (${input.node} is cordoned)`));
    }
    if (evictions.every((e) => e.evictedAt !== undefined)) break;
  }
  const plan: DrainPlan = { events: sortEvents(events), evictions };
  const left = evictions.filter((e) => e.evictedAt === undefined);
  if (left.length === 0) plan.drainedAt = lastKill;
  else {
    plan.blocked = {
      pods: left.map((e) => e.pod),
      since: Math.min(...left.map((e) => e.firstRefusedAt ?? at)),
      reason: `the PodDisruptionBudget needs ${input.minHealthy} healthy pod(s) and evicting one more would leave fewer; kubectl drain retries every ${retry / 1000} s and waits`,
    };
  }
  return plan;
}
