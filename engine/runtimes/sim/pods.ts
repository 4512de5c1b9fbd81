/**
 * The gateway's replicas as Kubernetes pods (docs/kubernetes-ops.md, "Interface for the simulation").
 * The pure planners in ./k8s/ say *when* each pod is created, becomes ready, starts terminating, leaves
 * the endpoints, stops its process and is killed; this fleet plays those plans on the event queue and
 * answers the front balancer's two questions: which pods may it route to, and does a pod still accept
 * connections. Plans are made at the instant of their event from the pods alive then, so a deploy after
 * a drain starts from the drain's replacements.
 *
 * Lifecycle in the trace: `breaker.transition` with machine `pod` (created → ready → terminating →
 * stopped → killed, subject = pod name) and machine `endpoints` (listed → removed) for the moment the
 * routers stop sending it requests; `node` for a drain (schedulable → cordoned → drained | blocked).
 * Transitions rather than scenario.event lines because `transition` expectations can count them and
 * the lab already draws them as state changes.
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import { desiredHealthy } from '../../config/k8s/workloads/index.ts';
import type { KubernetesSpec } from '../../scenario/types.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { lifecycleFromDeployment, planDrain, planRollingDeploy, rolloutBounds, sortEvents, startEvents, terminationEvents, type PodEvent, type PodLifecycle } from './k8s/index.ts';

export interface PodReplica {
  readonly name: string;
}

interface Pod<R extends PodReplica> {
  replica: R;
  node: string;
  revision: number;
  routable: boolean;
  accepting: boolean;
  terminating: boolean;
  state: 'created' | 'ready' | 'terminating' | 'stopped' | 'killed';
  /** Cuts for the requests in flight on this pod (the front answers 502 when the pod is killed). */
  inflight: Set<() => void>;
}

export interface PodFleetOptions<R extends PodReplica> {
  spec: KubernetesSpec;
  queue: EventQueue;
  sink: TraceSink;
  /** Makes a replica (a fresh gateway) for a new pod running config revision `revision`. */
  create(name: string, revision: number): R;
  /** The pod is gone: drop it from the host's replica list. */
  remove(replica: R): void;
  /** The run's end, where a blocked drain stops retrying. */
  untilMs: number;
}

export class PodFleet<R extends PodReplica> {
  readonly lifecycle: PodLifecycle;
  private readonly pods = new Map<string, Pod<R>>();
  private readonly cordoned = new Set<string>();
  private revision = 1;
  private nextIndex = new Map<number, number>();
  private placed = 0;
  /** The Deployment's replica count (an HPA changes it). */
  desired: number;

  constructor(private readonly o: PodFleetOptions<R>) {
    this.lifecycle = lifecycleFromDeployment(o.spec.deployment, { appReadyMs: o.spec.appReadyMs, endpointRemovalLagMs: o.spec.endpointRemovalLagMs });
    this.desired = o.spec.deployment.replicas;
  }

  /** The pods that exist when the run starts: created and ready at 0 (the cluster was already up). */
  start(): R[] {
    return Array.from({ length: this.desired }, () => {
      const pod = this.make(this.newName(this.revision));
      pod.routable = true;
      pod.state = 'ready';
      return pod.replica;
    });
  }

  /** Pods in the endpoints (ready, not yet removed), in creation order: what the front may pick. */
  routable(): R[] {
    return [...this.pods.values()].filter((p) => p.routable).map((p) => p.replica);
  }

  /** Whether the pod's process still accepts connections (false from process-stops on). */
  accepting(name: string): boolean {
    return this.pods.get(name)?.accepting ?? false;
  }

  node(name: string): string | undefined {
    return this.pods.get(name)?.node;
  }

  /** Ready pods that are not terminating: the ones a controller counts as available. */
  ready(): R[] {
    return [...this.pods.values()].filter((p) => p.state === 'ready').map((p) => p.replica);
  }

