/**
 * The circuit-breaker plugin's config: resilience4j's CircuitBreakerConfig field names and defaults
 * (semantics §9) in camelCase, durations as Go-style strings ("30s", "1m30s") or milliseconds, plus
 * which upstream statuses count as failures and the consecutive-failures mode. Validation follows
 * resilience4j's builder: a value it would reject is an error here, with the field's path.
 */
import { parseDuration } from '../../core/duration.ts';
import { RESILIENCE4J_DEFAULTS, type BreakerConfig } from '../../machines/circuit-breaker/config.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

/**
 * The machine's knobs (BreakerConfig: names, meaning and defaults are resilience4j's), as YAML writes
 * them: durations as "30s" or milliseconds. The plugin adds only which answers count as failures.
 */
export interface CircuitBreakerConfig extends BreakerConfig {
  /** Upstream statuses that count as failures, as inclusive ranges (default 500–599); written 503, "5xx" or "500-599". */
  failureStatuses: Array<[number, number]>;
}

export const CIRCUIT_BREAKER_DEFAULTS: Readonly<CircuitBreakerConfig> = Object.freeze({ ...RESILIENCE4J_DEFAULTS, failureStatuses: [[500, 599]] as Array<[number, number]> });

const FIELDS = [
  'failureRateThreshold',
  'slowCallRateThreshold',
  'slowCallDurationThreshold',
  'slidingWindowType',
  'slidingWindowSize',
  'minimumNumberOfCalls',
  'waitDurationInOpenState',
  'automaticTransitionFromOpenToHalfOpenEnabled',
  'permittedNumberOfCallsInHalfOpenState',
  'maxWaitDurationInHalfOpenState',
  'failureStatuses',
  'consecutiveFailures',
];

/** What lessons write for "n failures in a row"; gatelab asks for the unambiguous name. */
const LESSON_FIELD = 'failureThreshold';

/** Only rate mode reads these. */
const RATE_ONLY = ['failureRateThreshold', 'minimumNumberOfCalls', 'slowCallRateThreshold', 'slowCallDurationThreshold'];

/** A duration: a Go/Spring-style string or a number of milliseconds. */
function duration(r: ConfigReader, key: string, fallback: number, min: number): number {
  const v = r.obj[key];
  if (v === undefined || v === null) return fallback;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || !Number.isFinite(ms)) {
    r.report.error([key], typeof v === 'string' ? 'GL_E_DURATION' : 'GL_E_TYPE', `${key} must be a duration like "30s" or "250ms", or a number of milliseconds, not ${JSON.stringify(v)}`);
    return fallback;
  }
  if (ms < min) {
    r.error(key, `${key} must be at least ${min} ms, not ${ms}`);
    return fallback;
  }
  return ms;
}

/** A percentage in (0, 100], as resilience4j's builder requires. */
function percentage(r: ConfigReader, key: string, fallback: number): number {
  const v = r.num(key, fallback, { min: 0, max: 100 });
  if (v > 0) return v;
  r.error(key, `${key} must be greater than 0 (and at most 100)`);
  return fallback;
}

function statusRange(item: unknown): [number, number] | undefined {
  if (typeof item === 'number' && Number.isInteger(item) && item >= 100 && item <= 599) return [item, item];
  if (typeof item !== 'string') return undefined;
  const s = item.trim();
  if (/^[1-5]xx$/i.test(s)) return [Number(s[0]) * 100, Number(s[0]) * 100 + 99];
  const m = /^(\d{3})\s*(?:-|–|\.\.)\s*(\d{3})$/.exec(s) ?? /^(\d{3})()$/.exec(s);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return lo >= 100 && hi <= 599 && lo <= hi ? [lo, hi] : undefined;
}

