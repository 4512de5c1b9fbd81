/**
 * What the breaker says: the fallback answer Traefik writes, and each decision as a sentence a
 * student can follow ("circuit breaker tripped at 12:00:04 because NetworkErrorRatio() = 0.62 > 0.5;
 * fallback 503 for 7.2 s more").
 */
import { formatIsoInstant } from '../../core/calendar.ts';
import { formatDuration } from '../../core/duration.ts';
import type { AdmitResult, BreakerCore, ObserveResult, RampDecision, Transition } from './breaker.ts';
import type { TraefikCircuitBreakerConfig } from './config.ts';

/** Go's http.StatusText for the codes a fallback is likely to use; other codes get "" like Go's. */
const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 204: 'No Content',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 418: "I'm a teapot", 423: 'Locked', 425: 'Too Early', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 507: 'Insufficient Storage', 511: 'Network Authentication Required',
};

export function statusText(code: number): string {
  return STATUS_TEXT[code] ?? '';
}

/**
 * Traefik's fallback handler: WriteHeader(responseCode), then Write(StatusText(responseCode)). Go's
 * server sniffs the type of a non-empty body (text/plain; charset=utf-8) and sends none for an empty one.
 */
export function fallbackResponse(code: number): { headers: Array<[string, string]>; body: string } {
  const body = statusText(code);
  return { headers: body ? [['Content-Type', 'text/plain; charset=utf-8']] : [], body };
}

/** 12:00:04, or 12:00:04.350 when the instant is not on a whole second (UTC, scenario time). */
export function clock(ms: number): string {
  return formatIsoInstant(ms).slice(11, 23).replace(/\.000$/, '');
}

/** "7.2 s" for a remaining time; "350 ms" below a second. */
export function span(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

function rampText(r: RampDecision, forward: boolean, cfg: TraefikCircuitBreakerConfig): string {
  const a = forward ? r.allowed : r.allowed + 1;
  const n = r.allowed + r.denied;
  const head = `ramp at ${span(r.elapsedMs)} of ${formatDuration(cfg.recoveryDurationMs)}: at most ${pct(r.target)} of the requests since the ramp began may pass`;
  return forward
    ? `${head}; letting this one through makes ${a} of ${n} = ${pct(r.ifAllowed)}, below that → forwarded`
    : `${head}; letting this one through would make ${a} of ${n} = ${pct(r.ifAllowed)}, not below that → fallback ${cfg.responseCode}`;
}

/** The access decision: forwarded or the fallback, and any transition it took. */
export function admitReason(res: AdmitResult, before: BreakerCore, cfg: TraefikCircuitBreakerConfig, now: number): string {
  const { core } = res;
  const parts: string[] = [];
  for (const t of res.transitions) {
    if (t.to === 'recovering') parts.push(`fallbackDuration ${formatDuration(cfg.fallbackDurationMs)} is over: recovering from ${clock(now)} until ${clock(core.until)}`);
    if (t.to === 'standby') parts.push(`recoveryDuration ${formatDuration(cfg.recoveryDurationMs)} ended at ${clock(before.until)} without the condition matching again: back to standby, forwarded`);
  }
  if (core.state === 'standby' && res.transitions.length === 0) {
    return `circuit breaker in standby (closed): forwarded; ${cfg.expression} is checked on responses, at most once per ${formatDuration(cfg.checkPeriodMs)}`;
  }
  if (core.state === 'tripped') {
    const why = core.trip ? `tripped at ${clock(core.trip.at)} because ${core.trip.because}` : 'tripped';
    return `circuit breaker ${why}; fallback ${cfg.responseCode} for ${span(core.until - now)} more (until ${clock(core.until)})`;
  }
  if (res.ramp) parts.push(`circuit breaker recovering since ${clock((core.recovery ?? { start: now }).start)}: ${rampText(res.ramp, res.forward, cfg)}`);
  return parts.join('; ');
}

/** The response decision: what was recorded, and whether a check ran and what it found. */
export function observeReason(
  recorded: { status: number; source: 'upstream' | 'gateway'; latencyMs: number },
  res: ObserveResult,
  cfg: TraefikCircuitBreakerConfig,
): string {
  const netError = recorded.status === 502 || recorded.status === 504;
  const from = recorded.source === 'gateway' ? 'the gateway' : 'the backend';
  const head = `recorded ${recorded.status} from ${from} after ${span(recorded.latencyMs)}${netError ? ' — a network error to oxy, which counts every 502 and 504' : ''}`;
  if (res.kind === 'not-due') return `${head}; no check: one ran less than checkPeriod ${formatDuration(cfg.checkPeriodMs)} ago (next on the first response after ${clock(res.nextAfter)})`;
  if (res.kind === 'skipped') return `${head}; the breaker is tripped, so no check runs (this request was already in flight when it tripped)`;
  if (!res.matched) return `${head}; checked ${cfg.expression}: ${res.because} → stays ${res.core.state}`;
  const again = res.transition?.from === 'recovering' ? 'tripped again during recovery' : 'tripped';
  return `${head}; checked ${cfg.expression}: ${res.because} → ${again}, metrics reset; fallback ${cfg.responseCode} until ${clock(res.core.until)}`;
}

/** One line for the trace's breaker.transition event. */
export function transitionReason(t: Transition, before: BreakerCore, after: BreakerCore, cfg: TraefikCircuitBreakerConfig): string {
  if (t.to === 'tripped') return `${after.trip?.because ?? cfg.expression}; fallback ${cfg.responseCode} until ${clock(after.until)}`;
  if (t.to === 'recovering') return `fallbackDuration ${formatDuration(cfg.fallbackDurationMs)} is over; ramp until ${clock(after.until)}`;
  return `recoveryDuration ${formatDuration(cfg.recoveryDurationMs)} ended at ${clock(before.until)} without the condition matching again`;
}
