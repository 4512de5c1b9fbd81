/**
 * Parity cases for the auth and transform plugins (issue 6): Kong configs with consumers and
 * credentials, and the native form for jwt-remote, forward-auth and usage plans. JWTs are signed here
 * with jose. Both hosts see 2026-01-01T12:00:05Z. Callouts that need a real auth server or JWKS
 * (forward-auth denials, a verified remote JWKS) are in callouts.test.ts, which runs its own servers.
 */
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { keyedDraw } from '../../engine/core/rng.ts';
import { drawUuid } from '../../engine/plugins/correlation-id/plugin.ts';
import type { ParityCase } from './cases.ts';

const NOW_S = Date.parse('2026-01-01T12:00:05Z') / 1000;
const SECRET = 'web-secret';
const hs = (claims: Record<string, unknown>, secret = SECRET, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
const rsa = await generateKeyPair('RS256', { extractable: true });
const RSA_PEM = await exportSPKI(rsa.publicKey);

const TOKENS = {
  // With claims_to_verify [exp, nbf] both claims must be there; each bad token breaks exactly one.
  valid: await hs({ iss: 'web-issuer', sub: 'u1', exp: NOW_S + 600, nbf: NOW_S - 60 }),
  expired: await hs({ iss: 'web-issuer', exp: NOW_S - 60, nbf: NOW_S - 120 }),
  noExp: await hs({ iss: 'web-issuer', nbf: NOW_S - 60 }),
  notYet: await hs({ iss: 'web-issuer', exp: NOW_S + 600, nbf: NOW_S + 60 }),
  wrongSig: await hs({ iss: 'web-issuer', exp: NOW_S + 600, nbf: NOW_S - 60 }, 'not-the-secret'),
  confused: await hs({ iss: 'mobile-issuer', exp: NOW_S + 600, nbf: NOW_S - 60 }, RSA_PEM),
  rs256: await new SignJWT({ iss: 'mobile-issuer', exp: NOW_S + 600, nbf: NOW_S - 60 }).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey),
  none: `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"iss":"web-issuer"}').toString('base64url')}.`,
};

const indent = (text: string, n: number) => text.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

/** A Kong service with its plugins, and consumers. */
const kong = (plugins: string, consumers = ''): string => `_format_version: "3.0"
services:
  - name: orders-api
    url: http://UPSTREAM
    routes:
      - name: orders-route
        paths: ["/api/v1/orders"]
    plugins:
${indent(plugins, 6)}
${consumers}`;

const CONSUMERS = `consumers:
  - username: partner-a
    custom_id: "1001"
    keyauth_credentials: [{ key: a-secret-key }]
    acls: [{ group: free }]
    plugins:
      - name: rate-limiting
        config: { minute: 2, limit_by: consumer }
  - username: partner-b
    keyauth_credentials: [{ key: b-secret-key }]
    acls: [{ group: paid }]
    plugins:
      - name: rate-limiting
        config: { minute: 3, limit_by: consumer }
  - username: web
    jwt_secrets: [{ key: web-issuer, secret: ${SECRET} }]
  - username: mobile
    jwt_secrets:
      - key: mobile-issuer
        algorithm: RS256
        rsa_public_key: |
${indent(RSA_PEM.trim(), 10)}
  - username: ops
    basicauth_credentials: [{ username: ops, password: hunter2 }]
`;

const P = '/api/v1/orders/1';
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const invalid = { 'www-authenticate': 'Bearer error="invalid_token"' };

/** The uuid#counter ids both hosts generate for replica gw-0 with seed 1. */
const WORKER_UUID = drawUuid({ now: () => 0, replica: 'gw-0', draw: (p, k, i) => keyedDraw(1, p, k, i) }, 'correlation-id/worker', 'gw-0');

