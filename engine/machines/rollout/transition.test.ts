import { describe, expect, it } from 'vitest';
import type { RolloutAnalysis, RolloutEvent, RolloutPlan, RolloutState, RolloutStep } from './plan.ts';
import { startRollout, transition } from './transition.ts';

/** 2026-01-01T12:00:00Z, so reasons print readable times. */
const T0 = 1_767_268_800_000;
const S = 1000;

const analysis = (over: Partial<RolloutAnalysis> = {}): RolloutAnalysis => ({ windowMs: 60 * S, maxErrorRate: 0.01, minRequests: 10, maxFailedChecks: 1, ...over });
const health = (weight: number, pauseMs: number): RolloutStep => ({ weight, advance: { kind: 'health', pauseMs } });
const after = (weight: number, pauseMs: number): RolloutStep => ({ weight, advance: { kind: 'after', pauseMs } });
const at = (weight: number, atMs: number): RolloutStep => ({ weight, advance: { kind: 'at', atMs } });

/** Feeds events in order and returns the final state and every change. */
function play(plan: RolloutPlan, events: RolloutEvent[], state: RolloutState = startRollout(plan, T0)) {
  const changes = [];
  for (const e of events) {
    const r = transition(plan, state, e);
    state = r.state;
    changes.push(...r.changes);
  }
  return { state, changes };
}

/** n canary (or primary) requests ending at T0 + dt; the last `failed` of them fail. */
const observe = (dt: number, n: number, failed: number, canary = true): RolloutEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'observe' as const, now: T0 + dt, canary, failed: i >= n - failed }));

