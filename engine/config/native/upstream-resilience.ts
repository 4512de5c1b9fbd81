/**
 * The resilience half of a native `upstream:` mapping: outlierDetection (partial over Envoy's
 * defaults, semantics §9), connectionPool (Istio's 2^32−1 limits, 3 retries), retry (Envoy's route
 * retry defaults) and timeouts (generic, or AWS API Gateway's integration timeout, semantics §5).
 */
import type { ConnectionPoolPolicyIR, OutlierPolicyIR, RetryOnIR, RetryPolicyIR, TimeoutPolicyIR } from '../../upstream/policy.ts';
import { ENVOY_OUTLIER_DEFAULTS } from '../../upstream/outlier/index.ts';
import { envoyRetryPolicy } from '../../upstream/retry.ts';
import { type Section, dotted, withKind } from './read.ts';

/** The YAML key of an IR field: a millisecond field drops its `Ms` and takes a duration. */
const yamlKey = (irKey: string): string => (irKey.endsWith('Ms') ? irKey.slice(0, -2) : irKey);
const OUTLIER_FIELDS = Object.keys(ENVOY_OUTLIER_DEFAULTS) as Array<keyof OutlierPolicyIR>;
export const OUTLIER_KEYS = OUTLIER_FIELDS.map(yamlKey);
/** Percentages (0–100) among the outlier fields; every other number is a count. */
const PERCENT = new Set<string>([
  'enforcingConsecutive5xx',
  'enforcingConsecutiveGatewayFailure',
  'maxEjectionPercent',
  'enforcingSuccessRate',
  'failurePercentageThreshold',
  'enforcingFailurePercentage',
  'healthyPanicThreshold',
]);
const UINT32 = 4_294_967_295;

export function readOutlier(s: Section): OutlierPolicyIR {
  const out: Record<string, number | boolean> = { ...ENVOY_OUTLIER_DEFAULTS };
  for (const f of OUTLIER_FIELDS) {
    const k = yamlKey(f);
    const dflt = ENVOY_OUTLIER_DEFAULTS[f];
    if (typeof dflt === 'boolean') out[f] = s.bool(k, dflt);
    else if (k !== f) out[f] = s.duration(k, dflt);
    else out[f] = s.num(k, dflt, 0, PERCENT.has(f) ? 100 : UINT32);
  }
  const o = out as unknown as OutlierPolicyIR;
  // outlier_detection.proto: interval and base_ejection_time are "gt: 0"; max_ejection_time
  // defaults to 300 s or base_ejection_time, whichever is larger, and may not be below base.
  for (const k of ['interval', 'baseEjectionTime'] as const) {
    if (s.has(k) && o[`${k}Ms`] <= 0) {
      s.bad(k, 'must be above 0');
      o[`${k}Ms`] = ENVOY_OUTLIER_DEFAULTS[`${k}Ms`];
    }
  }
  if (!s.has('maxEjectionTime')) o.maxEjectionTimeMs = Math.max(o.maxEjectionTimeMs, o.baseEjectionTimeMs);
  else if (o.maxEjectionTimeMs < o.baseEjectionTimeMs) {
    s.bad('maxEjectionTime', `(${o.maxEjectionTimeMs} ms) must not be below baseEjectionTime (${o.baseEjectionTimeMs} ms); Envoy rejects the cluster`);
    o.maxEjectionTimeMs = o.baseEjectionTimeMs;
  }
  return o;
}

export const POOL_KEYS = ['maxConnections', 'maxPendingRequests', 'maxRequests', 'maxRetries', 'retryBudget'];

export function readConnectionPool(s: Section): ConnectionPoolPolicyIR {
  // Istio's defaults for all four breakers are 2^32−1 (semantics §9); max_retries keeps Envoy's 3.
  const out: ConnectionPoolPolicyIR = {
    maxConnections: s.num('maxConnections', UINT32, 0, UINT32),
    maxPendingRequests: s.num('maxPendingRequests', UINT32, 0, UINT32),
    maxRequests: s.num('maxRequests', UINT32, 0, UINT32),
    maxRetries: s.num('maxRetries', 3, 0, UINT32),
  };
  const budget = s.section('retryBudget', ['budgetPercent', 'minRetryConcurrency']);
  if (budget) {
    // Envoy retry_budget: 20 % of active requests, at least 3 concurrent retries.
    out.retryBudget = { budgetPercent: budget.num('budgetPercent', 20, 0, 100, false), minRetryConcurrency: budget.num('minRetryConcurrency', 3, 0, UINT32) };
    if (s.has('maxRetries')) s.c.warn(s.at('maxRetries'), 'GL_W_NO_EFFECT', `${dotted(s.at('maxRetries'))} has no effect: Envoy's retry budget replaces max_retries`, undefined, true);
  }
  return out;
}

export const RETRY_KEYS = ['numRetries', 'retryOn', 'retriableStatusCodes', 'methods', 'methodsNotRetried', 'otherHost', 'backoff', 'flavour'];
const RETRY_ON: readonly RetryOnIR[] = ['5xx', 'gateway-error', 'connect-failure', 'reset', 'reset-before-request', 'timeout', 'retriable-status-codes'];
const FLAVOURS: ReadonlyArray<RetryPolicyIR['flavour']> = ['envoy', 'nginx', 'kong', 'traefik', 'gateway-api'];
const METHOD = /^[A-Z]+$/;