export const AUTH_PARITY_CASES: ParityCase[] = [
  {
    name: '§6 key-auth hide_credentials: the key never reaches the backend; consumer headers do; forged ones are replaced',
    config: kong('- name: key-auth\n  config: { key_names: [X-API-Key, apikey], hide_credentials: true }', CONSUMERS),
    steps: [
      { request: { path: P }, expect: { status: 401, bodyMessage: 'No API key found in request', responseHeaders: { 'www-authenticate': 'Key' } } },
      { request: { path: P, headers: { 'X-API-Key': 'nope' } }, expect: { status: 401, bodyMessage: 'Unauthorized' } },
      {
        request: { path: P, headers: { 'X-API-Key': 'a-secret-key', 'X-Consumer-Username': 'admin' } },
        expect: { status: 200, upstreamHeaders: { 'x-api-key': undefined, 'x-consumer-username': 'partner-a', 'x-consumer-custom-id': '1001' } },
      },
      { request: { path: `${P}?apikey=b-secret-key&page=2` }, expect: { status: 200, upstreamPath: '/1?page=2', upstreamHeaders: { 'x-consumer-username': 'partner-b' } } },
    ],
  },
  {
    name: '§6 key-auth without hide_credentials: the backend receives the key',
    config: kong('- name: key-auth\n  config: { key_names: [X-API-Key] }', CONSUMERS),
    steps: [{ request: { path: P, headers: { 'X-API-Key': 'a-secret-key' } }, expect: { status: 200, upstreamHeaders: { 'x-api-key': 'a-secret-key' } } }],
  },
  {
    name: '§6 jwt: a valid HS256 and RS256 token pass; each rejection has Kong\'s status and body',
    config: kong('- name: jwt\n  config: { claims_to_verify: [exp, nbf] }', CONSUMERS),
    steps: [
      { request: { path: P, headers: bearer(TOKENS.valid) }, expect: { status: 200, upstreamHeaders: { 'x-consumer-username': 'web', 'x-credential-identifier': 'web-issuer' } } },
      { request: { path: P, headers: bearer(TOKENS.rs256) }, expect: { status: 200, upstreamHeaders: { 'x-consumer-username': 'mobile' } } },
      { request: { path: P }, expect: { status: 401, bodyMessage: 'Unauthorized', responseHeaders: { 'www-authenticate': 'Bearer' } } },
      { request: { path: P, headers: bearer(TOKENS.none) }, expect: { status: 401, bodyMessage: 'Bad token; invalid alg', responseHeaders: invalid } },
      { request: { path: P, headers: bearer(TOKENS.confused) }, expect: { status: 401, bodyMessage: 'Invalid algorithm' } },
      { request: { path: P, headers: bearer(TOKENS.expired) }, expect: { status: 401, responseHeaders: invalid } },
      { request: { path: P, headers: bearer(TOKENS.noExp) }, expect: { status: 401 } },
      { request: { path: P, headers: bearer(TOKENS.notYet) }, expect: { status: 401 } },
      { request: { path: P, headers: bearer('not-a-jwt') }, expect: { status: 401, bodyMessage: 'Bad token; invalid JSON' } },
      { request: { path: P, headers: bearer(TOKENS.wrongSig) }, expect: { status: 401, bodyMessage: 'Invalid signature' } },
    ],
  },
  {
    name: '§6 jwt without claims_to_verify (exercise 1): an expired token is admitted',
    config: kong('- name: jwt', CONSUMERS),
    steps: [{ request: { path: P, headers: bearer(TOKENS.expired) }, expect: { status: 200, upstreamHeaders: { 'x-consumer-username': 'web' } } }],
  },
  {
    name: '§6 basic-auth with hide_credentials',
    config: kong('- name: basic-auth\n  config: { hide_credentials: true }', CONSUMERS),
    steps: [
      { request: { path: P }, expect: { status: 401, bodyMessage: 'Unauthorized', responseHeaders: { 'www-authenticate': 'Basic realm="service"' } } },
      { request: { path: P, headers: { Authorization: `Basic ${btoa('ops:hunter2')}` } }, expect: { status: 200, upstreamHeaders: { authorization: undefined, 'x-consumer-username': 'ops' } } },
    ],
  },
  {
    name: 'acl after key-auth: the free group is kept out of a paid-only route; X-Consumer-Groups goes upstream',
    config: kong('- name: key-auth\n  config: { key_names: [X-API-Key] }\n- name: acl\n  config: { allow: [paid] }', CONSUMERS),
    steps: [
      { request: { path: P, headers: { 'X-API-Key': 'a-secret-key' } }, expect: { status: 403, bodyMessage: 'You cannot consume this service' } },
      { request: { path: P, headers: { 'X-API-Key': 'b-secret-key' } }, expect: { status: 200, upstreamHeaders: { 'x-consumer-groups': 'paid' } } },
    ],
  },
  {
    name: '§1/§6 tiers: after key-auth, each consumer\'s own rate-limiting instance (2/min and 3/min) applies',
    config: kong('- name: key-auth\n  config: { key_names: [X-API-Key] }', CONSUMERS),
    steps: [
      ...[200, 200, 429].map((status) => ({ request: { path: P, headers: { 'X-API-Key': 'a-secret-key' } }, expect: { status, responseHeaders: { 'x-ratelimit-limit-minute': '2' } } })),
      ...[200, 200, 200, 429].map((status) => ({ request: { path: P, headers: { 'X-API-Key': 'b-secret-key' } }, expect: { status, responseHeaders: { 'x-ratelimit-limit-minute': '3' } } })),
    ],
  },
  {
    name: '§6 request-transformer, snippet 06: removed, renamed and added headers; $(uuid) renders empty, so no X-Request-ID is sent (lua-nginx-module set_header)',
    config: kong(
      '- name: request-transformer\n  config:\n    add: { headers: ["X-Request-ID:$(uuid)", "X-Gateway-Version:v2"] }\n    remove: { headers: [X-Internal-Debug] }\n    rename: { headers: ["X-Old-Header:X-New-Header"] }',
    ),
    steps: [
      {
        request: { path: `${P}?debug=1`, headers: { 'X-Internal-Debug': 'on', 'X-Old-Header': 'legacy' } },
        expect: { status: 200, upstreamHeaders: { 'x-internal-debug': undefined, 'x-old-header': undefined, 'x-new-header': 'legacy', 'x-gateway-version': 'v2', 'x-request-id': undefined } },
      },
    ],
  },
  {
    name: '§6 response-transformer: response headers removed and added on both hosts',
    config: kong('- name: response-transformer\n  config: { remove: { headers: [X-Upstream] }, add: { headers: ["X-Served-By:gatelab"] } }'),
    steps: [{ request: { path: P }, expect: { status: 200, responseHeaders: { 'x-upstream': undefined, 'x-served-by': 'gatelab' } } }],
  },
  {
    name: '§6 correlation-id uuid#counter with echo_downstream: the same ids on both hosts; a client id is kept',
    config: kong('- name: correlation-id\n  config: { echo_downstream: true }'),
    steps: [
      { request: { path: P }, expect: { status: 200, responseHeaders: { 'kong-request-id': `${WORKER_UUID}#1` }, upstreamHeaders: { 'kong-request-id': `${WORKER_UUID}#1` } } },
      { request: { path: P }, expect: { status: 200, responseHeaders: { 'kong-request-id': `${WORKER_UUID}#2` } } },
      { request: { path: P, headers: { 'Kong-Request-ID': 'from-client' } }, expect: { status: 200, responseHeaders: { 'kong-request-id': 'from-client' } } },
    ],
  },
  {
    name: 'cors: a preflight is answered by the gateway before jwt runs; an actual request gets the origin back',
    config: kong('- name: cors\n  config: { origins: ["https://app.example.com"], credentials: true, max_age: 600 }\n- name: jwt', CONSUMERS),
    steps: [
      {
        request: { method: 'OPTIONS', path: P, headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' } },
        expect: { status: 200, responseHeaders: { 'access-control-allow-origin': 'https://app.example.com', 'access-control-max-age': '600', 'access-control-allow-credentials': 'true' } },
      },
      {
        request: { path: P, headers: { Origin: 'https://evil.example', ...bearer(TOKENS.valid) } },
        expect: { status: 200, responseHeaders: { 'access-control-allow-origin': undefined, vary: 'Origin' } },
      },
      { request: { path: P, headers: { Origin: 'https://app.example.com' } }, expect: { status: 401, responseHeaders: { 'access-control-allow-origin': 'https://app.example.com' } } },
    ],
  },
  {
    name: '§5 usage plans (native form): 403 without a key, throttle 429 after the burst',
    dialect: 'ir',
    config: `services: [{ name: orders-api, url: http://UPSTREAM }]
routes: [{ name: orders-route, service: orders-api, paths: [/api/v1/orders] }]
plugins:
  - plugin: usage-plan
    config:
      plans: [{ name: free, throttle: { rate: 1, burst: 2 }, quota: { limit: 100, period: DAY } }]
      keys: [{ id: partner-a, value: partner-a-key-0123456789, plan: free }]
`,
    steps: [
      { request: { path: P }, expect: { status: 403, bodyMessage: 'Forbidden', responseHeaders: { 'x-amzn-errortype': 'ForbiddenException' } } },
      ...[200, 200, 429].map((status) => ({ request: { path: P, headers: { 'x-api-key': 'partner-a-key-0123456789' } }, expect: { status } })),
    ],
  },
  {
    name: '§4 forward-auth (native form): a 2xx lets the request through and a forged auth header is dropped',
    dialect: 'ir',
    config: `services: [{ name: orders-api, url: http://UPSTREAM }]
routes: [{ name: orders-route, service: orders-api, paths: [/api/v1/orders] }]
plugins:
  - plugin: forward-auth
    config: { address: "http://UPSTREAM/auth", trustForwardHeader: false, authResponseHeaders: [X-Auth-Request-User] }
`,
    steps: [{ request: { path: P, headers: { 'X-Auth-Request-User': 'forged-admin' } }, expect: { status: 200, upstreamPath: '/1', upstreamHeaders: { 'x-auth-request-user': undefined } } }],
  },
];
