/**
 * ingress-nginx parity cases: the same Ingresses and Services run in the simulation and on the real
 * proxy. Backends are ExternalName Services pointing at the echo upstream (`UPSTREAM_HOST`, port
 * `UPSTREAM_PORT`). Requests carry `Host: api.example.com` without a port, so redirect Locations and
 * X-Forwarded-Host do not depend on the listener port, which differs between the hosts. Both backends
 * of a canary reach the same echo server, so these cases check that the two hosts agree on everything
 * observable; which backend a canary picks is pinned in engine/config/ingress-nginx/canary.test.ts.
 */
import type { ParityCase } from './cases.ts';

const service = (name: string): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { type: ExternalName, externalName: UPSTREAM_HOST }
`;

/** An Ingress's annotations as one YAML flow map, each name under nginx.ingress.kubernetes.io/. */
export const nginxAnnotations = (annotations: Record<string, string>): string =>
  `{${Object.entries(annotations)
    .map(([k, v]) => `"nginx.ingress.kubernetes.io/${k}": ${JSON.stringify(v)}`)
    .join(', ')}}`;

/** An ExternalName Service in namespace `shop` that resolves to 127.0.0.1, for tests that start their own upstreams. */
export const loopbackService = (name: string): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { type: ExternalName, externalName: 127.0.0.1 }
`;

/** An Ingress in namespace `shop` for api.example.com whose one path (Prefix, default `/`) goes to `svc` on `port`. */
export const prefixIngress = (o: { name: string; svc: string; port: number; annotations?: Record<string, string>; path?: string }): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${o.name}
  namespace: shop
  annotations: ${nginxAnnotations(o.annotations ?? {})}
spec:
  ingressClassName: nginx
  rules:
    - host: api.example.com
      http:
        paths:
          - path: ${o.path ?? '/'}
            pathType: Prefix
            backend: { service: { name: ${o.svc}, port: { number: ${o.port} } } }
`;

/** One loopback Service and one Ingress to it: the config most socket tests of one annotation need. */
export const oneIngress = (o: { name: string; svc: string; port: number; annotations?: Record<string, string>; path?: string }): string =>
  [loopbackService(o.svc), prefixIngress(o)].join('---\n');

const ingress = (name: string, paths: string, annotations: Record<string, string> = {}, host = 'api.example.com'): string => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: shop
  annotations: ${nginxAnnotations(annotations)}
spec:
  ingressClassName: nginx
  rules:
    - host: ${host}
      http:
        paths:
${paths}`;

const path = (p: string, pathType: string, svc = 'orders'): string =>
  `          - path: ${JSON.stringify(p)}\n            pathType: ${pathType}\n            backend: { service: { name: ${svc}, port: { number: UPSTREAM_PORT } } }\n`;

const config = (...docs: string[]): string => [service('orders'), service('orders-canary'), ...docs].join('---\n');

