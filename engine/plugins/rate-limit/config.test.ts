import { describe, expect, it } from 'vitest';
import { KONG_RATE_LIMITING_DEFAULTS, parseKongRateLimitingConfig } from './config.ts';
import { levenshtein, nearestName } from './levenshtein.ts';
import { collectingReporter } from './test-kit.ts';

function parse(raw: unknown) {
  const r = collectingReporter();
  const config = parseKongRateLimitingConfig(raw, r);
  return { config, items: r.items, errors: r.items.filter((i) => i.severity === 'error'), warnings: r.items.filter((i) => i.severity === 'warning') };
}

describe('Kong rate-limiting config', () => {
  it('§1 Kong defaults: limit_by consumer, policy local, fault_tolerant, 429 "API rate limit exceeded", sync_rate -1', () => {
    const { config, items } = parse({ minute: 100 });
    expect(items).toEqual([]);
    expect(config).toEqual({ ...KONG_RATE_LIMITING_DEFAULTS, minute: 100 });
    expect(config).toMatchObject({ limit_by: 'consumer', policy: 'local', fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', sync_rate: -1 });
  });

  it('§1 Kong: at least one period, each a number > 0; nulls from a decK dump mean unset', () => {
    expect(parse({}).errors.map((e) => e.message)).toEqual(['at least one of these fields must be non-empty: second, minute, hour, day, month, year']);
    expect(parse({ minute: 0 }).errors).toMatchObject([{ path: 'minute', code: 'GL_E_CONFIG_INVALID', message: 'minute must be greater than 0' }]);
    expect(parse({ minute: '100' }).errors).toEqual([{ severity: 'error', path: 'minute', code: 'GL_E_TYPE', message: 'minute must be a number' }]);
    const dump = parse({ second: null, minute: 5, hour: null, redis_host: null, header_name: null });
    expect(dump.items).toEqual([]);
    expect(dump.config.second).toBeUndefined();
  });

  it('§1 Kong: a longer period’s limit may not be lower than a shorter one’s', () => {
    expect(parse({ minute: 100, hour: 50 }).errors).toMatchObject([
      { path: 'hour', code: 'GL_E_CONFIG_INVALID', message: 'The limit for hour(50.0) cannot be lower than the limit for minute(100.0)' },
    ]);
    expect(parse({ second: 10, minute: 10, day: 10 }).errors).toEqual([]);
  });

  it('§1 Kong limit_by: enum, header_name with header, path with path', () => {
    expect(parse({ minute: 1, limit_by: 'consumr' }).errors).toMatchObject([{ path: 'limit_by', hint: "did you mean 'consumer'?" }]);
    expect(parse({ minute: 1, limit_by: 'user' }).errors[0]?.hint).toBeUndefined();
    expect(parse({ minute: 1, limit_by: 'header' }).errors).toMatchObject([{ path: 'header_name', message: 'header_name is required when limit_by is header' }]);
    expect(parse({ minute: 1, limit_by: 'path' }).errors).toMatchObject([{ path: 'path', message: 'path is required when limit_by is path' }]);
    expect(parse({ minute: 1, limit_by: 'path', path: 'api' }).errors[0]?.message).toBe('path should start with: /');
    expect(parse({ minute: 1, limit_by: 'header', header_name: 'x api' }).errors[0]?.path).toBe('header_name');
    expect(parse({ minute: 1, limit_by: 'header', header_name: 'X-Api-Key' }).errors).toEqual([]);
  });

  it('§1 Kong policy: cluster is accepted with a warning (DB-less Kong rejects it; gatelab runs it on its shared store)', () => {
    const { config, warnings, errors } = parse({ minute: 1, policy: 'cluster' });
    expect(errors).toEqual([]);
    expect(config.policy).toBe('cluster');
    expect(warnings).toMatchObject([{ path: 'policy', code: 'GL_W_LESSON_DIFFERS' }]);
    expect(parse({ minute: 1, policy: 'memory' }).errors[0]?.path).toBe('policy');
  });

  it('§1 Kong sync_rate: redis only, >= 0.02 or -1', () => {
    expect(parse({ minute: 1, sync_rate: 1 }).errors[0]?.message).toBe('sync_rate can only be used with the redis policy');
    expect(parse({ minute: 1, policy: 'redis', redis: { host: 'r' }, sync_rate: 0.01 }).errors[0]?.message).toBe('sync_rate must be greater than 0.02, or -1 to disable');
    expect(parse({ minute: 1, policy: 'redis', redis: { host: 'r' }, sync_rate: 0.5 }).errors).toEqual([]);
  });

  it('§1 Kong redis: host required with policy redis; redis_host & co. are deprecated since 3.6 and mapped to redis.*', () => {
    expect(parse({ minute: 1, policy: 'redis' }).errors).toMatchObject([{ path: 'redis.host', message: 'redis.host is required when policy is redis' }]);
    const old = parse({ minute: 1, policy: 'redis', redis_host: 'cache', redis_port: 6380, redis_timeout: 500 });
    expect(old.errors).toEqual([]);
    expect(old.warnings.map((w) => [w.path, w.code])).toEqual([
      ['redis_host', 'GL_W_DEPRECATED'],
      ['redis_port', 'GL_W_DEPRECATED'],
      ['redis_timeout', 'GL_W_DEPRECATED'],
    ]);
    expect(old.config.redis).toEqual({ host: 'cache', port: 6380, timeout: 500, database: 0, ssl: false, ssl_verify: false });
    expect(parse({ minute: 1, redis: { host: 'a' }, redis_host: 'b' }).errors[0]?.code).toBe('GL_E_CONFIG_INVALID');
    expect(parse({ minute: 1, redis: { hots: 'a' } }).errors).toMatchObject([{ path: 'redis.hots', code: 'GL_E_UNKNOWN_FIELD', hint: "did you mean 'redis.host'?" }]);
  });

  it('unknown fields are errors that name the nearest known field', () => {
    expect(parse({ minutes: 5 }).errors).toMatchObject([
      { path: 'minutes', code: 'GL_E_UNKNOWN_FIELD', message: "unknown field 'minutes' in rate-limiting config", hint: "did you mean 'minute'?" },
      { message: 'at least one of these fields must be non-empty: second, minute, hour, day, month, year' },
    ]);
    expect(parse({ minute: 1, limit_bye: 'ip' }).errors[0]?.hint).toBe("did you mean 'limit_by'?");
    expect(parse({ minute: 1, hide_client_header: true }).errors[0]?.hint).toBe("did you mean 'hide_client_headers'?");
  });

  it('error_code and error_message; a status outside 100–599 passes the schema but is flagged', () => {
    const ok = parse({ minute: 1, error_code: 503, error_message: 'busy' });
    expect(ok.config).toMatchObject({ error_code: 503, error_message: 'busy' });
    expect(parse({ minute: 1, error_code: 0 }).errors[0]?.path).toBe('error_code');
    expect(parse({ minute: 1, error_code: 1000 }).warnings[0]?.code).toBe('GL_W_NO_EFFECT');
    expect(parse({ minute: 1, fault_tolerant: 'yes' }).errors[0]).toMatchObject({ path: 'fault_tolerant', code: 'GL_E_TYPE' });
    expect(parse('minute: 1').errors[0]?.code).toBe('GL_E_TYPE');
  });

  it('levenshtein and nearestName', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(nearestName('MINUTE', ['second', 'minute'])).toBe('minute');
    expect(nearestName('x', [])).toBeUndefined();
  });
});
