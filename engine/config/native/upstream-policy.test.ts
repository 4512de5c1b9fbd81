/**
 * The native IR's `upstream:` mapping (engine/upstream/policy.ts spelled in YAML). Defaults cite their
 * source: semantics §9 (Envoy outlier detection, circuit breakers, Istio's 2^32−1), §10 (balancers),
 * §5 (AWS integration timeouts), engine/upstream/retry.ts envoyRetryPolicy().
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { ENVOY_OUTLIER_DEFAULTS } from '../../upstream/outlier/index.ts';
import { envoyRetryPolicy } from '../../upstream/retry.ts';
import { createBalancer } from '../../upstream/balancer/index.ts';
import type { UpstreamPolicyIR } from '../../upstream/policy.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptNativeIr } from './adapt.ts';

/** The service's `upstream:` body is indented under line 4, so a key on its first line sits at 4:5. */
function load(upstream: string) {
  const text = `services:\n  - name: orders\n    targets: [{target: "10.0.0.1:80"}, {target: "10.0.0.2:80"}]\n    upstream:\n${upstream
    .split('\n')
    .map((l) => (l ? `      ${l}` : l))
    .join('\n')}\n`;
  const { docs, diagnostics } = parseYaml(text, 'ir.yaml');
  expect(diagnostics).toEqual([]);
  const out = adaptNativeIr(docs[0] as (typeof docs)[number]);
  return { ...out, lines: out.diagnostics.map(formatDiagnostic), policy: out.ir?.services[0]?.policy };
}

function policy(upstream: string): UpstreamPolicyIR {
  const out = load(upstream);
  expect(out.lines).toEqual([]);
  if (!out.policy) throw new Error('no policy');
  return out.policy;
}

describe('native upstream: balancer (semantics §10)', () => {
  it('each kind as the IR spells it, with Envoy/Kong defaults for what is left out', () => {
    expect(policy('balancer: {kind: weighted-round-robin}').balancer).toEqual({ kind: 'weighted-round-robin' });
    expect(policy('balancer: {kind: least-request}').balancer).toEqual({ kind: 'least-request', choiceCount: 2, activeRequestBias: 1 });
    expect(policy('balancer: {kind: ewma}').balancer).toEqual({ kind: 'ewma', decayMs: 10000 });
    expect(policy('balancer: {kind: ewma, decay: 2s}').balancer).toEqual({ kind: 'ewma', decayMs: 2000 });
    expect(policy('balancer: {kind: ring-hash, hashOn: {source: header, name: x-user}}').balancer).toEqual({
      kind: 'ring-hash',
      hashOn: { source: 'header', name: 'x-user' },
      minRingSize: 1024,
      maxRingSize: 8388608,
    });
    expect(policy('balancer: {kind: maglev, hashOn: {source: ip}}').balancer).toEqual({ kind: 'maglev', hashOn: { source: 'ip' }, tableSize: 65537 });
  });

  it('what it reads, the engine builds: every balancer is accepted by createBalancer', () => {
    const hosts = [{ key: 'a:1', weight: 1 }, { key: 'b:1', weight: 2 }];
    for (const b of ['{kind: least-connections}', '{kind: random}', '{kind: maglev, hashOn: {source: path}, tableSize: 251}', '{kind: ring-hash, hashOn: {source: query, name: u}, minRingSize: 64, maxRingSize: 64}']) {
      const spec = policy(`balancer: ${b}`).balancer;
      if (!spec) throw new Error(b);
      expect(() => createBalancer(spec, hosts)).not.toThrow();
    }
  });

  it('errors name line:column and why: unknown kind, unknown key, a non-prime Maglev table, min above max', () => {
    expect(load('balancer: {kind: ringhash}').lines).toEqual([
      "ir.yaml:5:24: error GL_E_CONFIG_INVALID: services[0].upstream.balancer.kind must be one of round-robin, weighted-round-robin, least-connections, least-request, random, ewma, ring-hash, maglev, not \"ringhash\" (did you mean 'ring-hash'?)",
    ]);
    expect(load('balancer:\n  kind: ring-hash\n  hashOn: {source: ip}\n  minRingSze: 10').lines).toEqual([
      "ir.yaml:8:9: error GL_E_UNKNOWN_FIELD: unknown field 'minRingSze' in services[0].upstream.balancer (did you mean 'minRingSize'?)",
    ]);
    expect(load('balancer: {kind: maglev, hashOn: {source: ip}, tableSize: 65536}').lines[0]).toMatch(
      /^ir\.yaml:5:65: error GL_E_CONFIG_INVALID: services\[0\]\.upstream\.balancer\.tableSize must be a prime number \(Envoy rejects 65536\)/,
    );
    expect(load('balancer: {kind: ring-hash, hashOn: {source: ip}, minRingSize: 4096, maxRingSize: 2048}').lines[0]).toMatch(/minRingSize \(4096\) must not exceed maxRingSize \(2048\); Envoy rejects the cluster/);
    expect(load('balancer: {kind: ring-hash, hashOn: {source: cookie}}').lines[0]).toMatch(/^ir\.yaml:5:43: error GL_E_CONFIG_INVALID: services\[0\]\.upstream\.balancer\.hashOn needs name/);
  });
});

