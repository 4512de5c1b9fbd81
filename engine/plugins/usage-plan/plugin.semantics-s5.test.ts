/**
 * Semantics §5 (AWS API Gateway) rules of API keys and usage plans that plugin.test.ts does not pin:
 * a disabled key, quotas per WEEK and MONTH through the plugin, the throttle's token-bucket shape and
 * account defaults, the layers (a plan does not lift the stage throttle), and "a usage plan cannot
 * exceed the account limit" (a warning: gatelab models no account layer).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hooksForRaw, sendRequest } from '../rate-limit/test-kit.ts';
import { epochMsOfCivil } from '../rate-limit/math/utc-calendar.ts';
import { collecting, context, hooksOf, host, jsonBody, NOON, parsed, replyOf, run } from '../kit/test-kit.ts';
import type { Verdict } from '../../pipeline/types.ts';
import { usagePlanPlugin } from './plugin.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] usage-plan.semantics-s5 seed=${seed} (replay: FC_SEED=${seed})`);

const KEY = 'tenant-key-aaaaaaaaaaaaaaaa';
const withPlan = (plan: Record<string, unknown>, key: Record<string, unknown> = {}) => ({ plans: [{ name: 'p', ...plan }], keys: [{ id: 'k-1', value: KEY, plan: 'p', ...key }] });
const send = async (hooks: ReturnType<typeof hooksOf>, nowMs: number, key: string | undefined = KEY) =>
  (await run(hooks, context({ headers: key ? [['x-api-key', key]] : [] }), host(nowMs))).verdict;

describe('semantics §5 AWS usage plans', () => {
  it('§5 an invalid API key is 403: a disabled key is refused like an unknown one', async () => {
    const hooks = hooksOf(usagePlanPlugin, withPlan({}, { enabled: false }));
    const v = await send(hooks, NOON);
    expect(replyOf(v).status).toBe(403);
    expect(jsonBody(v)).toEqual({ message: 'Forbidden' });
  });

  it('§5 quota per WEEK (from Sunday 00:00 UTC): spent on Saturday, back on Sunday; 429 {"message":"Limit Exceeded"} in between', async () => {
    const hooks = hooksOf(usagePlanPlugin, withPlan({ quota: { limit: 2, period: 'WEEK' } }));
    const sat = epochMsOfCivil(2026, 1, 3) + 3_600_000; // 2026-01-03 is a Saturday
    expect((await send(hooks, sat)).kind).toBe('next');
    expect((await send(hooks, sat + 1000)).kind).toBe('next');
    const over = await send(hooks, epochMsOfCivil(2026, 1, 4) - 1);
    expect([replyOf(over).status, jsonBody(over)]).toEqual([429, { message: 'Limit Exceeded' }]);
    expect(replyOf(over).headers).toContainEqual(['x-amzn-ErrorType', 'LimitExceededException']);
    expect((await send(hooks, epochMsOfCivil(2026, 1, 4))).kind).toBe('next');
  });

  it('§5 quota per MONTH: a calendar month from the 1st, UTC', async () => {
    const hooks = hooksOf(usagePlanPlugin, withPlan({ quota: { limit: 1, period: 'MONTH' } }));
    expect((await send(hooks, epochMsOfCivil(2026, 2, 1))).kind).toBe('next');
    expect((await send(hooks, epochMsOfCivil(2026, 2, 28) + 86_399_999)).kind).toBe('reply');
    expect((await send(hooks, epochMsOfCivil(2026, 3, 1))).kind).toBe('next');
  });

  it('§5 the throttle is a token bucket: burst = bucket size, rate = steady refill per second, for any traffic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 60 }), async (burst, rate, gaps) => {
        const hooks = hooksOf(usagePlanPlugin, withPlan({ throttle: { rate, burst } }));
        let t = NOON;
        let admitted = 0;
        for (const g of gaps) {
          t += g;
          if ((await send(hooks, t)).kind === 'next') admitted++;
          expect(admitted).toBeLessThanOrEqual(burst + (rate * (t - NOON)) / 1000 + 1e-9);
        }
        // burst / rate seconds of quiet fill the bucket again: exactly `burst` pass at once.
        const later = t + Math.ceil((burst / rate) * 1000);
        const kinds: Verdict['kind'][] = [];
        for (let i = 0; i <= burst; i++) kinds.push((await send(hooks, later)).kind);
        expect(kinds).toEqual([...Array<Verdict['kind']>(burst).fill('next'), 'reply']);
      }),
      { seed, numRuns: 60 },
    );
  });

  it('§5 a throttle with rate or burst left out takes the account defaults, 10,000 RPS and burst 5,000', () => {
    expect(parsed(usagePlanPlugin, withPlan({ throttle: {} })).plans[0]?.throttle).toEqual({ rate: 10_000, burst: 5_000 });
  });

  it('§5 a usage plan cannot exceed the account limit: a throttle above 10,000 RPS or burst 5,000 is warned about (gatelab does not cap it)', () => {
    const r = collecting();
    usagePlanPlugin.parse(withPlan({ throttle: { rate: 20_000, burst: 8_000 } }), r);
    expect(r.items.map((i) => [i.severity, i.path, i.code])).toEqual([
      ['warning', 'plans.0.throttle.rate', 'GL_W_NO_EFFECT'],
      ['warning', 'plans.0.throttle.burst', 'GL_W_NO_EFFECT'],
    ]);
    const ok = collecting();
    usagePlanPlugin.parse(withPlan({ throttle: { rate: 10_000, burst: 5_000 } }), ok);
    expect(ok.items).toEqual([]);
  });

  it('§5 layers all apply: a key within its plan is still refused by the stage throttle (the aws token bucket shared by every caller)', async () => {
    const plan = hooksOf(usagePlanPlugin, withPlan({ throttle: { rate: 100, burst: 100 } }));
    const stage = hooksForRaw({ algorithm: 'token-bucket', flavour: 'aws', rate: 1, burst: 1 });
    const through = async (): Promise<string> => {
      const ctx = context({ headers: [['x-api-key', KEY]] });
      const a = plan.access?.(ctx, host(NOON)) as Verdict;
      if (a.kind !== 'next') return `plan ${replyOf(a).status}`;
      const b = sendRequest(stage, NOON, ctx);
      return b.verdict.kind === 'next' ? 'upstream' : `stage ${replyOf(b.verdict).status} ${replyOf(b.verdict).body}`;
    };
    expect([await through(), await through()]).toEqual(['upstream', 'stage 429 {"message":"Too Many Requests"}']);
  });
});
