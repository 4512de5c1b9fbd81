/**
 * Traefik's `retry` middleware (traefik/traefik pkg/middlewares/retry, v3.6+ fields), as a route-level
 * retry policy. Field names are Traefik's. `attempts` counts every try, the first included.
 * `maxRequestBodyBytes` bounds the body kept for status retries (body.ts).
 */
import { parseDuration } from '../../core/duration.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import type { RetryPolicyIR } from '../../upstream/policy.ts';
import { NOT_RETRIED_ONCE_SENT } from '../../upstream/retry.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface RetryConfig {
  /** The policy the upstream stage applies instead of the service's. */
  policy: RetryPolicyIR;
  /** What the student reads: the settings as Traefik names them. */
  summary: string;
  /**
   * The most request-body bytes retry.go keeps for status retries (default 2 MiB); a negative value
   * keeps any body. Only read when `status` retries apply to the request's method.
   */
  maxRequestBodyBytes: number;
  /**
   * The policy for a request whose body is over maxRequestBodyBytes: retry.go turns its status
   * retries off (statusCodes = nil) and keeps only the network-error ones, if any.
   */
  bodyTooLargePolicy: RetryPolicyIR;
}

/** dynamic.RetryDefaultMaxRequestBodyBytes: 2 MiB (2 × 1024 × 1024). */
export const TRAEFIK_RETRY_DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

const FIELDS = ['attempts', 'initialInterval', 'timeout', 'maxRequestBodyBytes', 'status', 'disableRetryOnNetworkError', 'retryNonIdempotentMethod'];

export function parseRetryConfig(raw: unknown, report: ConfigReporter): RetryConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'retry');
  const attempts = r.num('attempts', 1, { min: 1, integer: true });
  const initial = durationMs(r.obj['initialInterval'], report, 'initialInterval') ?? 0;
  const statuses = statusList(r.obj['status'], report);
  const networkToo = !r.bool('disableRetryOnNetworkError', false);
  const anyMethod = r.bool('retryNonIdempotentMethod', false);
  const timeout = durationMs(r.obj['timeout'], report, 'timeout') ?? 0;
  // Any negative value reads the whole body (newReusableRequest: maxBodySize < 0 is "unbounded").
  const maxRequestBodyBytes = r.num('maxRequestBodyBytes', TRAEFIK_RETRY_DEFAULT_MAX_BODY_BYTES, { integer: true });
  // A network error is retried only when the proxy wrote nothing (retry.go: proxyReached and not
  // wroteRequest): a failed dial, whatever the method. A reset or timeout after writing becomes the
  // proxy's 502 or 504, which only `status` can retry (failuresAnsweredAs).
  const retryOn: RetryPolicyIR['retryOn'] = [
    ...(networkToo ? (['connect-failure'] as const) : []),
    ...(statuses.length > 0 ? (['retriable-status-codes'] as const) : []),
  ];
  const policy: RetryPolicyIR = {
    numRetries: attempts - 1,
    retryOn,
    retriableStatusCodes: statuses,
    // retry.go: status retries skip POST, PATCH and LOCK unless retryNonIdempotentMethod.
    methods: [],
    ...(anyMethod ? {} : { methodsNotRetried: [...NOT_RETRIED_ONCE_SENT] }),
    failuresAnsweredAs: { reset: 502, timeout: 504 },
    ...(timeout > 0 ? { timeoutMs: timeout } : {}),
    otherHost: true,
    backoff: traefikBackoff(attempts, initial),
    flavour: 'traefik',
  };
  const on = [networkToo ? 'network errors' : '', statuses.length ? `statuses ${compact(statuses)}` : ''].filter(Boolean).join(' and ') || 'nothing';
  const within = timeout > 0 ? `, none once ${timeout} ms have passed since the first attempt began` : '';
  const bodyTooLargePolicy: RetryPolicyIR = { ...policy, retryOn: retryOn.filter((c) => c !== 'retriable-status-codes'), retriableStatusCodes: [] };
  return { policy, summary: `retry: ${attempts} attempts in all, on ${on}${initial > 0 ? `, backoff from ${initial} ms` : ', no backoff'}${within}`, maxRequestBodyBytes, bodyTooLargePolicy };
}

/** Randomisation and interval cap of the backoff library Traefik uses (its defaults; Traefik sets neither). */
const TRAEFIK_RANDOMIZATION = 0.5;
const TRAEFIK_MAX_INTERVAL_MS = 60_000;

/**
 * Traefik waits nothing with fewer than two attempts or no initialInterval; otherwise its multiplier
 * is chosen so that the interval would reach twice initialInterval one step after the last retry.
 */
function traefikBackoff(attempts: number, initialMs: number): RetryPolicyIR['backoff'] {
  if (attempts < 2 || initialMs <= 0) return { kind: 'none' };
  return { kind: 'traefik', initialMs, multiplier: 2 ** (1 / (attempts - 1)), randomization: TRAEFIK_RANDOMIZATION, maxIntervalMs: TRAEFIK_MAX_INTERVAL_MS };
}

function durationMs(v: unknown, report: ConfigReporter, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  // Traefik reads a bare number as seconds.
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v === 'string') {
    const ms = parseDuration(v);
    if (ms !== undefined) return ms;
  }
  report.error([field], 'GL_E_DURATION', `${field} must be a duration such as 100ms, not ${JSON.stringify(v)}`);
  return undefined;
}

/** Traefik's status list: "500", "500-599". */
function statusList(v: unknown, report: ConfigReporter): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    report.error(['status'], 'GL_E_TYPE', 'status must be a list such as ["500-599"]');
    return [];
  }
  const out = new Set<number>();
  v.forEach((item, i) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(String(item).trim());
    if (!m) return report.error(['status', i], 'GL_E_CONFIG_INVALID', `status "${String(item)}" is not a code or a range like 500-599`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (hi < lo) return report.error(['status', i], 'GL_E_CONFIG_INVALID', `status range ${String(item)} ends before it starts`);
    for (let s = lo; s <= hi; s++) out.add(s);
  });
  return [...out].sort((a, b) => a - b);
}

function compact(codes: number[]): string {
  const parts: string[] = [];
  let start = codes[0] as number;
  let prev = start;
  for (const c of [...codes.slice(1), Infinity]) {
    if (c === prev + 1) {
      prev = c;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
    start = prev = c;
  }
  return parts.join(', ');
}