  /** Registers a request in flight on a pod; returns the function that unregisters it. */
  track(name: string, cut: () => void): () => void {
    const pod = this.pods.get(name);
    if (!pod) return () => undefined;
    pod.inflight.add(cut);
    return () => pod.inflight.delete(cut);
  }

  /** A rolling deploy of a new revision (returns it, so the host can bind it to a config). */
  deploy(at: number, pauseAfter?: number): number {
    const rev = ++this.revision;
    const current = this.serving();
    const bounds = rolloutBounds({ ...this.o.spec.deployment, replicas: current.length });
    const plan = planRollingDeploy({ at, replicas: current.length, maxSurge: bounds.maxSurge, maxUnavailable: bounds.maxUnavailable, lifecycle: this.lifecycle, oldPrefix: '\u0000old', newPrefix: '\u0000new', ...(pauseAfter !== undefined ? { pauseAfter } : {}) });
    const names = new Map(plan.initialPods.map((p, i) => [p, (current[i] as Pod<R>).replica.name]));
    this.play(plan.events, names, rev);
    const step = pauseAfter !== undefined && pauseAfter < current.length ? ` — a canary step: ${pauseAfter} of ${current.length} pods, then paused` : '';
    this.scenarioEvent('deploy', `rolling deploy of revision ${rev}${step}: ${current.length} pods, maxSurge ${bounds.maxSurge}, maxUnavailable ${bounds.maxUnavailable}; preStop ${this.lifecycle.preStopMs} ms, endpoint-removal lag ${this.lifecycle.endpointRemovalLagMs} ms`);
    return rev;
  }

  /** `kubectl drain node`: cordon, then evict through the PDB; replacements run the current revision. */
  drain(at: number, node: string): void {
    this.cordoned.add(node);
    const current = this.serving();
    const pdb = this.o.spec.pdb;
    const minHealthy = pdb ? desiredHealthy(pdb, this.desired) : undefined;
    const plan = planDrain({
      at, node, lifecycle: this.lifecycle, until: this.o.untilMs, replacementPrefix: '\u0000new',
      pods: current.map((p) => ({ name: p.replica.name, node: p.node })),
      ...(minHealthy !== undefined ? { minHealthy } : {}),
    });
    this.play(plan.events, new Map(current.map((p) => [p.replica.name, p.replica.name])), this.revision);
    const onNode = current.filter((p) => p.node === node).map((p) => p.replica.name);
    this.scenarioEvent('drain', `kubectl drain ${node}: cordoned; evicting ${onNode.length ? onNode.join(', ') : 'no gateway pod'}${pdb ? ` (PodDisruptionBudget ${pdb.name}: ${minHealthy} must stay healthy)` : ' (no PodDisruptionBudget)'}`);
    this.transition('node', node, node, 'schedulable', 'cordoned', `kubectl drain ${node}: no new pod is scheduled here`);
    if (plan.drainedAt !== undefined) {
      this.at(plan.drainedAt, () => this.transition('node', node, node, 'cordoned', 'drained', `every gateway pod on ${node} is gone: kubectl drain returns and the node can be serviced`));
    }
    const blocked = plan.blocked;
    if (blocked) {
      this.at(blocked.since, () => {
        this.transition('node', node, node, 'cordoned', 'blocked', `eviction of ${blocked.pods.join(', ')} refused (429): ${blocked.reason}`);
        this.scenarioEvent('drain', `kubectl drain ${node} is blocked: ${blocked.reason}. It waits forever (--timeout=0); the node cannot be serviced.`);
      });
    }
  }

  /** HPA: change the replica count now (scale up with new pods, down by terminating the newest). */
  scale(at: number, to: number, why: string): void {
    const current = this.serving();
    const events: PodEvent[] = [];
    const names = new Map(current.map((p) => [p.replica.name, p.replica.name]));
    if (to > current.length) {
      for (let i = current.length; i < to; i++) events.push(...startEvents(`\u0000new-${i}`, at, this.lifecycle, `HPA: ${why}`));
    } else {
      for (const p of current.slice(to).reverse()) events.push(...terminationEvents(p.replica.name, at, this.lifecycle, `HPA: ${why}`));
    }
    this.desired = to;
    this.play(sortEvents(events), names, this.revision);
  }

