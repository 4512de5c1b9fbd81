/**
 * Kong `rate-limiting` plugin config (schema.lua, Kong 3.10), field for field, with Kong's defaults
 * and Kong's validation rules (semantics §1). Field names stay Kong's snake_case so a parsed config
 * reads like the YAML a student wrote.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { DEPRECATED_REDIS_FIELDS, parseRedisConfig, REDIS_DEFAULTS, type KongRedisConfig } from './config-redis.ts';
import { levenshtein, nearestName } from './levenshtein.ts';
import { KONG_PERIODS, type KongLimits, type KongPeriod } from './math/kong-fixed-window.ts';

export type { KongRedisConfig } from './config-redis.ts';

export type LimitBy = 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
export type RateLimitPolicy = 'local' | 'cluster' | 'redis';

export const LIMIT_BY_VALUES: readonly LimitBy[] = ['consumer', 'credential', 'ip', 'service', 'header', 'path'];
export const POLICY_VALUES: readonly RateLimitPolicy[] = ['local', 'cluster', 'redis'];

/** `sync_rate` value that means "talk to the store on every request". */
export const SYNC_RATE_REALTIME = -1;

export interface KongRateLimitingConfig {
  /** Requests allowed per second (a number > 0); unset = no per-second limit. */
  second?: number;
  /** Requests allowed per minute, window starting at :00. */
  minute?: number;
  /** Requests allowed per hour, window starting at mm = 0. */
  hour?: number;
  /** Requests allowed per day, window starting at 00:00 UTC. */
  day?: number;
  /** Requests allowed per calendar month, window starting on the 1st, 00:00 UTC. */
  month?: number;
  /** Requests allowed per calendar year, window starting on 1 January. */
  year?: number;
  /** Who shares a counter (default consumer); every choice falls back to the client IP when its entity is absent. */
  limit_by: LimitBy;
  /** Header whose value is the identifier; required when limit_by is `header`. */
  header_name?: string;
  /** Path that gets its own counter when limit_by is `path` (exact match; other paths fall back to the IP). */
  path?: string;
  /** Where counters live (default local: per node, so N nodes admit up to N × limit). */
  policy: RateLimitPolicy;
  /** On a counter-store error: true (default) proxies without limiting and without headers; false answers 500. */
  fault_tolerant: boolean;
  /** Do not send the X-RateLimit-*, RateLimit-* and Retry-After headers (default false). */
  hide_client_headers: boolean;
  /** Status of a rejection (default 429). */
  error_code: number;
  /** `message` of a rejection's body (default "API rate limit exceeded"). */
  error_message: string;
  /** Seconds between syncs of local counts to Redis; -1 (default) = every request goes to Redis. Redis only, >= 0.02. */
  sync_rate: number;
  /** Redis connection (policy redis). */
  redis: KongRedisConfig;
}

export const KONG_RATE_LIMITING_DEFAULTS: KongRateLimitingConfig = {
  limit_by: 'consumer',
  policy: 'local',
  fault_tolerant: true,
  hide_client_headers: false,
  error_code: 429,
  error_message: 'API rate limit exceeded',
  sync_rate: SYNC_RATE_REALTIME,
  redis: REDIS_DEFAULTS,
};

const OTHER_FIELDS = ['limit_by', 'header_name', 'path', 'policy', 'fault_tolerant', 'redis', 'hide_client_headers', 'error_code', 'error_message', 'sync_rate'] as const;
export const KNOWN_FIELDS: readonly string[] = [...KONG_PERIODS, ...OTHER_FIELDS];

/** The configured limits, shortest period first. */
export function kongLimits(c: KongRateLimitingConfig): KongLimits {
  const out: KongLimits = {};
  for (const p of KONG_PERIODS) if (c[p] !== undefined) out[p] = c[p];
  return out;
}

/** Kong's `%.1f` in the period-order message. */
const f1 = (n: number): string => n.toFixed(1);

/** "did you mean 'consumer'?" for a near-miss enum value (at most 2 edits); nothing for a far one. */
function closeMatchHint(value: string, allowed: readonly string[]): string | undefined {
  const near = nearestName(value, allowed);
  return near !== undefined && levenshtein(value.toLowerCase(), near) <= 2 ? `did you mean '${near}'?` : undefined;
}

type Reader = <T>(key: string, check: (v: unknown) => v is T, expected: string) => T | undefined;

