import { describe, expect, it } from 'vitest';
import { collecting, context, hooksOf, host, jsonBody, NOON, replyOf, run } from '../kit/test-kit.ts';
import { usagePlanPlugin } from './plugin.ts';
import { quotaWindow } from './quota.ts';

const KEY_A = 'free-key-aaaaaaaaaaaaaaaa';
const KEY_B = 'paid-key-bbbbbbbbbbbbbbbb';
const CONFIG = {
  plans: [
    { name: 'free', throttle: { rate: 1, burst: 2 }, quota: { limit: 3, period: 'DAY' } },
    { name: 'paid', throttle: { rate: 100, burst: 200 } },
  ],
  keys: [
    { id: 'partner-a', value: KEY_A, plan: 'free' },
    { id: 'partner-b', value: KEY_B, plan: 'paid' },
  ],
};
const send = (hooks: ReturnType<typeof hooksOf>, key: string | undefined, nowMs = NOON) =>
  run(hooks, context({ headers: key ? [['x-api-key', key]] : [] }), host(nowMs));

describe('usage-plan (AWS API keys and usage plans, semantics §5)', () => {
  it('§5 no key or an unknown key: 403 {"message":"Forbidden"}', async () => {
    const hooks = hooksOf(usagePlanPlugin, CONFIG);
    for (const k of [undefined, 'unknown-key-cccccccccccccc']) {
      const { verdict } = await send(hooks, k);
      expect(replyOf(verdict).status).toBe(403);
      expect(jsonBody(verdict)).toEqual({ message: 'Forbidden' });
    }
  });

  it('§5 throttle: a bucket of burst 2 refilled at 1/s — the third request at once is 429 Too Many Requests', async () => {
    const hooks = hooksOf(usagePlanPlugin, CONFIG);
    expect((await send(hooks, KEY_A)).verdict.kind).toBe('next');
    expect((await send(hooks, KEY_A)).verdict.kind).toBe('next');
    const third = await send(hooks, KEY_A);
    expect(replyOf(third.verdict).status).toBe(429);
    expect(jsonBody(third.verdict)).toEqual({ message: 'Too Many Requests' });
    expect(replyOf(third.verdict).headers).toContainEqual(['x-amzn-ErrorType', 'TooManyRequestsException']);
    // A second later one token is back; the paid key was never affected.
    expect((await send(hooks, KEY_A, NOON + 1000)).verdict.kind).toBe('next');
    expect((await send(hooks, KEY_B)).verdict.kind).toBe('next');
  });

  it('§5 quota: 3 per DAY, then 429 Limit Exceeded until the next UTC day; throttled requests do not spend quota', async () => {
    const hooks = hooksOf(usagePlanPlugin, CONFIG);
    for (const t of [0, 1, 2, 3]) await send(hooks, KEY_A, NOON + t * 5000);
    const { verdict } = await send(hooks, KEY_A, NOON + 20_000);
    expect(jsonBody(verdict)).toEqual({ message: 'Limit Exceeded' });
    expect(verdict.data).toMatchObject({ used: 3, limit: 3 });
    expect((await send(hooks, KEY_A, NOON + 12 * 3_600_000)).verdict.kind).toBe('next');
  });

  it('quota periods: WEEK starts on Sunday (offset 0) or Monday (offset 1); MONTH on the 1st (+ offset)', () => {
    // 2026-01-01 is a Thursday.
    const day = 86_400_000;
    const jan1 = NOON - 12 * 3_600_000;
    expect(quotaWindow('WEEK', 0, NOON).start).toBe(jan1 - 4 * day);
    expect(quotaWindow('WEEK', 1, NOON).start).toBe(jan1 - 3 * day);
    expect(quotaWindow('MONTH', 0, NOON)).toEqual({ start: jan1, end: jan1 + 31 * day });
    expect(quotaWindow('MONTH', 4, NOON).start).toBe(jan1 - 31 * day + 4 * day);
  });

  it('a key naming a missing plan and a short key value are config errors', () => {
    const r = collecting();
    usagePlanPlugin.parse({ plans: [{ name: 'free' }], keys: [{ id: 'x', value: 'short', plan: 'gold' }] }, r);
    expect(r.items.map((i) => i.path)).toEqual(['keys.0.value', 'keys.0.plan']);
  });
});