describe('native upstream: passive and active health', () => {
  it('passive nginx: max_fails 1, fail_timeout 10 s (semantics §10); passive kong: upstreams.lua defaults', () => {
    expect(policy('passiveHealth: {kind: nginx}').passiveHealth).toEqual({ kind: 'nginx', maxFails: 1, failTimeoutMs: 10000 });
    expect(policy('passiveHealth: {kind: kong, httpFailures: 3}').passiveHealth).toMatchObject({ kind: 'kong', unhealthyStatuses: [429, 500, 503], httpFailures: 3, tcpFailures: 0, timeouts: 0, healthySuccesses: 0 });
  });

  it('active: interval and both thresholds are required; path "/", timeout 1 s, statuses any 2xx/3xx by default', () => {
    expect(policy('activeHealth: {interval: 5s, healthyThreshold: 2, unhealthyThreshold: 3}').activeHealth).toEqual({
      path: '/',
      intervalMs: 5000,
      timeoutMs: 1000,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      healthyStatuses: [],
    });
    expect(load('activeHealth: {healthyThreshold: 2, unhealthyThreshold: 3}').lines).toEqual([
      'ir.yaml:5:21: error GL_E_CONFIG_INVALID: services[0].upstream.activeHealth needs interval (e.g. interval: 5s, healthyThreshold: 2, unhealthyThreshold: 3)',
    ]);
  });
});

describe('native upstream: outlier detection (semantics §9)', () => {
  it('{} is Envoy\'s outlier_detection defaults (ENVOY_OUTLIER_DEFAULTS)', () => {
    expect(policy('outlierDetection: {}').outlierDetection).toEqual(ENVOY_OUTLIER_DEFAULTS);
  });

  it('a partial block overrides only what it names; durations drop the Ms', () => {
    expect(policy('outlierDetection: {consecutive5xx: 3, interval: 5s, baseEjectionTime: 15000, alwaysEjectOneHost: true}').outlierDetection).toEqual({
      ...ENVOY_OUTLIER_DEFAULTS,
      consecutive5xx: 3,
      intervalMs: 5000,
      baseEjectionTimeMs: 15000,
      alwaysEjectOneHost: true,
    });
  });

  it('max_ejection_time defaults to 300 s or base_ejection_time, whichever is larger; below base is an error', () => {
    expect(policy('outlierDetection: {baseEjectionTime: 400s}').outlierDetection?.maxEjectionTimeMs).toBe(400000);
    expect(load('outlierDetection: {baseEjectionTime: 60s, maxEjectionTime: 30s}').lines[0]).toMatch(/maxEjectionTime \(30000 ms\) must not be below baseEjectionTime \(60000 ms\)/);
  });

  it('intervalMs is not a key here: the hint names interval; a percentage above 100 is an error at its value', () => {
    expect(load('outlierDetection: {intervalMs: 5000}').lines).toEqual([
      "ir.yaml:5:26: error GL_E_UNKNOWN_FIELD: unknown field 'intervalMs' in services[0].upstream.outlierDetection (did you mean 'interval'?)",
    ]);
    expect(load('outlierDetection: {maxEjectionPercent: 150}').lines).toEqual([
      'ir.yaml:5:46: error GL_E_CONFIG_INVALID: services[0].upstream.outlierDetection.maxEjectionPercent must be between 0 and 100, not 150',
    ]);
  });
});

describe('native upstream: connection pool (semantics §9)', () => {
  it('missing limits are Istio\'s 2^32−1; maxRetries Envoy\'s 3', () => {
    expect(policy('connectionPool: {maxConnections: 1}').connectionPool).toEqual({ maxConnections: 1, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 3 });
  });

  it('a retry budget (20 %, 3 by default) replaces max_retries, so a maxRetries beside it is warned about', () => {
    const out = load('connectionPool: {maxRetries: 5, retryBudget: {}}');
    expect(out.policy?.connectionPool?.retryBudget).toEqual({ budgetPercent: 20, minRetryConcurrency: 3 });
    expect(out.lines).toEqual(["ir.yaml:5:24: warning GL_W_NO_EFFECT: services[0].upstream.connectionPool.maxRetries has no effect: Envoy's retry budget replaces max_retries"]);
  });
});