/** Validates and fills defaults. Never throws: problems go to `report`, with the path inside `config`. */
export function parseKongRateLimitingConfig(raw: unknown, report: ConfigReporter): KongRateLimitingConfig {
  const out: KongRateLimitingConfig = { ...KONG_RATE_LIMITING_DEFAULTS };
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report.error([], 'GL_E_TYPE', 'config must be a record');
    return out;
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (KNOWN_FIELDS.includes(key) || key in DEPRECATED_REDIS_FIELDS) continue;
    const near = nearestName(key, KNOWN_FIELDS);
    report.error([key], 'GL_E_UNKNOWN_FIELD', `unknown field '${key}' in rate-limiting config`, near ? `did you mean '${near}'?` : undefined);
  }
  // Kong's declarative exports write `null` for unset fields; null means "not set".
  const read: Reader = (key, check, expected) => {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (check(v)) return v;
    report.error([key], 'GL_E_TYPE', `${key} must be ${expected}`);
    return undefined;
  };
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

  for (const p of KONG_PERIODS) {
    const v = read(p, isNumber, 'a number');
    if (v === undefined) continue;
    if (v <= 0) report.error([p], 'GL_E_CONFIG_INVALID', `${p} must be greater than 0`);
    else out[p] = v;
  }
  const set = KONG_PERIODS.filter((p) => out[p] !== undefined);
  if (!KONG_PERIODS.some((p) => obj[p] !== undefined && obj[p] !== null)) {
    report.error([], 'GL_E_CONFIG_INVALID', 'at least one of these fields must be non-empty: second, minute, hour, day, month, year');
  }
  orderCheck: for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      const lower = set[i] as KongPeriod;
      const upper = set[j] as KongPeriod;
      if ((out[upper] as number) < (out[lower] as number)) {
        report.error([upper], 'GL_E_CONFIG_INVALID', `The limit for ${upper}(${f1(out[upper] as number)}) cannot be lower than the limit for ${lower}(${f1(out[lower] as number)})`);
        break orderCheck; // Kong's validator stops at the first violation
      }
    }
  }

  const limitBy = read('limit_by', isString, `one of ${LIMIT_BY_VALUES.join(', ')}`);
  if (limitBy !== undefined) {
    if ((LIMIT_BY_VALUES as readonly string[]).includes(limitBy)) out.limit_by = limitBy as LimitBy;
    else report.error(['limit_by'], 'GL_E_CONFIG_INVALID', `limit_by must be one of ${LIMIT_BY_VALUES.join(', ')}`, closeMatchHint(limitBy, LIMIT_BY_VALUES));
  }
  const headerName = read('header_name', isString, 'a string');
  if (headerName !== undefined) {
    if (/^[a-zA-Z0-9-_]+$/.test(headerName)) out.header_name = headerName;
    else report.error(['header_name'], 'GL_E_CONFIG_INVALID', `bad header name '${headerName}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
  }
  const path = read('path', isString, 'a string');
  if (path !== undefined) {
    if (path.startsWith('/')) out.path = path;
    else report.error(['path'], 'GL_E_CONFIG_INVALID', "path should start with: /");
  }
  if (out.limit_by === 'header' && out.header_name === undefined) report.error(['header_name'], 'GL_E_CONFIG_INVALID', 'header_name is required when limit_by is header');
  if (out.limit_by === 'path' && out.path === undefined) report.error(['path'], 'GL_E_CONFIG_INVALID', 'path is required when limit_by is path');

  const policy = read('policy', isString, `one of ${POLICY_VALUES.join(', ')}`);
  if (policy !== undefined) {
    if ((POLICY_VALUES as readonly string[]).includes(policy)) out.policy = policy as RateLimitPolicy;
    else report.error(['policy'], 'GL_E_CONFIG_INVALID', `policy must be one of ${POLICY_VALUES.join(', ')}`, closeMatchHint(policy, POLICY_VALUES));
  }
  if (out.policy === 'cluster') {
    report.warn(['policy'], 'GL_W_LESSON_DIFFERS', "policy 'cluster' keeps counters in Kong's Postgres; DB-less Kong accepts only local and redis", 'gatelab runs cluster on its shared counter store: a read per request, and an admitted request counted afterwards without waiting, as Kong upserts its Postgres rows');
  }

  out.fault_tolerant = read('fault_tolerant', isBoolean, 'a boolean') ?? out.fault_tolerant;
  out.hide_client_headers = read('hide_client_headers', isBoolean, 'a boolean') ?? out.hide_client_headers;
  const errorCode = read('error_code', isNumber, 'a number');
  if (errorCode !== undefined) {
    if (errorCode <= 0) report.error(['error_code'], 'GL_E_CONFIG_INVALID', 'error_code must be greater than 0');
    else {
      out.error_code = errorCode;
      if (!Number.isInteger(errorCode) || errorCode < 100 || errorCode > 599) {
        report.warn(['error_code'], 'GL_W_NO_EFFECT', `error_code ${errorCode} passes Kong's schema, but kong.response.error only takes 100–599: every rejection would become a 500`);
      }
    }
  }
  out.error_message = read('error_message', isString, 'a string') ?? out.error_message;

  const syncRate = read('sync_rate', isNumber, 'a number');
  if (syncRate !== undefined) out.sync_rate = syncRate;
  if (out.policy !== 'redis' && out.sync_rate !== SYNC_RATE_REALTIME) {
    report.error(['sync_rate'], 'GL_E_CONFIG_INVALID', 'sync_rate can only be used with the redis policy');
  } else if (out.policy === 'redis' && out.sync_rate !== SYNC_RATE_REALTIME && out.sync_rate < 0.02) {
    report.error(['sync_rate'], 'GL_E_CONFIG_INVALID', 'sync_rate must be greater than 0.02, or -1 to disable');
  }

  out.redis = parseRedisConfig(obj, report);
  if (out.policy === 'redis' && out.redis.host === undefined) {
    report.error(['redis', 'host'], 'GL_E_CONFIG_INVALID', 'redis.host is required when policy is redis');
  }
  return out;
}
