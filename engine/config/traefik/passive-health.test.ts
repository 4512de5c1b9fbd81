/**
 * passiveHealthCheck in the Traefik adapter, both providers: the file provider's loadBalancer
 * (pkg/config/dynamic/http_config.go ServersLoadBalancer.PassiveHealthCheck, defaults from
 * PassiveServerHealthCheck.SetDefaults; durations as traefik/paerser types.Duration.Set reads them) and
 * the CRD's service reference (pkg/provider/kubernetes/crd/traefikio/v1alpha1 LoadBalancerSpec,
 * read by kubernetes_http.go buildServersLB for any Kubernetes Service, not only ExternalName ones).
 * The rule itself is pinned in engine/upstream/health/traefik-passive.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadTraefik, shopIngressRoute, shopLoadBalancer } from './test-kit.ts';

const file = (passive: string, extra = ''): string => shopLoadBalancer(`passiveHealthCheck: ${passive}`, extra);

const crd = (passive: string): string => shopIngressRoute(`passiveHealthCheck: ${passive}`);

function load(yaml: string) {
  const { ir, diagnostics } = loadTraefik(yaml, 'phc.yaml');
  const service = ir?.services.find((s) => s.name.startsWith('shop') || s.name.includes('shop'));
  return { passive: service?.policy?.passiveHealth, lines: diagnostics.map(formatDiagnostic) };
}

describe('Traefik passiveHealthCheck in the adapter', () => {
  it('file provider: SetDefaults gives failureWindow 10s and maxFailedAttempts 1; nothing is warned as not modelled', () => {
    const r = load(file('{}'));
    expect(r.passive).toEqual({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 10_000 });
    expect(r.lines).toEqual([]);
  });

  it('file provider: a Go duration, bare digits as seconds (paerser), and maxFailedAttempts as text as Traefik\'s docs write it', () => {
    expect(load(file('{ failureWindow: 1m30s, maxFailedAttempts: 3 }')).passive).toEqual({ kind: 'traefik', maxFailedAttempts: 3, failureWindowMs: 90_000 });
    expect(load(file('{ failureWindow: "3s", maxFailedAttempts: "3" }')).passive).toEqual({ kind: 'traefik', maxFailedAttempts: 3, failureWindowMs: 3_000 });
    expect(load(file('{ failureWindow: 20 }')).passive).toEqual({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 20_000 });
    expect(load(file('{ failureWindow: "20" }')).passive).toMatchObject({ failureWindowMs: 20_000 });
  });

  it('bad values are errors at their line and column; unknown fields are warned with the nearest name', () => {
    const r = load(file('{ failureWindow: soon, maxFailedAttempts: 2.5, maxFailedAttempt: 3 }'));
    expect(r.passive).toBeUndefined();
    expect(r.lines).toEqual([
      expect.stringContaining('phc.yaml:10:46: error GL_E_DURATION: failureWindow of shop@file must be a duration such as 10s or 1m30s, or a whole number of seconds, not the string "soon"'),
      expect.stringContaining('phc.yaml:10:71: error GL_E_TYPE: maxFailedAttempts of shop@file must be an integer, not number 2.5'),
      expect.stringContaining('phc.yaml:10:76: warning GL_W_UNKNOWN_FIELD: unknown field "maxFailedAttempt" in passiveHealthCheck of shop@file; Kubernetes drops fields the CRD schema does not define, so it has no effect (did you mean "maxFailedAttempts"?)'),
    ]);
  });

  it('values Traefik accepts but that defeat the check are warned: maxFailedAttempts below 1, a window of 0', () => {
    const r = load(file('{ failureWindow: 0s, maxFailedAttempts: 0 }'));
    expect(r.passive).toEqual({ kind: 'traefik', maxFailedAttempts: 0, failureWindowMs: 0 });
    expect(r.lines).toEqual([
      expect.stringContaining("warning GL_W_NO_EFFECT: failureWindow 0s: Traefik's timer puts a server back as soon as it takes it out"),
      expect.stringContaining('warning GL_W_NO_EFFECT: maxFailedAttempts 0: Traefik compares failures < 0, which never holds'),
    ]);
  });

  it('beside healthCheck both are modelled and nothing is warned (the shared status is pinned in traefik-checks.test.ts)', () => {
    const { ir, diagnostics } = loadTraefik(file('{ maxFailedAttempts: 2 }', '        healthCheck: { path: /health }\n'), 'phc.yaml');
    const policy = ir?.services.find((s) => s.name.includes('shop'))?.policy;
    expect(policy?.passiveHealth).toEqual({ kind: 'traefik', maxFailedAttempts: 2, failureWindowMs: 10_000 });
    expect(policy?.activeHealth).toMatchObject({ flavour: 'traefik', path: '/health' });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('CRD: the IngressRoute service reference takes it (int-or-string failureWindow), with no unknown-field warning', () => {
    const r = load(file('{ failureWindow: 5, maxFailedAttempts: 2 }'));
    expect(r.passive).toBeDefined();
    const c = load(crd('{ failureWindow: 5, maxFailedAttempts: 2 }'));
    expect(c.passive).toEqual({ kind: 'traefik', maxFailedAttempts: 2, failureWindowMs: 5_000 });
    expect(c.lines).toEqual([]);
    expect(load(crd('{ failureWindow: 2m }')).passive).toEqual({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 120_000 });
  });

  it('CRD: maxFailedAttempts is an integer in the schema, so text is an error there', () => {
    const c = load(crd('{ maxFailedAttempts: "3" }'));
    expect(c.passive).toBeUndefined();
    expect(c.lines).toEqual([expect.stringContaining('phc.yaml:11:52: error GL_E_TYPE: maxFailedAttempts of service default/shop must be an integer (the CRD schema says so), not the string "3"')]);
  });

  it('CRD: Traefik keeps one load balancer per service name, so the reference read last sets passiveHealthCheck for both (warned)', () => {
    const two = `${crd('{ maxFailedAttempts: 2 }')}---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop-b, namespace: default }
spec:
  routes:
    - match: PathPrefix(\`/b\`)
      kind: Rule
      services:
        - name: shop
          port: 80
          passiveHealthCheck: { maxFailedAttempts: 5 }
`;
    const r = load(two);
    expect(r.passive).toEqual({ kind: 'traefik', maxFailedAttempts: 5, failureWindowMs: 10_000 });
    expect(r.lines).toEqual([expect.stringContaining('phc.yaml:21:11: warning GL_W_NO_EFFECT: another reference to default-shop-80@kubernetescrd sets a different passiveHealthCheck; Traefik keeps one service per name, and this later setting applies to both')]);
  });

  it('CRD: on a reference of kind TraefikService it has no effect (buildServersLB reads it for Services only)', () => {
    const yaml = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop, namespace: default }
spec:
  routes:
    - match: PathPrefix(\`/\`)
      kind: Rule
      services:
        - name: split
          kind: TraefikService
          passiveHealthCheck: { maxFailedAttempts: 2 }
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: { name: split, namespace: default }
spec:
  weighted:
    services: [{ name: shop, port: 80 }]
`;
    const r = load(yaml);
    expect(r.passive).toBeUndefined();
    expect(r.lines).toEqual([expect.stringContaining('phc.yaml:11:11: warning GL_W_NO_EFFECT: passiveHealthCheck applies to a reference of kind Service; Traefik ignores it on a TraefikService')]);
  });
});
