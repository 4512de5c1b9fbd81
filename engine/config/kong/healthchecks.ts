/**
 * An upstream's `healthchecks` → passive and active health (Kong's "circuit breaker" and probes).
 * Defaults are Kong 3.x's (kong/db/schema/entities/upstreams.lua): every failure threshold and both
 * probe intervals default to 0, which switches them off, so an upstream without `healthchecks` has
 * neither. Passive health is on when some unhealthy threshold is above 0; active probing when an
 * interval is. Active checks map whole: both intervals, the four counters, both status lists and the
 * probe type (engine/upstream/health/kong-active.ts counts them as lua-resty-healthcheck does).
 */
import type { ActiveHealthIR, PassiveHealthIR } from '../../upstream/policy.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import { type HealthValues, readHealthchecks } from './healthchecks-schema.ts';

export const KONG_PASSIVE_DEFAULTS = {
  unhealthyStatuses: [429, 500, 503],
  healthyStatuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
} as const;

export const KONG_ACTIVE_DEFAULTS = {
  path: '/',
  timeoutSeconds: 1,
  healthyStatuses: [200, 302],
  unhealthyStatuses: [429, 404, 500, 501, 502, 503, 504, 505],
} as const;

/** lua-resty-healthcheck's timer period: probe rounds start only on its ticks. */
export const KONG_CHECK_TICK_MS = 100;

export interface KongHealth {
  passiveHealth?: PassiveHealthIR;
  activeHealth?: ActiveHealthIR;
  /** `threshold`, on the algorithms whose balancer checks it on every pick (UpstreamPolicyIR). */
  healthyWeightThreshold?: number;
}

/**
 * The algorithms whose getPeer refuses every pick while the balancer is unhealthy: least_connections.lua
 * and latency.lua test `balancer.healthy` first. round_robin.lua tests it only after a DNS update
 * changed the balancer mid-pick, and consistent_hashing.lua has the test commented out.
 */
const THRESHOLD_CHECKED = ['least-connections', 'latency'];

export function buildHealth(ctx: AdaptContext, node: EntityNode): KongHealth {
  const v = readHealthchecks(ctx, node);
  const out: KongHealth = {};
  const passive = passiveHealth(ctx, node, v);
  if (passive) out.passiveHealth = passive;
  const active = activeHealth(ctx, node, v);
  if (active) out.activeHealth = active;
  const threshold = num(v, 'threshold', 0);
  // 0 changes nothing: "no healthy weight" is already no healthy target, the same 503.
  if (threshold > 0) {
    const algorithm = typeof node.value['algorithm'] === 'string' ? node.value['algorithm'] : 'round-robin';
    if (THRESHOLD_CHECKED.includes(algorithm)) out.healthyWeightThreshold = threshold;
    else {
      warn(
        ctx,
        node,
        ['threshold'],
        `healthchecks.threshold ${threshold} of ${node.label} has no effect with algorithm ${algorithm}: Kong's ${algorithm} balancer looks at the upstream's health only after a DNS change in the middle of a pick (kong/runloop/balancer/${algorithm === 'consistent-hashing' ? 'consistent_hashing' : 'round_robin'}.lua), and gatelab resolves no DNS`,
        'with least-connections or latency Kong answers 503 to every request while the healthy weight is at or below the threshold',
      );
    }
  }
  return out;
}

function passiveHealth(ctx: AdaptContext, node: EntityNode, v: HealthValues): PassiveHealthIR | undefined {
  const httpFailures = num(v, 'passive.unhealthy.http_failures', 0);
  const tcpFailures = num(v, 'passive.unhealthy.tcp_failures', 0);
  const timeouts = num(v, 'passive.unhealthy.timeouts', 0);
  if (httpFailures <= 0 && tcpFailures <= 0 && timeouts <= 0) return undefined;
  if (v.get('passive.type') === 'tcp') {
    warn(ctx, node, ['passive', 'type'], `passive type tcp of ${node.label} is not modelled: gatelab counts HTTP statuses as for type http`);
  }
  return {
    kind: 'kong',
    unhealthyStatuses: statuses(v, 'passive.unhealthy.http_statuses', KONG_PASSIVE_DEFAULTS.unhealthyStatuses),
    httpFailures,
    tcpFailures,
    timeouts,
    healthySuccesses: num(v, 'passive.healthy.successes', 0),
    healthyStatuses: statuses(v, 'passive.healthy.http_statuses', KONG_PASSIVE_DEFAULTS.healthyStatuses),
  };
}