describe('native upstream: retry (envoyRetryPolicy defaults)', () => {
  it('{} is envoyRetryPolicy(); fields override one by one', () => {
    expect(policy('retry: {}').retry).toEqual(envoyRetryPolicy());
    expect(policy('retry: {numRetries: 3, retryOn: [gateway-error], methods: [GET], backoff: {kind: exponential, initial: 50ms}, flavour: traefik}').retry).toEqual({
      ...envoyRetryPolicy(),
      numRetries: 3,
      retryOn: ['gateway-error'],
      methods: ['GET'],
      backoff: { kind: 'exponential', initialMs: 50, maxMs: 60000 },
      flavour: 'traefik',
    });
    expect(policy('retry: {backoff: {kind: envoy-jitter, base: 100ms}}').retry?.backoff).toEqual({ kind: 'envoy-jitter', baseMs: 100, maxMs: 1000 });
  });

  it('methodsNotRetried names the methods refused once sent, as nginx and Traefik do (POST, LOCK, PATCH)', () => {
    expect(policy('retry: {methodsNotRetried: [POST, LOCK, PATCH]}').retry).toEqual({ ...envoyRetryPolicy(), methodsNotRetried: ['POST', 'LOCK', 'PATCH'] });
    expect(policy('retry: {}').retry?.methodsNotRetried).toBeUndefined();
  });

  it('retriable status codes without retriable-status-codes in retryOn do nothing, and say so', () => {
    expect(load('retry: {retriableStatusCodes: [503]}').lines).toEqual([
      'ir.yaml:5:15: warning GL_W_NO_EFFECT: services[0].upstream.retry.retriableStatusCodes has no effect: retryOn does not include retriable-status-codes (add retriable-status-codes to retryOn)',
    ]);
  });

  it('an unknown retryOn condition is an error at the list item', () => {
    expect(load('retry: {retryOn: [5xx, connect_failure]}').lines).toEqual([
      "ir.yaml:5:30: error GL_E_CONFIG_INVALID: services[0].upstream.retry.retryOn[1] must be one of 5xx, gateway-error, connect-failure, reset, reset-before-request, timeout, retriable-status-codes, not \"connect_failure\" (did you mean 'connect-failure'?)",
    ]);
  });
});

describe('native upstream: timeouts (semantics §5)', () => {
  it('Go durations or milliseconds; connect defaults to the service connectTimeout', () => {
    expect(policy('timeouts: {perTry: 2s, overall: 5000}').timeouts).toEqual({ connectMs: 60000, perTryMs: 2000, overallMs: 5000, flavour: 'generic' });
    expect(policy('timeouts: {connect: 250ms}').timeouts).toEqual({ connectMs: 250, perTryMs: 0, overallMs: 0, flavour: 'generic' });
  });

  it('aws-rest: 29 s by default and at most; raisedQuota (Regional/private REST, June 2024) allows up to 300 s', () => {
    expect(policy('timeouts: {flavour: aws-rest}').timeouts?.overallMs).toBe(29000);
    expect(policy('timeouts: {flavour: aws-rest, overall: 29s}').timeouts?.overallMs).toBe(29000);
    expect(load('timeouts: {flavour: aws-rest, overall: 45s}').lines).toEqual([
      'ir.yaml:5:46: error GL_E_CONFIG_INVALID: services[0].upstream.timeouts.overall (45000 ms) is above the 29 s AWS allows for a REST API integration; Regional and private REST APIs may raise it up to 300 s since June 2024 (semantics §5) (set raisedQuota: true if the Regional or private API\'s quota was raised)',
    ]);
    expect(policy('timeouts: {flavour: aws-rest, raisedQuota: true, overall: 120s}').timeouts?.overallMs).toBe(120000);
    expect(load('timeouts: {flavour: aws-rest, raisedQuota: true, perTry: 301s}').lines[0]).toMatch(/perTry \(301000 ms\) is above the 300 s AWS allows even with the raised quota/);
  });

  it('aws-http: fixed at 30 s, no raised quota; below 50 ms is refused too', () => {
    expect(policy('timeouts: {flavour: aws-http}').timeouts?.overallMs).toBe(30000);
    expect(load('timeouts: {flavour: aws-http, overall: 31s}').lines[0]).toMatch(/^ir\.yaml:5:46: error GL_E_CONFIG_INVALID: .*overall \(31000 ms\) is above the 30 s AWS allows for an HTTP API, a fixed limit/);
    expect(load('timeouts: {flavour: aws-http, raisedQuota: true}').lines[0]).toMatch(/raisedQuota only applies to flavour aws-rest: HTTP APIs stay fixed at 30 s/);
    expect(load('timeouts: {flavour: aws-rest, overall: 10ms}').lines[0]).toMatch(/overall \(10 ms\) is below the 50 ms AWS allows/);
  });

  it('a duration that is not Go syntax is GL_E_DURATION at its value', () => {
    expect(load('timeouts: {overall: 5 seconds}').lines).toEqual([
      'ir.yaml:5:27: error GL_E_DURATION: services[0].upstream.timeouts.overall must be a Go duration (29s, 1m30s, 250ms) or a number of milliseconds, not "5 seconds"',
    ]);
  });
});

