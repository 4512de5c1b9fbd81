import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, durationMs, instantOffsetMs, parseIsoInstant, parseTolerance, ratePerSecond } from './instants.ts';
import { dirnameOf, joinPath, normalizePath } from './paths.ts';
import { editDistance, nearest } from './edit-distance.ts';

describe('ISO instants without Date', () => {
  it('agrees with Date.UTC on known instants', () => {
    expect(parseIsoInstant('2026-01-01T12:00:00Z')).toBe(Date.UTC(2026, 0, 1, 12));
    expect(parseIsoInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseIsoInstant('2024-02-29T23:59:59.999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(parseIsoInstant('1969-12-31T23:59:59.5Z')).toBe(-500);
    expect(parseIsoInstant('2026-01-01T00:00:00.123456Z')).toBe(Date.UTC(2026, 0, 1) + 123);
  });

  it('rejects dates that do not exist', () => {
    for (const bad of ['2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T12:00:00', '2026-01-01 12:00:00Z']) {
      expect(parseIsoInstant(bad), bad).toBeUndefined();
    }
  });

  it('days_from_civil matches Date.UTC for any date (property)', () => {
    const seed = Number(process.env.FC_SEED ?? 20260101);
    console.log(`instants property seed: ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        const utc = new Date(0);
        utc.setUTCFullYear(y, m - 1, d);
        expect(daysFromCivil(y, m, d) * 86_400_000).toBe(utc.getTime());
      }),
      { seed },
    );
  });

  it('offsets from start: durations, ISO instants, 0, and nothing before start', () => {
    const start = Date.UTC(2026, 0, 1, 12);
    expect(instantOffsetMs('1m30s', start)).toEqual({ ms: 90_000 });
    expect(instantOffsetMs(0, start)).toEqual({ ms: 0 });
    expect(instantOffsetMs('2026-01-01T12:01:01Z', start)).toEqual({ ms: 61_000 });
    expect(instantOffsetMs('2026-01-01T11:59:59Z', start)).toEqual({ error: 'before-start' });
    expect(instantOffsetMs('-1s', start)).toEqual({ error: 'before-start' });
    expect(instantOffsetMs('soon', start)).toEqual({ error: 'syntax' });
    expect(durationMs(5)).toBeUndefined();
  });
});

describe('rates and tolerances', () => {
  it.each([
    ['15/s', 15],
    ['100/m', 100 / 60],
    ['900/h', 0.25],
    ['.5/s', 0.5],
    [2.5, 2.5],
    ['15 per second', undefined],
    [-1, undefined],
  ])('%s', (text, perSecond) => {
    expect(ratePerSecond(text)).toBe(perSecond);
  });

  it('tolerance is a fraction when written as a percentage', () => {
    expect(parseTolerance('5%')).toEqual({ tolerance: 0.05, relative: true });
    expect(parseTolerance(3)).toEqual({ tolerance: 3, relative: false });
    expect(parseTolerance('five')).toBeUndefined();
  });
});

describe('paths', () => {
  it('joins relative to the scenario directory, posix style', () => {
    expect(dirnameOf('scenarios/rate-limiting/a.yaml')).toBe('scenarios/rate-limiting');
    expect(dirnameOf('a.yaml')).toBe('');
    expect(dirnameOf('/a.yaml')).toBe('/');
    expect(dirnameOf('C:\\x\\a.yaml')).toBe('C:/x');
    expect(joinPath('scenarios/rl', 'configs/kong.yaml')).toBe('scenarios/rl/configs/kong.yaml');
    expect(joinPath('scenarios/rl', '../shared/./kong.yaml')).toBe('scenarios/shared/kong.yaml');
    expect(joinPath('', 'kong.yaml')).toBe('kong.yaml');
    expect(joinPath('a', '/etc/kong.yaml')).toBe('/etc/kong.yaml');
    expect(joinPath('a', '../../b.yaml')).toBe('../b.yaml');
    expect(normalizePath('/../x')).toBe('/x');
  });
});

describe('nearest key', () => {
  it('suggests plausible typos only', () => {
    expect(editDistance('clinets', 'clients')).toBe(2);
    expect(nearest('clinets', ['clients', 'backends', 'events'])).toBe('clients');
    expect(nearest('GET', ['get'])).toBe('get');
    expect(nearest('b', ['a'])).toBeUndefined();
    expect(nearest('zzzzzz', ['clients'])).toBeUndefined();
  });
});
