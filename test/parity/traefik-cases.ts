/**
 * Traefik parity cases: IngressRoutes and Middlewares run in the simulation and on the real proxy.
 * The backend is an ExternalName Service pointing at the echo upstream (`UPSTREAM_HOST`,
 * `UPSTREAM_PORT`), which Traefik follows only with allowExternalNameServices, so every config carries
 * that `_gatelab` switch. Requests arrive on the proxy's own port over plain HTTP and land on the `web`
 * entryPoint either way (a port no entryPoint has falls back to the entryPoint of the scheme).
 */
import type { ParityCase } from './cases.ts';

const STATIC = `---
_gatelab:
  entryPoints:
    web:
      address: ":80"
      forwardedHeaders: { trustedIPs: [127.0.0.40/30] }
    websecure:
      address: ":443"
  providers:
    kubernetesCRD: { allowExternalNameServices: true }
`;

const SERVICE = `---
apiVersion: v1
kind: Service
metadata: { name: orders, namespace: shop }
spec:
  type: ExternalName
  externalName: UPSTREAM_HOST
  ports: [{ port: UPSTREAM_PORT }]
`;

const middleware = (name: string, spec: string): string => `---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: ${name}, namespace: shop }
spec:
${spec}`;

/** One IngressRoute in namespace shop; each route: [rule, middlewares, extra route fields]. */
const routes = (list: Array<[string, string[]?, string?]>): string => `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop, namespace: shop }
spec:
  routes:
${list
  .map(
    ([rule, mws = [], extra = '']) => `    - match: ${JSON.stringify(rule)}
${extra}      services: [{ name: orders, port: UPSTREAM_PORT }]
${mws.length ? `      middlewares: [${mws.map((m) => `{ name: ${m} }`).join(', ')}]\n` : ''}`,
  )
  .join('')}`;

const config = (list: Array<[string, string[]?, string?]>, middlewares = ''): string => routes(list) + middlewares + SERVICE + STATIC;

