/**
 * Traefik's retry re-runs every middleware listed after it, once per attempt, and the service
 * (../shared/semantics.md §4, Traefik; traefik/traefik pkg/middlewares/retry/retry.go: each attempt
 * calls the retry's `next` handler, the rest of the chain; a response is held back for a retry only
 * when the proxy was reached and sent nothing (a network error) or its status is in `status`, so a
 * later middleware's own 429 or 401 is final unless `status` lists it; the last attempt's answer goes
 * to the client whatever it is). Middlewares listed before the retry run once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traefikFixture } from '../../test/support/traefik-route-fixture.ts';
import { traefikIr } from '../config/traefik/test-kit.ts';
import { createExplainSession, type ExplainResult, type ExplainSession } from '../runtimes/sim/explain.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`retry re-run property seed: ${SEED} (set FC_SEED to replay)`);

const HOSTS = ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080'];

/** An IngressRoute whose one route lists `chain` (Middleware names) in front of a three-pod service. */
function session(chain: string[], middlewares: Record<string, string>): ExplainSession {
  const pods = HOSTS.map((h, i) => ({ name: `web-${i}`, ip: h.split(':')[0] as string, port: 8080 }));
  const text = traefikFixture({ routes: [{ match: 'PathPrefix(`/`)', middlewares: chain }], middlewares, pods });
  return createExplainSession(traefikIr(text, 'retry.yaml'), 1);
}

/** Sends one GET at a frozen instant; each host answers as `hosts` says (a status, or refused). */
function send(s: ExplainSession, hosts: Array<number | 'refused'>, method = 'GET'): Promise<ExplainResult> {
  const upstreamByTarget = Object.fromEntries(HOSTS.map((h, i) => [h, hosts[i] ?? 200]));
  return s.send({ method, url: 'http://api.example.com/x', headers: [], clientIp: '192.0.2.7', now: Date.UTC(2026, 0, 1), seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamByTarget });
}

/** The access-phase decisions of one plugin, in order (response-phase lines left out). */
const accessOf = (r: ExplainResult, plugin: string): string[] => r.decisions.filter((d) => d.plugin === plugin && d.phase === 'access').map((d) => d.reason);
const triesOf = (r: ExplainResult): number => r.decisions.filter((d) => d.plugin === 'balancer').length;

const RETRY3 = 'retry: { attempts: 3 }';
/** A bucket of two tokens that refills once a minute: a third request in the same instant gets 429. */
const TWO_TOKENS = 'rateLimit: { average: 1, period: 1m, burst: 2 }';