describe('native upstream: the mapping itself', () => {
  it('an unknown section is an error with the nearest name; origin defaults to the service', () => {
    expect(load('retyr: {}').lines).toEqual(["ir.yaml:5:7: error GL_E_UNKNOWN_FIELD: unknown field 'retyr' in services[0].upstream (did you mean 'retry'?)"]);
    expect(policy('retry: {}').origin).toBe('native IR service "orders"');
  });

  it('routes take no backends: the Kong router of this form never reads RouteIR.backends', () => {
    const { docs } = parseYaml('services: [{name: a}]\nroutes:\n  - name: r\n    service: a\n    backends: [{service: a, weight: 1}]\n', 'ir.yaml');
    const out = adaptNativeIr(docs[0] as (typeof docs)[number]);
    expect(out.diagnostics.map(formatDiagnostic)).toEqual(["ir.yaml:5:5: error GL_E_UNKNOWN_FIELD: unknown field 'backends'"+" (known fields: name, service, hosts, paths, methods, headers, stripPath, preserveHost)"]);
  });

  it('service connectTimeout / readTimeout take durations too', () => {
    const { docs } = parseYaml('services: [{name: a, connectTimeout: 2s, readTimeout: 1500}]\n', 'ir.yaml');
    expect(adaptNativeIr(docs[0] as (typeof docs)[number]).ir?.services[0]).toMatchObject({ connectTimeoutMs: 2000, readTimeoutMs: 1500, writeTimeoutMs: 60000 });
  });
});

describe('native upstream: passive health beside outlier detection (gatelab only)', () => {
  it('loads both, with a warning at passiveHealth that says what gatelab does and that no gateway has the mix', () => {
    const out = load('passiveHealth: {kind: nginx, maxFails: 1}\noutlierDetection: {consecutive5xx: 2}');
    expect(out.policy?.passiveHealth).toEqual({ kind: 'nginx', maxFails: 1, failTimeoutMs: 10000 });
    expect(out.policy?.outlierDetection?.consecutive5xx).toBe(2);
    expect(out.lines).toEqual([
      "ir.yaml:5:7: warning GL_W_GATELAB_ONLY: services[0].upstream.passiveHealth (nginx's max_fails/fail_timeout) beside outlierDetection (Envoy's) is a mix no real gateway runs: " +
        'Envoy has no passive check but outlier detection, and nginx has no outlier detection. gatelab judges every response by both: a host either one takes out is skipped, ' +
        'and for healthyPanicThreshold a host the passive checks marked down counts as unhealthy, like an ejected one, and gets traffic again in panic ' +
        '(keep outlierDetection to model Envoy, or passiveHealth to model nginx or Kong)',
    ]);
  });

  it("names Kong's passive checks for kind kong, and says nothing for either one alone", () => {
    const out = load('outlierDetection: {}\npassiveHealth: {kind: kong, httpFailures: 3}');
    expect(out.diagnostics.map((d) => [d.loc?.line, d.loc?.col, d.code])).toEqual([[6, 7, 'GL_W_GATELAB_ONLY']]);
    expect(out.lines[0]).toContain("passiveHealth (Kong's passive healthchecks) beside outlierDetection");
    expect(out.lines[0]).toContain('and Kong has no outlier detection');
    expect(load('passiveHealth: {kind: kong, httpFailures: 3}').lines).toEqual([]);
    expect(load('outlierDetection: {}').lines).toEqual([]);
    expect(load('passiveHealth: {kind: nginx}\nactiveHealth: {interval: 5s, healthyThreshold: 1, unhealthyThreshold: 1}').lines).toEqual([]);
  });
});
