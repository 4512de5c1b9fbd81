import { describe, expect, it } from 'vitest';
import { parseKongRateLimitingConfig } from './config.ts';
import { findVendorPlugin } from '../index.ts';
import { parseRateLimitConfig } from './plugin.ts';
import { collectingReporter } from './test-kit.ts';

function parse(raw: unknown) {
  const r = collectingReporter();
  const config = parseRateLimitConfig(raw, r);
  return { config, items: r.items, errors: r.items.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`) };
}

describe('rate-limit config: Kong without `algorithm`, a flavour with it', () => {
  it('§1 a config without `algorithm` is Kong rate-limiting, read exactly as before (null algorithm included)', () => {
    for (const raw of [{ minute: 5 }, { minute: 5, algorithm: null }, { hour: 10, limit_by: 'ip', policy: 'local' }]) {
      const kong = collectingReporter();
      const expected = parseKongRateLimitingConfig(raw, kong);
      const got = parse(raw);
      expect(got.config).toEqual(expected);
      expect(got.items).toEqual(kong.items);
    }
    // Kong's own validation still applies: no period → Kong's message.
    expect(parse({}).errors).toEqual([': at least one of these fields must be non-empty: second, minute, hour, day, month, year']);
  });

  it('Kong rate-limiting-advanced is not mapped: the Kong adapter calls parse without the vendor name, so parse cannot tell the two apart', () => {
    expect(findVendorPlugin('kong', 'rate-limiting-advanced')).toBeUndefined();
  });

  it('an unknown algorithm or flavour is refused with the nearest name', () => {
    expect(parse({ algorithm: 'sliding-windows', limit: 1 }).errors).toEqual(["algorithm: algorithm must be one of sliding-window, sliding-log, token-bucket, nginx-limit-req, gcra (did you mean 'sliding-window'?)"]);
    expect(parse({ algorithm: 'token-bucket', flavour: 'traefic' }).errors).toEqual(["flavour: a token bucket needs a flavour: envoy, envoy-timer, traefik, aws (did you mean 'traefik'?)"]);
    expect(parse({ algorithm: 'token-bucket' }).errors).toHaveLength(1);
  });

  it('a knob of another flavour says where it belongs; Kong fields next to `algorithm` too', () => {
    expect(parse({ algorithm: 'token-bucket', flavour: 'traefik', average: 10, max_tokens: 5 }).errors).toEqual([
      "max_tokens: unknown field 'max_tokens' for the traefik token bucket (max_tokens belongs to algorithm: token-bucket, flavour: envoy)",
    ]);
    expect(parse({ algorithm: 'sliding-window', limit: 10, window_size: 60, minute: 10 }).errors).toEqual([
      "minute: unknown field 'minute' for algorithm sliding-window (minute belongs to Kong's rate-limiting, which is the config without an algorithm field)",
    ]);
    expect(parse({ algorithm: 'gcra', limit: 5, perid: '1s' }).errors).toEqual(["perid: unknown field 'perid' for algorithm gcra (did you mean 'period'?)"]);
  });

  it('key: ip (default), consumer, global or header:<name>', () => {
    expect(parse({ algorithm: 'gcra', limit: 1 }).config).toMatchObject({ key: { kind: 'ip' } });
    expect(parse({ algorithm: 'gcra', limit: 1, key: 'header:X-Api-Key' }).config).toMatchObject({ key: { kind: 'header', name: 'x-api-key' } });
    expect(parse({ algorithm: 'gcra', limit: 1, key: 'cookie:session' }).errors).toEqual(["key: key must be ip, consumer, global or header:<name>, not 'cookie:session'"]);
  });

  it('§1 sliding-window: limit and window_size as numbers or equal-length lists; Kong Advanced defaults', () => {
    expect(parse({ algorithm: 'sliding-window', limit: 100, window_size: 60 }).config).toEqual({
      algorithm: 'sliding-window',
      key: { kind: 'ip' },
      windows: [{ limit: 100, windowSeconds: 60 }],
      window_type: 'sliding',
      disable_penalty: false,
      reject: 'gte',
      error_code: 429,
      error_message: 'API rate limit exceeded',
      hide_client_headers: false,
    });
    expect(parse({ algorithm: 'sliding-window', limit: [10, 100], window_size: [60] }).errors).toEqual(['window_size: limit has 2 values and window_size 1: they pair up one to one']);
    expect(parse({ algorithm: 'sliding-window', limit: 10 }).errors).toEqual(['window_size: window_size is required (seconds) (e.g. window_size: 60)']);
  });

  it('§3 Envoy: max_tokens and fill_interval are required, tokens_per_fill defaults to 1; the timer needs fill_interval >= 50 ms', () => {
    expect(parse({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 10, fill_interval: '1s' }).config).toMatchObject({ bucket: { flavour: 'envoy', maxTokens: 10, tokensPerFill: 1, fillIntervalMs: 1000 }, status: 429 });
    expect(parse({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 10 }).errors).toEqual(['fill_interval: fill_interval is required (e.g. fill_interval: 1s)']);
    expect(parse({ algorithm: 'token-bucket', flavour: 'envoy-timer', max_tokens: 1, fill_interval: '20ms' }).errors).toEqual([': the timer-based bucket needs fill_interval >= 50ms']);
    expect(parse({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: 5 }).errors).toEqual(['fill_interval: fill_interval must be a duration such as 1s, 100ms or 1m (write 5s for 5 seconds)']);
  });

  it('§4 Traefik: average 0, period 1s and burst 1 by default; a bare period is seconds, as in Traefik', () => {
    expect(parse({ algorithm: 'token-bucket', flavour: 'traefik', average: 100, period: 60 }).config).toMatchObject({ bucket: { flavour: 'traefik', average: 100, periodMs: 60_000, burst: 1 } });
  });
});
