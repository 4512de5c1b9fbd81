import { describe, expect, it } from 'vitest';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { parseCanaryRolloutConfig } from './config.ts';

/** Like kit's `collecting`, but keeps the hint: the "did you mean" is what this file tests. */
function reporter(): ConfigReporter & { items: Array<{ severity: string; path: string; code: string; message: string; hint?: string }> } {
  const items: Array<{ severity: string; path: string; code: string; message: string; hint?: string }> = [];
  const push = (severity: string) => (path: Array<string | number>, code: string, message: string, hint?: string) => {
    items.push({ severity, path: path.join('.'), code, message, ...(hint !== undefined ? { hint } : {}) });
  };
  return { items, error: push('error'), warn: push('warning') };
}

const BASE = { primary: 'orders-v1', canary: 'orders-v2' };

describe('canary-rollout config', () => {
  it('defaults: steps 5 → 10 → 25 → 50 → 100, each health-gated after 1m; 1 % errors over 1m with ≥ 20 requests; 5xx fail', () => {
    const r = reporter();
    const c = parseCanaryRolloutConfig(BASE, r);
    expect(r.items).toEqual([]);
    expect(c.plan.steps.map((s) => s.weight)).toEqual([5, 10, 25, 50, 100]);
    expect(c.plan.steps.every((s) => s.advance.kind === 'health' && s.advance.pauseMs === 60_000)).toBe(true);
    expect(c.plan.analysis).toEqual({ windowMs: 60_000, maxErrorRate: 0.01, minRequests: 20, maxFailedChecks: 1 });
    expect(c.failedStatuses).toEqual([[500, 599]]);
    expect(c.header).toBeUndefined();
    expect(c.cookie).toBeUndefined();
  });

  it('steps may be objects: a time-gated pause, an instant, a health gate with its own pause', () => {
    const r = reporter();
    const c = parseCanaryRolloutConfig({ ...BASE, stepDuration: '30s', gate: 'time', steps: [5, { weight: 10, pause: '2m', gate: 'health' }, { weight: 50, at: '10m' }] }, r);
    expect(r.items).toEqual([]);
    expect(c.plan.steps).toEqual([
      { weight: 5, advance: { kind: 'after', pauseMs: 30_000 } },
      { weight: 10, advance: { kind: 'health', pauseMs: 120_000 } },
      { weight: 50, advance: { kind: 'at', atMs: 600_000 } },
    ]);
  });

  it('`pause` is an alias of stepDuration; `pause: 0` is accepted as a number', () => {
    const c = parseCanaryRolloutConfig({ ...BASE, pause: 0 }, reporter());
    expect(c.plan.steps[0]?.advance).toEqual({ kind: 'health', pauseMs: 0 });
    const r = reporter();
    parseCanaryRolloutConfig({ ...BASE, pause: '1m', stepDuration: '1m' }, r);
    expect(r.items[0]).toMatchObject({ path: 'pause', message: 'stepDuration and pause are the same setting; keep one' });
  });

  it('a misspelt field is reported with the nearest known one', () => {
    const r = reporter();
    parseCanaryRolloutConfig({ ...BASE, stepDuraton: '1m', analysis: { maxErrorRat: 0.05 } }, r);
    expect(r.items).toEqual([
      expect.objectContaining({ path: 'stepDuraton', code: 'GL_E_UNKNOWN_FIELD', hint: "did you mean 'stepDuration'?" }),
      expect.objectContaining({ path: 'analysis.maxErrorRat', code: 'GL_E_UNKNOWN_FIELD', hint: "did you mean 'maxErrorRate'?" }),
    ]);
  });

  it('bad values name the field and the fix', () => {
    const r = reporter();
    parseCanaryRolloutConfig(
      { primary: 'a', canary: 'a', steps: [5, 120, { weight: 20, at: '5m', gate: 'health' }], stepDuration: '1 minute', analysis: { maxErrorRate: 5, window: '0s', failedStatuses: ['500-599', 'teapot'] } },
      r,
    );
    const byPath = Object.fromEntries(r.items.map((i) => [i.path, i]));
    expect(byPath['canary']?.message).toBe("canary and primary are both 'a': a rollout needs two services");
    expect(byPath['steps.1']?.message).toBe('a step weight is a canary percentage from 0 to 100, not 120');
    expect(byPath['steps.2.gate']?.message).toContain('remove gate: health or at');
    expect(byPath['stepDuration']).toMatchObject({ code: 'GL_E_DURATION', hint: 'stepDuration: 30s' });
    expect(byPath['analysis.maxErrorRate']).toMatchObject({ message: 'maxErrorRate is a fraction from 0 to 1, not 5', hint: 'write 0.05 for 5 %' });
    expect(byPath['analysis.window']?.message).toContain('longer than 0s');
    expect(byPath['analysis.failedStatuses.1']?.message).toContain('not "teapot"');
  });

  it('primary and canary are required', () => {
    const r = reporter();
    parseCanaryRolloutConfig({}, r);
    expect(r.items.map((i) => i.path)).toEqual(['primary', 'canary']);
  });

  it('header and cookie forcing; failedStatuses with single statuses', () => {
    const r = reporter();
    const c = parseCanaryRolloutConfig({ ...BASE, header: { name: 'X-Canary', value: 'true' }, cookie: 'canary', analysis: { failedStatuses: [429, '500-504'] } }, r);
    expect(r.items).toEqual([]);
    expect(c.header).toEqual({ name: 'X-Canary', value: 'true' });
    expect(c.cookie).toBe('canary');
    expect(c.failedStatuses).toEqual([[429, 429], [500, 504]]);
    const bad = reporter();
    parseCanaryRolloutConfig({ ...BASE, header: { name: 'X Canary' }, cookie: 'a;b' }, bad);
    expect(bad.items.map((i) => i.path)).toEqual(['header.name', 'cookie']);
  });
});
