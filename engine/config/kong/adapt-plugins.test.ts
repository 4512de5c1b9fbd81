import { describe, expect, it } from 'vitest';
import type { PluginDefinition } from '../../pipeline/types.ts';
import type { KongPluginLookup } from './context.ts';
import { kongEntityId } from './uuid.ts';
import { load, ok, V } from './test-kit.ts';


describe('Kong adapter: plugins', () => {
  it('an unknown plugin is an error at its name naming the nearest Kong plugin', () => {
    const out = load(`${V}plugins:\n  - name: key-auht\n`);
    expect(out.ir).toBeUndefined();
    expect(out.lines).toEqual([
      `kong.yaml:3:11: error GL_E_CONFIG_UNKNOWN_PLUGIN: plugin 'key-auht' not enabled; Kong ships no plugin by that name (did you mean "key-auth"?)`,
    ]);
  });

  it('a Kong plugin gatelab does not model is a warning, and the file loads', () => {
    const out = load(`${V}plugins:\n  - name: cors\n    config: {origins: ["*"]}\n`);
    expect(out.ir?.plugins).toEqual([]);
    expect(out.lines).toEqual([
      'kong.yaml:3:11: warning GL_W_NO_EFFECT: gatelab does not model the cors plugin yet; it is ignored (requests pass as if the entry were absent)',
    ]);
  });

  it('a mapped plugin whose definition is not built yet warns the same way (the registry as it is today)', () => {
    const lookup: KongPluginLookup = { find: () => undefined, mapped: () => ['rate-limiting'] };
    const out = load(`${V}plugins:\n  - name: rate-limiting\n    config: {minute: 5}\n`, lookup);
    expect(out.ir).toBeDefined();
    expect(out.lines[0]).toMatch(/does not model the rate-limiting plugin yet/);
  });

  it('§1 the plugin parses its own config; reports land at file:line:col, unknown fields at the key', () => {
    const calls: unknown[] = [];
    const def: PluginDefinition<unknown> = {
      id: 'probe',
      priority: 1,
      parse(raw, report) {
        calls.push(raw);
        report.warn(['redis_host'], 'GL_W_DEPRECATED', 'use redis.host', 'move it under redis:');
        report.error(['nested', 'deep'], 'GL_E_UNKNOWN_FIELD', 'unknown field "deep"');
        report.error(['absent'], 'GL_E_CONFIG_INVALID', 'needs absent');
        return { parsed: true };
      },
      create: () => ({}),
    };
    const lookup: KongPluginLookup = { find: (n) => (n === 'rate-limiting' ? def : undefined), mapped: () => ['rate-limiting'] };
    const out = load(`${V}plugins:\n  - name: rate-limiting\n    config:\n      redis_host: r\n      nested:\n        deep: 1\n`, lookup);
    expect(calls).toEqual([{ redis_host: 'r', nested: { deep: 1 } }]);
    expect(out.lines).toEqual([
      'kong.yaml:5:7: error GL_E_CONFIG_INVALID: rate-limiting: needs absent',
      'kong.yaml:5:19: warning GL_W_DEPRECATED: rate-limiting: use redis.host (move it under redis:)',
      'kong.yaml:7:9: error GL_E_UNKNOWN_FIELD: rate-limiting: unknown field "deep"',
    ]);
  });

  it('a plugin entry without config gets {} to parse', () => {
    const seen: unknown[] = [];
    const def: PluginDefinition<unknown> = { id: 'probe', priority: 1, parse: (raw) => (seen.push(raw), raw), create: () => ({}) };
    load(`${V}plugins:\n  - name: rate-limiting\n`, { find: () => def, mapped: () => [] });
    expect(seen).toEqual([{}]);
  });

  it('a parse that throws becomes an error, not a crash', () => {
    const def: PluginDefinition<unknown> = {
      id: 'probe',
      priority: 1,
      parse() {
        throw new Error('boom');
      },
      create: () => ({}),
    };
    const out = load(`${V}plugins:\n  - name: rate-limiting\n    config: {a: 1}\n`, { find: () => def, mapped: () => [] });
    expect(out.lines).toEqual(['kong.yaml:4:13: error GL_E_CONFIG_INVALID: the probe plugin could not read this config: boom']);
  });

  it('scopes are ids: nested entries take the parent, top-level entries name it; one instance per plugin and scope', () => {
    const out = load(
      `${V}services:\n  - name: s\n    host: s\n    plugins:\n      - name: rate-limiting\nplugins:\n  - name: rate-limiting\n    service: s\n`,
    );
    expect(out.lines.join('\n')).toMatch(/kong.yaml:8:11: error GL_E_CONFIG_REFERENCE: uniqueness violation: a rate-limiting plugin is already configured for this route, service and consumer \(first at kong.yaml:6:9\)/);
    const ir = ok(`${V}services:\n  - name: s\n    host: s\n    plugins:\n      - name: rate-limiting\n        enabled: false\n`);
    expect(ir.plugins[0]).toMatchObject({ plugin: 'rate-limit', vendorName: 'rate-limiting', scope: { service: kongEntityId('services', 's') }, enabled: false });
  });
});

