/**
 * `usage-plan`: AWS API Gateway's API keys and usage plans (semantics §5). The key in x-api-key names
 * a plan; a missing, unknown or disabled key is 403 {"message":"Forbidden"}; the plan's quota for the
 * current period is checked first (429 {"message":"Limit Exceeded"}), then its throttle, a token bucket
 * (429 {"message":"Too Many Requests"}). Which of quota and throttle AWS checks first is not
 * documented; gatelab checks the quota first so a throttled request never spends quota.
 *
 * State is per gateway replica: AWS runs one managed limiter, so scenarios use one replica.
 */
import { next, reply, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { tokenBucket, type TokenBucketState } from '../rate-limit/math/token-bucket.ts';
import { constantTimeEqual } from '../kit/kong-auth.ts';
import { parseUsagePlanConfig, type ApiKey, type UsagePlan, type UsagePlanConfig } from './config.ts';
import { quotaWindow } from './quota.ts';

/** After the Kong auth plugins in the native form; AWS checks the key before anything else. */
export const USAGE_PLAN_PRIORITY = 1200;

interface KeyState {
  bucket?: TokenBucketState;
  quota?: { start: number; used: number };
}

function awsError(ctx: RequestContext, status: number, message: string, type: string, reason: string, data: Record<string, string | number>): Verdict {
  return reply(status, reason, {
    headers: [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', type],
      ['x-amzn-RequestId', ctx.request.id],
    ],
    body: JSON.stringify({ message }),
    data,
  });
}

export function createUsagePlanHooks(config: UsagePlanConfig): PluginHooks {
  const plans = new Map(config.plans.map((p) => [p.name, p]));
  const state = new Map<string, Map<string, KeyState>>();
  const stateOf = (replica: string, key: string): KeyState => {
    let r = state.get(replica);
    if (!r) state.set(replica, (r = new Map()));
    let s = r.get(key);
    if (!s) r.set(key, (s = {}));
    return s;
  };
  const find = (value: string): ApiKey | undefined => {
    let hit: ApiKey | undefined;
    for (const k of config.keys) if (constantTimeEqual(k.value, value) && !hit) hit = k;
    return hit;
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const value = ctx.upstream.headers.get(config.api_key_header);
      if (value === undefined || value === '') return awsError(ctx, 403, 'Forbidden', 'ForbiddenException', `no ${config.api_key_header} header — 403 (API key required)`, {});
      const key = find(value);
      if (!key || !key.enabled) return awsError(ctx, 403, 'Forbidden', 'ForbiddenException', `${key ? `API key ${key.id} is disabled` : 'the API key is in no usage plan'} — 403`, {});
      const plan = plans.get(key.plan) as UsagePlan;
      const s = stateOf(host.replica, key.id);
      const nowMs = host.now();
      ctx.credentialId = key.id;
      let quotaNote = 'no quota';
      if (plan.quota) {
        const w = quotaWindow(plan.quota.period, plan.quota.offset, nowMs);
        if (!s.quota || s.quota.start !== w.start) s.quota = { start: w.start, used: 0 };
        if (s.quota.used >= plan.quota.limit) {
          return awsError(ctx, 429, 'Limit Exceeded', 'LimitExceededException', `key ${key.id} (plan ${plan.name}) used ${s.quota.used} of ${plan.quota.limit} per ${plan.quota.period} — 429 quota exceeded`, {
            key: key.id,
            plan: plan.name,
            used: s.quota.used,
            limit: plan.quota.limit,
          });
        }
        quotaNote = `quota ${s.quota.used + 1} of ${plan.quota.limit} per ${plan.quota.period}`;
      }
      let throttleNote = 'no throttle';
      if (plan.throttle) {
        const { decision, state: bucket } = tokenBucket({ flavour: 'aws', rate: plan.throttle.rate, burst: plan.throttle.burst }, s.bucket, nowMs);
        s.bucket = bucket;
        if (!decision.allowed) {
          return awsError(ctx, 429, 'Too Many Requests', 'TooManyRequestsException', `key ${key.id} (plan ${plan.name}): throttle bucket empty, ${decision.tokensBefore.toFixed(3)} of ${plan.throttle.burst} tokens at ${plan.throttle.rate}/s — 429`, {
            key: key.id,
            plan: plan.name,
            tokens: Number(decision.tokensBefore.toFixed(3)),
          });
        }
        throttleNote = `throttle ${decision.tokensAfter.toFixed(3)} of ${plan.throttle.burst} tokens left`;
      }
      if (s.quota) s.quota.used++;
      return next(`API key ${key.id} → plan ${plan.name}: ${throttleNote}, ${quotaNote}`, { key: key.id, plan: plan.name, quotaUsed: s.quota?.used ?? null });
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const [key, s] of state.get(host.replica) ?? []) out[key] = { quotaUsed: s.quota?.used ?? 0, tokens: s.bucket?.tokens ?? null };
      return out;
    },
  };
}

export const usagePlanPlugin: PluginDefinition<UsagePlanConfig> = {
  id: 'usage-plan',
  priority: USAGE_PLAN_PRIORITY,
  parse: parseUsagePlanConfig,
  create: createUsagePlanHooks,
};