export const TRAEFIK_PARITY_CASES: ParityCase[] = [
  {
    name: 'Traefik §4 rule: Host && PathPrefix; stripPrefix sends the rest with X-Forwarded-Prefix; the query stays',
    dialect: 'traefik',
    config: config([['Host(`api.example.com`) && PathPrefix(`/api/v1/orders`)', ['strip']]], middleware('strip', '  stripPrefix: { prefixes: [/api/v1/orders] }\n')),
    steps: [
      { request: { path: '/api/v1/orders/123?expand=1' }, expect: { status: 200, upstreamPath: '/123?expand=1', upstreamHeaders: { 'x-forwarded-prefix': '/api/v1/orders', host: 'api.example.com' } } },
      { request: { path: '/api/v1/orders' }, expect: { status: 200, upstreamPath: '/' } },
      {
        request: { path: '/api/v1/orders/1', host: 'other.example.com' },
        expect: { status: 404, responseHeaders: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } },
      },
    ],
  },
  {
    name: 'Traefik priority: the longer rule wins; && binds tighter than ||',
    dialect: 'traefik',
    config: config(
      [
        ['PathPrefix(`/api`)', ['short']],
        ['PathPrefix(`/api/v2`) || Host(`v2.example.com`) && PathPrefix(`/api`)', ['long']],
      ],
      middleware('short', '  headers: { customRequestHeaders: { X-Route: short } }\n') + middleware('long', '  headers: { customRequestHeaders: { X-Route: long } }\n'),
    ),
    steps: [
      { request: { path: '/api/v2/items' }, expect: { status: 200, upstreamHeaders: { 'x-route': 'long' } } },
      { request: { path: '/api/v1/items' }, expect: { status: 200, upstreamHeaders: { 'x-route': 'short' } } },
      { request: { path: '/api/v1/items', host: 'v2.example.com' }, expect: { status: 200, upstreamHeaders: { 'x-route': 'long' } } },
    ],
  },
  {
    name: 'Traefik headers middleware: set and remove request headers, set and remove response headers',
    dialect: 'traefik',
    config: config(
      [['PathPrefix(`/`)', ['hdr']]],
      middleware('hdr', '  headers:\n    customRequestHeaders: { X-Script-Name: test, X-Drop: "" }\n    customResponseHeaders: { X-Served-By: traefik, X-Upstream: "" }\n    frameDeny: true\n'),
    ),
    steps: [
      {
        request: { path: '/x', headers: { 'X-Drop': 'secret' } },
        expect: {
          status: 200,
          upstreamHeaders: { 'x-script-name': 'test', 'x-drop': undefined },
          responseHeaders: { 'x-served-by': 'traefik', 'x-upstream': undefined, 'x-frame-options': 'DENY' },
        },
      },
    ],
  },
  {
    name: 'Traefik §12 forwarded headers: an untrusted peer loses its X-Forwarded-*, a trusted one keeps them',
    dialect: 'traefik',
    config: config([['PathPrefix(`/`)']]),
    steps: [
      {
        request: { path: '/x', clientIp: '127.0.0.31', headers: { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Proto': 'https', 'X-Real-Ip': '1.2.3.4' } },
        expect: {
          status: 200,
          upstreamHeaders: { 'x-forwarded-for': '127.0.0.31', 'x-forwarded-proto': 'http', 'x-real-ip': '127.0.0.31', 'x-forwarded-host': 'api.example.com', 'x-forwarded-port': '80', 'x-forwarded-server': 'traefik', via: undefined },
        },
      },
      {
        request: { path: '/x', clientIp: '127.0.0.41', headers: { 'X-Forwarded-For': '203.0.113.5', 'X-Forwarded-Proto': 'https', 'X-Real-Ip': '203.0.113.5' } },
        expect: { status: 200, upstreamHeaders: { 'x-forwarded-for': '203.0.113.5, 127.0.0.41', 'x-forwarded-proto': 'https', 'x-real-ip': '203.0.113.5' } },
      },
    ],
  },
  {
    name: 'Traefik redirectScheme: 302 to https for GET, 307 for POST, no redirect once X-Forwarded-Proto says https',
    dialect: 'traefik',
    config: config([['PathPrefix(`/`)', ['to-https']]], middleware('to-https', '  redirectScheme: { scheme: https }\n')),
    steps: [
      { request: { path: '/a?b=1' }, expect: { status: 302, responseHeaders: { location: 'https://api.example.com/a?b=1' } } },
      { request: { path: '/a', method: 'POST' }, expect: { status: 307, responseHeaders: { location: 'https://api.example.com/a' } } },
      { request: { path: '/a', clientIp: '127.0.0.41', headers: { 'X-Forwarded-Proto': 'https' } }, expect: { status: 200 } },
    ],
  },
  {
    name: 'Traefik §4 rateLimit: average 1 per minute, burst 1: the second request waits too long → 429 with Retry-After',
    dialect: 'traefik',
    config: config([['PathPrefix(`/`)', ['limit']]], middleware('limit', '  rateLimit: { average: 1, burst: 1, period: 1m }\n')),
    steps: [
      { request: { path: '/a', clientIp: '127.0.0.51' }, expect: { status: 200 } },
      { request: { path: '/a', clientIp: '127.0.0.51' }, expect: { status: 429, responseHeaders: { 'retry-after': '60', 'x-retry-in': '1m0s', 'content-type': 'text/plain; charset=utf-8' } } },
      { request: { path: '/a', clientIp: '127.0.0.52' }, expect: { status: 200 } },
    ],
  },
  {
    name: 'Traefik replacePathRegex and addPrefix in declared order; X-Replaced-Path keeps the original',
    dialect: 'traefik',
    config: config(
      [['PathPrefix(`/old`)', ['rewrite', 'prefix']]],
      middleware('rewrite', '  replacePathRegex: { regex: "^/old/(.*)", replacement: "/new/$1" }\n') + middleware('prefix', '  addPrefix: { prefix: /v2 }\n'),
    ),
    steps: [{ request: { path: '/old/items/7' }, expect: { status: 200, upstreamPath: '/v2/new/items/7', upstreamHeaders: { 'x-replaced-path': '/old/items/7' } } }],
  },
  {
    name: 'Traefik v2 Headers() under v3: that router is not served, the others are',
    dialect: 'traefik',
    config: config([
      ['Headers(`X-Api-Version`, `2`)', [], '      priority: 100\n'],
      ['Header(`X-Api-Version`, `3`)'],
    ]),
    steps: [
      { request: { path: '/x', headers: { 'X-Api-Version': '2' } }, expect: { status: 404 } },
      { request: { path: '/x', headers: { 'X-Api-Version': '3' } }, expect: { status: 200 } },
    ],
  },
];
