/**
 * The pod fleet plays the planners' events: which pods the front may pick, when a pod refuses
 * connections, drains through a PDB, and the trace it leaves. The property: over any rolling deploy,
 * the front's candidates are exactly the pods that are ready and still listed, and a pod stops while
 * still listed exactly when the preStop sleep is shorter than the lag. Set FC_SEED to replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../core/event-queue.ts';
import type { DeploymentSpec, PdbSpec } from '../../config/k8s/workloads/index.ts';
import type { KubernetesSpec } from '../../scenario/types.ts';
import type { BreakerTransitionEvent, TraceEvent } from '../../trace/events.ts';
import { PodFleet } from './pods.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] pods seed=${seed} (replay: FC_SEED=${seed})`);

function deployment(replicas: number, preStopMs = 0, graceMs = 30_000): DeploymentSpec {
  return {
    name: 'gw', namespace: 'ns', replicas, file: 'd.yaml', podLabels: { app: 'gw' }, terminationGracePeriodMs: graceMs,
    strategy: { type: 'RollingUpdate', maxSurge: { kind: 'percent', value: 25 }, maxUnavailable: { kind: 'percent', value: 25 } },
    containers: [{ name: 'gateway', ...(preStopMs > 0 ? { preStop: { kind: 'sleep' as const, ms: preStopMs } } : {}) }],
  } as DeploymentSpec;
}

const PDB: PdbSpec = { name: 'pdb', namespace: 'ns', selector: { app: 'gw' }, budget: { field: 'minAvailable', value: { kind: 'int', value: 1 } }, file: 'p.yaml' };

function fleetFor(spec: Partial<KubernetesSpec> & { deployment: DeploymentSpec }) {
  const queue = new EventQueue();
  const events: TraceEvent[] = [];
  const sink = { level: 'summary' as const, wants: () => true, emit: (e: TraceEvent) => void events.push(e) };
  const alive: string[] = [];
  const fleet = new PodFleet<{ name: string }>({
    spec: { nodes: ['a', 'b'], placement: 'spread', endpointRemovalLagMs: 2000, appReadyMs: 5000, ...spec },
    queue, sink, untilMs: 60_000,
    create: (name) => (alive.push(name), { name }),
    remove: (r) => alive.splice(alive.indexOf(r.name), 1),
  });
  fleet.start();
  const transitions = (machine: string): BreakerTransitionEvent[] => events.filter((e): e is BreakerTransitionEvent => e.type === 'breaker.transition' && e.machine === machine);
  return { queue, fleet, events, alive, transitions };
}

describe('PodFleet', () => {
  it('names the first pods after the Deployment and spreads them over the nodes', () => {
    const { fleet, alive } = fleetFor({ deployment: deployment(3) });
    expect(alive).toEqual(['gw-v1-0', 'gw-v1-1', 'gw-v1-2']);
    expect(fleet.routable().map((r) => r.name)).toEqual(alive);
    expect(['gw-v1-0', 'gw-v1-1', 'gw-v1-2'].map((p) => fleet.node(p))).toEqual(['a', 'b', 'a']);
  });

  it('a deploy without preStop leaves each old pod listed but refusing for the lag', () => {
    const { queue, fleet, transitions } = fleetFor({ deployment: deployment(3) });
    fleet.deploy(10_000);
    const seen: Array<[number, string, boolean]> = [];
    while (queue.step()) {
      for (const r of fleet.routable()) if (!fleet.accepting(r.name)) seen.push([queue.now, r.name, false]);
    }
    expect([...new Set(seen.map(([t, p]) => `${t} ${p}`))]).toEqual(['15000 gw-v1-0', '20000 gw-v1-1', '25000 gw-v1-2']);
    expect(transitions('endpoints').map((e) => [e.t, e.subject])).toEqual([[17_000, 'gw-v1-0'], [22_000, 'gw-v1-1'], [27_000, 'gw-v1-2']]);
    expect(fleet.routable().map((r) => r.name)).toEqual(['gw-v2-0', 'gw-v2-1', 'gw-v2-2']);
    expect(transitions('pod').filter((e) => e.to === 'killed')).toHaveLength(3);
  });

  it('a preStop sleep at least as long as the lag takes the pod out of the endpoints before it stops', () => {
    const { queue, fleet } = fleetFor({ deployment: deployment(3, 2000) });
    fleet.deploy(0);
    while (queue.step()) for (const r of fleet.routable()) expect(fleet.accepting(r.name)).toBe(true);
  });

  it('cuts the requests in flight when a pod is killed', () => {
    const { queue, fleet } = fleetFor({ deployment: deployment(1) });
    let cut = 0;
    fleet.track('gw-v1-0', () => cut++);
    const untrack = fleet.track('gw-v1-0', () => cut++);
    untrack();
    fleet.drain(0, 'a');
    while (queue.step());
    expect(cut).toBe(1);
  });

  it('one replica with minAvailable 1: the drain is blocked and the pod keeps serving', () => {
    const { queue, fleet, transitions } = fleetFor({ deployment: deployment(1), pdb: PDB });
    fleet.drain(1000, 'a');
    while (queue.step());
    expect(transitions('node').map((e) => e.to)).toEqual(['cordoned', 'blocked']);
    expect(fleet.routable().map((r) => r.name)).toEqual(['gw-v1-0']);
  });

  it('one replica without a PDB: nothing is routable until the replacement, on another node, is ready', () => {
    const { queue, fleet } = fleetFor({ deployment: deployment(1) });
    fleet.drain(0, 'a');
    const empty: number[] = [];
    while (queue.step()) if (fleet.routable().length === 0) empty.push(queue.now);
    expect(Math.min(...empty)).toBe(2000);
    expect(fleet.node('gw-v1-1')).toBe('b');
  });

  it('the HPA scale changes add pods and terminate the newest', () => {
    const { queue, fleet } = fleetFor({ deployment: deployment(2) });
    fleet.scale(0, 3, 'cpu above target');
    while (queue.step());
    expect(fleet.routable().map((r) => r.name)).toEqual(['gw-v1-0', 'gw-v1-1', 'gw-v1-2']);
    fleet.scale(queue.now, 1, 'cpu below target');
    while (queue.step());
    expect(fleet.routable().map((r) => r.name)).toEqual(['gw-v1-0']);
  });

  it('property: the front only ever sees ready, listed pods; refusals exist exactly when preStop < lag', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1000, max: 40_000 }),
        (replicas, preStop, lag, grace) => {
          const { queue, fleet, transitions } = fleetFor({ deployment: deployment(replicas, preStop, grace), endpointRemovalLagMs: lag });
          fleet.deploy(0);
          const refusing = new Set<string>();
          while (queue.step()) {
            const pods = transitions('pod');
            const listed = new Set(transitions('endpoints').map((e) => e.subject));
            const killed = new Set(pods.filter((e) => e.to === 'killed').map((e) => e.subject));
            const ready = new Set(pods.filter((e) => e.to === 'ready').map((e) => e.subject));
            for (const r of fleet.routable()) {
              const initial = r.name.startsWith('gw-v1-');
              if (!(initial || ready.has(r.name)) || listed.has(r.name) || killed.has(r.name)) return false;
              if (!fleet.accepting(r.name)) refusing.add(r.name);
            }
          }
          const hook = Math.min(preStop, grace);
          return hook < lag ? refusing.size === replicas : refusing.size === 0;
        },
      ),
      { seed, numRuns: 60 },
    );
  });
});
