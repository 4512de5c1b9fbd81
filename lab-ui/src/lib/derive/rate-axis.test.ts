import { describe, expect, it } from 'vitest';
import { differingClients, rateTableOf, sharedRatePeaks } from './rate-axis.ts';
import { ratesAt } from './rates.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

/** `n` requests from `client` within the first 100 ms of each of `seconds` seconds. */
const steady = (client: string, perSecond: number, seconds: number, variant: string) =>
  buildTraceIndex(
    syntheticTrace(
      Array.from({ length: perSecond * seconds }, (_, i) => ({ id: `${client}-${i}`, client, at: Math.floor(i / perSecond) * 1000 + (i % perSecond), upstreamMs: 5 })),
      { variant, endT: seconds * 1000 },
    ),
  );

describe("the rate charts' shared scale", () => {
  const base = steady('app', 2, 5, 'base');
  const fixed = steady('app', 5, 5, 'fixed');

  it("puts a client on one scale in every panel: the busiest panel's peak", () => {
    // On its own each panel's peak is its own: 2 and 5 a bucket, bars of one height side by side.
    expect(ratesAt(base, rateTableOf(base, 1000), Infinity)[0]?.peak).toBe(2);
    expect(ratesAt(fixed, rateTableOf(fixed, 1000), Infinity)[0]?.peak).toBe(5);
    const peaks = sharedRatePeaks([rateTableOf(base, 1000), rateTableOf(fixed, 1000)]);
    expect(peaks.get('app')).toBe(5);
    expect(sharedRatePeaks([rateTableOf(base, 1000)]).get('app')).toBe(2);
  });

  it('keeps clients apart, and builds each table once per trace and bucket size', () => {
    const other = steady('partner', 9, 2, 'other');
    const peaks = sharedRatePeaks([rateTableOf(base, 1000), rateTableOf(other, 1000)]);
    expect(peaks.get('app')).toBe(2);
    expect(peaks.get('partner')).toBe(9);
    expect(rateTableOf(base, 1000)).toBe(rateTableOf(base, 1000));
    expect(rateTableOf(base, 500)).not.toBe(rateTableOf(base, 1000));
    expect(sharedRatePeaks([])).toEqual(new Map());
  });

  it('names the clients that ended differently side by side before others of the same volume', () => {
    // auth-at-the-edge: thirteen clients of two requests each; reviews is refused only in one-policy.
    const clients = ['catalog', 'orders', 'payments', 'users', 'inventory', 'search', 'reviews'];
    const run = (variant: string, refused: (c: string) => boolean) =>
      buildTraceIndex(
        syntheticTrace(
          clients.flatMap((client, k) => [0, 1].map((i) => ({ id: `${client}-${i}`, client, at: i * 1000 + k, ...(refused(client) ? { reject: { status: 401, plugin: 'jwt', reason: 'expired' } } : { upstreamMs: 5 }) }))),
          { variant, endT: 2000 },
        ),
      );
    const base = run('base', (c) => c !== 'reviews');
    const onePolicy = run('one-policy', () => true);
    const prefer = differingClients([base, onePolicy]);
    expect([...prefer]).toEqual(['reviews']);
    // Folded into "other clients" before: five named by volume, ties in the order clients appeared.
    expect(rateTableOf(base, 1000).groups).not.toContain('reviews');
    expect(rateTableOf(base, 1000, prefer).groups).toContain('reviews');
    expect(rateTableOf(onePolicy, 1000, prefer).groups).toEqual(rateTableOf(base, 1000, prefer).groups);
    // One run alone has nothing to compare.
    expect(differingClients([base]).size).toBe(0);
  });
});
