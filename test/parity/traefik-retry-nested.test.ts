/**
 * Two Traefik retries on one route nest (../shared/semantics.md §4, Traefik): the simulation and the
 * real proxy (real sockets on 127.0.0.1, every pod refusing connections) must make the same tries.
 * traefik/traefik pkg/middlewares/retry/retry.go: ServeHTTP makes its attempt counter per call, and on
 * its last attempt hands the request the outer retry gave it, so the outer retry judges the inner one's
 * final refusal as a network error too; pkg/server/middleware/middlewares.go BuildChain makes the first
 * listed retry the outer one. `attempts: 3` outside `attempts: 2` is therefore 3 × 2 = 6 tries.
 */
import { describe, expect, it } from 'vitest';
import { expectParity, get, localPods, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import type { Outcome, Step } from '../support/resilience-parity.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();

const config = (u: Upstreams, chain: string[], middlewares: Record<string, string>): string =>
  traefikFixture({ routes: [{ match: 'PathPrefix(`/`)', middlewares: chain }], middlewares, pods: localPods(u, ['a', 'b', 'c']) });

const parity = (text: string, label: string, steps: Step[], u: Upstreams): Promise<Outcome[]> => expectParity('traefik', text, label, steps, u, { reasonsOf: ['retry', 'rate-limit'] });

const count = (o: Outcome | undefined, prefix: string): number => (o?.reasons ?? []).filter((r) => r.startsWith(prefix)).length;

describe('nested Traefik retries, simulation vs real sockets (semantics §4)', () => {
  it('§4 attempts 3 outside attempts 2 against refusing pods: 6 tries on both hosts, then 502', async () => {
    const u = await upstreams.start([], ['a', 'b', 'c']);
    const text = config(u, ['outer', 'inner'], { outer: 'retry: { attempts: 3 }', inner: 'retry: { attempts: 2 }' });
    const out = await parity(text, 'tr-nested', [get('/x')], u);
    expect(out[0]?.status).toBe(502);
    expect(out[0]?.tried, 'retry.go: 3 outer attempts × 2 inner tries').toHaveLength(6);
    expect(out[0]?.reasons).toContain('retry: outer retry: not retried: connection refused: all 2 retries used');
  });

  it('§4 a rateLimit between the two takes one token per outer attempt: 3 for the 6 tries', async () => {
    const u = await upstreams.start([], ['a', 'b', 'c']);
    const text = config(u, ['outer', 'rl', 'inner'], { outer: 'retry: { attempts: 3 }', rl: 'rateLimit: { average: 100, burst: 100 }', inner: 'retry: { attempts: 2 }' });
    const out = await parity(text, 'tr-nested-rl', [get('/x')], u);
    expect(out[0]?.tried).toHaveLength(6);
    expect(count(out[0], 'rate-limit: Traefik rateLimit')).toBe(3);
  });
});
