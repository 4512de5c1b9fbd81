import { describe, expect, it } from 'vitest';
import { admit, INITIAL_BREAKER, observe, type BreakerCore, type BreakerTimings } from './breaker.ts';

const T0 = 1_767_268_800_000;
const T: BreakerTimings = { checkPeriodMs: 100, fallbackDurationMs: 10_000, recoveryDurationMs: 10_000 };
const TRUE = () => ({ matched: true, because: 'NetworkErrorRatio() = 1 > 0.5' });
const FALSE = () => ({ matched: false, because: 'NetworkErrorRatio() = 0, not > 0.5' });

/** Trips a fresh breaker with one response at `at`. */
function tripped(at: number, t = T): BreakerCore {
  const r = observe(INITIAL_BREAKER, t, at, TRUE);
  expect(r).toMatchObject({ kind: 'checked', matched: true, core: { state: 'tripped', until: at + t.fallbackDurationMs } });
  return r.core;
}

describe('breaker state machine (semantics §4 / Traefik circuitBreaker; vulcand/oxy cbreaker/cbreaker.go)', () => {
  it('standby forwards; the first response ever runs a check (lastCheck starts at Go’s zero time)', () => {
    expect(admit(INITIAL_BREAKER, T, T0)).toMatchObject({ forward: true, transitions: [] });
    const r = observe(INITIAL_BREAKER, T, T0, FALSE);
    expect(r).toMatchObject({ kind: 'checked', matched: false, nextAfter: T0 + 100, core: { state: 'standby', lastCheck: T0 + 100 } });
  });

  it('trip → fallback for fallbackDuration → recovering from the first request at or after its end', () => {
    let core = tripped(T0);
    expect(core.trip).toEqual({ at: T0, because: 'NetworkErrorRatio() = 1 > 0.5' });
    expect(admit(core, T, T0 + 9_999)).toMatchObject({ forward: false, transitions: [] });
    // Nobody comes until 12:00:13: the recovery starts then, not at 12:00:10.
    const r = admit(core, T, T0 + 13_000);
    expect(r.transitions).toEqual([{ from: 'tripped', to: 'recovering', at: T0 + 13_000 }]);
    core = r.core;
    expect(core).toMatchObject({ state: 'recovering', until: T0 + 23_000, recovery: { start: T0 + 13_000 } });
    // At elapsed 0 the target is 0: the very first recovering request gets the fallback.
    expect(r).toMatchObject({ forward: false, ramp: { elapsedMs: 0, target: 0, ifAllowed: 1, allowed: 0, denied: 1 } });
  });

  it('fallbackDuration ends exactly at until: a request at until itself starts the recovery (Go: now.Before(until) is false)', () => {
    const r = admit(tripped(T0), T, T0 + 10_000);
    expect(r.core.state).toBe('recovering');
  });

  it('recovering ramps linearly: the share let through *now* grows from 0 to 100 % while the cumulative share nears 50 %', () => {
    let core = admit(tripped(T0), T, T0 + 10_000).core;
    const decisions: boolean[] = [];
    // One request every 10 ms for the 10 s of recovery (1000 requests, the first at elapsed 10 ms).
    for (let i = 1; i <= 1000; i++) {
      const r = admit(core, T, T0 + 10_000 + i * 10);
      core = r.core;
      decisions.push(r.forward);
    }
    const share = (from: number, to: number) => decisions.slice(from, to).filter(Boolean).length / (to - from);
    expect(share(0, 100)).toBeLessThan(0.15);
    expect(share(450, 550)).toBeGreaterThan(0.4);
    expect(share(450, 550)).toBeLessThan(0.6);
    expect(share(900, 1000)).toBeGreaterThan(0.85);
    const { allowed, denied } = core.recovery as { allowed: number; denied: number };
    expect(allowed / (allowed + denied)).toBeLessThan(0.5);
    expect(allowed / (allowed + denied)).toBeGreaterThan(0.49);
  });

  it('back to standby on the first request strictly after the recovery’s end; that request is forwarded', () => {
    const recovering = admit(tripped(T0), T, T0 + 10_000).core;
    expect(admit(recovering, T, T0 + 20_000).core.state).toBe('recovering');
    const r = admit(recovering, T, T0 + 20_001);
    expect(r).toMatchObject({ forward: true, transitions: [{ from: 'recovering', to: 'standby', at: T0 + 20_001 }], core: { state: 'standby', recovery: null } });
  });

  it('a match while recovering trips again: a new fallbackDuration, then a new ramp from zero', () => {
    let core = admit(tripped(T0), T, T0 + 10_000).core;
    for (let i = 1; i <= 300; i++) core = admit(core, T, T0 + 10_000 + i * 10).core;
    const again = observe(core, T, T0 + 13_005, TRUE);
    expect(again).toMatchObject({ kind: 'checked', transition: { from: 'recovering', to: 'tripped' }, core: { state: 'tripped', until: T0 + 23_005, recovery: null } });
    core = again.core;
    expect(admit(core, T, T0 + 23_004).forward).toBe(false);
    const ramp = admit(core, T, T0 + 23_005);
    expect(ramp).toMatchObject({ forward: false, ramp: { elapsedMs: 0, allowed: 0, denied: 1 }, core: { state: 'recovering', until: T0 + 33_005 } });
  });

  it('no check while tripped: a late in-flight response moves lastCheck on but never asks the condition', () => {
    const core = tripped(T0);
    let asked = 0;
    const r = observe(core, T, T0 + 500, () => (asked++, TRUE()));
    expect(r).toMatchObject({ kind: 'skipped', nextAfter: T0 + 600, core: { state: 'tripped', lastCheck: T0 + 600, until: T0 + 10_000 } });
    expect(asked).toBe(0);
  });

  it('check-period granularity: at most one check per checkPeriod, on the first response strictly after the last check + checkPeriod', () => {
    const t = { ...T, checkPeriodMs: 1000 };
    let core = observe(INITIAL_BREAKER, t, T0, FALSE).core;
    let asked = 0;
    const cond = () => (asked++, TRUE());
    for (const at of [T0 + 200, T0 + 900, T0 + 1000]) {
      const r = observe(core, t, at, cond);
      expect(r).toMatchObject({ kind: 'not-due', nextAfter: T0 + 1000 });
      core = r.core;
    }
    expect(asked).toBe(0);
    const r = observe(core, t, T0 + 1001, cond);
    expect(r).toMatchObject({ kind: 'checked', matched: true, nextAfter: T0 + 2001, core: { state: 'tripped' } });
    expect(asked).toBe(1);
  });

  it('checks follow the responses, not a grid: after a quiet spell the next response checks at once', () => {
    const core = observe(INITIAL_BREAKER, T, T0, FALSE).core;
    const r = observe(core, T, T0 + 60_000.5, FALSE);
    expect(r).toMatchObject({ kind: 'checked', nextAfter: T0 + 60_100.5 });
  });
});
