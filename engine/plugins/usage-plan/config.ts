/**
 * Config of `usage-plan`: AWS API Gateway API keys and usage plans (semantics §5) as a second way to
 * express tiers — a plan has a throttle (token bucket: steady `rate` per second, bucket `burst`) and a
 * quota (requests per DAY, WEEK or MONTH), and every API key belongs to one plan. Native IR form.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

/** The account-level throttle per Region (semantics §5): every layer below it, usage plans included, stays within it. */
export const AWS_ACCOUNT_THROTTLE = { rate: 10_000, burst: 5_000 } as const;

export interface UsagePlan {
  name: string;
  /** Token bucket per key; unset = no throttle beyond the account's. */
  throttle?: { rate: number; burst: number };
  /** Requests per period per key; `offset` moves the period start (WEEK: 0 = Sunday; MONTH: days after the 1st). */
  quota?: { limit: number; period: QuotaPeriod; offset: number };
}

export interface ApiKey {
  /** The key's id (AWS's API key id), shown in traces instead of the secret value. */
  id: string;
  value: string;
  plan: string;
  /** A disabled key is rejected like an unknown one. */
  enabled: boolean;
}

export interface UsagePlanConfig {
  /** The header carrying the key (AWS's API key source HEADER reads x-api-key). */
  api_key_header: string;
  plans: UsagePlan[];
  keys: ApiKey[];
}

export function parseUsagePlanConfig(raw: unknown, report: ConfigReporter): UsagePlanConfig {
  const r = new ConfigReader(raw, report, ['api_key_header', 'plans', 'keys'], [], 'usage-plan');
  const plans = r.records('plans', ['name', 'throttle', 'quota']).map((p, i): UsagePlan => {
    const plan: UsagePlan = { name: p.str('name', `plan-${i}`) };
    if (p.has('throttle')) {
      const t = p.sub('throttle', ['rate', 'burst']);
      plan.throttle = { rate: t.num('rate', AWS_ACCOUNT_THROTTLE.rate, { min: 0 }), burst: t.num('burst', AWS_ACCOUNT_THROTTLE.burst, { min: 0, integer: true }) };
      // A plan cannot exceed the account's limit (semantics §5): AWS would cap it, gatelab runs the numbers as written.
      for (const k of ['rate', 'burst'] as const) {
        if (plan.throttle[k] > AWS_ACCOUNT_THROTTLE[k]) {
          t.warn(k, 'GL_W_NO_EFFECT', `throttle ${k} ${plan.throttle[k]} is above the AWS account default (${AWS_ACCOUNT_THROTTLE.rate} RPS, burst ${AWS_ACCOUNT_THROTTLE.burst}): a usage plan cannot exceed the account limit, so on AWS the part above it has no effect`, 'gatelab models no account layer and applies the plan as written; keep the plan within the account limit');
        }
      }
    }
    if (p.has('quota')) {
      const q = p.sub('quota', ['limit', 'period', 'offset']);
      plan.quota = { limit: q.num('limit', 0, { min: 0, integer: true }), period: q.oneOf('period', ['DAY', 'WEEK', 'MONTH'] as const, 'DAY'), offset: q.num('offset', 0, { min: 0, integer: true }) };
      if (plan.quota.period === 'WEEK' && plan.quota.offset > 6) q.error('offset', 'a WEEK offset is 0 (Sunday) to 6');
      if (plan.quota.period === 'MONTH' && plan.quota.offset > 27) q.error('offset', 'a MONTH offset is 0 to 27 days after the 1st');
    }
    return plan;
  });
  const names = new Set(plans.map((p) => p.name));
  const keys = r.records('keys', ['id', 'value', 'plan', 'enabled']).map((k, i): ApiKey => {
    const key: ApiKey = { id: k.str('id', `key-${i}`), value: k.str('value', ''), plan: k.str('plan', ''), enabled: k.bool('enabled', true) };
    if (key.value.length < 20) k.error('value', 'an AWS API key value has at least 20 characters');
    if (!names.has(key.plan)) k.error('plan', `no plan named '${key.plan}'`, `plans: ${[...names].join(', ')}`);
    return key;
  });
  if (plans.length === 0) r.error('plans', 'a usage plan config needs at least one plan');
  return { api_key_header: r.str('api_key_header', 'x-api-key'), plans, keys };
}
