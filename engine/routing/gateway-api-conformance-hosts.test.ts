/**
 * Hostnames and listeners, ported from the Gateway API conformance suite:
 * HTTPRouteListenerHostnameMatching, HTTPRouteHostnameIntersection, GatewayHTTPListenerIsolation,
 * HTTPRouteHTTPSListener, and listener choice by port and scheme.
 */
import { describe, it } from 'vitest';
import { gatewayApiIr, withBase } from '../config/gateway-api/test-kit.ts';
import { caseName, checkCase, type GwCase } from './gateway-api-cases.ts';

const NS = 'gateway-conformance-infra';

function suite(name: string, yaml: string, cases: GwCase[]): void {
  describe(name, () => {
    const ir = gatewayApiIr(withBase(yaml));
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
  });
}

const gateway = (name: string, listeners: Array<[string, string | null]>, from = 'Same'): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${NS} }
spec:
  gatewayClassName: test
  listeners:
${listeners.map(([l, h]) => `    - { name: ${l}, port: 80, protocol: HTTP${h ? `, hostname: "${h}"` : ''}, allowedRoutes: { namespaces: { from: ${from} } } }`).join('\n')}
`;

const route = (name: string, parents: string, hostnames: string[], path: string | null, svc: string): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${NS} }
spec:
  parentRefs: ${parents}
${hostnames.length ? `  hostnames: [${hostnames.map((h) => `"${h}"`).join(', ')}]\n` : ''}  rules:
    - ${path ? `matches: [{ path: { type: PathPrefix, value: ${path} } }]\n      ` : ''}backendRefs: [{ name: ${svc}, port: 8080 }]
`;

suite(
  'HTTPRouteListenerHostnameMatching: each route on its listener',
  gateway('hostname-matching', [
    ['listener-1', 'bar.com'],
    ['listener-2', 'foo.bar.com'],
    ['listener-3', '*.bar.com'],
    ['listener-4', '*.foo.com'],
  ]) +
    route('backend-v1', '[{ name: hostname-matching, sectionName: listener-1 }]', [], null, 'infra-backend-v1') +
    route('backend-v2', '[{ name: hostname-matching, sectionName: listener-2 }]', [], null, 'infra-backend-v2') +
    route('backend-v3', '[{ name: hostname-matching, sectionName: listener-3 }, { name: hostname-matching, sectionName: listener-4 }]', [], null, 'infra-backend-v3'),
  [
    { req: 'GET http://bar.com/', backend: 'infra-backend-v1' },
    { req: 'GET http://foo.bar.com/', backend: 'infra-backend-v2' },
    { req: 'GET http://baz.bar.com/', backend: 'infra-backend-v3' },
    { req: 'GET http://boo.bar.com/', backend: 'infra-backend-v3' },
    { req: 'GET http://multiple.prefixes.bar.com/', backend: 'infra-backend-v3' },
    { req: 'GET http://multiple.prefixes.foo.com/', backend: 'infra-backend-v3' },
    { req: 'GET http://foo.com/', status: 404 },
    { req: 'GET http://no.matching.host/', status: 404 },
  ],
);

