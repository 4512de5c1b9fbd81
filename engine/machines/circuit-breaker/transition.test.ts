import { describe, expect, it } from 'vitest';
import { breakerConfig, RESILIENCE4J_DEFAULTS, type BreakerConfig } from './config.ts';
import { initialState, step, type BreakerEvent, type BreakerState, type StepResult } from './transition.ts';

/** 2026-01-01T12:00:00Z. */
const NOON = 1_767_268_800_000;

/** Drives the pure function through events; returns every answer and the final state. */
function drive(config: BreakerConfig, events: BreakerEvent[], start = NOON): { results: StepResult[]; state: BreakerState; last: StepResult } {
  let state = initialState(config, start);
  const results = events.map((e) => {
    const r = step(state, e, config);
    state = r.state;
    return r;
  });
  return { results, state, last: results.at(-1) as StepResult };
}

const req = (at: number): BreakerEvent => ({ type: 'request', now: NOON + at });
const ok = (at: number, durationMs = 10): BreakerEvent => ({ type: 'result', now: NOON + at, failed: false, durationMs });
const fail = (at: number, durationMs = 10): BreakerEvent => ({ type: 'result', now: NOON + at, failed: true, durationMs });
const tick = (at: number): BreakerEvent => ({ type: 'tick', now: NOON + at });

/** Calls that each complete 1 ms after they were permitted, failing where `pattern` has an 'x'. */
function calls(pattern: string, from = 0, gap = 100): BreakerEvent[] {
  return [...pattern].flatMap((c, i) => [req(from + i * gap), c === 'x' ? fail(from + i * gap + 1) : ok(from + i * gap + 1)]);
}

const small = breakerConfig({ slidingWindowSize: 5, minimumNumberOfCalls: 5, waitDurationInOpenState: 30_000, permittedNumberOfCallsInHalfOpenState: 3 });

