/**
 * Kong upstreams and services → ServiceIR.policy. Sources: semantics §6 (service defaults) and §10
 * (balancers); Kong 3.x kong/db/schema/entities/upstreams.lua, kong/runloop/balancer/{init,
 * consistent_hashing,latency}.lua, kong/init.lua (Kong.balancer: set_more_tries), nginx's default
 * proxy_next_upstream "error timeout".
 */
import { describe, expect, it } from 'vitest';
import { decideRetry, NOT_RETRIED_ONCE_SENT } from '../../upstream/retry.ts';
import type { UpstreamPolicyIR } from '../../upstream/policy.ts';
import { load, ok, V } from './test-kit.ts';
import { kongRoundMs } from './healthchecks.ts';

function policyOf(yaml: string, service = 's'): UpstreamPolicyIR {
  const ir = ok(yaml);
  const policy = ir.services.find((s) => s.name === service)?.policy;
  if (!policy) throw new Error(`no policy for ${service}`);
  return policy;
}

const pool = (upstream: string): string => `${V}upstreams:\n  - name: pool\n${upstream}    targets:\n      - target: 10.0.0.1:80\n      - target: 10.0.0.2:80\nservices:\n  - name: s\n    host: pool\n`;

describe('Kong service → retry and timeouts (semantics §6; kong/init.lua Kong.balancer)', () => {
  it('§6 defaults on every service: 5 retries on connect failure, timeout and reset; 60000 ms connect and read', () => {
    const p = policyOf(`${V}services:\n  - name: s\n    host: s.local\n`);
    expect(p.balancer).toBeUndefined();
    expect(p.retry).toEqual({
      numRetries: 5,
      retryOn: ['connect-failure', 'timeout', 'reset'],
      retriableStatusCodes: [],
      methods: [],
      methodsNotRetried: NOT_RETRIED_ONCE_SENT,
      otherHost: true,
      backoff: { kind: 'none' },
      flavour: 'kong',
    });
    expect(p.timeouts).toEqual({ connectMs: 60000, perTryMs: 60000, overallMs: 0, flavour: 'generic' });
    expect(p.origin).toBe('Kong service "s"');
  });

  it('retries, connect_timeout and read_timeout are taken from the service', () => {
    const p = policyOf(`${V}services:\n  - name: s\n    host: s.local\n    retries: 1\n    connect_timeout: 250\n    read_timeout: 2000\n`);
    expect(p.retry?.numRetries).toBe(1);
    expect(p.timeouts).toMatchObject({ connectMs: 250, perTryMs: 2000, overallMs: 0 });
  });

  it('proxy_next_upstream "error timeout": a refused connection is retried, an upstream 503 or 500 is not', () => {
    const retry = policyOf(`${V}services:\n  - name: s\n    host: s.local\n`).retry;
    if (!retry) throw new Error('no retry');
    const at = { triesSoFar: 1, method: 'GET', draw: 0.5 };
    expect(decideRetry(retry, { kind: 'failure', failure: 'connect' }, at)).toMatchObject({ retry: true, backoffMs: 0 });
    expect(decideRetry(retry, { kind: 'failure', failure: 'timeout' }, at)).toMatchObject({ retry: true });
    expect(decideRetry(retry, { kind: 'response', status: 503 }, at)).toMatchObject({ retry: false });
    expect(decideRetry(retry, { kind: 'response', status: 500 }, at)).toMatchObject({ retry: false });
    expect(decideRetry(retry, { kind: 'failure', failure: 'connect' }, { ...at, triesSoFar: 6 })).toMatchObject({ retry: false });
  });

  it('§6 nginx\'s non-idempotent rule under Kong\'s balancer: a POST is retried only if nothing of it was sent (ngx_http_upstream_next)', () => {
    const retry = policyOf(`${V}services:\n  - name: s\n    host: s.local\n`).retry;
    if (!retry) throw new Error('no retry');
    const post = { triesSoFar: 1, method: 'POST', draw: 0.5 };
    expect(decideRetry(retry, { kind: 'failure', failure: 'connect' }, post)).toMatchObject({ retry: true });
    expect(decideRetry(retry, { kind: 'failure', failure: 'timeout' }, post)).toMatchObject({ retry: false });
    expect(decideRetry(retry, { kind: 'failure', failure: 'reset' }, { ...post, method: 'PATCH' })).toMatchObject({ retry: false });
    expect(decideRetry(retry, { kind: 'failure', failure: 'reset' }, { ...post, method: 'PUT' })).toMatchObject({ retry: true });
  });
});

