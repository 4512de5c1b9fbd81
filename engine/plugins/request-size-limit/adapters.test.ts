/**
 * Both adapters hand their vendor's entry to request-size-limit: Kong's declarative
 * `request-size-limiting` plugin entry (kong/plugins/request-size-limiting/schema.lua) and Traefik's
 * `buffering` middleware (pkg/config/dynamic/middlewares.go Buffering; a negative size fails oxy's
 * option setter, buffer.go MaxRequestBodyBytes, so the middleware is not built).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { registryPluginLookup } from '../../config/kong/adapt.ts';
import { load, V } from '../../config/kong/test-kit.ts';
import { loadTraefik, NOW, send, session, traefikIr } from '../../config/traefik/test-kit.ts';

const kong = (config: string) =>
  load(`${V}services:\n  - name: s\n    url: http://up.internal\n    routes: [{ name: r, paths: [/] }]\nplugins:\n  - name: request-size-limiting\n    config: ${config}\n`, registryPluginLookup);

const buffering = (spec: string): string => `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: buf }
spec:
  buffering: ${spec}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/\`)", kind: Rule, middlewares: [{ name: buf }], services: [{ name: s, port: 80 }] }]
`;

describe('Kong request-size-limiting in the declarative adapter', () => {
  it('is modelled (no "not modelled" warning) and parsed with its defaults', () => {
    const out = kong('{ allowed_payload_size: 1 }');
    expect(out.lines).toEqual([]);
    expect(out.ir?.plugins.map((p) => [p.plugin, p.config])).toEqual([
      ['request-size-limit', { flavour: 'kong', allowed_payload_size: 1, size_unit: 'megabytes', require_content_length: false, allowedBytes: 1048576 }],
    ]);
  });

  it('a config error lands at file:line:column of the value, through the plugin reporter', () => {
    const out = kong('{ size_unit: gigabytes }');
    expect(out.lines).toEqual([expect.stringMatching(/^kong\.yaml:8:\d+: error GL_E_CONFIG_INVALID: request-size-limiting: size_unit must be one of megabytes, kilobytes, bytes/)]);
  });
});

describe('Traefik buffering in the adapter', () => {
  it('becomes the Traefik flavour; no "not modelled" warning', () => {
    const ir = traefikIr(buffering('{ maxRequestBodyBytes: 16 }'));
    expect(ir.plugins.map((p) => [p.plugin, p.config])).toEqual([['request-size-limit', { flavour: 'traefik', maxRequestBodyBytes: 16 }]]);
    expect(loadTraefik(buffering('{ maxRequestBodyBytes: 16 }')).diagnostics).toEqual([]);
  });

  it('a negative size: Traefik refuses the middleware and the router is not served', () => {
    const lines = loadTraefik(buffering('{ maxRequestBodyBytes: -1 }'), 'b.yaml').diagnostics.map(formatDiagnostic);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^b\.yaml:5:\d+: warning GL_W_ROUTE_NOT_SERVED: .*max bytes should be >= 0 got -1/)]));
  });

  it('retryExpression is warned at its line', () => {
    const lines = loadTraefik(buffering('{ maxRequestBodyBytes: 16, retryExpression: "IsNetworkError()" }'), 'b.yaml').diagnostics.map(formatDiagnostic);
    expect(lines).toEqual([expect.stringMatching(/^b\.yaml:5:\d+: warning GL_W_NO_EFFECT: buffering: retryExpression is not modelled/)]);
  });

  it('through the simulated pipeline: a declared body over the limit is a 413 from the gateway', async () => {
    const s = session(traefikIr(buffering('{ maxRequestBodyBytes: 16 }')));
    const big = await send(s, { method: 'POST', url: 'http://api.example.com/x', headers: { 'content-length': '17' }, now: NOW });
    expect(big.status).toBe(413);
    const small = await send(s, { method: 'POST', url: 'http://api.example.com/x', headers: { 'content-length': '16' }, now: NOW + 1 });
    expect(small.status).toBe(200);
  });
});
