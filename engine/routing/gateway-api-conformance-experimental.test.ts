/**
 * Experimental filters, ported from the Gateway API conformance suite: HTTPRouteCORS and
 * HTTPRouteDirectResponse. Where the suite accepts several answers (a `*` or the echoed origin), the
 * case pins the one Envoy gives.
 */
import { describe, it } from 'vitest';
import { gatewayApiIr, withBase } from '../config/gateway-api/test-kit.ts';
import { caseName, checkCase, type GwCase } from './gateway-api-cases.ts';

const NS = 'gateway-conformance-infra';
const G = 'http://gw.example';

const route = (name: string, prefix: string, filter: string, backend = true): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      filters: [${filter}]${backend ? '\n      backendRefs: [{ name: infra-backend-v1, port: 8080 }]' : ''}
`;

function suite(name: string, yaml: string, cases: GwCase[]): void {
  describe(name, () => {
    const ir = gatewayApiIr(withBase(yaml));
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
  });
}

const preflight = (origin: string, method: string, headers?: string): Record<string, string> => ({
  Origin: origin,
  'access-control-request-method': method,
  ...(headers ? { 'access-control-request-headers': headers } : {}),
});
const full = {
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'x-header-1, x-header-2',
  'access-control-expose-headers': 'x-header-3, x-header-4',
  'access-control-max-age': '3600',
  'access-control-allow-credentials': 'true',
};

suite(
  'HTTPRouteCORS',
  route(
    'cors-multiple-origins-methods-headers',
    '/cors-1',
    `{ type: CORS, cors: { allowOrigins: ["https://www.foo.com", "https://*.bar.com"], allowMethods: [GET, OPTIONS], allowHeaders: [x-header-1, x-header-2], exposeHeaders: [x-header-3, x-header-4], allowCredentials: true, maxAge: 3600 } }`,
  ) +
    route('cors-wildcard-methods', '/cors-2', `{ type: CORS, cors: { allowOrigins: ["https://www.foo.com"], allowMethods: ["*"] } }`) +
    route('cors-wildcard-origin', '/cors-wildcard-origin', `{ type: CORS, cors: { allowOrigins: ["*"], allowMethods: ["*"] } }`) +
    route(
      'cors-wildcard-methods-headers',
      '/cors-wildcard-methods-headers',
      `{ type: CORS, cors: { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], allowCredentials: true } }`,
    ),
  [
    { req: `OPTIONS ${G}/cors-1`, headers: preflight('https://www.foo.com', 'GET', 'x-header-1, x-header-2'), response: { 'access-control-allow-origin': 'https://www.foo.com', ...full } },
    { req: `OPTIONS ${G}/cors-1`, headers: preflight('https://www.bar.com', 'GET', 'x-header-1, x-header-2'), response: { 'access-control-allow-origin': 'https://www.bar.com', ...full } },
    { req: `OPTIONS ${G}/cors-1`, headers: preflight('https://xpto.www.bar.com', 'GET', 'x-header-1, x-header-2'), response: { 'access-control-allow-origin': 'https://xpto.www.bar.com', ...full } },
    { req: `OPTIONS ${G}/cors-1`, headers: preflight('https://foobar.com', 'GET'), responseAbsent: ['access-control-allow-origin'] },
    { req: `GET ${G}/cors-1`, headers: preflight('https://www.foo.com', 'GET', 'x-header-1, x-header-2'), backend: 'infra-backend-v1', response: { 'access-control-allow-origin': 'https://www.foo.com' } },
    { req: `GET ${G}/cors-1`, headers: preflight('https://www.bar.com', 'GET'), backend: 'infra-backend-v1', response: { 'access-control-allow-origin': 'https://www.bar.com' } },
    { req: `GET ${G}/cors-1`, headers: preflight('https://foobar.com', 'GET'), backend: 'infra-backend-v1', responseAbsent: ['access-control-allow-origin'] },
    {
      req: `OPTIONS ${G}/cors-2`,
      headers: preflight('https://www.foo.com', 'POST'),
      response: { 'access-control-allow-origin': 'https://www.foo.com', 'access-control-allow-methods': 'POST' },
      responseAbsent: ['access-control-allow-credentials'],
    },
    { req: `OPTIONS ${G}/cors-wildcard-origin`, headers: preflight('https://foobar.com', 'PUT'), response: { 'access-control-allow-origin': 'https://foobar.com', 'access-control-allow-methods': 'PUT' }, responseAbsent: ['access-control-allow-credentials'] },
    { req: `OPTIONS ${G}/cors-wildcard-origin`, headers: preflight('https://foobar.com:12345', 'PUT'), response: { 'access-control-allow-origin': 'https://foobar.com:12345' } },
    { req: `PUT ${G}/cors-wildcard-origin`, headers: { Origin: 'https://foobar.com:12345' }, backend: 'infra-backend-v1', response: { 'access-control-allow-origin': 'https://foobar.com:12345' } },
    {
      req: `OPTIONS ${G}/cors-wildcard-methods-headers`,
      headers: preflight('https://other.foo.com', 'PUT', 'x-header-1, x-header-2'),
      response: { 'access-control-allow-origin': 'https://other.foo.com', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': 'x-header-1, x-header-2', 'access-control-allow-credentials': 'true' },
    },
    {
      req: `GET ${G}/cors-wildcard-methods-headers`,
      headers: { Origin: 'https://other.foo.com', Authorization: 'Bearer test' },
      backend: 'infra-backend-v1',
      response: { 'access-control-allow-origin': 'https://other.foo.com', 'access-control-allow-credentials': 'true' },
    },
    // Not a CORS request at all: nothing added.
    { req: `GET ${G}/cors-1`, backend: 'infra-backend-v1', responseAbsent: ['access-control-allow-origin'] },
  ],
);

suite(
  'HTTPRouteDirectResponse',
  route('direct-response-with-body', '/direct-response/body', '{ type: DirectResponse, directResponse: { statusCode: 200, body: { string: "hello, gateway" } } }', false) +
    route('direct-response-no-body', '/direct-response/no-body', '{ type: DirectResponse, directResponse: { statusCode: 204 } }', false) +
    route('direct-response-forbidden', '/direct-response/forbidden', '{ type: DirectResponse, directResponse: { statusCode: 403, body: { string: Forbidden } } }', false),
  [
    { req: `GET ${G}/direct-response/body`, status: 200, response: { 'content-type': 'text/plain' } },
    { req: `GET ${G}/direct-response/no-body`, status: 204 },
    { req: `GET ${G}/direct-response/forbidden`, status: 403 },
  ],
);
