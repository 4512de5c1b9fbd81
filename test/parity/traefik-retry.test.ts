/**
 * Traefik's retry re-runs the middlewares listed after it on every attempt (../shared/semantics.md §4,
 * Traefik; traefik/traefik pkg/middlewares/retry/retry.go): the same requests at the same clock
 * instants through the simulation (explain session) and the real proxy (real upstreams on 127.0.0.1,
 * one refusing connections), which must agree on statuses, hosts tried and the reasons of the retry,
 * rateLimit and headers middlewares; each case also pins what Traefik does.
 */
import { describe, expect, it } from 'vitest';
import { brief, expectParity, get, localPods, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import type { Outcome, Step } from '../support/resilience-parity.ts';
import { traefikFixture } from '../support/traefik-route-fixture.ts';

const upstreams = upstreamsPerTest();

/** One route over pods a, b, c (in that order) with `chain` as its middlewares. */
const config = (u: Upstreams, chain: string[], middlewares: Record<string, string>): string =>
  traefikFixture({ routes: [{ match: 'PathPrefix(`/`)', middlewares: chain }], middlewares, pods: localPods(u, ['a', 'b', 'c']) });

const parity = (text: string, label: string, steps: Step[], u: Upstreams): Promise<Outcome[]> => expectParity('traefik', text, label, steps, u, { reasonsOf: ['retry', 'rate-limit', 'headers'] });

const count = (o: Outcome | undefined, prefix: string): number => (o?.reasons ?? []).filter((r) => r.startsWith(prefix)).length;
/** rateLimit's access-phase lines (its response phase adds one more to a 429). */
const BUCKET = 'rate-limit: Traefik rateLimit';
const TWO_TOKENS = 'rateLimit: { average: 1, period: 1m, burst: 2 }';

describe('Traefik retry re-runs the middlewares after it (semantics §4)', () => {
  it('§4 rateLimit after retry counts every try: two refused hosts use both tokens, the third try gets the 429, and the next request is refused at once', async () => {
    const u = await upstreams.start(['c'], ['a', 'b']);
    const text = config(u, ['retry', 'rl'], { retry: 'retry: { attempts: 3 }', rl: TWO_TOKENS });
    const out = await parity(text, 'tr-rl', [get('/x'), get('/x')], u);
    expect(brief(out)).toEqual(['429 a,b', '429 ']);
    expect(count(out[0], BUCKET)).toBe(3);
    expect(out[0]?.reasons).toContain('retry: not retried: status 429 matches no retry condition (connect-failure)');
    expect(count(out[1], BUCKET)).toBe(1);
    expect(u.c!.hits, 'the live host was never reached').toBe(0);
  });

  it('§4 a headers middleware after retry runs once per try, the one before it once; status 429 listed: the 429 is held back and retried', async () => {
    const u = await upstreams.start(['b', 'c'], ['a']);
    const text = config(u, ['mark', 'retry', 'rl', 'tag'], {
      mark: 'headers: { customRequestHeaders: { X-Before: "1" } }',
      retry: 'retry: { attempts: 3, status: ["429"] }',
      rl: TWO_TOKENS,
      tag: 'headers: { customRequestHeaders: { X-Try: "yes" } }',
    });
    const out = await parity(text, 'tr-hdr', [get('/x'), get('/x')], u);
    expect(brief(out)).toEqual(['200 a,b', '429 ']);
    expect(count(out[0], 'headers: request headers: X-Before')).toBe(1);
    expect(count(out[0], 'headers: request headers: X-Try')).toBe(2);
    expect(count(out[1], BUCKET), 'the 429 is in `status`: three attempts, each refused by the bucket').toBe(3);
    expect(out[1]?.reasons).toContain('retry: not retried: status 429: all 2 retries used');
  });
});
