/**
 * A sized nginx limit_req zone (semantics §2, "Zone exhaustion") on both hosts: the rate-limit plugin
 * keeps the zone's memory itself, so the simulation and the real proxy must fill it, evict from it and
 * refuse for lack of room at the same requests, with the same reasons.
 */
import { describe, expect, it } from 'vitest';
import { expectParity, get, statuses, upstreamsPerTest } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

/** A 1000-byte key: a 1080-byte node, two to a page; the 32 KB zone has five free pages. */
const big = (i: number): string => `${String(i).padStart(3, '0')}-${'x'.repeat(996)}`;
/** A 64-byte key: a 256-byte chunk, which needs a page of its own. */
const small = 'k'.repeat(64);

describe('nginx limit_req zone_size on both hosts (semantics §2)', () => {
  it('§2 ten 1000-byte keys fill a 32k zone; the eleventh evicts the oldest; a short key then finds no chunk of its size and gets 503', async () => {
    const u = await upstreams.start(['a']);
    const config = `services:
  - name: app
    url: http://${u.a!.target}
routes:
  - {name: app, service: app, paths: [/]}
plugins:
  - plugin: rate-limit
    config: {algorithm: nginx-limit-req, zone: tiny, zone_size: 32k, rate: 10r/s, burst: 5, nodelay: true, key: "header:x-api-key"}
`;
    const keyed = (v: string) => get('/x', { headers: { 'x-api-key': v } });
    const steps = [...Array.from({ length: 11 }, (_, i) => keyed(big(i))), keyed(small), keyed(big(0))];
    const out = await expectParity('ir', config, 'zone-size', steps, u, { reasonsOf: ['rate-limit'] });
    expect(statuses(out)).toEqual([...Array<number>(11).fill(200), 503, 200]);
    expect(out[9]?.reasons[0]).not.toContain('was full');
    expect(out[10]?.reasons[0]).toContain(`zone "tiny" was full, so nginx dropped its oldest key ${big(0).slice(0, 24)}… (1000 bytes) to make room`);
    expect(out[11]?.reasons[0]).toContain('zone "tiny" (32 KB) has no room for this key\'s 144-byte node (a 256-byte slab chunk); dropping its oldest key');
    expect(out[12]?.reasons[0]).toContain('first request of this key');
    expect(u.a!.hits, 'the refused request never reached the upstream').toBe(12);
  });
});
