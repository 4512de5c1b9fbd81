/**
 * Kong `response-ratelimiting` config (kong/plugins/response-ratelimiting/schema.lua, Kong 3.10),
 * field for field, with Kong's defaults and validation. The `redis` record (and its deprecated flat
 * `redis_*` shorthands) is the same shared schema rate-limiting uses, so its reader is reused.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { DEPRECATED_REDIS_FIELDS, parseRedisConfig, REDIS_DEFAULTS, type KongRedisConfig } from '../rate-limit/config-redis.ts';
import { nearestName } from '../rate-limit/levenshtein.ts';
import { KONG_PERIODS, type KongLimits, type KongPeriod } from '../rate-limit/math/kong-fixed-window.ts';

export type ResponseLimitBy = 'consumer' | 'credential' | 'ip';
export type ResponsePolicy = 'local' | 'cluster' | 'redis';

export const RESPONSE_LIMIT_BY: readonly ResponseLimitBy[] = ['consumer', 'credential', 'ip'];
export const RESPONSE_POLICIES: readonly ResponsePolicy[] = ['local', 'cluster', 'redis'];

/** One named quota ("video", "image"): units allowed per calendar period; at least one period set. */
export interface NamedLimit {
  name: string;
  periods: KongLimits;
}

export interface ResponseRateLimitingConfig {
  /** The quotas, in the order the config lists them (gatelab's order for headers and checks). */
  limits: NamedLimit[];
  /** Upstream response header that says what a request cost, `name=units, name=units` (default x-kong-limit). */
  header_name: string;
  /** Who shares a counter (default consumer); consumer and credential fall back to the client IP. */
  limit_by: ResponseLimitBy;
  /** Where counters live (default local: per node). */
  policy: ResponsePolicy;
  /** On a counter-store error reading usage: true (default) proxies unlimited; false answers 500. */
  fault_tolerant: boolean;
  /** Refuse in access, before the upstream is called, once any period of any limit has exactly 0 left. */
  block_on_first_violation: boolean;
  /** Do not send the X-RateLimit-Limit/Remaining-<name>-<period> headers to the client. */
  hide_client_headers: boolean;
  /** Redis connection (policy redis). */
  redis: KongRedisConfig;
}

export const RESPONSE_RATELIMITING_DEFAULTS: Omit<ResponseRateLimitingConfig, 'limits'> = {
  header_name: 'x-kong-limit',
  limit_by: 'consumer',
  policy: 'local',
  fault_tolerant: true,
  block_on_first_violation: false,
  hide_client_headers: false,
  redis: REDIS_DEFAULTS,
};

const FIELDS = ['limits', 'header_name', 'limit_by', 'policy', 'fault_tolerant', 'block_on_first_violation', 'hide_client_headers', 'redis'] as const;

/** Fields a student may carry over from rate-limiting that this plugin's schema does not have. */
const RATE_LIMITING_ONLY: Readonly<Record<string, string>> = {
  sync_rate: "response-ratelimiting has no sync_rate (that is rate-limiting's): every request reads Redis, and every counted response writes it",
  error_code: 'response-ratelimiting always answers 429',
  error_message: "response-ratelimiting's messages are fixed",
  ...Object.fromEntries(KONG_PERIODS.map((p) => [p, `periods go inside a named limit: limits: { <name>: { ${p}: … } }`])),
};

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One limit's periods: numbers > 0, at least one, a longer period never lower than a shorter one. */
function parseLimit(name: string, raw: unknown, report: ConfigReporter): KongLimits | undefined {
  if (!isRecord(raw)) {
    report.error(['limits', name], 'GL_E_TYPE', `limits.${name} must be a record of periods (second, minute, hour, day, month, year)`);
    return undefined;
  }
  const out: KongLimits = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(KONG_PERIODS as readonly string[]).includes(key)) {
      const near = nearestName(key, KONG_PERIODS);
      report.error(['limits', name, key], 'GL_E_UNKNOWN_FIELD', `unknown field 'limits.${name}.${key}'`, near ? `did you mean '${near}'?` : undefined);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) report.error(['limits', name, key], 'GL_E_TYPE', `limits.${name}.${key} must be a number`);
    else if (value <= 0) report.error(['limits', name, key], 'GL_E_CONFIG_INVALID', `limits.${name}.${key} must be greater than 0`);
    else out[key as KongPeriod] = value;
  }
  const set = KONG_PERIODS.filter((p) => out[p] !== undefined);
  if (!KONG_PERIODS.some((p) => raw[p] !== undefined && raw[p] !== null)) {
    report.error(['limits', name], 'GL_E_CONFIG_INVALID', `limits.${name}: at least one of these fields must be non-empty: ${KONG_PERIODS.join(', ')}`);
  }
  // Kong's validate_periods_order stops at the first violation; its message prints %.1f.
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      const lower = set[i] as KongPeriod;
      const upper = set[j] as KongPeriod;
      const lo = out[lower] as number;
      const up = out[upper] as number;
      if (up < lo) {
        report.error(['limits', name, upper], 'GL_E_CONFIG_INVALID', `the limit for ${upper}(${up.toFixed(1)}) cannot be lower than the limit for ${lower}(${lo.toFixed(1)})`);
        return out;
      }
    }
  }
  return out;
}