describe('classic circuit breaker, pure transition function — semantics §9 (resilience4j)', () => {
  it('semantics §9 (resilience4j): defaults are CircuitBreakerConfig.ofDefaults()', () => {
    expect(RESILIENCE4J_DEFAULTS).toEqual({
      failureRateThreshold: 50,
      slowCallRateThreshold: 100,
      slowCallDurationThreshold: 60_000,
      slidingWindowType: 'COUNT_BASED',
      slidingWindowSize: 100,
      minimumNumberOfCalls: 100,
      waitDurationInOpenState: 60_000,
      automaticTransitionFromOpenToHalfOpenEnabled: false,
      permittedNumberOfCallsInHalfOpenState: 10,
      maxWaitDurationInHalfOpenState: 0,
    });
  });

  it('semantics §9 (resilience4j): no decision below minimumNumberOfCalls, then trip when the rate is ≥ the threshold', () => {
    const { results, state } = drive(small, calls('xx.x.'));
    expect(results[7]?.decision.reason).toBe('CLOSED: failure recorded; 4 calls so far; no decision below 5 (minimumNumberOfCalls)');
    expect(state.phase).toBe('open');
    expect(results[9]?.transitions).toMatchObject([{ from: 'closed', to: 'open', cause: 'failure-rate', reason: '3 of 5 calls failed (60 % ≥ 50 %): CLOSED → OPEN for 30 s' }]);
    // Exactly at the threshold trips too (≥, not >).
    expect(drive(breakerConfig({ slidingWindowSize: 4, minimumNumberOfCalls: 4 }), calls('x.x.')).state.phase).toBe('open');
    expect(drive(breakerConfig({ slidingWindowSize: 4, minimumNumberOfCalls: 4 }), calls('x...')).state.phase).toBe('closed');
  });

  it('semantics §9 (resilience4j): minimumNumberOfCalls is capped at a count-based window, not a time-based one', () => {
    const counted = breakerConfig({ slidingWindowSize: 2, minimumNumberOfCalls: 100 });
    expect(drive(counted, calls('xx')).state.phase).toBe('open');
    const timed = breakerConfig({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 2, minimumNumberOfCalls: 3 });
    expect(drive(timed, calls('xx')).state.phase).toBe('closed');
    expect(drive(timed, calls('xxx')).state.phase).toBe('open');
  });

  it('semantics §9 (resilience4j): COUNT_BASED keeps the last N calls; TIME_BASED the calls of the last N epoch seconds', () => {
    const counted = breakerConfig({ slidingWindowSize: 4, minimumNumberOfCalls: 4 });
    // The early failures slide out: the last 4 calls hold 1 failure (25 %).
    expect(drive(counted, calls('x....x'.slice(0, 5) + '.')).state.phase).toBe('closed');
    const timed = breakerConfig({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 2, minimumNumberOfCalls: 2 });
    // Two failures 3 s apart never share a 2 s window; two within the same second do.
    expect(drive(timed, [req(0), fail(1), req(3000), fail(3001)]).state.phase).toBe('closed');
    expect(drive(timed, [req(0), fail(1), req(900), fail(901)]).state.phase).toBe('open');
  });

  it('semantics §9 (resilience4j): a call slower than slowCallDurationThreshold (strictly) is slow; the slow-call rate trips too', () => {
    const config = breakerConfig({ slidingWindowSize: 2, minimumNumberOfCalls: 2, slowCallDurationThreshold: 1000, slowCallRateThreshold: 100 });
    expect(drive(config, [req(0), ok(1000, 1000), req(2000), ok(3000, 1000)]).state.phase).toBe('closed');
    const { state, last } = drive(config, [req(0), ok(1001, 1001), req(2000), ok(3001, 1001)]);
    expect(state.phase).toBe('open');
    expect(last.transitions[0]).toMatchObject({ cause: 'slow-call-rate', reason: '2 of 2 calls slower than 1 s (100 % ≥ 100 %): CLOSED → OPEN for 60 s' });
  });

  it('semantics §9 (resilience4j): OPEN fails fast with the reason, for waitDurationInOpenState, then the next call goes HALF_OPEN', () => {
    const base = calls('xx.x.', 5000);
    const opened = drive(small, [...base, req(10_000)]);
    expect(opened.last.decision).toEqual({
      kind: 'rejected',
      reason: 'OPEN since 12:00:05.401 after 3 of 5 calls failed (60 % ≥ 50 %); failing fast for 25.4 s more',
      retryInMs: 25_401,
    });
    // OpenState.tryAcquirePermission uses isAfter: at the very instant the wait ends, still rejected.
    expect(drive(small, [...base, req(35_401)]).last.decision.kind).toBe('rejected');
    const after = drive(small, [...base, req(35_402)]);
    expect(after.last.transitions).toMatchObject([{ from: 'open', to: 'half_open', cause: 'wait-elapsed', at: NOON + 35_402 }]);
    expect(after.last.decision).toEqual({ kind: 'permitted', reason: 'HALF_OPEN: trial call 1 of 3 permitted' });
  });

  it('semantics §9 (resilience4j): automaticTransitionFromOpenToHalfOpenEnabled moves at the instant the wait ends, no call needed', () => {
    const config = { ...small, automaticTransitionFromOpenToHalfOpenEnabled: true };
    const { state, last } = drive(config, [...calls('xxxxx'), tick(60_000)]);
    expect(state.phase).toBe('half_open');
    expect(last.transitions).toMatchObject([{ from: 'open', to: 'half_open', cause: 'automatic', at: NOON + 401 + 30_000 }]);
    expect(state.since).toBe(NOON + 30_401);
  });

  it('semantics §9 (resilience4j): HALF_OPEN permits its trial calls, rejects extras, and judges them: ≥ threshold → OPEN', () => {
    const open = [...calls('xxxxx'), req(40_000), req(40_001), req(40_002), req(40_003)];
    const { results } = drive(small, open);
    expect(results.slice(-4).map((r) => r.decision.kind)).toEqual(['permitted', 'permitted', 'permitted', 'rejected']);
    expect(results.at(-1)?.decision.reason).toBe(
      'HALF_OPEN since 12:00:40: all 3 trial calls are out (3 of 3 trial calls permitted, 0 judged); further calls are rejected until the trial decides',
    );
    const judged = drive(small, [...open, fail(40_100), ok(40_101), fail(40_102)]);
    expect(judged.state.phase).toBe('open');
    expect(judged.state.openedBecause).toBe('2 of 3 trial calls failed (66.7 % ≥ 50 %)');
    expect(judged.state.openings).toBe(2);
  });

  it('semantics §9 (resilience4j): HALF_OPEN closes when the trial rate is below the threshold, with an empty window', () => {
    const { state, last } = drive(small, [...calls('xxxxx'), ...calls('x..', 40_000)]);
    expect(state.phase).toBe('closed');
    expect(last.transitions).toMatchObject([{ from: 'half_open', to: 'closed', cause: 'trial-passed', reason: '1 of 3 trial calls failed (33.3 % < 50 %): HALF_OPEN → CLOSED' }]);
    expect(state.window).toMatchObject({ kind: 'count', calls: 0, outcomes: [] });
  });

  it('semantics §9 (resilience4j): HALF_OPEN judges after min(minimumNumberOfCalls, permitted) results (CircuitBreakerMetrics.forHalfOpen)', () => {
    const config = breakerConfig({ slidingWindowSize: 2, minimumNumberOfCalls: 2, permittedNumberOfCallsInHalfOpenState: 5, waitDurationInOpenState: 1000 });
    const { state } = drive(config, [...calls('xx'), ...calls('..', 5000)]);
    expect(state.phase).toBe('closed');
  });

  it('semantics §9 (resilience4j): maxWaitDurationInHalfOpenState reopens HALF_OPEN after it; 0 waits forever', () => {
    const limited = { ...small, maxWaitDurationInHalfOpenState: 10_000 };
    const { state, last } = drive(limited, [...calls('xxxxx'), req(40_000), tick(50_000)]);
    expect(state.phase).toBe('open');
    expect(last.transitions).toMatchObject([{ from: 'half_open', to: 'open', cause: 'half-open-timeout', at: NOON + 50_000 }]);
    expect(state.openedBecause).toBe('HALF_OPEN had no verdict within maxWaitDurationInHalfOpenState 10 s (0 of 3 trial calls judged)');
    expect(drive(small, [...calls('xxxxx'), req(40_000), tick(10_000_000)]).state.phase).toBe('half_open');
  });

  it('semantics §9 (resilience4j): time-driven transitions chain when nothing touched the breaker for a while', () => {
    const config = { ...small, automaticTransitionFromOpenToHalfOpenEnabled: true, maxWaitDurationInHalfOpenState: 5000 };
    const { last } = drive(config, [...calls('xxxxx'), tick(401 + 30_000 + 5000 + 30_000 + 1)]);
    expect(last.transitions.map((t) => `${t.from}→${t.to}@${t.at - NOON}`)).toEqual(['open→half_open@30401', 'half_open→open@35401', 'open→half_open@65401']);
  });

  it('semantics §9 (resilience4j): releasePermission hands a HALF_OPEN trial slot back', () => {
    const { results } = drive(small, [...calls('xxxxx'), req(40_000), req(40_001), req(40_002), { type: 'release', now: NOON + 40_003 }, req(40_004)]);
    expect(results.at(-2)?.decision.reason).toBe('HALF_OPEN: a permitted call never reached the upstream; its trial permission is handed back (1 free)');
    expect(results.at(-1)?.decision.kind).toBe('permitted');
  });

  it('semantics §9 (resilience4j): a result that arrives while OPEN is recorded in the window that tripped it, and decides nothing', () => {
    const { state, last } = drive(small, [req(0), req(1), ...calls('xxxxx', 100), ok(1000)]);
    expect(state.phase).toBe('open');
    expect(state.window).toMatchObject({ calls: 5, failed: 4 });
    expect(last.decision.reason).toBe('OPEN: a call admitted before the breaker opened finished (success); recorded, but OPEN decides nothing');
  });

  it('consecutive mode (Polly, gobreaker, Envoy consecutive_5xx, Kong passive checks): n failures in a row trip; a success resets', () => {
    const config = breakerConfig({ consecutiveFailures: 3, waitDurationInOpenState: 1000, permittedNumberOfCallsInHalfOpenState: 2 });
    expect(drive(config, calls('xx.xx')).state.phase).toBe('closed');
    const tripped = drive(config, calls('xx.xxx'));
    expect(tripped.state.phase).toBe('open');
    expect(tripped.last.transitions[0]?.reason).toBe('3 consecutive failures: CLOSED → OPEN for 1 s');
    expect(drive(config, [...calls('xxx'), ...calls('.x', 5000)]).state.phase).toBe('open');
    expect(drive(config, [...calls('xxx'), ...calls('..', 5000)]).state.phase).toBe('closed');
  });

  it('every decision has a reason; a tick answers with the state in words', () => {
    const { results } = drive(small, [...calls('xxxxx'), tick(10_000)]);
    for (const r of results) expect(r.decision.reason.length).toBeGreaterThan(10);
    expect(results.at(-1)?.decision).toEqual({ kind: 'observed', reason: 'OPEN since 12:00:00.401 after 5 of 5 calls failed (100 % ≥ 50 %); failing fast for 20.4 s more' });
  });
});