describe('Kong adapter: real IP settings (semantics §6)', () => {
  it('§6 the lesson\'s real-ip entry becomes kong.conf settings with a warning; recursive stays off by default', () => {
    const out = load(`${V}plugins:\n  - name: real-ip\n    config:\n      header: X-Forwarded-For\n      trusted_ips: [10.0.0.0/8]\n`);
    expect(out.ir?.realIp).toEqual({ trustedCidrs: ['10.0.0.0/8'], header: 'X-Forwarded-For', recursive: false });
    expect(out.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'GL_W_LESSON_DIFFERS', loc: { file: 'kong.yaml', line: 3, col: 11 } });
    expect(out.diagnostics[0]?.message).toMatch(/real_ip_recursive is off by default/);
  });

  it('§6 a _gatelab block sets kong.conf values as kong.conf spells them; defaults are X-Real-IP and off', () => {
    expect(ok(`${V}_gatelab:\n  trusted_ips: "10.0.0.0/8, ::1"\n  real_ip_recursive: on\n`).realIp).toEqual({
      trustedCidrs: ['10.0.0.0/8', '::1'],
      header: 'X-Real-IP',
      recursive: true,
    });
    expect(ok(`${V}routes: []\n`).realIp).toBeUndefined();
  });

  it('rejects unknown _gatelab settings and bad addresses', () => {
    const out = load(`${V}_gatelab:\n  trusted_ip: [1.2.3.4]\n  real_ip_header: 5\n`);
    expect(out.lines.join('\n')).toMatch(/kong.yaml:3:3: error GL_E_UNKNOWN_FIELD: unknown kong.conf setting "trusted_ip" in _gatelab \(did you mean "trusted_ips"\?\)/);
    expect(load(`${V}_gatelab:\n  trusted_ips: [10.0.0.0/33]\n`).lines.join('\n')).toMatch(/invalid trusted_ips entry "10.0.0.0\/33"/);
  });
});

describe('Kong adapter: consumers', () => {
  it('keeps credentials with their fields and turns acls into groups', () => {
    const ir = ok(
      `${V}consumers:\n  - username: ann\n    keyauth_credentials: [{key: k1}]\n    jwt_secrets: [{key: iss, secret: s}]\n    basicauth_credentials: [{username: ann, password: p}]\n    acls: [{group: g1}, {group: g1}, {group: g2}]\n`,
    );
    expect(ir.consumers[0]).toMatchObject({ username: 'ann', groups: ['g1', 'g2'] });
    expect(ir.consumers[0]?.credentials.map((c) => [c.kind, c.fields])).toEqual([
      ['key-auth', { key: 'k1' }],
      ['jwt', { key: 'iss', algorithm: 'HS256', secret: 's' }],
      ['basic-auth', { username: 'ann', password: 'p' }],
    ]);
    expect(ir.consumers[0]?.credentials[0]?.id).toBe(kongEntityId('keyauth_credentials', 'k1'));
  });

  it('requires username or custom_id, and a key used twice is an error', () => {
    expect(load(`${V}consumers:\n  - tags: [a]\n`).lines.join('\n')).toMatch(/needs at least one of 'custom_id', 'username'/);
    const out = load(`${V}consumers:\n  - username: a\n    keyauth_credentials: [{key: k}]\n  - username: b\n    keyauth_credentials: [{key: k}]\n`);
    expect(out.lines.join('\n')).toMatch(/uniqueness violation: 'keyauth_credentials'/);
  });

  it('top-level credentials name their consumer', () => {
    const ir = ok(`${V}consumers:\n  - username: a\nkeyauth_credentials:\n  - consumer: a\n    key: k\n`);
    expect(ir.consumers[0]?.credentials).toHaveLength(1);
    expect(load(`${V}keyauth_credentials:\n  - consumer: nobody\n    key: k\n`).lines.join('\n')).toMatch(/invalid reference 'consumer: nobody'/);
  });
});
