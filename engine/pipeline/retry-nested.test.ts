/**
 * Two Traefik retry middlewares on one route nest (../shared/semantics.md §4, Traefik). Worked out
 * from traefik/traefik pkg/middlewares/retry/retry.go (v3.6+) and pkg/server/middleware/middlewares.go
 * (BuildChain wraps the middlewares in declared order, so the first listed retry is the outer one and
 * the inner one is part of its `next`):
 * - ServeHTTP makes its attempt counter and its backoff per call, so each attempt of the outer retry
 *   runs the inner retry from scratch, which makes up to its own `attempts` tries.
 * - On a non-last attempt a retry puts its own proxyReached/wroteRequest hooks in the request's
 *   context, hiding the outer ones; on its last attempt it calls `next` with the request it received,
 *   whose context carries the outer retry's hooks. So the outer retry judges what the inner one's last
 *   attempt gave (a refused dial is a network error to it too), by its own rules.
 * So `attempts: 3` outside `attempts: 2` against servers that all refuse makes 3 × 2 = 6 tries, and a
 * middleware between the two runs once per outer attempt (3 times).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traefikFixture } from '../../test/support/traefik-route-fixture.ts';
import { traefikIr } from '../config/traefik/test-kit.ts';
import { createExplainSession, type ExplainResult, type ExplainSession } from '../runtimes/sim/explain.ts';
import { splitAtRetry } from './retry-rerun.ts';
import type { ChainStage } from './chain.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`nested retry property seed: ${SEED} (set FC_SEED to replay)`);

const HOSTS = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];
const REFUSED: Array<number | 'refused'> = ['refused', 'refused', 'refused'];

function session(chain: string[], middlewares: Record<string, string>): ExplainSession {
  const pods = HOSTS.map((h, i) => ({ name: `web-${i}`, ip: h.split(':')[0] as string, port: 8080 }));
  const text = traefikFixture({ routes: [{ match: 'PathPrefix(`/`)', middlewares: chain }], middlewares, pods });
  return createExplainSession(traefikIr(text, 'nested.yaml'), 1);
}

function send(s: ExplainSession, hosts: Array<number | 'refused'>, method = 'GET'): Promise<ExplainResult> {
  const upstreamByTarget = Object.fromEntries(HOSTS.map((h, i) => [h, hosts[i] ?? 200]));
  return s.send({ method, url: 'http://api.example.com/x', headers: [], clientIp: '192.0.2.7', now: Date.UTC(2026, 0, 1), seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamByTarget });
}

const accessOf = (r: ExplainResult, plugin: string): string[] => r.decisions.filter((d) => d.plugin === plugin && d.phase === 'access').map((d) => d.reason);
const triesOf = (r: ExplainResult): number => r.decisions.filter((d) => d.plugin === 'balancer').length;
/** The retry middlewares' own access lines ("retry: 3 attempts in all, …"), one per time each ran. */
const retryRuns = (r: ExplainResult, attempts: number): number => accessOf(r, 'retry').filter((x) => x.startsWith(`retry: ${attempts} attempts in all`)).length;
/** The backoff sleeps, in order (the retry's wait effects). */
const waits = (r: ExplainResult): number[] =>
  r.decisions.filter((d) => d.plugin === 'retry' && typeof d.data?.['backoffMs'] === 'number').map((d) => d.data?.['backoffMs'] as number);

const OUTER3 = 'retry: { attempts: 3 }';
const INNER2 = 'retry: { attempts: 2 }';