describe('rollout transition (pure)', () => {
  it('starts progressing on step 1 at the first weight', () => {
    const plan: RolloutPlan = { steps: [health(5, 60 * S), health(10, 60 * S)], analysis: analysis() };
    expect(startRollout(plan, T0)).toMatchObject({ status: 'progressing', step: 0, weight: 5, startedAt: T0, stepStartedAt: T0 });
  });

  it('time steps are left lazily, each at its own instant, however late the tick comes', () => {
    const plan: RolloutPlan = { steps: [after(5, 30 * S), after(10, 30 * S), after(25, 30 * S)], analysis: analysis() };
    const { state, changes } = play(plan, [{ type: 'tick', now: T0 + 75 * S }]);
    expect(changes.map((c) => [c.kind, c.at - T0])).toEqual([['advance', 30 * S], ['advance', 60 * S]]);
    expect(changes[0]?.reason).toBe('step 1 → 2: held 5 % for 30s; canary weight 5 % → 10 %');
    expect(state).toMatchObject({ status: 'progressing', step: 2, weight: 25, stepStartedAt: T0 + 60 * S });
    const done = play(plan, [{ type: 'tick', now: T0 + 90 * S }], state);
    expect(done.state).toMatchObject({ status: 'promoted', weight: 100 });
    expect(done.changes[0]?.reason).toBe('step 3 of 3 passed: held 25 % for 30s; promoted: canary weight 25 % → 100 %, every request goes to the canary');
  });

  it('an `at` step is left at start + offset, or as soon as it begins when that instant is past', () => {
    const plan: RolloutPlan = { steps: [after(5, 90 * S), at(10, 60 * S), at(50, 120 * S)], analysis: analysis() };
    const { state, changes } = play(plan, [{ type: 'tick', now: T0 + 100 * S }]);
    expect(changes.map((c) => c.at - T0)).toEqual([90 * S, 90 * S]);
    expect(changes[1]?.reason).toBe('step 2 → 3: scheduled instant start + 1m0s (12:01:00) reached; canary weight 10 % → 50 %');
    expect(state.step).toBe(2);
  });

  it('a health gate advances after its pause when this step’s canary requests pass', () => {
    const plan: RolloutPlan = { steps: [health(10, 60 * S), health(25, 60 * S)], analysis: analysis() };
    const events = [...observe(10 * S, 808, 0), ...observe(20 * S, 4, 3), { type: 'tick' as const, now: T0 + 60 * S }];
    const { state, changes } = play(plan, events);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.reason).toBe('step 1 → 2: canary error rate 0.37 % ≤ 1 % over 812 requests; canary weight 10 % → 25 %');
    expect(state).toMatchObject({ status: 'progressing', step: 1, weight: 25, stepStartedAt: T0 + 60 * S });
  });

  it('too few canary requests when the pause is over: paused, and the next request that completes the count resumes', () => {
    const plan: RolloutPlan = { steps: [health(5, 60 * S), health(10, 60 * S)], analysis: analysis({ minRequests: 20 }) };
    const first = play(plan, [...observe(5 * S, 7, 0), { type: 'tick', now: T0 + 61 * S }]);
    expect(first.state.status).toBe('paused');
    expect(first.changes[0]?.reason).toBe('step 1 of 2 (5 %) waits: 7 of 20 canary requests needed since the step began; holding canary weight 5 %');
    // Primary traffic adds nothing to the canary's evidence.
    expect(play(plan, observe(62 * S, 50, 0, false), first.state).state.status).toBe('paused');
    const resumed = play(plan, observe(62 * S, 13, 0), first.state);
    expect(resumed.state).toMatchObject({ status: 'progressing', step: 1, weight: 10 });
    expect(resumed.changes.map((c) => c.kind)).toEqual(['advance']);
  });

  it('rolls back as soon as the canary error rate over the window exceeds the limit with enough requests', () => {
    const plan: RolloutPlan = { steps: [health(25, 5 * 60 * S)], analysis: analysis({ maxErrorRate: 0.05, minRequests: 20 }) };
    const events = [...observe(150 * S, 17, 0), ...observe(190 * S, 3, 3)];
    const { state, changes } = play(plan, events);
    expect(state).toMatchObject({ status: 'rolledBack', weight: 0, failedChecks: 1 });
    expect(changes).toHaveLength(1);
    // 17 good at 12:02:30, then at 12:03:10: 2 bad (2/19, too few), the third bad makes 3/20.
    expect(changes[0]?.reason).toBe('rolled back at 12:03:10: canary error rate 15 % > 5 % over 20 requests in the last 1m0s; canary weight 25 % → 0 %, every request goes to the primary');
  });

  it('below minRequests nothing is judged, however bad the requests are', () => {
    const plan: RolloutPlan = { steps: [health(5, 60 * S)], analysis: analysis({ minRequests: 10 }) };
    expect(play(plan, observe(S, 9, 9)).state.status).toBe('progressing');
  });

  it('maxFailedChecks: a failed check counts once per window; the third one rolls back', () => {
    const plan: RolloutPlan = { steps: [after(10, 10 * 60 * S)], analysis: analysis({ maxErrorRate: 0.1, minRequests: 5, maxFailedChecks: 3 }) };
    const bad = (t: number) => observe(t, 5, 5);
    const one = play(plan, [...bad(10 * S), ...bad(20 * S)]);
    expect(one.state.failedChecks).toBe(1);
    expect(one.changes.map((c) => c.kind)).toEqual(['failedCheck']);
    expect(one.changes[0]?.reason).toBe('failed check 1 of 3 at 12:00:10: canary error rate 100 % > 10 % over 5 requests in the last 1m0s; holding canary weight 10 %');
    const three = play(plan, [...bad(70 * S), ...bad(130 * S)], one.state);
    expect(three.state).toMatchObject({ status: 'rolledBack', failedChecks: 3 });
    expect(three.changes.at(-1)?.reason).toContain('(failed check 3 of 3)');
  });

  it('the window forgets: good requests that slide out can leave a rate above the limit (lazy, on the next event)', () => {
    const plan: RolloutPlan = { steps: [after(5, 600 * S)], analysis: analysis({ maxErrorRate: 0.1 }) };
    const events = [...observe(S, 30, 0), ...observe(29 * S, 80, 10)];
    const before = play(plan, events);
    expect(before.state.status).toBe('progressing');
    const later = play(plan, [{ type: 'tick', now: T0 + 62 * S }], before.state);
    expect(later.state.status).toBe('rolledBack');
    expect(later.changes[0]?.reason).toContain('12.5 % > 10 % over 80 requests');
  });

  it('the gate judges this step only: a bad step fails its check even when the window as a whole passes', () => {
    const plan: RolloutPlan = { steps: [after(5, 30 * S), health(10, 10 * S)], analysis: analysis({ maxErrorRate: 0.1, minRequests: 10 }) };
    const events = [...observe(10 * S, 100, 0), ...observe(35 * S, 10, 2), { type: 'tick' as const, now: T0 + 41 * S }];
    const { state, changes } = play(plan, events);
    expect(state.status).toBe('rolledBack');
    expect(changes.at(-1)?.reason).toContain('canary error rate 20 % > 10 % over 10 requests since step 2 began');
  });

  it('promoted and rolled back are final; time never runs backwards', () => {
    const plan: RolloutPlan = { steps: [after(50, 0)], analysis: analysis() };
    const done = play(plan, [{ type: 'tick', now: T0 }]);
    expect(done.state.status).toBe('promoted');
    expect(transition(plan, done.state, { type: 'observe', now: T0 + S, canary: true, failed: true })).toEqual({ state: done.state, changes: [] });
    const p2: RolloutPlan = { steps: [after(5, 10 * S), after(10, 10 * S)], analysis: analysis() };
    const s = play(p2, [{ type: 'tick', now: T0 + 15 * S }]).state;
    expect(transition(p2, s, { type: 'tick', now: T0 }).state).toMatchObject({ step: 1, lastAt: T0 + 15 * S });
  });

  it('does not mutate its input', () => {
    const plan: RolloutPlan = { steps: [health(5, 0)], analysis: analysis({ minRequests: 1 }) };
    const s = startRollout(plan, T0);
    const frozen = JSON.stringify(s);
    transition(plan, s, { type: 'observe', now: T0 + S, canary: true, failed: false });
    expect(JSON.stringify(s)).toBe(frozen);
  });
});
