/**
 * References and weights, ported from the Gateway API conformance suite: HTTPRouteWeight,
 * HTTPRouteAllBackendsWeightZero, HTTPRouteInvalidNonExistentBackendRef,
 * HTTPRouteInvalidBackendRefUnknownKind, HTTPRouteInvalidCrossNamespaceBackendRef,
 * HTTPRouteReferenceGrant, HTTPRoutePartiallyInvalidViaInvalidReferenceGrant, HTTPRouteCrossNamespace,
 * HTTPRouteInvalidCrossNamespaceParentRef, HTTPRouteInvalidParentRefNotMatchingListenerPort,
 * HTTPRouteInvalidParentRefNotMatchingSectionName, HTTPRouteDisallowedKind.
 */
import { describe, expect, it } from 'vitest';
import { gatewayApiIr, send, withBase } from '../config/gateway-api/test-kit.ts';
import { caseName, checkCase, type GwCase } from './gateway-api-cases.ts';

const NS = 'gateway-conformance-infra';
const G = 'http://gw.example';

function suite(name: string, yaml: string, cases: GwCase[]): void {
  describe(name, () => {
    const ir = gatewayApiIr(withBase(yaml));
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
  });
}

const route = (name: string, ns: string, parent: string, backends: string, path = '/'): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${ns} }
spec:
  parentRefs: [${parent}]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${path} } }]
      backendRefs: [${backends}]
`;

describe('HTTPRouteWeight: shares follow the weights, weight 0 gets nothing', () => {
  const ir = gatewayApiIr(
    withBase(
      route(
        'weighted-backends',
        NS,
        '{ name: same-namespace }',
        '{ name: infra-backend-v1, port: 8080, weight: 70 }, { name: infra-backend-v2, port: 8080, weight: 30 }, { name: infra-backend-v3, port: 8080, weight: 0 }',
      ),
    ),
  );
  it('500 requests land within 5 points of 70/30/0, and the same request id always lands alike', async () => {
    const seen: Record<string, number> = {};
    for (let seed = 1; seed <= 500; seed++) {
      const r = await send(ir, `GET ${G}/`, { seed });
      expect(r.status).toBe(200);
      seen[r.backend as string] = (seen[r.backend as string] ?? 0) + 1;
    }
    expect(Math.abs((seen['infra-backend-v1'] ?? 0) / 500 - 0.7)).toBeLessThanOrEqual(0.05);
    expect(Math.abs((seen['infra-backend-v2'] ?? 0) / 500 - 0.3)).toBeLessThanOrEqual(0.05);
    expect(seen['infra-backend-v3']).toBeUndefined();
    const again = await send(ir, `GET ${G}/`, { seed: 7 });
    const once = await send(ir, `GET ${G}/`, { seed: 7 });
    expect(again.backend).toBe(once.backend);
  });
});

suite(
  'HTTPRouteAllBackendsWeightZero and a rule without backends',
  route('all-backends-weight-zero', NS, '{ name: same-namespace }', '{ name: infra-backend-v1, port: 8080, weight: 0 }, { name: infra-backend-v2, port: 8080, weight: 0 }') +
    `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: no-backends, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: /empty } }] }]
`,
  [
    { req: `GET ${G}/`, status: 500 },
    { req: `GET ${G}/empty/x`, status: 500 },
  ],
);

suite(
  'HTTPRouteInvalidNonExistentBackendRef / UnknownKind / CrossNamespaceBackendRef: 500',
  route('nonexistent', NS, '{ name: same-namespace }', '{ name: nonexistent, port: 8080 }', '/nonexistent') +
    route('unknown-kind', NS, '{ name: same-namespace }', '{ group: unknownkind.example.com, kind: NonExistent, name: infra-backend-v1, port: 8080 }', '/unknown-kind') +
    route('invalid-cross-namespace-backend-ref', NS, '{ name: same-namespace }', '{ name: web-backend, namespace: gateway-conformance-web-backend, port: 8080 }', '/cross'),
  [
    { req: `GET ${G}/nonexistent`, status: 500 },
    { req: `GET ${G}/unknown-kind`, status: 500 },
    { req: `GET ${G}/cross`, status: 500 },
  ],
);

suite(
  'HTTPRouteReferenceGrant and PartiallyInvalidViaInvalidReferenceGrant',
  `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: reference-grant, namespace: gateway-conformance-web-backend }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${NS} }]
  to: [{ group: "", kind: Service, name: web-backend }]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: only-v1, namespace: gateway-conformance-app-backend }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${NS} }]
  to: [{ group: "", kind: Service, name: app-backend-v1 }]