describe('Kong upstream algorithm → balancer (semantics §10; upstreams.lua)', () => {
  it('round-robin (the default) is weighted round robin', () => {
    expect(policyOf(pool('')).balancer).toEqual({ kind: 'weighted-round-robin', wheel: true });
    expect(policyOf(pool('')).origin).toBe('Kong service "s" and upstream "pool"');
  });

  it('least-connections → least-connections; latency → EWMA with a 10 s decay (latency.lua)', () => {
    expect(policyOf(pool('    algorithm: least-connections\n')).balancer).toEqual({ kind: 'least-connections' });
    expect(policyOf(pool('    algorithm: latency\n')).balancer).toEqual({ kind: 'ewma', decayMs: 10000 });
  });

  it('consistent-hashing: a ring of slots points (default 10000) keyed by hash_on', () => {
    const cases: Array<[string, unknown]> = [
      ['hash_on: ip', { source: 'ip' }],
      ['hash_on: path', { source: 'path' }],
      ['hash_on: header\n    hash_on_header: X-User', { source: 'header', name: 'X-User' }],
      ['hash_on: query_arg\n    hash_on_query_arg: user', { source: 'query', name: 'user' }],
      ['hash_on: cookie\n    hash_on_cookie: sid', { source: 'cookie', name: 'sid' }],
    ];
    for (const [yaml, hashOn] of cases) {
      expect(policyOf(pool(`    algorithm: consistent-hashing\n    ${yaml}\n`)).balancer).toEqual({ kind: 'ring-hash', hashOn, minRingSize: 10000, maxRingSize: 10000 });
    }
    expect(policyOf(pool('    algorithm: consistent-hashing\n    hash_on: ip\n    slots: 4096\n')).balancer).toMatchObject({ minRingSize: 4096, maxRingSize: 4096 });
  });

  it('consistent_hashing.lua MIN_CONTINUUM_SIZE: slots below 1000 give a 1000-point ring, with a warning', () => {
    const out = load(pool('    algorithm: consistent-hashing\n    hash_on: ip\n    slots: 100\n'));
    expect(out.ir?.services[0]?.policy?.balancer).toMatchObject({ minRingSize: 1000, maxRingSize: 1000 });
    expect(out.lines).toContain('kong.yaml:6:12: warning GL_W_NO_EFFECT: Kong\'s consistent-hashing continuum has at least 1000 points, so slots 100 of upstream "pool" gives a 1000-point ring (consistent_hashing.lua)');
  });

  it('balancer/init.lua get_value_to_hash: hash_on consumer falls back to hash_fallback, with a warning at hash_on', () => {
    const out = load(pool('    algorithm: consistent-hashing\n    hash_on: consumer\n    hash_fallback: header\n    hash_fallback_header: X-Team\n'));
    expect(out.ir?.services[0]?.policy?.balancer).toMatchObject({ kind: 'ring-hash', hashOn: { source: 'header', name: 'X-Team' } });
    expect(out.lines[0]).toMatch(/^kong\.yaml:5:5: warning GL_W_NO_EFFECT: hash_on consumer of upstream "pool" cannot be modelled/);
  });

  it('hash_on uri_capture without an expressible fallback: weighted round robin, said at hash_on', () => {
    const out = load(pool('    algorithm: consistent-hashing\n    hash_on: uri_capture\n    hash_on_uri_capture: id\n'));
    expect(out.ir?.services[0]?.policy?.balancer).toEqual({ kind: 'weighted-round-robin', wheel: true });
    expect(out.lines[0]).toMatch(/^kong\.yaml:5:5: warning GL_W_NO_EFFECT: consistent-hashing with hash_on uri_capture cannot be modelled/);
  });

  it('upstreams.lua entity checks: the named field must be set, and hash_fallback must be none with hash_on none or cookie', () => {
    const lines = load(pool('    algorithm: consistent-hashing\n    hash_on: query_arg\n')).lines.join('\n');
    expect(lines).toMatch(/kong\.yaml:5:5: error GL_E_CONFIG_INVALID: hash_on query_arg of upstream "pool" needs hash_on_query_arg/);
    const cookie = load(pool('    algorithm: consistent-hashing\n    hash_on: cookie\n    hash_on_cookie: c\n    hash_fallback: ip\n'));
    expect(cookie.ir).toBeUndefined();
    expect(cookie.lines.join('\n')).toMatch(/kong\.yaml:7:5: error GL_E_CONFIG_INVALID: hash_fallback of upstream "pool" must be none when hash_on is cookie/);
    const same = load(pool('    algorithm: consistent-hashing\n    hash_on: ip\n    hash_fallback: ip\n'));
    expect(same.lines.join('\n')).toMatch(/kong\.yaml:6:5: error GL_E_CONFIG_INVALID: hash_fallback of upstream "pool" must differ from hash_on \(ip\)/);
  });

  it('an unknown algorithm is an error at its value with the nearest name', () => {
    expect(load(pool('    algorithm: least-connection\n')).lines).toContain(
      'kong.yaml:4:16: error GL_E_CONFIG_INVALID: algorithm of upstream "pool" must be one of round-robin, consistent-hashing, least-connections, latency, not "least-connection" (did you mean "least-connections"?)',
    );
  });
});

