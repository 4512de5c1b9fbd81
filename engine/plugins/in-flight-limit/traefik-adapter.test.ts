/**
 * The Traefik adapter reads inFlightReq (file provider and CRD) into the in-flight-limit plugin:
 * traefik/traefik pkg/config/dynamic/middlewares.go (InFlightReq: amount, sourceCriterion) and
 * pkg/middlewares/inflightreq/inflight_req.go (GetSourceExtractor's error refuses the middleware).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadTraefik, NOW, send, session, traefikIr } from '../../config/traefik/test-kit.ts';

const crd = (spec: string): string => `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: cap }
spec:
  inFlightReq: ${spec}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/\`)", kind: Rule, middlewares: [{ name: cap }], services: [{ name: s, port: 80 }] }]
`;

const lines = (yaml: string): string[] => loadTraefik(yaml, 'if.yaml').diagnostics.map(formatDiagnostic);

describe('Traefik inFlightReq in the adapter', () => {
  it('a CRD inFlightReq becomes the in-flight-limit plugin, with no "not modelled" warning', () => {
    const ir = traefikIr(crd('{ amount: 3, sourceCriterion: { ipStrategy: { depth: 1 } } }'));
    expect(ir.plugins.map((p) => [p.plugin, p.config])).toEqual([['in-flight-limit', { amount: 3, source: { kind: 'ip-strategy', ipStrategy: { depth: 1 } } }]]);
    expect(lines(crd('{ amount: 3 }'))).toEqual([]);
  });

  it('the file provider reads it too', () => {
    const yaml = `http:
  routers:
    test: { rule: "PathPrefix(\`/\`)", service: whoami, middlewares: [cap] }
  middlewares:
    cap:
      inFlightReq: { amount: 2 }
  services:
    whoami:
      loadBalancer: { servers: [{ url: "http://10.0.0.1:80" }] }
`;
    const ir = traefikIr(yaml);
    expect(ir.plugins.map((p) => p.plugin)).toEqual(['in-flight-limit']);
  });

  it('two source criteria: Traefik refuses the middleware, the router is not served', () => {
    const out = lines(crd('{ amount: 3, sourceCriterion: { requestHost: true, requestHeaderName: X-A } }'));
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^if\.yaml:5:\d+: warning GL_W_ROUTE_NOT_SERVED: .*requestHost and RequestHeaderName are mutually exclusive/)]));
  });

  it('an unknown field is pruned with a warning at its line; amount unset warns that every request is refused', () => {
    const out = lines(crd('{ amout: 3 }'));
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^if\.yaml:5:\d+: warning GL_W_UNKNOWN_FIELD: unknown field "amout" in inFlightReq/),
        expect.stringMatching(/^if\.yaml:5:\d+: warning GL_W_NO_EFFECT: inFlightReq: amount is 0 \(unset\)/),
      ]),
    );
  });

  it('one request at a time through the simulated pipeline: each frees its slot, none is refused', async () => {
    const s = session(traefikIr(crd('{ amount: 1 }')));
    for (let i = 0; i < 3; i++) {
      const r = await send(s, { url: 'http://api.example.com/x', now: NOW + i });
      expect(r.status).toBe(200);
    }
  });
});
