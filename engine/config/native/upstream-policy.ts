/**
 * A native service's `upstream:` mapping → UpstreamPolicyIR, spelled as the IR is (engine/upstream/
 * policy.ts) except that a field the IR keeps in milliseconds drops its `Ms` and takes a Go duration
 * or a number of milliseconds (`interval: 10s`, `decay: 10000`). Sections: balancer, passiveHealth,
 * activeHealth (here), outlierDetection, connectionPool, retry, timeouts (upstream-resilience.ts),
 * and origin. Defaults are the gateways' own, named beside each; docs/dialects/native.md lists them.
 */
import type { ActiveHealthIR, BalancerIR, HashOnIR, PassiveHealthIR, UpstreamPolicyIR } from '../../upstream/policy.ts';
import { KONG_ACTIVE_DEFAULTS, KONG_PASSIVE_DEFAULTS } from '../kong/healthchecks.ts';
import type { JsonPath } from '../yaml-source.ts';
import { type NativeCtx, type Section, dotted, open, withKind } from './read.ts';
import {
  OUTLIER_KEYS,
  POOL_KEYS,
  RETRY_KEYS,
  TIMEOUT_KEYS,
  readConnectionPool,
  readOutlier,
  readRetry,
  readTimeouts,
} from './upstream-resilience.ts';

const UPSTREAM = ['balancer', 'passiveHealth', 'activeHealth', 'outlierDetection', 'connectionPool', 'retry', 'timeouts', 'origin'];

export function readUpstreamPolicy(c: NativeCtx, path: JsonPath, value: unknown, service: { name: string; connectTimeoutMs: number }): UpstreamPolicyIR | undefined {
  const s = open(c, path, value, UPSTREAM);
  if (!s) return undefined;
  const out: UpstreamPolicyIR = {};
  const balancer = s.has('balancer') ? readBalancer(c, s.at('balancer'), s.obj['balancer']) : undefined;
  if (balancer) out.balancer = balancer;
  const passive = s.has('passiveHealth') ? readPassive(c, s.at('passiveHealth'), s.obj['passiveHealth']) : undefined;
  if (passive) out.passiveHealth = passive;
  const active = s.section('activeHealth', ACTIVE);
  if (active) out.activeHealth = readActive(active);
  const outlier = s.section('outlierDetection', OUTLIER_KEYS);
  if (outlier) out.outlierDetection = readOutlier(outlier);
  if (passive && out.outlierDetection) warnPassiveWithOutlier(c, s.at('passiveHealth'), passive);
  const pool = s.section('connectionPool', POOL_KEYS);
  if (pool) out.connectionPool = readConnectionPool(pool);
  const retry = s.section('retry', RETRY_KEYS);
  if (retry) out.retry = readRetry(retry);
  const timeouts = s.section('timeouts', TIMEOUT_KEYS);
  if (timeouts) out.timeouts = readTimeouts(timeouts, service.connectTimeoutMs);
  out.origin = s.str('origin', `native IR service "${service.name}"`);
  return out;
}

/** ingress-nginx's chash is reached through its upstream-hash-by annotation only, not written in native IR. */
const BALANCER_KEYS: Record<Exclude<BalancerIR['kind'], 'nginx-chash' | 'sticky'>, readonly string[]> = {
  'round-robin': ['kind'],
  'weighted-round-robin': ['kind'],
  'least-connections': ['kind'],
  'least-request': ['kind', 'choiceCount', 'activeRequestBias'],
  random: ['kind'],
  ewma: ['kind', 'decay'],
  'ring-hash': ['kind', 'hashOn', 'minRingSize', 'maxRingSize'],
  maglev: ['kind', 'hashOn', 'tableSize'],
};
/** Envoy's ring_hash.proto bounds and defaults, and Maglev's default and largest table (semantics §10). */
const RING = { min: 1024, max: 8_388_608 };
const MAGLEV = { dflt: 65537, max: 5_000_011 };

function readBalancer(c: NativeCtx, path: JsonPath, value: unknown): BalancerIR | undefined {
  const k = withKind(c, path, value, BALANCER_KEYS);
  if (!k) return undefined;
  const { kind, s } = k;
  switch (kind) {
    case 'round-robin':
    case 'weighted-round-robin':
    case 'least-connections':
    case 'random':
      return { kind };
    case 'least-request':
      // Envoy least_request.proto: choice_count ≥ 2 (default 2), active_request_bias default 1.0.
      return { kind, choiceCount: s.num('choiceCount', 2, 2, 2 ** 32 - 1), activeRequestBias: s.num('activeRequestBias', 1, 0, 1e6, false) };
    case 'ewma': {
      const decayMs = s.duration('decay', 10_000);
      if (decayMs <= 0) s.bad('decay', 'must be above 0 (Kong and ingress-nginx decay over 10 s)');
      return { kind, decayMs: decayMs > 0 ? decayMs : 10_000 };
    }
    case 'ring-hash': {
      const hashOn = readHashOn(s);
      const minRingSize = s.num('minRingSize', RING.min, 1, RING.max);
      const maxRingSize = s.num('maxRingSize', RING.max, 1, RING.max);
      if (minRingSize > maxRingSize) s.bad('minRingSize', `(${minRingSize}) must not exceed maxRingSize (${maxRingSize}); Envoy rejects the cluster`);
      return hashOn && minRingSize <= maxRingSize ? { kind, hashOn, minRingSize, maxRingSize } : undefined;
    }
    case 'maglev': {
      const hashOn = readHashOn(s);
      const tableSize = s.num('tableSize', MAGLEV.dflt, 2, MAGLEV.max);
      if (!isPrime(tableSize)) s.bad('tableSize', `must be a prime number (Envoy rejects ${tableSize}); the default is ${MAGLEV.dflt}`);
      return hashOn && isPrime(tableSize) ? { kind, hashOn, tableSize } : undefined;
    }
  }
}