describe('two Traefik retries on one route nest (semantics §4; retry.go ServeHTTP, middlewares.go BuildChain)', () => {
  it('§4 attempts 3 outside attempts 2, every server refusing: 3 × 2 = 6 tries, the inner retry runs 3 times', async () => {
    const s = session(['outer', 'inner'], { outer: OUTER3, inner: INNER2 });
    const r = await send(s, REFUSED);
    expect(triesOf(r), 'retry.go: 3 outer attempts, each a fresh inner run of 2').toBe(6);
    expect(r.status).toBe(502);
    expect(accessOf(r, 'proxy').at(-1)).toMatch(/connection refused → 502/);
    expect(retryRuns(r, 3), 'the outer retry runs once').toBe(1);
    expect(retryRuns(r, 2), 'the inner retry runs on every outer attempt').toBe(3);
    const lines = accessOf(r, 'retry');
    expect(lines).toContain('inner retry: connection refused matches retry-on connect-failure: retry 1 of 1');
    expect(lines).toContain('inner retry: not retried: connection refused: all 1 retry used');
    expect(lines).toContain('outer retry: connection refused matches retry-on connect-failure: retry 2 of 2');
    expect(lines.at(-2)).toBe('inner retry: not retried: connection refused: all 1 retry used');
    expect(lines.at(-1)).toBe('outer retry: not retried: connection refused: all 2 retries used');
    expect(lines.filter((x) => x.startsWith('try '))).toEqual([
      'try 3: running retry again (listed after the outer retry), from the request as the outer retry received it',
      'try 5: running retry again (listed after the outer retry), from the request as the outer retry received it',
    ]);
  });

  it('§4 a rateLimit between the two counts once per outer attempt: 3 tokens for 6 tries', async () => {
    const s = session(['outer', 'rl', 'inner'], { outer: OUTER3, rl: 'rateLimit: { average: 100, burst: 100 }', inner: INNER2 });
    const r = await send(s, REFUSED);
    expect(triesOf(r)).toBe(6);
    expect(accessOf(r, 'rate-limit')).toHaveLength(3);
  });

  it('§4 a rateLimit after the inner retry counts every try: 6 tokens', async () => {
    const s = session(['outer', 'inner', 'rl'], { outer: OUTER3, rl: 'rateLimit: { average: 100, burst: 100 }', inner: INNER2 });
    const r = await send(s, REFUSED);
    expect(triesOf(r)).toBe(6);
    expect(accessOf(r, 'rate-limit')).toHaveLength(6);
  });

  it('§4 the rateLimit between them refuses the third outer attempt: its 429 is final (not a network error, not in status), 4 tries made', async () => {
    const s = session(['outer', 'rl', 'inner'], { outer: OUTER3, rl: 'rateLimit: { average: 1, period: 1m, burst: 2 }', inner: INNER2 });
    const r = await send(s, REFUSED);
    expect(r.status).toBe(429);
    expect(triesOf(r), 'two outer attempts got through the bucket, two tries each').toBe(4);
    expect(accessOf(r, 'rate-limit')).toHaveLength(3);
    expect(retryRuns(r, 2), 'the third outer attempt never reached the inner retry').toBe(2);
    expect(accessOf(r, 'retry').at(-1)).toBe('outer retry: not retried: status 429 matches no retry condition (connect-failure)');
  });

  it('§4 each level has its own backoff: the inner one starts again from its initialInterval on every outer attempt', async () => {
    const s = session(['outer', 'inner'], { outer: 'retry: { attempts: 3, initialInterval: 1s }', inner: 'retry: { attempts: 2, initialInterval: 10ms }' });
    const r = await send(s, REFUSED);
    const w = waits(r);
    expect(w).toHaveLength(5);
    // inner (±50 % of 10 ms), outer (±50 % of 1 s), inner, outer (of 1.41 s), inner.
    const inner = [w[0], w[2], w[4]] as number[];
    const outer = [w[1], w[3]] as number[];
    for (const x of inner) expect(x).toBeGreaterThanOrEqual(5), expect(x).toBeLessThanOrEqual(15);
    expect(outer[0]).toBeGreaterThanOrEqual(500);
    expect(outer[0]).toBeLessThanOrEqual(1500);
    expect(outer[1]).toBeGreaterThanOrEqual(707);
    expect(outer[1]).toBeLessThanOrEqual(2122);
  });

  it('§4 a status the inner retry does not list goes out to the outer one, which retries it by its own list', async () => {
    const s = session(['outer', 'inner'], { outer: 'retry: { attempts: 2, status: ["503"] }', inner: INNER2 });
    const r = await send(s, [503, 503, 503]);
    expect(triesOf(r), 'the inner retry answers each 503 at once; the outer one tries twice').toBe(2);
    expect(r.status).toBe(503);
  });

  it('§4 an answer that succeeds ends every level: one try', async () => {
    const s = session(['outer', 'inner'], { outer: OUTER3, inner: INNER2 });
    const r = await send(s, [200, 200, 200]);
    expect(triesOf(r)).toBe(1);
    expect(r.status).toBe(200);
  });

  it('§4 property: refused every time, the tries are the product of the attempts and each middleware runs once per attempt of the retry just before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (outer, inner) => {
        const s = session(['outer', 'mid', 'inner', 'last'], {
          outer: `retry: { attempts: ${outer} }`,
          mid: 'headers: { customRequestHeaders: { X-Mid: "1" } }',
          inner: `retry: { attempts: ${inner} }`,
          last: 'rateLimit: { average: 1000, burst: 1000 }',
        });
        const r = await send(s, REFUSED);
        expect(triesOf(r)).toBe(outer * inner);
        expect(accessOf(r, 'headers')).toHaveLength(outer);
        expect(accessOf(r, 'rate-limit')).toHaveLength(outer * inner);
      }),
      { seed: SEED, numRuns: 16 },
    );
  });
});

describe('splitAtRetry', () => {
  const stage = (plugin: string): ChainStage => ({ plugin, phase: 'access', run: () => ({ kind: 'next', reason: '' }) });
  it('cuts after each retry; one retry last in the chain needs no split, two always do', () => {
    expect(splitAtRetry(['a', 'retry'].map(stage))).toBeUndefined();
    const two = splitAtRetry(['a', 'retry', 'b', 'retry'].map(stage));
    expect(two?.levels).toBe(2);
    expect(two?.segments.map((s) => s.map((x) => x.plugin))).toEqual([['a', 'retry'], ['b', 'retry'], []]);
    expect(two?.names).toEqual(['b, retry', '']);
  });
});
