/**
 * Traefik `circuitBreaker` middleware config (traefik/traefik pkg/config/dynamic/middlewares.go,
 * pkg/middlewares/circuitbreaker/circuit_breaker.go), in Traefik's own camelCase field names so the
 * Traefik adapter can hand the spec over unchanged. Durations are Go duration strings ("100ms",
 * "10s") or whole seconds (an integer, or a string of digits: paerser's Duration tries Atoi first).
 */
import { parseDuration } from '../../core/duration.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { parseTraefikCbExpression, type CbExpr } from './expression.ts';

export interface TraefikCircuitBreakerConfig {
  /** The condition that trips the breaker, as written ("NetworkErrorRatio() > 0.5"). */
  expression: string;
  /** The checked condition; absent when the expression was rejected (reported as an error). */
  condition?: CbExpr;
  /** `checkPeriod`: at most one check of the condition per this many ms (default 100 ms). */
  checkPeriodMs: number;
  /** `fallbackDuration`: how long a tripped breaker answers with the fallback (default 10 s). */
  fallbackDurationMs: number;
  /** `recoveryDuration`: how long the ramp back to full traffic lasts (default 10 s). */
  recoveryDurationMs: number;
  /** `responseCode`: the fallback's status (default 503); its body is Go's status text for it. */
  responseCode: number;
}

export const TRAEFIK_CB_DEFAULTS = {
  checkPeriodMs: 100,
  fallbackDurationMs: 10_000,
  recoveryDurationMs: 10_000,
  responseCode: 503,
} as const;

const FIELDS = ['expression', 'checkPeriod', 'fallbackDuration', 'recoveryDuration', 'responseCode'];

const DURATIONS = [
  ['checkPeriod', 'checkPeriodMs'],
  ['fallbackDuration', 'fallbackDurationMs'],
  ['recoveryDuration', 'recoveryDurationMs'],
] as const;

export function parseTraefikCircuitBreakerConfig(raw: unknown, report: ConfigReporter): TraefikCircuitBreakerConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'circuitBreaker');
  const expression = r.str('expression', '');
  const out: TraefikCircuitBreakerConfig = { expression, ...TRAEFIK_CB_DEFAULTS };
  if (expression.trim() === '') {
    r.error('expression', 'circuitBreaker needs an expression: Traefik cannot build the middleware without one', 'e.g. expression: NetworkErrorRatio() > 0.5');
  } else {
    const parsed = parseTraefikCbExpression(expression);
    if (parsed.ok) out.condition = parsed.ast;
    else r.error('expression', `circuitBreaker expression, column ${parsed.offset + 1}: ${parsed.message}`);
  }
  for (const [field, key] of DURATIONS) {
    const ms = readDuration(r, field);
    if (ms === undefined) continue;
    // Traefik passes a duration to oxy only when it is > 0; otherwise oxy's default stays.
    if (ms <= 0) r.warn(field, 'GL_W_NO_EFFECT', `${field} ${String(r.obj[field])} is not above zero: Traefik ignores it and keeps the default ${TRAEFIK_CB_DEFAULTS[key]} ms`);
    else out[key] = ms;
  }
  out.responseCode = readResponseCode(r);
  return out;
}

function readDuration(r: ConfigReader, field: string): number | undefined {
  const v = r.obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v * 1000;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) {
    r.report.error([field], 'GL_E_DURATION', `${field} must be a duration such as 10s or 100ms, or a whole number of seconds, not ${JSON.stringify(v)}`);
  }
  return ms;
}

function readResponseCode(r: ConfigReader): number {
  const v = r.obj['responseCode'];
  if (v === undefined || v === null) return TRAEFIK_CB_DEFAULTS.responseCode;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    r.report.error(['responseCode'], 'GL_E_TYPE', `responseCode must be an integer HTTP status, not ${JSON.stringify(v)}`);
    return TRAEFIK_CB_DEFAULTS.responseCode;
  }
  if (v === 0) {
    r.warn('responseCode', 'GL_W_NO_EFFECT', 'responseCode 0 means "not set": the fallback answers 503');
    return TRAEFIK_CB_DEFAULTS.responseCode;
  }
  // Go's ResponseWriter.WriteHeader panics outside 100–999, so Traefik could not answer at all.
  if (v < 100 || v > 999) {
    r.error('responseCode', `responseCode must be a status between 100 and 999, not ${v}`);
    return TRAEFIK_CB_DEFAULTS.responseCode;
  }
  return v;
}
