/**
 * Semantics §8 (ingress-nginx canary): annotations other than the canary, load-balance, upstream-hash-by
 * and affinity ones do nothing on a canary Ingress — a limit-rps there limits no one, while the same
 * annotation on the main Ingress limits the traffic the canary serves too (it is the main location's).
 */
import { describe, expect, it } from 'vitest';
import { docs, ingress, session } from '../../engine/config/ingress-nginx/test-kit.ts';

const MAIN = (annotations: Record<string, string> = {}) => ingress('foo', 'foo', [['/', 'Prefix', 'http-svc']], annotations);
const CANARY = (annotations: Record<string, string> = {}) =>
  ingress('foo-canary', 'foo', [['/', 'Prefix', 'http-svc-canary']], { canary: 'true', 'canary-weight': '100', ...annotations });

async function burst(yaml: string, count: number): Promise<Array<[number, string | null]>> {
  const send = session(yaml);
  const out: Array<[number, string | null]> = [];
  for (let i = 0; i < count; i++) {
    const r = await send('http://foo/');
    out.push([r.status, r.backend]);
  }
  return out;
}

describe('semantics §8 ingress-nginx canary annotations', () => {
  it('§8 limit-rps on the canary Ingress is ignored: 20 requests at once all reach the canary', async () => {
    const results = await burst(docs(MAIN(), CANARY({ 'limit-rps': '1', 'limit-burst-multiplier': '1' })), 20);
    expect(results.every(([status, backend]) => status === 200 && backend === 'http-svc-canary')).toBe(true);
  });

  it('§8 the same limit on the main Ingress applies: burst 1 × 1 + 1 pass at once, the rest get 503', async () => {
    const statuses = (await burst(docs(MAIN({ 'limit-rps': '1', 'limit-burst-multiplier': '1' }), CANARY()), 5)).map(([s]) => s);
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
  });
});