const HASH_KEYS: Record<HashOnIR['source'], readonly string[]> = {
  ip: ['source'],
  path: ['source'],
  header: ['source', 'name'],
  cookie: ['source', 'name'],
  query: ['source', 'name'],
};

function readHashOn(s: Section): HashOnIR | undefined {
  if (!s.has('hashOn')) {
    s.c.err(s.path, 'GL_E_CONFIG_INVALID', `${dotted(s.path)} needs hashOn (source: ip, path, header, cookie or query)`);
    return undefined;
  }
  const k = withKind(s.c, s.at('hashOn'), s.obj['hashOn'], HASH_KEYS, 'source');
  if (!k) return undefined;
  const source = k.kind;
  if (source === 'ip' || source === 'path') return { source };
  if (!k.s.has('name')) {
    k.s.c.err(k.s.path, 'GL_E_CONFIG_INVALID', `${dotted(k.s.path)} needs name: the ${source} to hash on`);
    return undefined;
  }
  return { source, name: k.s.str('name', '') };
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

// Traefik's passiveHealthCheck comes from the Traefik dialect only; the native IR does not take it (yet).
const PASSIVE_KEYS: Record<Exclude<PassiveHealthIR['kind'], 'traefik'>, readonly string[]> = {
  nginx: ['kind', 'maxFails', 'failTimeout'],
  kong: ['kind', 'unhealthyStatuses', 'httpFailures', 'tcpFailures', 'timeouts', 'healthySuccesses', 'healthyStatuses'],
};
const COUNT = 2 ** 31;

function readPassive(c: NativeCtx, path: JsonPath, value: unknown): PassiveHealthIR | undefined {
  const k = withKind(c, path, value, PASSIVE_KEYS);
  if (!k) return undefined;
  const s = k.s;
  // nginx server defaults: max_fails=1, fail_timeout=10s (semantics §10); Kong's passive defaults
  // are upstreams.lua's, every threshold 0 = off.
  if (k.kind === 'nginx') return { kind: 'nginx', maxFails: s.num('maxFails', 1, 0, COUNT), failTimeoutMs: s.duration('failTimeout', 10_000) };
  return {
    kind: 'kong',
    unhealthyStatuses: s.ints('unhealthyStatuses', KONG_PASSIVE_DEFAULTS.unhealthyStatuses, 100, 999),
    httpFailures: s.num('httpFailures', 0, 0, COUNT),
    tcpFailures: s.num('tcpFailures', 0, 0, COUNT),
    timeouts: s.num('timeouts', 0, 0, COUNT),
    healthySuccesses: s.num('healthySuccesses', 0, 0, COUNT),
    healthyStatuses: s.ints('healthyStatuses', KONG_PASSIVE_DEFAULTS.healthyStatuses, 100, 999),
  };
}

/**
 * Envoy's only passive check is outlier detection, and nginx and Kong have no outlier detection, so
 * the two side by side are gatelab's own invention (docs/upstream/outlier-detection.md, "Passive
 * checks under panic"). Loading them is fine; teaching them as a gateway's behaviour is not.
 */
function warnPassiveWithOutlier(c: NativeCtx, path: JsonPath, passive: PassiveHealthIR): void {
  const vendor = passive.kind === 'nginx' ? "nginx's max_fails/fail_timeout" : "Kong's passive healthchecks";
  c.warn(
    path,
    'GL_W_GATELAB_ONLY',
    `${dotted(path)} (${vendor}) beside outlierDetection (Envoy's) is a mix no real gateway runs: Envoy has no passive check but outlier detection, ` +
      `and ${passive.kind === 'nginx' ? 'nginx' : 'Kong'} has no outlier detection. gatelab judges every response by both: a host either one takes out is skipped, ` +
      `and for healthyPanicThreshold a host the passive checks marked down counts as unhealthy, like an ejected one, and gets traffic again in panic`,
    'keep outlierDetection to model Envoy, or passiveHealth to model nginx or Kong',
    true,
  );
}

const ACTIVE = ['path', 'interval', 'timeout', 'healthyThreshold', 'unhealthyThreshold', 'healthyStatuses'];

function readActive(s: Section): ActiveHealthIR {
  // No gateway probes without a schedule, and the thresholds are what the lesson is about: all three
  // are required (Envoy requires them too). Path, timeout and statuses default as Kong's do, except
  // that no statuses means "any 2xx or 3xx".
  for (const k of ['interval', 'healthyThreshold', 'unhealthyThreshold']) {
    if (!s.has(k)) s.c.err(s.path, 'GL_E_CONFIG_INVALID', `${dotted(s.path)} needs ${k}`, 'e.g. interval: 5s, healthyThreshold: 2, unhealthyThreshold: 3');
  }
  const intervalMs = s.duration('interval', 0);
  if (s.has('interval') && intervalMs <= 0) s.bad('interval', 'must be above 0');
  const path = s.str('path', KONG_ACTIVE_DEFAULTS.path);
  if (!path.startsWith('/')) s.bad('path', `must start with "/": "${path}"`);
  return {
    path,
    intervalMs,
    timeoutMs: s.duration('timeout', KONG_ACTIVE_DEFAULTS.timeoutSeconds * 1000),
    healthyThreshold: s.num('healthyThreshold', 1, 0, COUNT),
    unhealthyThreshold: s.num('unhealthyThreshold', 1, 0, COUNT),
    healthyStatuses: s.ints('healthyStatuses', [], 100, 999),
  };
}
