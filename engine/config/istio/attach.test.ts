/**
 * DestinationRule → ServiceIR.policy (semantics §9 "Istio DestinationRule → Envoy", §10 balancers):
 * which rule a service gets, what it sets, and the warning for a rule that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../core/errors.ts';
import type { GatewayIR, ServiceIR } from '../ir.ts';
import { parseYaml } from '../yaml-source.ts';
import { attachTrafficPolicies } from './attach.ts';
import { adaptIstio, ISTIO_UNLIMITED } from './index.ts';

function service(name: string, host: string, port = 80, policy?: ServiceIR['policy']): ServiceIR {
  return { name, id: name, protocol: 'http', host, port, targets: [{ host, port, weight: 1 }], retries: 0, connectTimeoutMs: 1, readTimeoutMs: 1, writeTimeoutMs: 1, ...(policy ? { policy } : {}) };
}

function attach(yaml: string, services: ServiceIR[]): { ir: GatewayIR; said: Diagnostic[] } {
  const parsed = parseYaml(yaml, 'dr.yaml');
  const { policies, diagnostics } = adaptIstio(parsed.docs);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ir: GatewayIR = { dialect: 'gateway-api', router: { kind: 'gateway-api', table: null }, listeners: [], services, routes: [], plugins: [], consumers: [], trafficPolicies: policies };
  const said: Diagnostic[] = [];
  attachTrafficPolicies(ir, (d) => said.push(d));
  return { ir, said };
}

const rule = (name: string, ns: string, host: string, trafficPolicy: string): string =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: ${name}, namespace: ${ns} }\nspec:\n  host: "${host}"\n  trafficPolicy:\n${trafficPolicy.replace(/^/gm, '    ')}`;

describe('attachTrafficPolicies (semantics §9)', () => {
  it('a short host resolves in the rule namespace; outlier detection goes through outlierFromIstio (success rate off, panic 0)', () => {
    const { ir, said } = attach(rule('cb', 'shop', 'catalog', 'outlierDetection: { consecutive5xxErrors: 3, interval: 5s }'), [service('catalog', 'catalog.shop.svc.cluster.local')]);
    const p = ir.services[0]?.policy;
    expect(p?.outlierDetection).toMatchObject({ consecutive5xx: 3, enforcingConsecutive5xx: 100, intervalMs: 5000, enforcingSuccessRate: 0, healthyPanicThreshold: 0, maxEjectionPercent: 10 });
    expect(p?.origin).toBe('DestinationRule shop/cb');
    expect(said).toEqual([]);
  });

  it("Istio's circuit-breaker defaults are 2^32−1, not Envoy's 1024/3, even without a connectionPool", () => {
    const { ir } = attach(rule('lb', 'shop', 'catalog', 'loadBalancer: { simple: RANDOM }'), [service('catalog', 'catalog.shop.svc.cluster.local')]);
    expect(ir.services[0]?.policy?.connectionPool).toEqual({ maxConnections: ISTIO_UNLIMITED, maxPendingRequests: ISTIO_UNLIMITED, maxRequests: ISTIO_UNLIMITED, maxRetries: ISTIO_UNLIMITED });
    expect(ir.services[0]?.policy?.outlierDetection).toBeUndefined();
  });

  it('loadBalancer.simple → balancer (semantics §10); UNSPECIFIED keeps the gateway balancer', () => {
    const cases: Array<[string, unknown]> = [
      ['ROUND_ROBIN', { kind: 'round-robin' }],
      ['LEAST_REQUEST', { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 }],
      ['LEAST_CONN', { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 }],
      ['RANDOM', { kind: 'random' }],
      ['UNSPECIFIED', { kind: 'weighted-round-robin' }],
    ];
    for (const [simple, balancer] of cases) {
      const { ir } = attach(rule('lb', 'shop', 'web', `loadBalancer: { simple: ${simple} }`), [service('web', 'web.shop.svc.cluster.local', 80, { balancer: { kind: 'weighted-round-robin' } })]);
      expect(ir.services[0]?.policy?.balancer, simple).toEqual(balancer);
    }
  });

  it('consistentHash → ring hash (1024 / 8388608) or Maglev (65537), keyed as written', () => {
    const ring = attach(rule('h', 'shop', 'web', 'loadBalancer: { consistentHash: { httpHeaderName: X-User } }'), [service('web', 'web.shop.svc.cluster.local')]);
    expect(ring.ir.services[0]?.policy?.balancer).toEqual({ kind: 'ring-hash', hashOn: { source: 'header', name: 'x-user' }, minRingSize: 1024, maxRingSize: 8388608 });
    const maglev = attach(rule('h', 'shop', 'web', 'loadBalancer: { consistentHash: { useSourceIp: true, maglev: {} } }'), [service('web', 'web.shop.svc.cluster.local')]);
    expect(maglev.ir.services[0]?.policy?.balancer).toEqual({ kind: 'maglev', hashOn: { source: 'ip' }, tableSize: 65537 });
  });

  it('port-level settings replace the top-level ones for the service port only', () => {
    const dr = rule('p', 'shop', 'web', 'connectionPool: { tcp: { maxConnections: 100 } }\nportLevelSettings:\n  - port: { number: 8080 }\n    connectionPool: { tcp: { maxConnections: 5 } }');
    const { ir } = attach(dr, [service('web', 'web.shop.svc.cluster.local', 80), service('web:8080', 'web.shop.svc.cluster.local', 8080)]);
    expect(ir.services.map((s) => s.policy?.connectionPool?.maxConnections)).toEqual([100, 5]);
    expect(ir.services[1]?.policy?.origin).toBe('DestinationRule shop/p (port 8080 settings)');
  });

  it("the adapter's retries and timeouts stay; the rule's balancer, ejection and pool are merged over them", () => {
    const base = { balancer: { kind: 'ewma', decayMs: 10000 }, timeouts: { connectMs: 5000, perTryMs: 60000, overallMs: 0, flavour: 'generic' }, origin: 'Ingress shop/web' } as const;
    const { ir } = attach(rule('cb', 'shop', 'web', 'outlierDetection: {}'), [service('web', 'web.shop.svc.cluster.local', 80, base)]);
    const p = ir.services[0]?.policy;
    expect(p?.balancer).toEqual(base.balancer);
    expect(p?.timeouts).toEqual(base.timeouts);
    expect(p?.outlierDetection?.consecutive5xx).toBe(5);
    expect(p?.origin).toBe('Ingress shop/web + DestinationRule shop/cb');
  });

  it('the exact host wins over a wildcard; the wildcard still covers the other services', () => {
    const yaml = [rule('all', 'shop', '*.shop.svc.cluster.local', 'loadBalancer: { simple: RANDOM }'), rule('one', 'shop', 'web', 'loadBalancer: { simple: ROUND_ROBIN }')].join('\n---\n');
    const { ir, said } = attach(yaml, [service('web', 'web.shop.svc.cluster.local'), service('api', 'api.shop.svc.cluster.local')]);
    expect(ir.services.map((s) => s.policy?.balancer?.kind)).toEqual(['round-robin', 'random']);
    expect(said).toEqual([]);
  });

  it('a rule that matches no service is a warning at its spec.host, with the likely fix', () => {
    const { ir, said } = attach(rule('cb', 'default', 'catalog', 'outlierDetection: {}'), [service('catalog', 'catalog.shop.svc.cluster.local')]);
    expect(ir.services[0]?.policy).toBeUndefined();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ severity: 'warning', code: 'GL_W_NO_EFFECT', loc: { file: 'dr.yaml', line: 5, col: 9 } });
    expect(said[0]?.message).toContain('resolved as catalog.default.svc.cluster.local');
    expect(said[0]?.hint).toContain('catalog.shop.svc.cluster.local');
  });

  it('of two rules for one host the first is used, and the second is said to change nothing', () => {
    const yaml = [rule('a', 'shop', 'web', 'loadBalancer: { simple: RANDOM }'), rule('b', 'shop', 'web.shop.svc.cluster.local', 'loadBalancer: { simple: ROUND_ROBIN }')].join('\n---\n');
    const { ir, said } = attach(yaml, [service('web', 'web.shop.svc.cluster.local')]);
    expect(ir.services[0]?.policy?.balancer?.kind).toBe('random');
    expect(said.map((d) => d.message)).toEqual([expect.stringContaining('DestinationRule shop/b names the same host as shop/a')]);
  });
});
