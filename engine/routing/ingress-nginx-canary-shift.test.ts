import { describe, expect, it } from 'vitest';
import type { UpstreamEntry } from '../config/ingress-nginx/table.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { chooseCanary } from './ingress-nginx-canary.ts';

const primary: UpstreamEntry = { name: 'prod-stable-8080', service: 'stable', endpoints: true, alternatives: ['prod-canary-8080'] };
const canary: UpstreamEntry = {
  name: 'prod-canary-8080',
  service: 'canary',
  endpoints: true,
  alternatives: [],
  canary: { ingress: 'prod/canary', policy: { header: 'X-Canary', headerValue: 'true', weight: 10, weightTotal: 100 } },
};
const upstreams = new Map([primary, canary].map((u) => [u.name, u]));
const shift = { primary: 'stable', canary: 'canary', percent: 50, by: 'the rollout controller (progressing, step 3 of 4)' };

describe('semantics §8: a rollout controller rewrites canary-weight, the header still decides first', () => {
  it('the controller\'s percent replaces the annotation\'s weight (roll 31 of 100)', () => {
    const draw = () => 0.3;
    expect(chooseCanary(primary, upstreams, { headers: new HeaderMap(), draw }).canary).toBe(false);
    const shifted = chooseCanary(primary, upstreams, { headers: new HeaderMap(), draw, shift });
    expect(shifted.canary).toBe(true);
    expect(shifted.why).toContain('weight 50/100 (set by the rollout controller');
  });

  it('a rollback to 0 % keeps weight-drawn requests on the main backend but not header-forced ones', () => {
    const rolledBack = { ...shift, percent: 0 };
    expect(chooseCanary(primary, upstreams, { headers: new HeaderMap(), draw: () => 0, shift: rolledBack }).canary).toBe(false);
    expect(chooseCanary(primary, upstreams, { headers: new HeaderMap([['X-Canary', 'true']]), draw: () => 0.99, shift: rolledBack }).canary).toBe(true);
  });
});
