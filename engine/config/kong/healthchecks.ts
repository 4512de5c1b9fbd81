/**
 * An upstream's `healthchecks` → passive and active health (Kong's "circuit breaker" and probes).
 * Defaults are Kong 3.x's (kong/db/schema/entities/upstreams.lua): every failure threshold and both
 * probe intervals default to 0, which switches them off, so an upstream without `healthchecks` has
 * neither. Passive health is on when some unhealthy threshold is above 0; active probing when an
 * interval is.
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

export interface KongHealth {
  passiveHealth?: PassiveHealthIR;
  activeHealth?: ActiveHealthIR;
}

export function buildHealth(ctx: AdaptContext, node: EntityNode): KongHealth {
  const v = readHealthchecks(ctx, node);
  const out: KongHealth = {};
  const passive = passiveHealth(ctx, node, v);
  if (passive) out.passiveHealth = passive;
  const active = activeHealth(ctx, node, v);
  if (active) out.activeHealth = active;
  const threshold = num(v, 'threshold', 0);
  if (threshold > 0) {
    warn(ctx, node, ['threshold'], `healthchecks.threshold ${threshold} of ${node.label} has no effect here: gatelab does not model Kong's balancer-wide health (below ${threshold} % healthy weight Kong answers 503 for every request)`);
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
  const healthyInterval = num(v, 'active.healthy.interval', 0);
  const unhealthyInterval = num(v, 'active.unhealthy.interval', 0);
  if (healthyInterval <= 0 && unhealthyInterval <= 0) return undefined;
  // Kong probes healthy targets every healthy.interval and unhealthy ones every unhealthy.interval
  // (0 = not at all); the IR has one schedule for every target.
  const interval = healthyInterval > 0 ? healthyInterval : unhealthyInterval;
  if (healthyInterval !== unhealthyInterval) {
    const which = healthyInterval > 0 ? 'healthy' : 'unhealthy';
    warn(
      ctx,
      node,
      ['active', which, 'interval'],
      `Kong probes the healthy targets of ${node.label} ${every(healthyInterval)} and the unhealthy ones ${every(unhealthyInterval)}; gatelab probes every target every ${interval} s (the ${which}.interval)`,
    );
  }
  const failures = (['http_failures', 'tcp_failures', 'timeouts'] as const).map((f) => num(v, `active.unhealthy.${f}`, 0));
  const set = failures.filter((n) => n > 0);
  const unhealthyThreshold = set.length > 0 ? Math.min(...set) : 0;
  if (set.length > 0 && (set.length < 3 || set.some((n) => n !== unhealthyThreshold))) {
    warn(
      ctx,
      node,
      ['active', 'unhealthy'],
      `Kong counts failed probes of ${node.label} separately (http_failures ${failures[0]}, tcp_failures ${failures[1]}, timeouts ${failures[2]}; 0 = never); gatelab counts every failed probe against one threshold, ${unhealthyThreshold}`,
      'give the three the same value',
    );
  }
  if (v.has('active.unhealthy.http_statuses')) {
    warn(ctx, node, ['active', 'unhealthy', 'http_statuses'], `active.unhealthy.http_statuses of ${node.label} has no effect here: gatelab fails a probe whose status is not in healthy.http_statuses, where Kong counts only the listed statuses as failures`);
  }
  if (v.get('active.type') === 'tcp') {
    warn(ctx, node, ['active', 'type'], `active type tcp of ${node.label} is not modelled: gatelab sends HTTP probes to ${str(v, 'active.http_path', '/')}`);
  }
  for (const f of ['headers', 'https_sni', 'https_verify_certificate']) {
    if (v.has(`active.${f}`)) warn(ctx, node, ['active', f], `active.${f} of ${node.label} has no effect here: gatelab's probes carry no extra headers and no TLS`);
  }
  return {
    path: str(v, 'active.http_path', KONG_ACTIVE_DEFAULTS.path),
    intervalMs: Math.round(interval * 1000),
    timeoutMs: Math.round(num(v, 'active.timeout', KONG_ACTIVE_DEFAULTS.timeoutSeconds) * 1000),
    healthyThreshold: num(v, 'active.healthy.successes', 0),
    unhealthyThreshold,
    healthyStatuses: statuses(v, 'active.healthy.http_statuses', KONG_ACTIVE_DEFAULTS.healthyStatuses),
  };
}

function every(seconds: number): string {
  return seconds > 0 ? `every ${seconds} s` : 'never';
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