const intersectionParent = '[{ name: hostname-intersection, namespace: gateway-conformance-infra }]';
suite(
  'HTTPRouteHostnameIntersection: a route serves only where its hostnames meet the listener’s',
  gateway('hostname-intersection', [
    ['listener-1', 'very.specific.com'],
    ['listener-2', '*.wildcard.io'],
    ['listener-3', '*.anotherwildcard.io'],
  ]) +
    route('specific-host-matches-listener-specific-host', intersectionParent, ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1', 'infra-backend-v1') +
    route('specific-host-matches-listener-wildcard-host', intersectionParent, ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'], '/s2', 'infra-backend-v2') +
    route('wildcard-host-matches-listener-specific-host', intersectionParent, ['non.matching.com', '*.specific.com'], '/s3', 'infra-backend-v3') +
    route('wildcard-host-matches-listener-wildcard-host', intersectionParent, ['*.anotherwildcard.io'], '/s4', 'infra-backend-v1') +
    route('no-intersecting-hosts', intersectionParent, ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'infra-backend-v2'),
  [
    { req: 'GET http://very.specific.com/s1', backend: 'infra-backend-v1' },
    // The Host header's port is not part of the match; the connection's port (the URL's) picks the listener.
    { req: 'GET http://very.specific.com/s1', headers: { Host: 'very.specific.com:1234' }, backend: 'infra-backend-v1', host: 'very.specific.com:1234' },
    { req: 'GET http://very.specific.com:1234/s1', status: 404 },
    { req: 'GET http://non.matching.com/s1', status: 404 },
    { req: 'GET http://foo.nonmatchingwildcard.io/s1', status: 404 },
    { req: 'GET http://foo.wildcard.io/s1', status: 404 },
    { req: 'GET http://very.specific.com/non-matching-prefix', status: 404 },
    { req: 'GET http://foo.wildcard.io/s2', backend: 'infra-backend-v2' },
    { req: 'GET http://bar.wildcard.io/s2', backend: 'infra-backend-v2' },
    { req: 'GET http://foo.bar.wildcard.io/s2', backend: 'infra-backend-v2' },
    { req: 'GET http://non.matching.com/s2', status: 404 },
    { req: 'GET http://wildcard.io/s2', status: 404 },
    { req: 'GET http://very.specific.com/s2', status: 404 },
    { req: 'GET http://foo.wildcard.io/non-matching-prefix', status: 404 },
    { req: 'GET http://very.specific.com/s3', backend: 'infra-backend-v3' },
    { req: 'GET http://non.matching.com/s3', status: 404 },
    { req: 'GET http://foo.specific.com/s3', status: 404 },
    { req: 'GET http://foo.wildcard.io/s3', status: 404 },
    { req: 'GET http://very.specific.com/non-matching-prefix', status: 404 },
    { req: 'GET http://foo.anotherwildcard.io/s4', backend: 'infra-backend-v1' },
    { req: 'GET http://bar.anotherwildcard.io/s4', backend: 'infra-backend-v1' },
    { req: 'GET http://foo.bar.anotherwildcard.io/s4', backend: 'infra-backend-v1' },
    { req: 'GET http://anotherwildcard.io/s4', status: 404 },
    { req: 'GET http://foo.wildcard.io/s4', status: 404 },
    { req: 'GET http://very.specific.com/s4', status: 404 },
    { req: 'GET http://foo.anotherwildcard.io/non-matching-prefix', status: 404 },
    { req: 'GET http://specific.but.wrong.com/s5', status: 404 },
    { req: 'GET http://wildcard.io/s5', status: 404 },
  ],
);

suite(
  'HTTPRouteHostnameIntersection: a listener without hostname serves the route’s own hostnames',
  gateway('intersection-all', [['http', null]]) +
    route('intersection-all', '[{ name: intersection-all }]', ['first.com', '*.first.com', 'second.com', '*.second.com'], null, 'infra-backend-v2'),
  [
    { req: 'GET http://first.com/', backend: 'infra-backend-v2' },
    { req: 'GET http://sub.first.com/', backend: 'infra-backend-v2' },
    { req: 'GET http://second.com/', backend: 'infra-backend-v2' },
    { req: 'GET http://sub.second.com/', backend: 'infra-backend-v2' },
    { req: 'GET http://third.com/', status: 404 },
    { req: 'GET http://sub.third.com/', status: 404 },
  ],
);

const isolation = (withHostnames: boolean): string => {
  const section = (s: string): string => `[{ name: listener-isolation, sectionName: ${s} }]`;
  const hosts = (h: string[]): string[] => (withHostnames ? h : []);
  return (
    gateway(
      'listener-isolation',
      [
        ['empty-hostname', null],
        ['wildcard-example-com', '*.example.com'],
        ['wildcard-foo-example-com', '*.foo.example.com'],
        ['abc-foo-example-com', 'abc.foo.example.com'],
      ],
      'All',
    ) +
    route('attaches-to-empty-hostname', section('empty-hostname'), hosts(['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com']), '/empty-hostname', 'infra-backend-v1') +
    route('attaches-to-wildcard-example-com', section('wildcard-example-com'), hosts(['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com']), '/wildcard-example-com', 'infra-backend-v1') +
    route('attaches-to-wildcard-foo-example-com', section('wildcard-foo-example-com'), hosts(['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com']), '/wildcard-foo-example-com', 'infra-backend-v1') +
    route('attaches-to-abc-foo-example-com', section('abc-foo-example-com'), hosts(['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com']), '/abc-foo-example-com', 'infra-backend-v1')
  );
};
const isolationCases: GwCase[] = [
  { req: 'GET http://bar.com/empty-hostname', backend: 'infra-backend-v1' },
  { req: 'GET http://bar.com/wildcard-example-com', status: 404 },
  { req: 'GET http://bar.com/wildcard-foo-example-com', status: 404 },
  { req: 'GET http://bar.com/abc-foo-example-com', status: 404 },
  { req: 'GET http://bar.example.com/empty-hostname', status: 404 },
  { req: 'GET http://bar.example.com/wildcard-example-com', backend: 'infra-backend-v1' },
  { req: 'GET http://bar.example.com/wildcard-foo-example-com', status: 404 },
  { req: 'GET http://bar.example.com/abc-foo-example-com', status: 404 },
  { req: 'GET http://bar.foo.example.com/empty-hostname', status: 404 },
  { req: 'GET http://bar.foo.example.com/wildcard-example-com', status: 404 },
  { req: 'GET http://bar.foo.example.com/wildcard-foo-example-com', backend: 'infra-backend-v1' },
  { req: 'GET http://bar.foo.example.com/abc-foo-example-com', status: 404 },
  { req: 'GET http://abc.foo.example.com/empty-hostname', status: 404 },
  { req: 'GET http://abc.foo.example.com/wildcard-example-com', status: 404 },
  { req: 'GET http://abc.foo.example.com/wildcard-foo-example-com', status: 404 },
  { req: 'GET http://abc.foo.example.com/abc-foo-example-com', backend: 'infra-backend-v1' },
];
suite('GatewayHTTPListenerIsolation: hostnames on listeners only', isolation(false), isolationCases);
suite('GatewayHTTPListenerIsolation: hostnames on listeners and routes', isolation(true), isolationCases);

suite(
  'HTTPRouteHTTPSListener: the HTTPS listener takes https on 443',
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: https-test, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace-with-https-listener }]
  hostnames: [example.org]
  rules: [{ backendRefs: [{ name: infra-backend-v1, port: 8080 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: https-test-no-hostname, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace-with-https-listener, sectionName: https-with-hostname }]
  rules: [{ backendRefs: [{ name: infra-backend-v2, port: 8080 }] }]
`,
  [
    { req: 'GET https://example.org/', backend: 'infra-backend-v1' },
    { req: 'GET https://second-example.org/', backend: 'infra-backend-v2' },
    { req: 'GET https://unknown-example.org/', status: 404 },
    // The same host over plain HTTP reaches port 80, where no route of this test is attached.
    { req: 'GET http://example.org/', status: 404 },
    { req: 'GET https://example.org/', backend: 'infra-backend-v1', upstream: { 'x-forwarded-proto': 'https' } },
  ],
);

describe('listener choice by port and scheme', () => {
  const ir = gatewayApiIr(`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ports, namespace: default }
spec:
  gatewayClassName: test
  listeners:
    - { name: web, port: 8080, protocol: HTTP }
    - { name: admin, port: 8090, protocol: HTTP }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: default }
spec:
  parentRefs: [{ name: ports, port: 8080 }]
  rules: [{ backendRefs: [{ name: web, port: 80 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: admin, namespace: default }
spec:
  parentRefs: [{ name: ports, sectionName: admin }]
  rules: [{ backendRefs: [{ name: admin, port: 80 }] }]
`);
  const cases: GwCase[] = [
    { req: 'GET http://gw.example:8080/', backend: 'web' },
    { req: 'GET http://gw.example:8090/', backend: 'admin' },
    { req: 'GET http://gw.example/', status: 404 },
    { req: 'GET https://gw.example:8080/', status: 404 },
  ];
  it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
});