function parseLimits(raw: unknown, report: ConfigReporter): NamedLimit[] {
  if (raw === undefined || raw === null) {
    report.error(['limits'], 'GL_E_CONFIG_INVALID', 'limits is required: a map of named quotas, e.g. limits: { video: { minute: 10 } }');
    return [];
  }
  if (!isRecord(raw)) {
    report.error(['limits'], 'GL_E_TYPE', 'limits must be a map of named quotas, e.g. limits: { video: { minute: 10 } }');
    return [];
  }
  if (Object.keys(raw).length === 0) report.error(['limits'], 'GL_E_CONFIG_INVALID', 'limits must have at least one named quota');
  const out: NamedLimit[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const periods = parseLimit(name, value, report);
    if (periods && Object.keys(periods).length > 0) out.push({ name, periods });
  }
  return out;
}

function readEnum<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], report: ConfigReporter): T | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  const near = typeof v === 'string' ? nearestName(v, allowed) : undefined;
  report.error([key], 'GL_E_CONFIG_INVALID', `${key} must be one of ${allowed.join(', ')}`, near ? `did you mean '${near}'?` : undefined);
  return undefined;
}

/** Validates and fills defaults. Never throws: problems go to `report`, with the path inside `config`. */
export function parseResponseRateLimitingConfig(raw: unknown, report: ConfigReporter): ResponseRateLimitingConfig {
  const out: ResponseRateLimitingConfig = { ...RESPONSE_RATELIMITING_DEFAULTS, limits: [] };
  if (!isRecord(raw)) {
    report.error([], 'GL_E_TYPE', 'config must be a record with at least `limits`');
    return out;
  }
  for (const key of Object.keys(raw)) {
    if ((FIELDS as readonly string[]).includes(key) || key in DEPRECATED_REDIS_FIELDS) continue;
    const why = RATE_LIMITING_ONLY[key];
    const near = nearestName(key, FIELDS);
    report.error([key], 'GL_E_UNKNOWN_FIELD', `unknown field '${key}' in response-ratelimiting config`, why ?? (near ? `did you mean '${near}'?` : undefined));
  }
  out.limits = parseLimits(raw['limits'], report);

  const header = raw['header_name'];
  if (header !== undefined && header !== null) {
    if (typeof header === 'string' && header !== '') out.header_name = header;
    else report.error(['header_name'], 'GL_E_TYPE', 'header_name must be a non-empty string');
  }
  out.limit_by = readEnum(raw, 'limit_by', RESPONSE_LIMIT_BY, report) ?? out.limit_by;
  out.policy = readEnum(raw, 'policy', RESPONSE_POLICIES, report) ?? out.policy;
  if (out.policy === 'cluster') {
    report.warn(['policy'], 'GL_W_LESSON_DIFFERS', "policy 'cluster' keeps counters in Kong's Postgres; DB-less Kong accepts only local and redis", 'gatelab models cluster like redis: a shared counter store, the same round trips');
  }
  for (const key of ['fault_tolerant', 'block_on_first_violation', 'hide_client_headers'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (isBoolean(v)) out[key] = v;
    else report.error([key], 'GL_E_TYPE', `${key} must be a boolean`);
  }
  out.redis = parseRedisConfig(raw, report);
  if (out.policy === 'redis' && out.redis.host === undefined) {
    report.error(['redis', 'host'], 'GL_E_CONFIG_INVALID', 'redis.host is required when policy is redis');
  }
  return out;
}
