import { describe, expect, it } from 'vitest';
import { collectingReporter } from '../rate-limit/test-kit.ts';
import { parseResponseRateLimitingConfig } from './config.ts';

const parse = (raw: unknown) => {
  const r = collectingReporter();
  return { config: parseResponseRateLimitingConfig(raw, r), items: r.items };
};

describe('kong/plugins/response-ratelimiting/schema.lua', () => {
  it("fills Kong 3.10's defaults", () => {
    const { config, items } = parse({ limits: { video: { minute: 10 } } });
    expect(items).toEqual([]);
    expect(config).toMatchObject({
      header_name: 'x-kong-limit',
      limit_by: 'consumer',
      policy: 'local',
      fault_tolerant: true,
      block_on_first_violation: false,
      hide_client_headers: false,
      limits: [{ name: 'video', periods: { minute: 10 } }],
    });
    expect(config.redis).toMatchObject({ port: 6379, timeout: 2000, database: 0 });
  });

  it('keeps the limits in config order', () => {
    const { config } = parse({ limits: { video: { minute: 10, hour: 40 }, image: { second: 1 } } });
    expect(config.limits.map((l) => l.name)).toEqual(['video', 'image']);
  });

  it('requires at least one named limit, each with at least one period > 0', () => {
    expect(parse({}).items.map((i) => i.path)).toContain('limits');
    expect(parse({ limits: {} }).items.some((i) => i.message.includes('at least one named quota'))).toBe(true);
    expect(parse({ limits: { video: {} } }).items.some((i) => i.message.includes('at least one of these fields'))).toBe(true);
    expect(parse({ limits: { video: { minute: 0 } } }).items.some((i) => i.message === 'limits.video.minute must be greater than 0')).toBe(true);
  });

  it("validate_periods_order: a longer period's limit may not be lower", () => {
    const { items } = parse({ limits: { video: { minute: 10, hour: 5 } } });
    expect(items).toContainEqual(expect.objectContaining({ path: 'limits.video.hour', message: 'the limit for hour(5.0) cannot be lower than the limit for minute(10.0)' }));
  });

  it("refuses rate-limiting's fields, saying why (there is no sync_rate here)", () => {
    const { items } = parse({ limits: { video: { minute: 1 } }, sync_rate: 1, minute: 5 });
    expect(items.find((i) => i.path === 'sync_rate')?.hint).toMatch(/no sync_rate/);
    expect(items.find((i) => i.path === 'minute')?.hint).toMatch(/inside a named limit/);
  });

  it('limit_by is consumer, credential or ip only', () => {
    expect(parse({ limits: { v: { minute: 1 } }, limit_by: 'service' }).items[0]?.message).toBe('limit_by must be one of consumer, credential, ip');
  });

  it('policy redis needs redis.host; the flat redis_* fields are deprecated shorthands', () => {
    expect(parse({ limits: { v: { minute: 1 } }, policy: 'redis' }).items[0]?.path).toBe('redis.host');
    const { config, items } = parse({ limits: { v: { minute: 1 } }, policy: 'redis', redis_host: 'redis.internal' });
    expect(config.redis.host).toBe('redis.internal');
    expect(items).toEqual([expect.objectContaining({ severity: 'warning', code: 'GL_W_DEPRECATED', message: expect.stringMatching(/^config\.redis_host is deprecated/) })]);
  });

  it("warns that policy cluster is a database policy DB-less Kong refuses", () => {
    expect(parse({ limits: { v: { minute: 1 } }, policy: 'cluster' }).items[0]).toMatchObject({ severity: 'warning', code: 'GL_W_LESSON_DIFFERS' });
  });
});
