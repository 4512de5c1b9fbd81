/**
 * The `redis` record of Kong's rate-limiting config (kong/tools/redis/schema.lua, Kong 3.6+), and the
 * flat `redis_host`, `redis_port`, … fields it replaced: Kong still accepts those as deprecated
 * shorthands (removal planned for 4.0), so gatelab accepts them too, with a warning.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { nearestName } from './levenshtein.ts';

export interface KongRedisConfig {
  /** Redis host; required when `policy` is `redis`. */
  host?: string;
  /** Redis port (default 6379). */
  port: number;
  /** Connect/send/read timeout in ms (default 2000). */
  timeout: number;
  /** ACL username (Redis 6+); no AUTH user when unset. */
  username?: string;
  /** Password; no AUTH when unset. */
  password?: string;
  /** Database number (default 0). */
  database: number;
  /** Connect with TLS (default false). */
  ssl: boolean;
  /** Verify the server certificate (default false). */
  ssl_verify: boolean;
  /** SNI server name for TLS. */
  server_name?: string;
}

export const REDIS_DEFAULTS: KongRedisConfig = { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false };

type RedisField = keyof KongRedisConfig;

const REDIS_FIELD_TYPES: Record<RedisField, 'string' | 'integer' | 'number' | 'boolean'> = {
  host: 'string',
  port: 'integer',
  timeout: 'number',
  username: 'string',
  password: 'string',
  database: 'integer',
  ssl: 'boolean',
  ssl_verify: 'boolean',
  server_name: 'string',
};

export const REDIS_FIELDS = Object.keys(REDIS_FIELD_TYPES) as RedisField[];

/** Deprecated flat field → its place in the `redis` record. */
export const DEPRECATED_REDIS_FIELDS: Readonly<Record<string, RedisField>> = Object.fromEntries(
  REDIS_FIELDS.map((f) => [`redis_${f}`, f]),
);

function typeOk(value: unknown, type: (typeof REDIS_FIELD_TYPES)[RedisField]): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

function assign(out: Partial<KongRedisConfig>, field: RedisField, value: unknown): void {
  (out as Record<string, unknown>)[field] = value;
}

/**
 * Reads `config.redis` and any deprecated `config.redis_*` fields of `raw` (the whole plugin config).
 * Unknown fields inside `redis` are errors naming the nearest known field.
 */
export function parseRedisConfig(raw: Record<string, unknown>, report: ConfigReporter): KongRedisConfig {
  const out: Partial<KongRedisConfig> = {};
  const record = raw.redis;
  if (record !== undefined && record !== null) {
    if (typeof record !== 'object' || Array.isArray(record)) {
      report.error(['redis'], 'GL_E_TYPE', 'redis must be a record (host, port, timeout, …)');
    } else {
      for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
        if (!(key in REDIS_FIELD_TYPES)) {
          const near = nearestName(key, REDIS_FIELDS);
          report.error(['redis', key], 'GL_E_UNKNOWN_FIELD', `unknown field 'redis.${key}'`, near ? `did you mean 'redis.${near}'?` : undefined);
          continue;
        }
        if (value === null) continue;
        const field = key as RedisField;
        if (!typeOk(value, REDIS_FIELD_TYPES[field])) {
          report.error(['redis', key], 'GL_E_TYPE', `redis.${key} must be ${REDIS_FIELD_TYPES[field] === 'integer' ? 'an integer' : `a ${REDIS_FIELD_TYPES[field]}`}`);
          continue;
        }
        assign(out, field, value);
      }
    }
  }
  for (const [flat, field] of Object.entries(DEPRECATED_REDIS_FIELDS)) {
    const value = raw[flat];
    if (value === undefined || value === null) continue;
    // Kong logs "<plugin>: config.… is deprecated"; the Kong adapter puts the plugin's name in front.
    report.warn([flat], 'GL_W_DEPRECATED', `config.${flat} is deprecated since Kong 3.6, please use config.redis.${field} instead`, `move it to redis.${field} (Kong 4.0 removes ${flat})`);
    if (!typeOk(value, REDIS_FIELD_TYPES[field])) {
      report.error([flat], 'GL_E_TYPE', `${flat} must be ${REDIS_FIELD_TYPES[field] === 'integer' ? 'an integer' : `a ${REDIS_FIELD_TYPES[field]}`}`);
      continue;
    }
    if (out[field] !== undefined && out[field] !== value) {
      report.error([flat], 'GL_E_CONFIG_INVALID', `${flat} and redis.${field} are both set, to different values`, `keep only redis.${field}`);
      continue;
    }
    assign(out, field, value);
  }
  if (out.port !== undefined && (out.port < 0 || out.port > 65535)) report.error(['redis', 'port'], 'GL_E_CONFIG_INVALID', 'redis.port must be between 0 and 65535');
  if (out.timeout !== undefined && out.timeout < 0) report.error(['redis', 'timeout'], 'GL_E_CONFIG_INVALID', 'redis.timeout must be >= 0');
  return { ...REDIS_DEFAULTS, ...out };
}