  /** Pods alive and not terminating, oldest first: the ones a new plan starts from. */
  private serving(): Array<Pod<R>> {
    return [...this.pods.values()].filter((p) => !p.terminating);
  }

  private play(events: readonly PodEvent[], names: Map<string, string>, rev: number): void {
    for (const e of events) {
      let name = names.get(e.pod);
      if (name === undefined) names.set(e.pod, (name = this.newName(rev)));
      const pod = name;
      this.at(e.t, () => this.apply(e, pod, rev));
    }
  }

  private apply(e: PodEvent, name: string, rev: number): void {
    if (e.kind === 'pod-created') {
      this.make(name, rev);
      this.transition('pod', name, name, 'none', 'created', e.detail);
      return;
    }
    const pod = this.pods.get(name);
    if (!pod) return;
    if (e.kind === 'pod-ready') {
      if (pod.terminating) return;
      pod.routable = true;
      this.move(pod, 'ready', e.detail);
    } else if (e.kind === 'pod-terminating') {
      if (pod.terminating) return; // already on its way out (two plans touched it)
      pod.terminating = true;
      this.move(pod, 'terminating', e.detail);
    } else if (e.kind === 'endpoints-removed') {
      if (!pod.routable) return;
      pod.routable = false;
      this.transition('endpoints', name, name, 'listed', 'removed', e.detail);
    } else if (e.kind === 'process-stops') {
      if (!pod.accepting) return;
      pod.accepting = false;
      this.move(pod, 'stopped', e.detail);
    } else {
      this.pods.delete(name);
      pod.routable = pod.accepting = false;
      const cuts = [...pod.inflight];
      pod.inflight.clear();
      this.move(pod, 'killed', cuts.length ? `${e.detail} (${cuts.length} request(s))` : e.detail);
      for (const cut of cuts) cut();
      this.o.remove(pod.replica);
    }
  }

  private make(name: string, rev = this.revision): Pod<R> {
    const pod: Pod<R> = { replica: this.o.create(name, rev), node: this.place(), revision: rev, routable: false, accepting: true, terminating: false, state: 'created', inflight: new Set() };
    this.pods.set(name, pod);
    return pod;
  }

  /** spread: round-robin over the nodes; one-node: the first; either way skipping cordoned nodes. */
  private place(): string {
    const nodes = this.o.spec.nodes;
    const open = nodes.filter((n) => !this.cordoned.has(n));
    // Every node cordoned: a real pod would stay Pending; the model lets it run on the first node.
    const pool = open.length > 0 ? open : nodes;
    if (this.o.spec.placement === 'one-node') return pool[0] as string;
    return pool[this.placed++ % pool.length] as string;
  }

  private newName(rev: number): string {
    const n = this.nextIndex.get(rev) ?? 0;
    this.nextIndex.set(rev, n + 1);
    return `${this.o.spec.deployment.name}-v${rev}-${n}`;
  }

  private move(pod: Pod<R>, to: Pod<R>['state'], reason: string): void {
    const from = pod.state;
    pod.state = to;
    this.transition('pod', pod.replica.name, pod.replica.name, from, to, reason);
  }

  private transition(machine: string, replica: string, subject: string, from: string, to: string, reason: string): void {
    this.o.sink.emit({ type: 'breaker.transition', t: this.o.queue.now, replica, machine, subject, from, to, reason });
  }

  private scenarioEvent(kind: string, detail: string): void {
    this.o.sink.emit({ type: 'scenario.event', t: this.o.queue.now, kind, detail });
  }

  private at(t: number, run: () => void): void {
    this.o.queue.schedule(Math.max(t, this.o.queue.now), PRIORITY.control, run, undefined);
  }
}
