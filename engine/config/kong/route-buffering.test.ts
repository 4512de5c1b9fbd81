/**
 * A Kong route's request_buffering / response_buffering (Kong's routes schema, both default true;
 * kong/runloop/handler.lua sends an unbuffered route to nginx_kong.lua's @unbuffered* locations), and
 * the plugin-name prefix of the Kong adapter's plugin messages.
 */
import { describe, expect, it } from 'vitest';
import { registryPluginLookup } from './adapt.ts';
import { load, ok, V } from './test-kit.ts';

const route = (extra: string): string => `${V}services:\n  - name: up\n    url: http://up.internal\n    routes:\n      - name: r\n        paths: [/up]\n${extra}`;

describe('Kong route request_buffering / response_buffering', () => {
  it('request_buffering false is carried into the IR; Kong\'s default (true) leaves the IR as it was', () => {
    expect(ok(route('        request_buffering: false\n')).routes[0]?.requestBuffering).toBe(false);
    for (const extra of ['', '        request_buffering: true\n']) {
      const r = ok(route(extra)).routes[0];
      expect(r).toBeDefined();
      expect(r && 'requestBuffering' in r).toBe(false);
    }
  });

  it('a request_buffering that is not a boolean is a type error at the value, as Kong\'s schema refuses it', () => {
    const out = load(route('        request_buffering: "no"\n'));
    expect(out.lines).toEqual(['kong.yaml:8:28: error GL_E_TYPE: request_buffering of route "r" must be true or false, not the string "no"']);
  });

  it('response_buffering false loads with a no-effect warning at the field; true says nothing', () => {
    const out = load(route('        response_buffering: false\n'));
    expect(out.ir?.routes[0] && 'requestBuffering' in out.ir.routes[0]).toBe(false);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^kong\.yaml:8:29: warning GL_W_NO_EFFECT: response_buffering: false of route "r" changes nothing gatelab shows/);
    expect(load(route('        response_buffering: true\n')).lines).toEqual([]);
  });
});

describe('Kong adapter: a plugin\'s message names the plugin once', () => {
  // The adapter prefixes "<plugin>: "; the redis reader once said "rate-limiting: " itself as well.
  it.each(['rate-limiting', 'response-ratelimiting'])('%s: the deprecated redis_host warning starts with the plugin name, once', (name) => {
    const config = name === 'rate-limiting' ? '{minute: 5, policy: redis, redis_host: cache}' : '{limits: {video: {minute: 5}}, policy: redis, redis_host: cache}';
    const out = load(`${V}plugins:\n  - name: ${name}\n    config: ${config}\n`, registryPluginLookup);
    const line = out.lines.find((l) => l.includes('GL_W_DEPRECATED'));
    expect(line).toContain(`warning GL_W_DEPRECATED: ${name}: config.redis_host is deprecated since Kong 3.6, please use config.redis.host instead`);
    expect(line?.split(`${name}:`)).toHaveLength(2);
  });
});