${route('reference-grant', NS, '{ name: same-namespace }', '{ name: web-backend, namespace: gateway-conformance-web-backend, port: 8080 }', '/web')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: invalid-reference-grant, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /v2 } }]
      backendRefs: [{ name: app-backend-v2, namespace: gateway-conformance-app-backend, port: 8080 }]
    - backendRefs: [{ name: app-backend-v1, namespace: gateway-conformance-app-backend, port: 8080 }]
`,
  [
    { req: `GET ${G}/web`, backend: 'web-backend' },
    { req: `GET ${G}/v2`, status: 500 },
    { req: `GET ${G}/`, backend: 'app-backend-v1' },
  ],
);

suite(
  'HTTPRouteCrossNamespace: a route from a selected namespace, its own backend',
  route('cross-namespace', 'gateway-conformance-web-backend', `{ name: backend-namespaces, namespace: ${NS} }`, '{ name: web-backend, port: 8080 }'),
  [{ req: `GET ${G}/`, backend: 'web-backend', route: 'gateway-conformance-web-backend/cross-namespace#0' }],
);

suite(
  'HTTPRouteInvalidCrossNamespaceParentRef: from Same refuses another namespace',
  route('invalid-cross-namespace-parent-ref', 'gateway-conformance-web-backend', `{ name: same-namespace, namespace: ${NS} }`, '{ name: web-backend, port: 8080 }'),
  [{ req: `GET ${G}/`, status: 404 }],
);

suite(
  'HTTPRouteInvalidParentRefNotMatchingListenerPort / SectionName: not attached',
  route('listener-port-mismatch', NS, `{ name: same-namespace, namespace: ${NS}, port: 81 }`, '{ name: infra-backend-v1, port: 8080 }', '/port') +
    route('section-mismatch', NS, `{ name: same-namespace, namespace: ${NS}, sectionName: unknown }`, '{ name: infra-backend-v1, port: 8080 }', '/section') +
    route('section-and-port-mismatch', NS, `{ name: same-namespace, namespace: ${NS}, sectionName: http, port: 81 }`, '{ name: infra-backend-v1, port: 8080 }', '/both'),
  [
    { req: `GET ${G}/port`, status: 404 },
    { req: `GET ${G}/section`, status: 404 },
    { req: `GET ${G}/both`, status: 404 },
  ],
);

suite(
  'HTTPRouteDisallowedKind: a listener that takes TLSRoutes only',
  `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: tlsroutes-only, namespace: ${NS} }
spec:
  gatewayClassName: test
  listeners:
    - name: tls
      port: 443
      protocol: TLS
      tls: { mode: Passthrough }
      allowedRoutes: { namespaces: { from: Same }, kinds: [{ kind: TLSRoute }] }
    - name: http-tls-only
      port: 8080
      protocol: HTTP
      allowedRoutes: { namespaces: { from: Same }, kinds: [{ kind: TLSRoute }] }
${route('disallowed-kind', NS, '{ name: tlsroutes-only }', '{ name: infra-backend-v1, port: 8080 }')}`,
  [
    { req: 'GET http://gw.example:8080/', status: 404 },
    { req: 'GET https://gw.example/', status: 404 },
  ],
);
