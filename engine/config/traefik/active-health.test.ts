/**
 * healthCheck in the Traefik adapter, both providers: fields and defaults of ServerHealthCheck
 * (traefik/traefik pkg/config/dynamic/http_config.go, SetDefaults: interval 30s, timeout 5s),
 * NewServiceHealthChecker's fallbacks for values of 0 or less (pkg/healthcheck/healthcheck.go), the
 * CRD's "healthCheck allowed only for ExternalName services" (pkg/provider/kubernetes/crd/
 * kubernetes_http.go loadServers) and the weighted parent's `healthCheck: {}`. The probing itself is
 * pinned in engine/upstream/health/traefik-active.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadTraefik, shopIngressRoute, shopLoadBalancer } from './test-kit.ts';

const file = (hc: string, weighted = ''): string => shopLoadBalancer(`healthCheck: ${hc}`, weighted, weighted ? 'split' : 'shop');

const crd = (type: string): string => `${shopIngressRoute('healthCheck: { path: /ping, interval: 10 }')}---
apiVersion: v1
kind: Service
metadata: { name: shop, namespace: default }
spec:
  type: ${type}
  ${type === 'ExternalName' ? 'externalName: shop.example.net' : 'selector: { app: shop }'}
  ports: [{ port: 80 }]
---
_gatelab:
  providers:
    kubernetesCRD: { allowExternalNameServices: true }
`;

function load(yaml: string) {
  const { ir, diagnostics } = loadTraefik(yaml, 'hc.yaml');
  const service = ir?.services.find((s) => s.name.includes('shop'));
  return { active: service?.policy?.activeHealth, lines: diagnostics.map(formatDiagnostic), ir };
}

describe('Traefik healthCheck in the adapter', () => {
  it('file provider: SetDefaults gives interval 30s, unhealthyInterval = interval, timeout 5s, 2xx/3xx; one result decides; nothing warned', () => {
    const r = load(file('{ path: /health }'));
    expect(r.active).toEqual({ flavour: 'traefik', path: '/health', intervalMs: 30_000, healthyIntervalMs: 30_000, unhealthyIntervalMs: 30_000, timeoutMs: 5_000, healthyThreshold: 1, unhealthyThreshold: 1, healthyStatuses: [] });
    expect(r.lines).toEqual([]);
  });

  it('unhealthyInterval, status, scheme and bare-digit durations (paerser: seconds); the hosts tick on the gcd', () => {
    const r = load(file('{ path: health, interval: 30s, unhealthyInterval: 4, timeout: 2s, status: "204", scheme: https }'));
    expect(r.active).toMatchObject({ path: '/health', intervalMs: 2_000, healthyIntervalMs: 30_000, unhealthyIntervalMs: 4_000, timeoutMs: 2_000, healthyStatuses: [204], probe: 'https' });
  });

  it('0 or less: NewServiceHealthChecker logs and uses the default — 30s for unhealthyInterval too, not interval', () => {
    const r = load(file('{ interval: 10s, unhealthyInterval: 0s, timeout: -1s }'));
    expect(r.active).toMatchObject({ path: '/', healthyIntervalMs: 10_000, unhealthyIntervalMs: 30_000, timeoutMs: 5_000 });
    expect(r.lines).toEqual([
      expect.stringContaining('hc.yaml:10:58: warning GL_W_NO_EFFECT: unhealthyInterval 0s: NewServiceHealthChecker logs "smaller than zero" and uses the default 30s instead'),
      expect.stringContaining('hc.yaml:10:71: warning GL_W_NO_EFFECT: timeout -1s: NewServiceHealthChecker logs "smaller than zero" and uses the default 5s instead'),
    ]);
  });

  it('bad values are errors at their line and column, and the check is dropped; unknown fields get the nearest name', () => {
    const r = load(file('{ interval: often, status: 2.5, scheme: ftp, followRedirects: maybe, intervall: 3s }'));
    expect(r.active).toBeUndefined();
    expect(r.lines).toEqual([
      expect.stringContaining('hc.yaml:10:34: error GL_E_DURATION: interval of healthCheck of shop@file must be a duration such as 10s or 1m30s, or a whole number of seconds, not the string "often"'),
      expect.stringContaining('hc.yaml:10:49: error GL_E_TYPE: status of healthCheck of shop@file must be a whole number, not number 2.5'),
      expect.stringContaining('hc.yaml:10:62: error GL_E_CONFIG_INVALID: scheme of healthCheck of shop@file must be http, https or h2c, not "ftp"'),
      expect.stringContaining('hc.yaml:10:84: error GL_E_TYPE: followRedirects of healthCheck of shop@file must be true or false'),
      expect.stringContaining('hc.yaml:10:91: warning GL_W_UNKNOWN_FIELD: unknown field "intervall" in healthCheck of shop@file; Kubernetes drops fields the CRD schema does not define, so it has no effect (did you mean "interval"?)'),
    ]);
  });

  it('what the probes cannot do is warned precisely: method, port, hostname, headers, gRPC', () => {
    const r = load(file('{ path: /h, method: HEAD, port: 9000, hostname: x.test, headers: { X-A: b }, mode: grpc }'));
    expect(r.active).toBeDefined();
    expect(r.lines.map((l) => l.replace(/^.*GL_W_NO_EFFECT: /, '').split(':')[0])).toEqual(['method', 'port', 'hostname', 'headers', 'mode']);
  });

  it('healthCheck: {} on a weighted parent is warned: gatelab does not propagate health upward', () => {
    const r = load(file('{}', `    split:
      weighted:
        healthCheck: {}
        services: [{ name: shop, weight: 1 }]
`));
    expect(r.lines).toEqual([expect.stringContaining('warning GL_W_NO_EFFECT: healthCheck on weighted split@file: Traefik then skips a child service whose servers are all down')]);
  });

  it('CRD: allowed on an ExternalName Service and modelled; on any other type the router is not served (loadServers)', () => {
    const ok = load(crd('ExternalName'));
    expect(ok.active).toMatchObject({ flavour: 'traefik', path: '/ping', healthyIntervalMs: 10_000 });
    expect(ok.lines).toEqual([]);
    const refused = load(crd('ClusterIP'));
    expect(refused.lines).toEqual([expect.stringContaining('is not served: healthCheck allowed only for ExternalName services: default/shop (it is ClusterIP)')]);
  });
});