function failureStatuses(r: ConfigReader): Array<[number, number]> {
  const v = r.obj['failureStatuses'];
  if (v === undefined || v === null) return CIRCUIT_BREAKER_DEFAULTS.failureStatuses.map(([a, b]) => [a, b]);
  const items = Array.isArray(v) ? v : [v];
  const out: Array<[number, number]> = [];
  items.forEach((item, i) => {
    const range = statusRange(item);
    if (range) out.push(range);
    else r.report.error(Array.isArray(v) ? ['failureStatuses', i] : ['failureStatuses'], 'GL_E_CONFIG_INVALID', `failureStatuses: cannot read ${JSON.stringify(item)} as a status`, 'write a status (503), a class ("5xx") or a range ("500-599"), between 100 and 599');
  });
  return out;
}

export function parseCircuitBreakerConfig(raw: unknown, report: ConfigReporter): CircuitBreakerConfig {
  const r = new ConfigReader(raw, report, [...FIELDS, LESSON_FIELD], [], 'circuit-breaker');
  if (r.has(LESSON_FIELD)) {
    r.report.error([LESSON_FIELD], 'GL_E_UNKNOWN_FIELD', `unknown field '${LESSON_FIELD}' in circuit-breaker config`, 'write consecutiveFailures: n to open after n failures in a row, or failureRateThreshold: p for resilience4j\'s failure percentage');
  }
  const d = CIRCUIT_BREAKER_DEFAULTS;
  const out: CircuitBreakerConfig = {
    failureRateThreshold: percentage(r, 'failureRateThreshold', d.failureRateThreshold),
    slowCallRateThreshold: percentage(r, 'slowCallRateThreshold', d.slowCallRateThreshold),
    slowCallDurationThreshold: duration(r, 'slowCallDurationThreshold', d.slowCallDurationThreshold, 1),
    slidingWindowType: r.oneOf('slidingWindowType', ['COUNT_BASED', 'TIME_BASED'] as const, d.slidingWindowType),
    slidingWindowSize: r.num('slidingWindowSize', d.slidingWindowSize, { min: 1, integer: true }),
    minimumNumberOfCalls: r.num('minimumNumberOfCalls', d.minimumNumberOfCalls, { min: 1, integer: true }),
    waitDurationInOpenState: duration(r, 'waitDurationInOpenState', d.waitDurationInOpenState, 1),
    automaticTransitionFromOpenToHalfOpenEnabled: r.bool('automaticTransitionFromOpenToHalfOpenEnabled', d.automaticTransitionFromOpenToHalfOpenEnabled),
    permittedNumberOfCallsInHalfOpenState: r.num('permittedNumberOfCallsInHalfOpenState', d.permittedNumberOfCallsInHalfOpenState, { min: 1, integer: true }),
    maxWaitDurationInHalfOpenState: duration(r, 'maxWaitDurationInHalfOpenState', d.maxWaitDurationInHalfOpenState, 0),
    failureStatuses: failureStatuses(r),
  };
  if (r.has('consecutiveFailures')) {
    out.consecutiveFailures = r.num('consecutiveFailures', 5, { min: 1, integer: true });
    for (const key of RATE_ONLY.filter((k) => r.has(k))) {
      r.warn(key, 'GL_W_NO_EFFECT', `${key} is not read in consecutive mode: consecutiveFailures ${out.consecutiveFailures} decides when the breaker opens`);
    }
  } else if (r.has('minimumNumberOfCalls') && out.slidingWindowType === 'COUNT_BASED' && out.minimumNumberOfCalls > out.slidingWindowSize) {
    r.warn('minimumNumberOfCalls', 'GL_W_NO_EFFECT', `minimumNumberOfCalls ${out.minimumNumberOfCalls} is capped at slidingWindowSize ${out.slidingWindowSize}: a COUNT_BASED window never holds more calls`);
  }
  return out;
}

export function isFailureStatus(config: CircuitBreakerConfig, status: number): boolean {
  return config.failureStatuses.some(([lo, hi]) => status >= lo && status <= hi);
}

/** "500–599", "502, 503" — how failureStatuses reads in a reason. */
export function describeStatuses(config: CircuitBreakerConfig): string {
  return config.failureStatuses.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}–${hi}`)).join(', ');
}
