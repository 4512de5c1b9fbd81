import { describe, expect, it } from 'vitest';
import { collecting } from '../kit/test-kit.ts';
import { parseTraefikCircuitBreakerConfig } from './config.ts';

const parse = (raw: unknown) => {
  const r = collecting();
  const config = parseTraefikCircuitBreakerConfig(raw, r);
  return { config, items: r.items };
};

describe('circuitBreaker config (semantics §4 / Traefik circuitBreaker; traefik pkg/config/dynamic/middlewares.go)', () => {
  it('fills Traefik’s defaults: checkPeriod 100ms, fallbackDuration 10s, recoveryDuration 10s, responseCode 503', () => {
    const { config, items } = parse({ expression: 'NetworkErrorRatio() > 0.5' });
    expect(items).toEqual([]);
    expect(config).toMatchObject({ expression: 'NetworkErrorRatio() > 0.5', checkPeriodMs: 100, fallbackDurationMs: 10_000, recoveryDurationMs: 10_000, responseCode: 503 });
    expect(config.condition).toMatchObject({ kind: 'compare', op: '>', value: 0.5 });
  });

  it('reads Go durations, integers as seconds (paerser), and digit strings as seconds too', () => {
    const { config, items } = parse({ expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '250ms', fallbackDuration: 30, recoveryDuration: '5', responseCode: 429 });
    expect(items).toEqual([]);
    expect(config).toMatchObject({ checkPeriodMs: 250, fallbackDurationMs: 30_000, recoveryDurationMs: 5_000, responseCode: 429 });
    expect(parse({ expression: 'NetworkErrorRatio() > 0.5', fallbackDuration: '1m30s' }).config.fallbackDurationMs).toBe(90_000);
  });

  it('a duration that is not above zero is ignored by Traefik (only > 0 reaches oxy): warned, default kept', () => {
    const { config, items } = parse({ expression: 'NetworkErrorRatio() > 0.5', checkPeriod: '0s', recoveryDuration: '-1s' });
    expect(config).toMatchObject({ checkPeriodMs: 100, recoveryDurationMs: 10_000 });
    expect(items.map((i) => [i.severity, i.path, i.code])).toEqual([
      ['warning', 'checkPeriod', 'GL_W_NO_EFFECT'],
      ['warning', 'recoveryDuration', 'GL_W_NO_EFFECT'],
    ]);
  });

  it('rejects what Traefik cannot read: bad durations, a fractional number, an unknown field', () => {
    const { items } = parse({ expression: 'NetworkErrorRatio() > 0.5', checkPeriod: 'ten', fallbackDuration: 1.5, recoveryTime: '10s' });
    expect(items.map((i) => [i.path, i.code])).toEqual([
      ['recoveryTime', 'GL_E_UNKNOWN_FIELD'],
      ['checkPeriod', 'GL_E_DURATION'],
      ['fallbackDuration', 'GL_E_DURATION'],
    ]);
  });

  it('an expression Traefik rejects is an error naming the column; a missing one too', () => {
    const bad = parse({ expression: 'NetworkErrorRatio() > 1' });
    expect(bad.config.condition).toBeUndefined();
    expect(bad.items).toHaveLength(1);
    expect(bad.items[0]).toMatchObject({ severity: 'error', path: 'expression', code: 'GL_E_CONFIG_INVALID' });
    expect(bad.items[0]?.message).toMatch(/^circuitBreaker expression, column 23: NetworkErrorRatio\(\) is a float64/);
    expect(parse({}).items[0]).toMatchObject({ path: 'expression', code: 'GL_E_CONFIG_INVALID', message: expect.stringContaining('needs an expression') });
  });

  it('responseCode: 0 means unset (503, warned); outside 100–999 Go cannot write it; it must be an integer', () => {
    expect(parse({ expression: 'NetworkErrorRatio() > 0.5', responseCode: 0 })).toMatchObject({ config: { responseCode: 503 }, items: [{ severity: 'warning', path: 'responseCode' }] });
    expect(parse({ expression: 'NetworkErrorRatio() > 0.5', responseCode: 1000 }).items[0]).toMatchObject({ severity: 'error', path: 'responseCode', code: 'GL_E_CONFIG_INVALID' });
    expect(parse({ expression: 'NetworkErrorRatio() > 0.5', responseCode: '503' }).items[0]).toMatchObject({ severity: 'error', path: 'responseCode', code: 'GL_E_TYPE' });
  });
});