function activeHealth(ctx: AdaptContext, node: EntityNode, v: HealthValues): ActiveHealthIR | undefined {
  const healthyMs = kongRoundMs(num(v, 'active.healthy.interval', 0));
  const unhealthyMs = kongRoundMs(num(v, 'active.unhealthy.interval', 0));
  if (healthyMs <= 0 && unhealthyMs <= 0) return undefined;
  const type = v.get('active.type');
  if (type === 'grpc' || type === 'grpcs') {
    warn(ctx, node, ['active', 'type'], `active type ${type} of ${node.label} is probed as ${type === 'grpc' ? 'http' : 'https'} here: gatelab sends an HTTP GET of ${str(v, 'active.http_path', '/')}, not a gRPC health check`);
  }
  if (v.has('active.headers')) warn(ctx, node, ['active', 'headers'], `active.headers of ${node.label} has no effect here: gatelab's probes carry no extra headers`);
  for (const f of ['https_sni', 'https_verify_certificate']) {
    if (v.has(`active.${f}`)) warn(ctx, node, ['active', f], `active.${f} of ${node.label} has no effect here: gatelab's https probes use the target's address for SNI and always verify the certificate`);
  }
  const failures = {
    http: num(v, 'active.unhealthy.http_failures', 0),
    tcp: num(v, 'active.unhealthy.tcp_failures', 0),
    timeouts: num(v, 'active.unhealthy.timeouts', 0),
  };
  const set = Object.values(failures).filter((n) => n > 0);
  return {
    path: str(v, 'active.http_path', KONG_ACTIVE_DEFAULTS.path),
    // The timer ticks on the rounds' common grid; each state's round falls on every n-th tick.
    intervalMs: gcd(healthyMs, unhealthyMs),
    timeoutMs: Math.round(num(v, 'active.timeout', KONG_ACTIVE_DEFAULTS.timeoutSeconds) * 1000),
    healthyThreshold: num(v, 'active.healthy.successes', 0),
    // Kong has no single threshold; the IR's plain one is the first counter to trip, for readers only.
    unhealthyThreshold: set.length > 0 ? Math.min(...set) : 0,
    healthyStatuses: statuses(v, 'active.healthy.http_statuses', KONG_ACTIVE_DEFAULTS.healthyStatuses),
    probe: type === 'tcp' ? 'tcp' : type === 'https' || type === 'grpcs' ? 'https' : 'http',
    healthyIntervalMs: healthyMs,
    unhealthyIntervalMs: unhealthyMs,
    failureThresholds: failures,
    unhealthyStatuses: statuses(v, 'active.unhealthy.http_statuses', KONG_ACTIVE_DEFAULTS.unhealthyStatuses),
  };
}

/**
 * A round's period as Kong runs it: one timer wakes every 0.1 s (CHECK_INTERVAL in
 * kong/resty/healthcheck.lua) and starts a round once `last_run + interval <= now`, so an interval is
 * in effect rounded up to the next tenth of a second (0.25 s probes every 0.3 s). 0 stays 0: off.
 */
export function kongRoundMs(seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Math.ceil(Math.round(seconds * 1000) / KONG_CHECK_TICK_MS) * KONG_CHECK_TICK_MS;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function warn(ctx: AdaptContext, node: EntityNode, rel: string[], message: string, hint?: string): void {
  ctx.warn(node.doc, fieldPath(node, 'healthchecks', ...rel), 'GL_W_NO_EFFECT', message, hint, true);
}

function num(v: HealthValues, key: string, dflt: number): number {
  const x = v.get(key);
  return typeof x === 'number' ? x : dflt;
}

function str(v: HealthValues, key: string, dflt: string): string {
  const x = v.get(key);
  return typeof x === 'string' ? x : dflt;
}

function statuses(v: HealthValues, key: string, dflt: readonly number[]): number[] {
  const x = v.get(key);
  return Array.isArray(x) ? (x as number[]).slice() : [...dflt];
}
