/**
 * Gateway API parity cases: the same Gateway, HTTPRoutes and Services run in the simulation and on the
 * real proxy. Placeholders: `LISTENER_PORT` becomes the port the request arrives on (80 in the
 * simulation, the proxy's own port on sockets), `UPSTREAM_HOST`/`UPSTREAM_PORT` the echo upstream
 * (an ExternalName Service points at it). Redirects here name a scheme or port, so their Location does
 * not depend on the listener port, which differs between the hosts.
 */
import type { ParityCase } from './cases.ts';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: infra }
spec:
  gatewayClassName: gatelab
  listeners:
    - name: http
      port: LISTENER_PORT
      protocol: HTTP
      allowedRoutes: { namespaces: { from: All } }
`;

const service = (name: string, ns = 'shop'): string => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { type: ExternalName, externalName: UPSTREAM_HOST }
`;

const route = (rules: string, hostnames = ''): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: shop }
spec:
  parentRefs: [{ name: edge, namespace: infra }]
${hostnames}  rules:
${rules}`;

const config = (rules: string, hostnames = ''): string => GATEWAY + service('orders') + service('orders-canary') + service('search', 'search') + route(rules, hostnames);

export const GATEWAY_API_PARITY_CASES: ParityCase[] = [
  {
    name: 'Gateway API §7: header match, RequestHeaderModifier set/add/remove, X-Forwarded-For appended, Host kept',
    dialect: 'gateway-api',
    config: config(`    - matches: [{ path: { type: PathPrefix, value: /orders }, headers: [{ name: X-Version, value: "2" }] }]
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set: [{ name: X-Set, value: new }]
            add: [{ name: X-Add, value: more }]
            remove: [X-Remove]
      backendRefs: [{ name: orders, port: UPSTREAM_PORT }]
`),
    steps: [
      {
        request: { path: '/orders/7?x=1', headers: { 'X-Version': '2', 'X-Set': 'old', 'X-Add': 'first', 'X-Remove': 'gone' } },
        expect: {
          status: 200,
          upstreamPath: '/orders/7?x=1',
          upstreamHeaders: { 'x-set': 'new', 'x-add': 'first,more', 'x-remove': undefined, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', host: 'api.example.com', via: undefined },
        },
      },
      // Segment-wise prefix: /ordersX is not under /orders; without the header nothing matches either.
      { request: { path: '/ordersX', headers: { 'X-Version': '2' } }, expect: { status: 404 } },
      { request: { path: '/orders/7' }, expect: { status: 404 } },
    ],
  },
  {
    name: 'Gateway API §7: URLRewrite ReplacePrefixMatch and hostname; the query survives',
    dialect: 'gateway-api',
    config: config(`    - matches: [{ path: { type: PathPrefix, value: /api/v1 } }]
      filters:
        - type: URLRewrite
          urlRewrite: { hostname: orders.internal, path: { type: ReplacePrefixMatch, replacePrefixMatch: / } }
      backendRefs: [{ name: orders, port: UPSTREAM_PORT }]
`),
    steps: [
      { request: { path: '/api/v1/orders/123?expand=1' }, expect: { status: 200, upstreamPath: '/orders/123?expand=1', upstreamHeaders: { host: 'orders.internal' } } },
      { request: { path: '/api/v1' }, expect: { status: 200, upstreamPath: '/' } },
    ],
  },
  {
    name: 'Gateway API §7: RequestRedirect to https answers 301 itself, with no port in Location',
    dialect: 'gateway-api',
    config: config(`    - matches: [{ path: { type: PathPrefix, value: /old } }]
      filters:
        - type: RequestRedirect
          requestRedirect: { scheme: https, path: { type: ReplacePrefixMatch, replacePrefixMatch: /new }, statusCode: 301 }
`),
    steps: [{ request: { path: '/old/page?a=1' }, expect: { status: 301, responseHeaders: { location: 'https://api.example.com/new/page?a=1' } } }],
  },
  {
    name: 'Gateway API §7: weights with 0, per-backendRef filters, ResponseHeaderModifier on the upstream answer',
    dialect: 'gateway-api',
    config: config(`    - matches: [{ path: { type: PathPrefix, value: / } }]
      filters:
        - type: ResponseHeaderModifier
          responseHeaderModifier: { add: [{ name: X-Served-By, value: gatelab }], remove: [X-Upstream] }
      backendRefs:
        - name: orders
          port: UPSTREAM_PORT
          weight: 0
          filters: [{ type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: X-Backend, value: stable }] } }]
        - name: orders-canary
          port: UPSTREAM_PORT
          weight: 5
          filters: [{ type: RequestHeaderModifier, requestHeaderModifier: { set: [{ name: X-Backend, value: canary }] } }]
`),
    steps: [1, 2, 3].map(() => ({
      request: { path: '/anything' },
      expect: { status: 200, upstreamHeaders: { 'x-backend': 'canary' }, responseHeaders: { 'x-served-by': 'gatelab', 'x-upstream': undefined } },
    })),
  },
  {
    name: 'Gateway API §7: a rule whose backends all weigh 0, or need a missing ReferenceGrant, answers 500',
    dialect: 'gateway-api',
    config: config(`    - matches: [{ path: { type: PathPrefix, value: /zero } }]
      backendRefs: [{ name: orders, port: UPSTREAM_PORT, weight: 0 }]
    - matches: [{ path: { type: PathPrefix, value: /search } }]
      backendRefs: [{ name: search, namespace: search, port: UPSTREAM_PORT }]
`),
    steps: [
      { request: { path: '/zero' }, expect: { status: 500 } },
      { request: { path: '/search' }, expect: { status: 500 } },
    ],
  },
  {
    name: 'Gateway API §7: route hostnames: another Host gets 404; the Host port is ignored',
    dialect: 'gateway-api',
    config: config(
      `    - backendRefs: [{ name: orders, port: UPSTREAM_PORT }]
`,
      '  hostnames: ["*.example.com"]\n',
    ),
    steps: [
      { request: { path: '/', host: 'api.example.com' }, expect: { status: 200 } },
      { request: { path: '/', host: 'example.com' }, expect: { status: 404 } },
      { request: { path: '/', host: 'api.example.org' }, expect: { status: 404 } },
    ],
  },
];