export function readRetry(s: Section): RetryPolicyIR {
  const d = envoyRetryPolicy();
  const retryOn = s.choices('retryOn', RETRY_ON, d.retryOn);
  const codes = s.ints('retriableStatusCodes', d.retriableStatusCodes, 100, 599);
  if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) {
    s.c.warn(s.at('retriableStatusCodes'), 'GL_W_NO_EFFECT', `${dotted(s.at('retriableStatusCodes'))} has no effect: retryOn does not include retriable-status-codes`, 'add retriable-status-codes to retryOn', true);
  }
  const methods = readMethods(s, 'methods', d.methods);
  // nginx's and Traefik's rule names the methods refused once sent (POST, LOCK, PATCH), not the ones allowed.
  const notRetried = s.has('methodsNotRetried') ? { methodsNotRetried: readMethods(s, 'methodsNotRetried', []) } : {};
  return {
    numRetries: s.num('numRetries', d.numRetries, 0, UINT32),
    retryOn,
    retriableStatusCodes: codes,
    methods,
    ...notRetried,
    otherHost: s.bool('otherHost', d.otherHost),
    backoff: readBackoff(s) ?? d.backoff,
    flavour: s.choice('flavour', FLAVOURS, d.flavour) ?? d.flavour,
  };
}

function readMethods(s: Section, key: 'methods' | 'methodsNotRetried', dflt: readonly string[]): string[] {
  if (!s.has(key)) return [...dflt];
  const v = s.obj[key];
  if (!Array.isArray(v) || !v.every((m) => typeof m === 'string' && METHOD.test(m))) {
    const empty = key === 'methods' ? 'an empty list retries every method' : 'an empty list refuses none';
    s.bad(key, `must be a list of upper-case HTTP methods (GET, PUT, ...); ${empty}`);
    return [...dflt];
  }
  return v as string[];
}

/** Traefik's own backoff comes only from its retry middleware (engine/plugins/retry), not from the IR. */
const BACKOFF_KEYS: Record<Exclude<RetryPolicyIR['backoff']['kind'], 'traefik'>, readonly string[]> = {
  none: ['kind'],
  'envoy-jitter': ['kind', 'base', 'max'],
  exponential: ['kind', 'initial', 'max'],
};

function readBackoff(parent: Section): RetryPolicyIR['backoff'] | undefined {
  if (!parent.has('backoff')) return undefined;
  const k = withKind(parent.c, parent.at('backoff'), parent.obj['backoff'], BACKOFF_KEYS);
  if (!k) return undefined;
  const { kind, s } = k;
  if (kind === 'none') return { kind };
  if (kind === 'envoy-jitter') {
    // Envoy: base_interval 25 ms, max_interval 10 × base.
    const baseMs = s.duration('base', 25);
    const maxMs = s.duration('max', baseMs * 10);
    if (maxMs < baseMs) s.bad('max', `(${maxMs} ms) must not be below base (${baseMs} ms); Envoy rejects it`);
    return { kind, baseMs, maxMs: Math.max(maxMs, baseMs) };
  }
  // A plain doubling backoff: 100 ms and a 60 s cap by default (the defaults of Traefik's backoff library).
  const initialMs = s.duration('initial', 100);
  return { kind, initialMs, maxMs: Math.max(s.duration('max', 60_000), initialMs) };
}

export const TIMEOUT_KEYS = ['connect', 'perTry', 'overall', 'flavour', 'raisedQuota'];
const TIMEOUT_FLAVOURS: ReadonlyArray<TimeoutPolicyIR['flavour']> = ['generic', 'aws-rest', 'aws-http'];
/** AWS API Gateway integration timeouts (semantics §5): 50 ms to 29 s for REST (up to 300 s once the
 *  Regional/private quota is raised, since June 2024), to 30 s for HTTP APIs, fixed. */
const AWS = { min: 50, rest: 29_000, restRaised: 300_000, http: 30_000 };

export function readTimeouts(s: Section, serviceConnectMs: number): TimeoutPolicyIR {
  const flavour = s.choice('flavour', TIMEOUT_FLAVOURS, 'generic') ?? 'generic';
  const raised = s.bool('raisedQuota', false);
  if (raised && flavour !== 'aws-rest') {
    s.bad('raisedQuota', `only applies to flavour aws-rest: ${flavour === 'aws-http' ? 'HTTP APIs stay fixed at 30 s' : 'it is an AWS REST API quota'} (semantics §5)`);
  }
  const cap = flavour === 'aws-rest' ? (raised ? AWS.restRaised : AWS.rest) : flavour === 'aws-http' ? AWS.http : Infinity;
  // An AWS integration always has a timeout: 29 s (REST) or 30 s (HTTP API) unless written.
  const overallMs = s.duration('overall', flavour === 'generic' ? 0 : Math.min(cap, flavour === 'aws-rest' ? AWS.rest : AWS.http));
  const perTryMs = s.duration('perTry', 0);
  for (const [k, v] of [['overall', overallMs], ['perTry', perTryMs]] as const) {
    if (flavour === 'generic' || !s.has(k)) continue;
    if (v > cap) s.bad(k, `(${v} ms) is above the ${cap / 1000} s AWS allows ${awsWhy(flavour, raised)}`, flavour === 'aws-rest' && !raised ? "set raisedQuota: true if the Regional or private API's quota was raised" : undefined);
    else if (v < AWS.min) s.bad(k, `(${v} ms) is below the ${AWS.min} ms AWS allows (semantics §5)`);
  }
  return { connectMs: s.duration('connect', serviceConnectMs), perTryMs, overallMs, flavour };
}

function awsWhy(flavour: TimeoutPolicyIR['flavour'], raised: boolean): string {
  if (flavour === 'aws-http') return 'for an HTTP API, a fixed limit (semantics §5)';
  return raised
    ? 'even with the raised quota of a Regional or private REST API (semantics §5)'
    : 'for a REST API integration; Regional and private REST APIs may raise it up to 300 s since June 2024 (semantics §5)';
}
