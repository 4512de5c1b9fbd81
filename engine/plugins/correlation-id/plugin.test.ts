import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collecting, context, hooksOf, host, run } from '../kit/test-kit.ts';
import { keyedBytes, keyedDraw } from '../../core/rng.ts';
import type { PluginHost } from '../../pipeline/types.ts';
import { correlationIdPlugin, drawUuid } from './plugin.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`correlation-id property seed: ${seed} (pin with FC_SEED=${seed})`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation-id (Kong, semantics §6)', () => {
  it('§6 priority 100001; defaults Kong-Request-ID, uuid#counter, no echo', () => {
    expect(correlationIdPlugin.priority).toBe(100001);
    expect(correlationIdPlugin.parse({}, collecting())).toEqual({ header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false });
  });

  it('§6 uuid#counter: one UUID per worker, a counter 1, 2, 3 …', async () => {
    const hooks = hooksOf(correlationIdPlugin, {});
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ctx = context({ id: `r-${i}` });
      await run(hooks, ctx);
      ids.push(ctx.upstream.headers.get('Kong-Request-ID') ?? '');
    }
    const [worker] = (ids[0] ?? '').split('#');
    expect(worker).toMatch(UUID);
    expect(ids).toEqual([`${worker}#1`, `${worker}#2`, `${worker}#3`]);
  });

  it('§6 uuid: keyed by the request id — the same request gets the same id on any host', async () => {
    const hooks = hooksOf(correlationIdPlugin, { generator: 'uuid', header_name: 'X-Request-ID', echo_downstream: true });
    const a = context({ id: 'client-7' });
    const { response } = await run(hooks, a);
    const id = a.upstream.headers.get('X-Request-ID');
    expect(id).toMatch(UUID);
    expect(response?.headers.get('X-Request-ID')).toBe(id);
    const again = context({ id: 'client-7' });
    await run(hooksOf(correlationIdPlugin, { generator: 'uuid', header_name: 'X-Request-ID' }), again);
    expect(again.upstream.headers.get('X-Request-ID')).toBe(id);
  });

  it('§6 a non-empty id from the client is kept; an empty one is replaced', async () => {
    const hooks = hooksOf(correlationIdPlugin, { header_name: 'X-Request-ID', generator: 'uuid' });
    const kept = context({ headers: [['X-Request-ID', 'abc']] });
    await run(hooks, kept);
    expect(kept.upstream.headers.get('X-Request-ID')).toBe('abc');
    const empty = context({ headers: [['X-Request-ID', '']] });
    await run(hooks, empty);
    expect(empty.upstream.headers.get('X-Request-ID')).toMatch(UUID);
  });

  it('§6 tracker: address-port-worker-connection-requests-time', async () => {
    const ctx = context();
    await run(hooksOf(correlationIdPlugin, { generator: 'tracker' }), ctx);
    expect(ctx.upstream.headers.get('Kong-Request-ID')).toBe('api.example.com-8000-gw-0-1-1-1767268800.000');
  });

  it('drawUuid equals its definition of 16 separate draws, with and without the host\'s drawBytes', () => {
    // The definition before the one-call draw: byte i = the top 8 bits of draw i.
    const oneByOne = (h: PluginHost, purpose: string, key: string): string => {
      let out = '';
      for (let i = 0; i < 16; i++) {
        let byte = Math.floor(h.draw(purpose, key, i) * 256) & 0xff;
        if (i === 6) byte = (byte & 0x0f) | 0x40;
        else if (i === 8) byte = (byte & 0x3f) | 0x80;
        if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
        out += byte.toString(16).padStart(2, '0');
      }
      return out;
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string(), fc.string(), (runSeed, purpose, key) => {
        const drawOnly: PluginHost = { now: () => 0, replica: 'gw-0', draw: (p, k, i) => keyedDraw(runSeed, p, k, i) };
        const withBytes: PluginHost = { ...drawOnly, drawBytes: (p, k, into) => keyedBytes(runSeed, p, k, into) };
        const expected = oneByOne(drawOnly, purpose, key);
        return drawUuid(drawOnly, purpose, key) === expected && drawUuid(withBytes, purpose, key) === expected;
      }),
      { seed, numRuns: 500 },
    );
  });

  it('drawn UUIDs are always valid v4 (seed printed on failure)', () => {
    fc.assert(
      fc.property(fc.string(), (key) => UUID.test(drawUuid(host(), 'correlation-id', key))),
      { seed },
    );
  });
});
