/**
 * Conformance cases run unchanged against both hosts (design.md: one pipeline, two hosts). Each case
 * is a config and a sequence of requests at one frozen instant; both hosts must give the expected
 * status, response headers and upstream path/headers. Later plugins add their cases here.
 */
import type { Dialect } from '../../engine/config/ir.ts';
import { GATEWAY_API_PARITY_CASES } from './gateway-api-cases.ts';
import { AUTH_PARITY_CASES } from './auth-cases.ts';
import { INGRESS_NGINX_PARITY_CASES } from './ingress-nginx-cases.ts';
import { TRAEFIK_PARITY_CASES } from './traefik-cases.ts';

export interface ParityRequest {
  method?: string;
  path: string;
  host?: string;
  headers?: Record<string, string>;
  /** The TCP peer; loopback so the real proxy can be reached from it. */
  clientIp?: string;
}

export interface ParityExpect {
  status: number;
  responseHeaders?: Record<string, string | undefined>;
  upstreamPath?: string;
  upstreamHeaders?: Record<string, string | undefined>;
  bodyMessage?: string;
}

export interface ParityCase {
  name: string;
  /**
   * The config's dialect (default kong). The runner replaces `UPSTREAM` with the upstream's host:port,
   * `UPSTREAM_HOST` and `UPSTREAM_PORT` with its parts, and `LISTENER_PORT` with the port requests
   * arrive on (80 in the simulation, the proxy's own port on sockets).
   */
  dialect?: Dialect;
  /** Kong declarative YAML (or the dialect's documents). */
  config: string;
  steps: Array<{ request: ParityRequest; expect: ParityExpect }>;
  /** When set, the case runs only on the simulation, with the reason (design.md: every skip says why). */
  skipProxy?: string;
}

const orders = (plugins: string, extra = '') => `_format_version: "3.0"
${extra}services:
  - name: orders-api
    url: http://UPSTREAM
    routes:
      - name: orders-route
        paths: ["/api/v1/orders"]
        strip_path: true
    plugins:
${plugins}`;

const limit = (config: string) => `      - name: rate-limiting
        config: ${config}
`;

const repeat = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

