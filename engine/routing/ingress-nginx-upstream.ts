/**
 * The request headers ingress-nginx sends upstream, from nginx.tmpl's location block with the
 * ConfigMap defaults (use-forwarded-headers: false, compute-full-forwarded-for: false,
 * upstream-keepalive-connections: 320):
 *
 *   Host               $best_http_host (the client's Host header as sent), or upstream-vhost
 *   Upgrade            $http_upgrade;  Connection $connection_upgrade ("upgrade", or none),
 *                      or the connection-proxy-header value
 *   X-Request-ID       $req_id (the client's X-Request-ID, else nginx's $request_id)
 *   X-Real-IP          $remote_addr
 *   X-Forwarded-For    $remote_addr — the client's X-Forwarded-For is replaced, not appended
 *   X-Forwarded-Host   $best_http_host;  X-Forwarded-Port $pass_port
 *   X-Forwarded-Proto, X-Forwarded-Scheme, X-Scheme   $pass_access_scheme (the connection's scheme)
 *   X-Original-Forwarded-For  the client's X-Forwarded-For, when it sent one
 *   Proxy              "" (removed: the httpoxy mitigation)
 *   X-Forwarded-Prefix with rewrite-target + x-forwarded-prefix
 *
 * nginx's proxy module also drops the client's TE, Keep-Alive, Expect and Connection; a header set to
 * an empty value is not sent. Every other client header passes through in its order.
 */
import { HeaderMap } from '../pipeline/headers.ts';
import { nginxHeader } from './ingress-nginx-canary.ts';

export interface UpstreamHeaderInput {
  incoming: HeaderMap;
  remoteAddr: string;
  scheme: string;
  /** The listener port ($server_port; 443 stays 443). */
  port: number;
  /** $host when the client sent no Host header. */
  fallbackHost: string;
  requestId: string;
  upstreamVhost?: string;
  connectionHeader?: string;
  xForwardedPrefix?: string;
  /** The custom default backend's extra headers (nginx.tmpl: a location sent to custom-default-backend-*). */
  standIn?: { namespace: string; ingress: string; service: string; port: string };
}

const SET_BY_NGINX = [
  'host',
  'upgrade',
  'connection',
  'x-request-id',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-forwarded-scheme',
  'x-scheme',
  'x-original-forwarded-for',
  'proxy',
  'x-forwarded-prefix',
];
const DROPPED = ['te', 'keep-alive', 'expect', 'transfer-encoding', 'proxy-connection'];

export function ingressNginxUpstreamHeaders(input: UpstreamHeaderInput): HeaderMap {
  const h = input.incoming;
  const bestHttpHost = h.get('host') ?? input.fallbackHost;
  const upgrade = nginxHeader(h, 'upgrade');
  const values: Array<[string, string | undefined]> = [
    ['Host', input.upstreamVhost ?? bestHttpHost],
    ['Upgrade', upgrade],
    ['Connection', input.connectionHeader ?? (upgrade ? 'upgrade' : undefined)],
    ['X-Request-ID', input.requestId],
    ['X-Real-IP', input.remoteAddr],
    ['X-Forwarded-For', input.remoteAddr],
    ['X-Forwarded-Host', bestHttpHost],
    ['X-Forwarded-Port', String(input.port)],
    ['X-Forwarded-Proto', input.scheme],
    ['X-Forwarded-Scheme', input.scheme],
    ['X-Scheme', input.scheme],
    ['X-Original-Forwarded-For', nginxHeader(h, 'x-forwarded-for')],
    ['X-Forwarded-Prefix', input.xForwardedPrefix],
  ];
  const d = input.standIn;
  if (d) {
    values.push(['X-Code', '503'], ['X-Format', nginxHeader(h, 'accept')], ['X-Namespace', d.namespace], ['X-Ingress-Name', d.ingress], ['X-Service-Name', d.service], ['X-Service-Port', d.port]);
  }
  const out = new HeaderMap();
  for (const [name, value] of values) if (value !== undefined && value !== '') out.append(name, value);
  const skip = new Set([...SET_BY_NGINX, ...DROPPED, ...(d ? ['x-code', 'x-format', 'x-namespace', 'x-ingress-name', 'x-service-name', 'x-service-port'] : [])]);
  for (const [name, value] of h.list()) if (!skip.has(name.toLowerCase())) out.append(name, value);
  return out;
}

/** nginx's $request_id: 32 hex digits, here from four draws keyed by the request id. */
export function nginxRequestId(draw: (index: number) => number): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += Math.floor(draw(i) * 0x1_0000_0000).toString(16).padStart(8, '0');
  return out;
}