describe('Kong healthchecks → passive and active health (upstreams.lua defaults)', () => {
  it('the defaults switch both off: every threshold and interval is 0', () => {
    const p = policyOf(pool('    healthchecks: {passive: {type: http}, active: {http_path: /status}}\n'));
    expect(p.passiveHealth).toBeUndefined();
    expect(p.activeHealth).toBeUndefined();
  });

  it('passive: on when an unhealthy threshold is above 0; statuses default to [429, 500, 503] and 200–308', () => {
    const p = policyOf(pool('    healthchecks:\n      passive:\n        unhealthy: {timeouts: 3}\n'));
    expect(p.passiveHealth).toMatchObject({ kind: 'kong', unhealthyStatuses: [429, 500, 503], httpFailures: 0, tcpFailures: 0, timeouts: 3, healthySuccesses: 0 });
    expect(p.passiveHealth?.kind === 'kong' && p.passiveHealth.healthyStatuses.length).toBe(19);
  });

  it('passive: statuses and successes as written', () => {
    const p = policyOf(pool('    healthchecks:\n      passive:\n        healthy: {successes: 2, http_statuses: [200]}\n        unhealthy: {http_failures: 5, http_statuses: [500, 502]}\n'));
    expect(p.passiveHealth).toEqual({ kind: 'kong', unhealthyStatuses: [500, 502], httpFailures: 5, tcpFailures: 0, timeouts: 0, healthySuccesses: 2, healthyStatuses: [200] });
  });

  it('active: on when an interval is above 0; path "/", timeout 1 s, Kong\'s status lists by default; the IR carries the four counters', () => {
    const yaml = '    healthchecks:\n      active:\n        healthy: {interval: 2, successes: 1}\n        unhealthy: {interval: 2, http_failures: 2, tcp_failures: 2, timeouts: 2}\n';
    const out = load(pool(yaml));
    expect(out.diagnostics).toEqual([]);
    expect(out.ir?.services[0]?.policy?.activeHealth).toEqual({
      path: '/',
      intervalMs: 2000,
      timeoutMs: 1000,
      healthyThreshold: 1,
      unhealthyThreshold: 2,
      healthyStatuses: [200, 302],
      probe: 'http',
      healthyIntervalMs: 2000,
      unhealthyIntervalMs: 2000,
      failureThresholds: { http: 2, tcp: 2, timeouts: 2 },
      unhealthyStatuses: [429, 404, 500, 501, 502, 503, 504, 505],
    });
  });

  // kong/resty/healthcheck.lua: one timer every CHECK_INTERVAL (0.1 s) starts the healthy and the
  // unhealthy round each when `last_run + interval <= now`; run_single_check and report_http_status
  // count per kind. These map whole now, so none of them is warned about.
  it('active: both intervals, separate counters, unhealthy statuses and type tcp map without a warning', () => {
    const out = load(pool('    healthchecks:\n      active:\n        type: tcp\n        healthy: {interval: 0.3, successes: 2}\n        unhealthy: {interval: 0.2, tcp_failures: 1, timeouts: 3, http_statuses: [500]}\n'));
    expect(out.diagnostics).toEqual([]);
    expect(out.ir?.services[0]?.policy?.activeHealth).toMatchObject({
      probe: 'tcp',
      intervalMs: 100,
      healthyIntervalMs: 300,
      unhealthyIntervalMs: 200,
      failureThresholds: { http: 0, tcp: 1, timeouts: 3 },
      unhealthyStatuses: [500],
      healthyThreshold: 2,
    });
  });

  it('active: one interval 0 means that state is never probed; intervals round up to the 0.1 s timer', () => {
    const only = policyOf(pool('    healthchecks:\n      active:\n        unhealthy: {interval: 3, tcp_failures: 1}\n')).activeHealth;
    expect(only).toMatchObject({ intervalMs: 3000, healthyIntervalMs: 0, unhealthyIntervalMs: 3000, healthyThreshold: 0 });
    const odd = policyOf(pool('    healthchecks:\n      active:\n        healthy: {interval: 0.25}\n        unhealthy: {interval: 0.05}\n')).activeHealth;
    expect(odd).toMatchObject({ intervalMs: 100, healthyIntervalMs: 300, unhealthyIntervalMs: 100 });
    expect(kongRoundMs(5)).toBe(5000);
    expect(kongRoundMs(0)).toBe(0);
  });

  it('active: type https is carried; grpc and grpcs, headers and the TLS knobs are still warned about', () => {
    const https = load(pool('    healthchecks:\n      active:\n        type: https\n        https_sni: x.test\n        healthy: {interval: 1}\n'));
    expect(https.ir?.services[0]?.policy?.activeHealth?.probe).toBe('https');
    expect(https.lines.join('\n')).toMatch(/warning GL_W_NO_EFFECT: active.https_sni of upstream "pool" has no effect here/);
    expect(https.lines.join('\n')).not.toMatch(/active type/);
    const grpc = load(pool('    healthchecks:\n      active:\n        type: grpc\n        healthy: {interval: 1}\n'));
    expect(grpc.lines.join('\n')).toMatch(/kong\.yaml:6:9: warning GL_W_NO_EFFECT: active type grpc of upstream "pool" is probed as http here/);
  });

  it('an unknown healthchecks field is an error at its key with the nearest name; a bad value at its value', () => {
    const lines = load(pool('    healthchecks:\n      active:\n        http_pth: /x\n        healthy: {interval: "5"}\n')).lines;
    expect(lines).toContain('kong.yaml:6:9: error GL_E_UNKNOWN_FIELD: unknown field "http_pth" in healthchecks.active of upstream "pool"; Kong rejects fields its schema does not define (did you mean "http_path"?)');
    expect(lines).toContain('kong.yaml:7:29: error GL_E_TYPE: healthchecks.active.healthy.interval of upstream "pool" must be a number, not the string "5"');
  });
});

