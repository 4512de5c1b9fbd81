/** The counter store on a real redis-server the test starts itself (issue 5, semantics §1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { redisStore, type CounterStore } from '../../engine/runtimes/proxy/stores.ts';
import { skipWithout } from '../support/system.ts';

const skip = skipWithout('redis-server');

let redis: RedisProcess;
let store: CounterStore;

beforeAll(async () => {
  if (skip) return;
  redis = await startRedis();
  store = redisStore(redis.url);
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
});

describe.skipIf(!!skip)(`redis counter store${skip ? ` — ${skip}` : ''}`, () => {
  it('INCRBY with a relative TTL set once (PEXPIRE NX), and GET, in one round trip', async () => {
    expect(await store.apply([{ op: 'incr', key: 'k1', by: 1, ttlMs: 60_000 }])).toEqual({ ok: true, values: [1] });
    expect(await store.apply([{ op: 'incr', key: 'k1', by: 2, ttlMs: 1 }, { op: 'get', key: 'k1' }])).toEqual({ ok: true, values: [3, 3] });
    expect(await store.apply([{ op: 'get', key: 'missing' }])).toEqual({ ok: true, values: [null] });
  });

  it('keys expire after their TTL', async () => {
    await store.apply([{ op: 'incr', key: 'short', by: 1, ttlMs: 50 }]);
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.apply([{ op: 'get', key: 'short' }])).toEqual({ ok: true, values: [null] });
  });

  it('answers { ok: false } quickly while Redis is down, and recovers when it is back', async () => {
    await redis.stop();
    const started = Date.now();
    const down = await store.apply([{ op: 'incr', key: 'k2', by: 1, ttlMs: 1000 }]);
    expect(down.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
    await redis.restart();
    let back = down;
    for (let i = 0; i < 40 && !back.ok; i++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await store.apply([{ op: 'incr', key: 'k2', by: 1, ttlMs: 1000 }]);
    }
    expect(back).toEqual({ ok: true, values: [1] });
  });
});