describe('Traefik retry re-runs the middlewares after it (semantics §4)', () => {
  it('§4 a rateLimit after retry takes a token on every try; its 429 on the third try is what the client gets', async () => {
    const s = session(['retry', 'rl'], { retry: RETRY3, rl: TWO_TOKENS });
    const r = await send(s, ['refused', 'refused', 'refused']);
    expect(accessOf(r, 'rate-limit')).toHaveLength(3);
    expect(accessOf(r, 'rate-limit')[2]).toMatch(/0 of 2 tokens.*429/);
    expect(triesOf(r), 'the third try ended in the rate limit, before the balancer').toBe(2);
    expect(r.status).toBe(429);
    expect(accessOf(r, 'retry').at(-1)).toBe('not retried: status 429 matches no retry condition (connect-failure)');
  });

  it('§4 the 429 is final on the first try too, unless `status` lists it: then it is held back and the chain runs again', async () => {
    const plain = session(['retry', 'rl'], { retry: RETRY3, rl: TWO_TOKENS });
    await send(plain, [200, 200, 200]);
    await send(plain, [200, 200, 200]);
    const refused = await send(plain, [200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(accessOf(refused, 'rate-limit')).toHaveLength(1);

    const listed = session(['retry', 'rl'], { retry: 'retry: { attempts: 3, status: ["429"] }', rl: TWO_TOKENS });
    await send(listed, [200, 200, 200]);
    await send(listed, [200, 200, 200]);
    const retried = await send(listed, [200, 200, 200]);
    expect(retried.status, 'the last attempt answers whatever it gets').toBe(429);
    expect(accessOf(retried, 'rate-limit')).toHaveLength(3);
    expect(triesOf(retried)).toBe(0);
    expect(accessOf(retried, 'retry').at(-1)).toBe('not retried: status 429: all 2 retries used');
  });

  it('§4 a POST is not retried on a listed status: the 429 stays final (isIdempotent gates `status`)', async () => {
    const s = session(['retry', 'rl'], { retry: 'retry: { attempts: 3, status: ["429"] }', rl: 'rateLimit: { average: 1, period: 1m, burst: 1 }' });
    await send(s, [200, 200, 200], 'POST');
    const r = await send(s, [200, 200, 200], 'POST');
    expect(r.status).toBe(429);
    expect(accessOf(r, 'rate-limit')).toHaveLength(1);
  });

  it('§4 a headers middleware after retry runs on every try, from the request as retry received it (no header doubled)', async () => {
    const s = session(['retry', 'tag'], { retry: RETRY3, tag: 'headers: { customRequestHeaders: { X-Try: "yes" } }' });
    const r = await send(s, ['refused', 'refused', 200]);
    expect(r.status).toBe(200);
    expect(accessOf(r, 'headers')).toEqual(['request headers: X-Try: yes', 'request headers: X-Try: yes', 'request headers: X-Try: yes']);
    expect(r.upstream?.headers['x-try']).toBe('yes');
  });

  it('§4 middlewares before retry run once, whatever the number of tries', async () => {
    const s = session(['mark', 'retry', 'tag'], {
      mark: 'headers: { customRequestHeaders: { X-Before: "1" } }',
      retry: RETRY3,
      tag: 'headers: { customRequestHeaders: { X-Try: "yes" } }',
    });
    const r = await send(s, ['refused', 'refused', 200]);
    expect(accessOf(r, 'headers').filter((x) => x.includes('X-Before'))).toHaveLength(1);
    expect(accessOf(r, 'headers').filter((x) => x.includes('X-Try'))).toHaveLength(3);
    expect(r.upstream?.headers['x-before']).toBe('1');
    expect(accessOf(r, 'retry').filter((x) => x.startsWith('try '))).toEqual([
      'try 2: running headers again (listed after retry), from the request as retry received it',
      'try 3: running headers again (listed after retry), from the request as retry received it',
    ]);
  });

  it('§4 a response made on the last try never passes through the middlewares that try did not reach', async () => {
    const s = session(['retry', 'rl', 'tag'], { retry: RETRY3, rl: TWO_TOKENS, tag: 'headers: { customResponseHeaders: { X-Tagged: "yes" } }' });
    const r = await send(s, ['refused', 'refused', 'refused']);
    expect(r.status).toBe(429);
    expect(r.response.headers['x-tagged']).toBeUndefined();
  });

  it('§4 retry last in the chain: nothing re-runs, the upstream request is sent again as before', async () => {
    const s = session(['tag', 'retry'], { retry: RETRY3, tag: 'headers: { customRequestHeaders: { X-Try: "yes" } }' });
    const r = await send(s, ['refused', 200, 200]);
    expect(r.status).toBe(200);
    expect(accessOf(r, 'headers')).toHaveLength(1);
    expect(accessOf(r, 'retry').some((x) => x.startsWith('try '))).toBe(false);
  });

  it('§4 property: each try runs the middlewares after retry exactly once and those before it once in all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom<number | 'refused'>('refused', 200, 503), { minLength: 3, maxLength: 3 }), async (attempts, hosts) => {
        const s = session(['mark', 'retry', 'count'], {
          mark: 'headers: { customRequestHeaders: { X-Before: "1" } }',
          retry: `retry: { attempts: ${attempts}, status: ["503"] }`,
          count: 'rateLimit: { average: 100, burst: 100 }',
        });
        const r = await send(s, hosts);
        const tries = triesOf(r);
        expect(accessOf(r, 'rate-limit')).toHaveLength(tries);
        expect(accessOf(r, 'headers')).toHaveLength(1);
        expect(tries).toBeGreaterThanOrEqual(1);
        expect(tries).toBeLessThanOrEqual(attempts);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});
