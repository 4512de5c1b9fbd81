/**
 * Counter stores for the proxy host. With a Redis URL, every store effect is one pipelined round trip
 * to a real redis-server (INCRBY plus PEXPIRE … NX, so the TTL is relative and set once, as the
 * simulation's model does). Without one, the same in-process model the simulation uses answers.
 */
import { Redis } from 'ioredis';
import type { EffectResult, StoreOp } from '../../pipeline/types.ts';
import { ModeledStore } from '../sim/store.ts';

export interface CounterStore {
  apply(ops: readonly StoreOp[]): Promise<EffectResult>;
  close(): Promise<void>;
}

export function localStore(now: () => number): CounterStore {
  const model = new ModeledStore();
  return {
    apply: async (ops) => model.apply(ops, now()),
    close: async () => {},
  };
}

export function redisStore(url: string): CounterStore {
  // Fail fast instead of queueing commands while Redis is down: fault_tolerant must see the error.
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  client.on('error', () => {
    // Connection errors surface per command as { ok: false }; the event only needs a listener.
  });
  // Without an offline queue a command sent while connecting fails at once; wait (briefly) for the
  // connection instead, so only a Redis that is really down produces errors.
  const ready = async (): Promise<void> => {
    if (client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 500);
      function done(): void {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      }
      client.once('ready', done);
    });
  };
  return {
    async apply(ops) {
      try {
        await ready();
        const pipeline = client.pipeline();
        for (const op of ops) {
          if (op.op === 'get') pipeline.get(op.key);
          else {
            pipeline.incrby(op.key, op.by);
            pipeline.call('PEXPIRE', op.key, String(Math.max(1, Math.ceil(op.ttlMs))), 'NX');
          }
        }
        const replies = (await pipeline.exec()) ?? [];
        const values: Array<number | null> = [];
        let i = 0;
        for (const op of ops) {
          const [err, value] = replies[i] ?? [new Error('no reply'), null];
          if (err) return { ok: false, error: `redis: ${err.message}` };
          values.push(value === null ? null : Number(value));
          i += op.op === 'get' ? 1 : 2;
        }
        return { ok: true, values };
      } catch (e) {
        return { ok: false, error: `redis: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
