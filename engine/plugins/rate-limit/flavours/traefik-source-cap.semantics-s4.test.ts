/**
 * Traefik rateLimit's source cap (semantics §4: buckets "kept in a TTL map (max 65536 sources…)";
 * traefik/traefik pkg/middlewares/ratelimiter/in_memory_limiter.go Allow: buckets.Get, then
 * buckets.Set, which drops the source closest to expiry when the map is full). A dropped source's next
 * request gets a new, full bucket.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../../pipeline/headers.ts';
import { fakeContext, hooksForRaw as hooksFor, sendRequest as send } from '../test-kit.ts';
import { TRAEFIK_MAX_SOURCES } from '../math/traefik-ttl-map.ts';

const T0 = 1_767_268_800_000; // a whole second
const RAW = { algorithm: 'token-bucket', flavour: 'traefik', average: 1, burst: 1, key: 'header:x-client' };
const from = (client: string) => fakeContext({ headers: new HeaderMap({ 'X-Client': client }) });
const status = (r: ReturnType<typeof send>): number => (r.verdict.kind === 'reply' ? (r.verdict.status ?? 0) : 200);

describe('Traefik rateLimit source cap (semantics §4)', () => {
  it('§4 65,536 sources fill the map; the 65,537th drops the bucket of the first (closest to expiry), which then passes again at once', () => {
    const hooks = hooksFor(RAW);
    expect(status(send(hooks, T0, from('c0')))).toBe(200);
    // Same second, bucket empty: refused, as long as the map remembers c0.
    expect(status(send(hooks, T0, from('c0')))).toBe(429);
    for (let i = 1; i < TRAEFIK_MAX_SOURCES; i++) send(hooks, T0 + 100, from(`c${i}`));
    expect(status(send(hooks, T0 + 100, from('c0'))), 'the map holds exactly 65,536 sources: c0 is still there').toBe(429);

    // Every source expires in second 2 (T0 is a whole second); among equals Go's heap keeps the first
    // pushed at the root, and refreshing c0 in the same second did not move it.
    const newcomer = send(hooks, T0 + 200, from('new'));
    expect(newcomer.verdict.reason).toContain('the source map was full (65536 sources), so Traefik dropped the bucket of c0, the one closest to expiry, to make room');
    expect(newcomer.verdict.data).toMatchObject({ droppedSource: 'c0' });
    expect(status(send(hooks, T0 + 200, from('c0'))), 'c0 forgotten: a new bucket with its burst of 1').toBe(200);
  });

  it('§4 the dropped source comes back with a full bucket, where a remembered one is still refused', () => {
    const hooks = hooksFor(RAW);
    // Second 0: s0 … s65535 each take their one token; every expiry is second 2.
    for (let i = 0; i < TRAEFIK_MAX_SOURCES; i++) send(hooks, T0, from(`s${i}`));
    // 400 ms later (a token is 600 ms away: more than Traefik's 500 ms wait, so 429) a new source drops s0.
    expect(send(hooks, T0 + 400, from('new')).verdict.data?.['droppedSource']).toBe('s0');
    expect(status(send(hooks, T0 + 400, from('s12345'))), 'remembered: its token is spent').toBe(429);
    // s0 is new again: it passes, and being new it drops another, the heap's root now: s65535, the
    // last leaf moved up by the previous drop.
    const back = send(hooks, T0 + 400, from('s0'));
    expect(status(back), 'forgotten: a new bucket with its burst of 1').toBe(200);
    expect(back.verdict.data?.['droppedSource']).toBe('s65535');
  });

  it('§4 below the cap nothing is dropped: an idle source is forgotten only by its TTL (2 s at 1 r/s)', () => {
    const hooks = hooksFor(RAW);
    for (let i = 0; i < 1000; i++) send(hooks, T0, from(`s${i}`));
    const r = send(hooks, T0 + 100, from('new'));
    expect(r.verdict.data).not.toHaveProperty('droppedSource');
    expect(status(send(hooks, T0 + 100, from('s0')))).toBe(429);
  });
});