export const INGRESS_NGINX_PARITY_CASES: ParityCase[] = [
  {
    name: 'ingress-nginx: Prefix is segment-wise; a miss gets the default backend 404; Server: nginx',
    dialect: 'ingress-nginx',
    config: config(ingress('orders', path('/api/orders', 'Prefix'))),
    steps: [
      { request: { path: '/api/orders/7?x=1' }, expect: { status: 200, upstreamPath: '/api/orders/7?x=1', responseHeaders: { server: 'nginx' } } },
      { request: { path: '/api/orders' }, expect: { status: 200, upstreamPath: '/api/orders' } },
      { request: { path: '/api/ordersX' }, expect: { status: 404, responseHeaders: { 'content-type': 'text/plain; charset=utf-8', server: 'nginx' } } },
    ],
  },
  {
    name: 'ingress-nginx: rewrite-target with captures and X-Forwarded-Prefix',
    dialect: 'ingress-nginx',
    config: config(ingress('rewrite', path('/something(/|$)(.*)', 'ImplementationSpecific'), { 'use-regex': 'true', 'rewrite-target': '/$2', 'x-forwarded-prefix': '/something' })),
    steps: [
      { request: { path: '/something/new?x=1' }, expect: { status: 200, upstreamPath: '/new?x=1', upstreamHeaders: { 'x-forwarded-prefix': '/something' } } },
      { request: { path: '/SOMETHING' }, expect: { status: 200, upstreamPath: '/' } },
    ],
  },
  {
    name: 'ingress-nginx: upstream headers — X-Forwarded-For replaced, the original kept aside, Proxy removed, X-Request-ID passed',
    dialect: 'ingress-nginx',
    config: config(ingress('orders', path('/', 'Prefix'))),
    steps: [
      {
        request: { path: '/a', clientIp: '127.0.0.41', headers: { 'X-Forwarded-For': '203.0.113.5', Proxy: 'http://evil', 'X-Request-ID': 'req-1' } },
        expect: {
          status: 200,
          upstreamHeaders: {
            'x-forwarded-for': '127.0.0.41',
            'x-real-ip': '127.0.0.41',
            'x-original-forwarded-for': '203.0.113.5',
            'x-forwarded-host': 'api.example.com',
            'x-forwarded-proto': 'http',
            'x-scheme': 'http',
            'x-request-id': 'req-1',
            proxy: undefined,
            host: 'api.example.com',
          },
        },
      },
    ],
  },
  {
    name: 'ingress-nginx: force-ssl-redirect 308 (one trailing slash dropped), permanent-redirect and app-root',
    dialect: 'ingress-nginx',
    config: config(
      ingress('secure', path('/secure', 'Prefix'), { 'force-ssl-redirect': 'true' }),
      ingress('moved', path('/moved', 'Exact'), { 'permanent-redirect': 'https://new.example.com/orders' }, 'moved.example.com'),
      ingress('root', path('/app', 'Prefix'), { 'app-root': '/app' }, 'root.example.com'),
    ),
    steps: [
      { request: { path: '/secure/page/?q=1' }, expect: { status: 308, responseHeaders: { location: 'https://api.example.com/secure/page/?q=1' } } },
      { request: { path: '/secure/' }, expect: { status: 308, responseHeaders: { location: 'https://api.example.com/secure' } } },
      { request: { path: '/moved', host: 'moved.example.com' }, expect: { status: 301, responseHeaders: { location: 'https://new.example.com/orders' } } },
      { request: { path: '/', host: 'root.example.com' }, expect: { status: 302, responseHeaders: { location: 'http://root.example.com/app' } } },
    ],
  },
  {
    name: 'ingress-nginx §8: limit-rps 1 × multiplier 2 admits 3 at once, then 503; redirects are not counted',
    dialect: 'ingress-nginx',
    config: config(ingress('limited', path('/', 'Prefix'), { 'limit-rps': '1', 'limit-burst-multiplier': '2' })),
    steps: [
      ...[1, 2, 3].map(() => ({ request: { path: '/x', clientIp: '127.0.0.51' }, expect: { status: 200 } })),
      { request: { path: '/x', clientIp: '127.0.0.51' }, expect: { status: 503, responseHeaders: { 'content-type': 'text/html' } } },
      { request: { path: '/x', clientIp: '127.0.0.52' }, expect: { status: 200 } },
    ],
  },
  {
    name: 'ingress-nginx §8: canary by header always / never and weight 100 (both backends reach the echo)',
    dialect: 'ingress-nginx',
    config: config(
      ingress('orders', path('/', 'Prefix')),
      ingress('orders-canary', path('/', 'Prefix', 'orders-canary'), { canary: 'true', 'canary-by-header': 'X-Canary', 'canary-weight': '100' }),
    ),
    steps: [
      { request: { path: '/c', headers: { 'X-Canary': 'always' } }, expect: { status: 200, upstreamPath: '/c' } },
      { request: { path: '/c', headers: { 'X-Canary': 'never' } }, expect: { status: 200, upstreamPath: '/c' } },
      { request: { path: '/c' }, expect: { status: 200, upstreamPath: '/c' } },
    ],
  },
  {
    name: 'ingress-nginx: a backend Service that does not exist is 503; allowlist-source-range is 403',
    dialect: 'ingress-nginx',
    config: config(
      ingress('ghost', path('/ghost', 'Prefix', 'missing')),
      ingress('private', path('/private', 'Prefix'), { 'allowlist-source-range': '10.0.0.0/8' }),
    ),
    steps: [
      { request: { path: '/ghost' }, expect: { status: 503, responseHeaders: { 'content-type': 'text/html' } } },
      { request: { path: '/private', clientIp: '127.0.0.61' }, expect: { status: 403 } },
    ],
  },
  {
    name: 'ingress-nginx: enable-cors — a matching preflight is 204 at the gateway, a matching GET gets the headers, others none',
    dialect: 'ingress-nginx',
    config: config(ingress('cors', path('/', 'Prefix'), { 'enable-cors': 'true', 'cors-allow-origin': 'https://*.example.com', 'cors-max-age': '60' })),
    steps: [
      {
        request: { method: 'OPTIONS', path: '/o', headers: { Origin: 'https://app.example.com' } },
        expect: { status: 204, responseHeaders: { 'access-control-allow-origin': 'https://app.example.com', 'access-control-max-age': '60' } },
      },
      { request: { path: '/o', headers: { Origin: 'https://APP.example.com' } }, expect: { status: 200, upstreamPath: '/o', responseHeaders: { 'access-control-allow-origin': 'https://APP.example.com' } } },
      { request: { method: 'OPTIONS', path: '/o', headers: { Origin: 'https://evil.test' } }, expect: { status: 200, upstreamPath: '/o' } },
    ],
  },
];