// kong/runloop/balancer/balancers.lua updateStatus (healthy = available weight share > threshold);
// least_connections.lua and latency.lua check it at the start of getPeer, round_robin.lua only after a
// DNS update, consistent_hashing.lua not at all (the test is commented out).
describe('Kong healthchecks.threshold → healthyWeightThreshold (balancers.lua updateStatus)', () => {
  it.each(['least-connections', 'latency'])('%s: mapped, no warning', (algorithm) => {
    const out = load(pool(`    algorithm: ${algorithm}\n    healthchecks: {threshold: 50}\n`));
    expect(out.diagnostics).toEqual([]);
    expect(out.ir?.services[0]?.policy?.healthyWeightThreshold).toBe(50);
  });

  it.each(['round-robin', 'consistent-hashing'])('%s: not mapped, warned at the threshold (its getPeer never asks outside a DNS change)', (algorithm) => {
    const out = load(pool(`    algorithm: ${algorithm}\n${algorithm === 'consistent-hashing' ? '    hash_on: ip\n' : ''}    healthchecks: {threshold: 50}\n`));
    expect(out.ir?.services[0]?.policy?.healthyWeightThreshold).toBeUndefined();
    const file = algorithm === 'consistent-hashing' ? 'consistent_hashing' : 'round_robin';
    expect(out.lines.join('\n')).toContain(`warning GL_W_NO_EFFECT: healthchecks.threshold 50 of upstream "pool" has no effect with algorithm ${algorithm}: Kong's ${algorithm} balancer looks at the upstream's health only after a DNS change in the middle of a pick (kong/runloop/balancer/${file}.lua)`);
  });

  it('0, the default, maps to nothing: no healthy weight is no healthy target already', () => {
    expect(policyOf(pool('    algorithm: least-connections\n    healthchecks: {threshold: 0}\n')).healthyWeightThreshold).toBeUndefined();
  });
});
