/**
 * Semantics §8 (ingress-nginx canary, balancer.lua `route_to_alternative_balancer`) on the decision
 * function itself: the weight draw `random(1..T) ≤ w` with its bounds, a pattern that does not compile,
 * and "only the first canary of an upstream counts".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import type { CanaryPolicy, UpstreamEntry } from '../config/ingress-nginx/table.ts';
import { chooseCanary } from './ingress-nginx-canary.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s8 canary seed=${seed} (replay: FC_SEED=${seed})`);

const PRIMARY: UpstreamEntry = { name: 'default-main-80', service: 'main', endpoints: true, alternatives: ['default-canary-80'] };

function upstreams(...canaries: Array<[string, CanaryPolicy]>): Map<string, UpstreamEntry> {
  const m = new Map<string, UpstreamEntry>([[PRIMARY.name, PRIMARY]]);
  for (const [name, policy] of canaries) m.set(name, { name, service: name, endpoints: true, alternatives: [], canary: { ingress: `default/${name}`, policy } });
  return m;
}

const decide = (policy: CanaryPolicy, draw: number, headers: Array<[string, string]> = []) =>
  chooseCanary(PRIMARY, upstreams(['default-canary-80', policy]), { headers: new HeaderMap(headers), draw: () => draw }).canary;

describe('semantics §8 canary-weight: canary iff random(1..T) ≤ w', () => {
  it('§8 for every weight and total, the roll k (draw (k−½)/T) goes to the canary exactly when k ≤ w', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (rawTotal, w) => {
        const T = rawTotal > 100 ? rawTotal : 100;
        const weight = Math.min(w, T);
        for (const k of [1, weight, weight + 1, T]) {
          if (k < 1 || k > T) continue;
          expect(decide({ weight, weightTotal: rawTotal }, (k - 0.5) / T)).toBe(k <= weight);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('§8 w = 0 never picks the canary and w = T always does, whatever the draw', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 101, max: 10_000 }), (draw, total) => {
        expect(decide({ weight: 0, weightTotal: total }, draw)).toBe(false);
        expect(decide({ weight: total, weightTotal: total }, draw)).toBe(true);
        expect(decide({ weight: 100, weightTotal: 100 }, draw)).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('§8 a weight-total of 100 or less counts as 100: weight 60 of total 60 is 60 %, not always', () => {
    expect(decide({ weight: 60, weightTotal: 60 }, 0.595)).toBe(true);
    expect(decide({ weight: 60, weightTotal: 60 }, 0.605)).toBe(false);
  });
});

describe('semantics §8 canary-by-header details', () => {
  it('§8 a pattern that does not compile sends the request to the primary (and does not fall through to the weight)', () => {
    const policy: CanaryPolicy = { header: 'x-canary', headerPattern: '(unclosed', weight: 100, weightTotal: 100 };
    const out = chooseCanary(PRIMARY, upstreams(['default-canary-80', policy]), { headers: new HeaderMap([['x-canary', 'anything']]), draw: () => 0 });
    expect(out.canary).toBe(false);
    expect(out.why).toContain('does not compile');
  });

  it('§8 without the header, the pattern decides nothing and the weight applies', () => {
    expect(decide({ header: 'x-canary', headerPattern: '(unclosed', weight: 100, weightTotal: 100 }, 0)).toBe(true);
  });

  it('§8 a header value other than always/never falls through to the cookie, then the weight', () => {
    const policy: CanaryPolicy = { header: 'x-canary', cookie: 'c', weight: 0, weightTotal: 100 };
    expect(decide(policy, 0, [['x-canary', 'maybe'], ['cookie', 'c=always']])).toBe(true);
    expect(decide(policy, 0, [['x-canary', 'maybe'], ['cookie', 'c=other']])).toBe(false);
    expect(decide({ ...policy, weight: 100 }, 0, [['x-canary', 'maybe'], ['cookie', 'c=other']])).toBe(true);
  });

  it('§8 never stops the evaluation: the cookie and weight 100 are not consulted', () => {
    expect(decide({ header: 'x-canary', cookie: 'c', weight: 100, weightTotal: 100 }, 0, [['x-canary', 'never'], ['cookie', 'c=always']])).toBe(false);
  });
});

describe('semantics §8 one canary per rule', () => {
  it('§8 only the first alternative is ever used: a second canary with weight 100 gets nothing', () => {
    const primary: UpstreamEntry = { ...PRIMARY, alternatives: ['first', 'second'] };
    const ups = upstreams(['first', { weight: 0, weightTotal: 100 }], ['second', { weight: 100, weightTotal: 100 }]);
    ups.set(primary.name, primary);
    for (const draw of [0, 0.5, 0.99]) {
      expect(chooseCanary(primary, ups, { headers: new HeaderMap(), draw: () => draw }).upstream.name).toBe(primary.name);
    }
  });
});