export const PARITY_CASES: ParityCase[] = [
  {
    name: '§1 Kong fixed window: remaining counts down, the 4th request gets 429 with Retry-After',
    config: orders(limit('{ minute: 3, limit_by: ip }')),
    steps: [
      ...repeat(3, (i) => ({
        request: { path: '/api/v1/orders/123' },
        expect: {
          status: 200,
          responseHeaders: { 'x-ratelimit-limit-minute': '3', 'x-ratelimit-remaining-minute': String(2 - i), 'ratelimit-reset': '55' },
          upstreamPath: '/123',
        },
      })),
      {
        request: { path: '/api/v1/orders/123' },
        expect: { status: 429, responseHeaders: { 'retry-after': '55', 'x-ratelimit-remaining-minute': '0' }, bodyMessage: 'API rate limit exceeded' },
      },
    ],
  },
  {
    name: '§1 hide_client_headers removes every rate-limit header, Retry-After included',
    config: orders(limit('{ second: 1, hide_client_headers: true, limit_by: ip }')),
    steps: [
      { request: { path: '/api/v1/orders/1' }, expect: { status: 200, responseHeaders: { 'x-ratelimit-limit-second': undefined, 'ratelimit-limit': undefined } } },
      { request: { path: '/api/v1/orders/1' }, expect: { status: 429, responseHeaders: { 'retry-after': undefined, 'ratelimit-remaining': undefined } } },
    ],
  },
  {
    name: '§1 limit_by header counts per header value and falls back to the client IP',
    config: orders(limit('{ minute: 1, limit_by: header, header_name: X-Tenant }')),
    steps: [
      { request: { path: '/api/v1/orders/1', headers: { 'X-Tenant': 'a' } }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1', headers: { 'X-Tenant': 'b' } }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1', headers: { 'X-Tenant': 'a' } }, expect: { status: 429 } },
      { request: { path: '/api/v1/orders/1' }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1' }, expect: { status: 429 } },
    ],
  },
  {
    name: '§1 error_code and error_message are configurable',
    config: orders(limit('{ minute: 1, limit_by: ip, error_code: 503, error_message: "slow down" }')),
    steps: [
      { request: { path: '/api/v1/orders/1' }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1' }, expect: { status: 503, bodyMessage: 'slow down' } },
    ],
  },
  {
    name: '§1 limits are per client address: another peer has its own counter',
    config: orders(limit('{ minute: 1, limit_by: ip }')),
    steps: [
      { request: { path: '/api/v1/orders/1', clientIp: '127.0.0.11' }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1', clientIp: '127.0.0.12' }, expect: { status: 200 } },
      { request: { path: '/api/v1/orders/1', clientIp: '127.0.0.11' }, expect: { status: 429 } },
    ],
  },
  {
    name: '§6 strip_path keeps the rest of the path and the query',
    config: orders(limit('{ minute: 100, limit_by: ip }')),
    steps: [
      { request: { path: '/api/v1/orders/7/items?expand=1' }, expect: { status: 200, upstreamPath: '/7/items?expand=1' } },
      { request: { path: '/api/v1/orders' }, expect: { status: 200, upstreamPath: '/' } },
    ],
  },
  {
    name: '§6 no route matches: 404 with Kong\'s message, nothing sent upstream',
    config: orders(limit('{ minute: 100, limit_by: ip }')),
    steps: [{ request: { path: '/elsewhere' }, expect: { status: 404, bodyMessage: 'no Route matched with those values' } }],
  },
  {
    name: '§6/§12 trusted peer: X-Forwarded-For resolves the client; Kong appends the peer upstream',
    config: orders(limit('{ minute: 1, limit_by: ip }'), '_gatelab:\n  trusted_ips: [127.0.0.0/8]\n  real_ip_header: X-Forwarded-For\n  real_ip_recursive: true\n'),
    steps: [
      {
        request: { path: '/api/v1/orders/1', clientIp: '127.0.0.21', headers: { 'X-Forwarded-For': '203.0.113.5' } },
        expect: { status: 200, upstreamHeaders: { 'x-forwarded-for': '203.0.113.5, 127.0.0.21', 'x-real-ip': '203.0.113.5' } },
      },
      // Same user through another trusted edge: same counter.
      {
        request: { path: '/api/v1/orders/1', clientIp: '127.0.0.22', headers: { 'X-Forwarded-For': '203.0.113.5' } },
        expect: { status: 429 },
      },
      {
        request: { path: '/api/v1/orders/1', clientIp: '127.0.0.22', headers: { 'X-Forwarded-For': '203.0.113.6' } },
        expect: { status: 200 },
      },
    ],
  },
  {
    name: '§6/§12 untrusted peer: X-Forwarded-For is ignored for the limit but still appended upstream',
    config: orders(limit('{ minute: 1, limit_by: ip }')),
    steps: [
      {
        request: { path: '/api/v1/orders/1', clientIp: '127.0.0.31', headers: { 'X-Forwarded-For': '1.2.3.4' } },
        expect: { status: 200, upstreamHeaders: { 'x-forwarded-for': '1.2.3.4, 127.0.0.31', 'x-real-ip': '127.0.0.31' } },
      },
      {
        request: { path: '/api/v1/orders/1', clientIp: '127.0.0.31', headers: { 'X-Forwarded-For': '5.6.7.8' } },
        expect: { status: 429 },
      },
    ],
  },
  ...GATEWAY_API_PARITY_CASES,
  ...AUTH_PARITY_CASES,
  ...INGRESS_NGINX_PARITY_CASES,
  ...TRAEFIK_PARITY_CASES,
];
