/**
 * The rolling deploy and the pod termination sequence: the lesson's "deploy 502 blips" (anti-pattern
 * #3) come from timing alone — a pod's process stops before the endpoints forget it — and a preStop
 * sleep at least as long as the endpoint-removal lag closes the window.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE, podStatesAt, refusalWindows, terminationEvents, type PodLifecycle } from './lifecycle.ts';
import { planRollingDeploy } from './rolling-deploy.ts';

const lc = (over: Partial<PodLifecycle> = {}): PodLifecycle => ({ ...DEFAULT_LIFECYCLE, startupMs: 10_000, endpointRemovalLagMs: 2000, ...over });

describe('pod termination', () => {
  it('without preStop the process stops at once, 2 s before the endpoints forget the pod', () => {
    const ev = terminationEvents('p', 1000, lc(), 'deleted');
    expect(ev.map((e) => [e.kind, e.t])).toEqual([
      ['pod-terminating', 1000],
      ['process-stops', 1000],
      ['endpoints-removed', 3000],
      ['pod-killed', 31_000],
    ]);
    expect(refusalWindows(ev)).toEqual([{ pod: 'p', from: 1000, to: 3000 }]);
  });

  it("the lesson's fix (preStop sleep 15, grace 60): removal first, then SIGTERM, kill at 60 s", () => {
    const ev = terminationEvents('p', 0, lc({ preStopMs: 15_000, terminationGracePeriodMs: 60_000 }), 'deleted');
    expect(ev.map((e) => [e.kind, e.t])).toEqual([
      ['pod-terminating', 0],
      ['endpoints-removed', 2000],
      ['process-stops', 15_000],
      ['pod-killed', 60_000],
    ]);
    expect(refusalWindows(ev)).toEqual([]);
  });

  it('a preStop equal to the lag leaves no window; one shorter leaves the difference', () => {
    expect(refusalWindows(terminationEvents('p', 0, lc({ preStopMs: 2000 }), 'x'))).toEqual([]);
    expect(refusalWindows(terminationEvents('p', 0, lc({ preStopMs: 1500 }), 'x'))).toEqual([{ pod: 'p', from: 1500, to: 2000 }]);
  });

  it('a preStop longer than the grace period is cut at the grace period, and SIGKILL comes 2 s later', () => {
    const ev = terminationEvents('p', 0, lc({ preStopMs: 90_000, terminationGracePeriodMs: 30_000 }), 'x');
    expect(ev.filter((e) => e.kind === 'process-stops' || e.kind === 'pod-killed').map((e) => e.t)).toEqual([30_000, 32_000]);
  });

  it('pod states follow the events: routable until removal, accepting until SIGTERM', () => {
    const ev = terminationEvents('p', 0, lc(), 'x');
    expect(podStatesAt(ev, 1000, ['p']).get('p')).toEqual({ alive: true, routable: true, accepting: false, terminating: true });
    expect(podStatesAt(ev, 2000, ['p']).get('p')).toMatchObject({ routable: false });
    expect(podStatesAt(ev, 30_000, ['p']).get('p')).toMatchObject({ alive: false });
  });
});

describe('rolling deploy', () => {
  it('3 replicas, maxSurge 1, maxUnavailable 0: one new pod at a time, an old one goes as each is ready', () => {
    const plan = planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc() });
    const brief = plan.events.filter((e) => e.kind === 'pod-created' || e.kind === 'pod-ready' || e.kind === 'pod-terminating').map((e) => `${e.t / 1000}s ${e.kind} ${e.pod}`);
    expect(brief).toEqual([
      '0s pod-created new-0',
      '10s pod-ready new-0',
      '10s pod-terminating old-0',
      '10s pod-created new-1',
      '20s pod-ready new-1',
      '20s pod-terminating old-1',
      '20s pod-created new-2',
      '30s pod-ready new-2',
      '30s pod-terminating old-2',
    ]);
    expect(plan.initialPods).toEqual(['old-0', 'old-1', 'old-2']);
    expect(plan.completeAt).toBe(30_000);
    expect(plan.quietAt).toBe(60_000);
  });

  it('without preStop every old pod leaves a 2 s window of refused connections (the lesson’s 502 blip)', () => {
    const plan = planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc() });
    expect(refusalWindows(plan.events)).toEqual([
      { pod: 'old-0', from: 10_000, to: 12_000 },
      { pod: 'old-1', from: 20_000, to: 22_000 },
      { pod: 'old-2', from: 30_000, to: 32_000 },
    ]);
  });

  it('with snippet 14’s numbers (preStop 15 s, grace 60 s) there is none', () => {
    const plan = planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc({ preStopMs: 15_000, terminationGracePeriodMs: 60_000 }) });
    expect(refusalWindows(plan.events)).toEqual([]);
  });

  it('maxSurge 0, maxUnavailable 1: an old pod goes first, then its replacement starts', () => {
    const plan = planRollingDeploy({ at: 5000, replicas: 2, maxSurge: 0, maxUnavailable: 1, lifecycle: lc() });
    expect(plan.events.slice(0, 2).map((e) => `${e.t} ${e.kind} ${e.pod}`)).toEqual(['5000 pod-terminating old-0', '5000 process-stops old-0']);
    expect(plan.events.find((e) => e.kind === 'pod-created')?.t).toBe(5000);
    expect(plan.completeAt).toBe(25_000);
  });

  it('a canary step (pauseAfter 1) replaces one pod of three and holds: one refusal window, not three', () => {
    const plan = planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc(), pauseAfter: 1 });
    const brief = plan.events.filter((e) => e.kind === 'pod-created' || e.kind === 'pod-ready' || e.kind === 'pod-terminating').map((e) => `${e.t / 1000}s ${e.kind} ${e.pod}`);
    expect(brief).toEqual(['0s pod-created new-0', '10s pod-ready new-0', '10s pod-terminating old-0']);
    expect(refusalWindows(plan.events)).toEqual([{ pod: 'old-0', from: 10_000, to: 12_000 }]);
    expect(plan.completeAt).toBe(10_000);
  });

  it('a canary step keeps replicas − pauseAfter old pods even when maxUnavailable would allow fewer', () => {
    const plan = planRollingDeploy({ at: 0, replicas: 4, maxSurge: 1, maxUnavailable: 1, lifecycle: lc(), pauseAfter: 1 });
    const killed = plan.events.filter((e) => e.kind === 'pod-terminating').map((e) => e.pod);
    expect(killed).toEqual(['old-0']);
    expect(plan.events.filter((e) => e.kind === 'pod-created')).toHaveLength(1);
  });

  it('pauseAfter at or above replicas is a complete rollout; a fraction is refused', () => {
    const full = planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc() });
    expect(planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc(), pauseAfter: 5 })).toEqual(full);
    expect(() => planRollingDeploy({ at: 0, replicas: 3, maxSurge: 1, maxUnavailable: 0, lifecycle: lc(), pauseAfter: 1.5 })).toThrow(/pauseAfter/);
  });
});
