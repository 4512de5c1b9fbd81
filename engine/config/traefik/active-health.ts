/**
 * `healthCheck` (Traefik's active check) on a file-provider loadBalancer or a CRD service reference,
 * read into the policy IR that engine/upstream/health/traefik-active.ts runs. Fields and defaults are
 * ServerHealthCheck and its SetDefaults (pkg/config/dynamic/http_config.go): mode http, interval 30s,
 * timeout 5s, followRedirects true; unhealthyInterval absent = interval. NewServiceHealthChecker
 * (pkg/healthcheck/healthcheck.go) replaces an interval, unhealthyInterval or timeout of 0 or less
 * with the default (30s, 30s, 5s) and only logs it, so those are warnings. Durations are paerser
 * Durations (a Go duration, or digits meaning seconds) in the file provider and int-or-string in the
 * CRD. What gatelab's probes cannot do (another method, port, Host, headers, gRPC, h2c) is warned: the
 * probe is then a GET of the path on the server's own address.
 */
import { describe, type Node, type TraefikContext } from './context.ts';
import { windowMs } from './passive-health.ts';
import { gcdMs, type TraefikActiveIR } from '../../upstream/health/traefik-active.ts';

export const ACTIVE_FIELDS = ['scheme', 'mode', 'path', 'method', 'status', 'port', 'interval', 'unhealthyInterval', 'timeout', 'hostname', 'followRedirects', 'headers'];
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;

/** One duration field in ms: the default when absent or not above 0 (warned), undefined after an error. */
function duration(ctx: TraefikContext, node: Node, field: string, where: string, fallbackMs: number, fallbackWhy: string): number | undefined {
  const v = node.value[field];
  if (v === undefined || v === null) return fallbackMs;
  const parsed = windowMs(v);
  if (parsed === undefined) {
    ctx.error(node.doc, [...node.path, field], 'GL_E_DURATION', `${field} of ${where} must be a duration such as 10s or 1m30s, or a whole number of seconds, not ${describe(v)}`);
    return undefined;
  }
  if (parsed <= 0) {
    ctx.warn(node.doc, [...node.path, field], 'GL_W_NO_EFFECT', `${field} ${String(v)}: NewServiceHealthChecker logs "smaller than zero" and uses ${fallbackWhy} instead`);
    return fallbackMs;
  }
  return parsed;
}

/** An integer field; the file provider decodes every value from text, so "200" is fine there. */
function integer(ctx: TraefikContext, node: Node, field: string, where: string, crd: boolean): number | null | undefined {
  const v = node.value[field];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'number' ? v : !crd && typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isInteger(n) || n < 0) {
    ctx.error(node.doc, [...node.path, field], 'GL_E_TYPE', `${field} of ${where} must be a whole number${crd ? ' (the CRD schema says integer)' : ''}, not ${describe(v)}`);
    return undefined;
  }
  return n;
}

export function readHealthCheck(ctx: TraefikContext, parent: Node, where: string, crd: boolean): TraefikActiveIR | undefined {
  const node = ctx.child(parent, 'healthCheck', `healthCheck of ${where}`);
  if (!node) return undefined;
  const label = `healthCheck of ${where}`;
  ctx.unknownFields(node, ACTIVE_FIELDS, label);
  let ok = true;
  const interval = duration(ctx, node, 'interval', label, DEFAULT_INTERVAL_MS, 'the default 30s');
  // unhealthyInterval absent = interval; 0 or less = the default 30s, not interval.
  const unhealthy = node.value['unhealthyInterval'] === undefined || node.value['unhealthyInterval'] === null ? interval : duration(ctx, node, 'unhealthyInterval', label, DEFAULT_INTERVAL_MS, 'the default 30s');
  const timeout = duration(ctx, node, 'timeout', label, DEFAULT_TIMEOUT_MS, 'the default 5s');
  if (interval === undefined || unhealthy === undefined || timeout === undefined) ok = false;
  const status = integer(ctx, node, 'status', label, crd);
  const port = integer(ctx, node, 'port', label, crd);
  if (status === undefined || port === undefined) ok = false;
  const path = ctx.string(node, 'path');
  const scheme = ctx.string(node, 'scheme');
  const mode = ctx.string(node, 'mode');
  const method = ctx.string(node, 'method');
  const hostname = ctx.string(node, 'hostname');
  const follow = node.value['followRedirects'];
  if (follow !== undefined && follow !== null && ctx.bool(node, 'followRedirects') === undefined) ok = false;
  const headers = node.value['headers'];
  if (headers !== undefined && headers !== null && ctx.child(node, 'headers', `headers of ${label}`) === undefined) ok = false;
  if (scheme !== undefined && !['http', 'https', 'h2c'].includes(scheme)) {
    ctx.error(node.doc, [...node.path, 'scheme'], 'GL_E_CONFIG_INVALID', `scheme of ${label} must be http, https or h2c, not "${scheme}"`);
    ok = false;
  }
  if (!ok || interval === undefined || unhealthy === undefined || timeout === undefined) return undefined;
  const unmodelled = (field: string, what: string): void => ctx.warn(node.doc, [...node.path, field], 'GL_W_NO_EFFECT', `${field}: ${what}; gatelab probes with a GET of the path on the server's own address`, undefined, true);
  // checkHealthHTTP is used unless mode is exactly "grpc"; any other word is plain HTTP.
  if (mode === 'grpc') unmodelled('mode', 'gRPC health checks (grpc.health.v1 Check) are not modelled');
  if (method !== undefined && method.toUpperCase() !== 'GET' && method !== '') unmodelled('method', `probes with ${method} are not modelled`);
  if (port !== null && port !== undefined && port !== 0) unmodelled('port', `probing port ${port} instead of the server's is not modelled`);
  if (hostname) unmodelled('hostname', 'another Host header on probes is not modelled');
  if (headers !== undefined && headers !== null) unmodelled('headers', 'extra probe headers are not modelled');
  if (scheme === 'h2c') unmodelled('scheme', 'h2c probes are not modelled');
  // The probe's URL is the server's URL resolved against path (url.Parse): "health" and "/health" alike.
  const probePath = !path ? '/' : path.startsWith('/') ? path : `/${path}`;
  return {
    flavour: 'traefik',
    path: probePath,
    // The hosts wake on one timer: both tickers' periods are whole multiples of their gcd.
    intervalMs: gcdMs(interval, unhealthy),
    healthyIntervalMs: interval,
    unhealthyIntervalMs: unhealthy,
    timeoutMs: timeout,
    healthyThreshold: 1,
    unhealthyThreshold: 1,
    healthyStatuses: status ? [status] : [],
    ...(scheme === 'http' || scheme === 'https' ? { probe: scheme } : {}),
  };
}

/**
 * `healthCheck: {}` on a weighted service (dynamic.HealthCheck, no fields): Traefik's weighted round
 * robin then registers for its children's status and skips a child whose servers are all down
 * (pkg/server/service/loadbalancer/wrr RegisterStatusUpdater / SetStatus). gatelab flattens weighted
 * services into one draw by weight and does not propagate health upward, so it is warned.
 */
export function warnWeightedHealthCheck(ctx: TraefikContext, weighted: Node, where: string): void {
  if (weighted.value['healthCheck'] === undefined || weighted.value['healthCheck'] === null) return;
  ctx.warn(
    weighted.doc,
    [...weighted.path, 'healthCheck'],
    'GL_W_NO_EFFECT',
    `healthCheck on weighted ${where}: Traefik then skips a child service whose servers are all down; gatelab does not propagate health to the weighted parent, so a request drawn for such a child gets its 503 "no available server"`,
    undefined,
    true,
  );
}
