/**
 * Config of the request-mirror plugin: Gateway API's HTTPRequestMirrorFilter — one backendRef, and the
 * share of requests to copy (`percent`, or `fraction` numerator/denominator; default all of them).
 * The adapter resolves the backendRef and passes its outcome as `service` and `problem`, and the
 * route's request timeout (when it sets one) as `timeoutMs`.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';

export interface RequestMirrorConfig {
  /** `namespace/name:port` as written, for reasons. */
  target: string;
  /** The service the copy would go to, or null when the reference does not resolve. */
  service: string | null;
  /** Why the reference does not resolve. */
  problem: string | null;
  /** Share of requests mirrored, 0–1. */
  share: number;
  /**
   * The route's own request timeout in ms, passed by the adapter; absent when the route sets none, 0
   * when it disables it (`timeouts.request: 0s`): then the copy has no timeout at all.
   */
  timeoutMs?: number;
}

export function parseRequestMirrorConfig(raw: unknown, report: ConfigReporter): RequestMirrorConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const ref = obj['backendRef'];
  let target = '(none)';
  if (typeof ref !== 'object' || ref === null || typeof (ref as Record<string, unknown>)['name'] !== 'string') {
    report.error(['backendRef'], 'GL_E_CONFIG_INVALID', 'requestMirror needs a backendRef with a name');
  } else {
    const r = ref as Record<string, unknown>;
    target = `${typeof r['namespace'] === 'string' ? `${r['namespace']}/` : ''}${r['name'] as string}${r['port'] !== undefined ? `:${String(r['port'])}` : ''}`;
  }
  let share = 1;
  const percent = obj['percent'];
  const fraction = obj['fraction'];
  if (percent !== undefined && fraction !== undefined) report.error(['fraction'], 'GL_E_CONFIG_INVALID', 'percent and fraction are alternatives; set one');
  if (percent !== undefined) {
    if (typeof percent === 'number' && Number.isInteger(percent) && percent >= 0 && percent <= 100) share = percent / 100;
    else report.error(['percent'], 'GL_E_CONFIG_INVALID', `percent must be an integer from 0 to 100, not ${JSON.stringify(percent)}`);
  } else if (fraction !== undefined) {
    const f = typeof fraction === 'object' && fraction !== null ? (fraction as Record<string, unknown>) : {};
    const num = f['numerator'];
    const den = f['denominator'] ?? 100;
    if (typeof num === 'number' && typeof den === 'number' && num >= 0 && den > 0 && num <= den) share = num / den;
    else report.error(['fraction'], 'GL_E_CONFIG_INVALID', 'fraction needs 0 ≤ numerator ≤ denominator and denominator > 0');
  }
  const timeoutMs = obj['timeoutMs'];
  return {
    target,
    service: typeof obj['service'] === 'string' ? obj['service'] : null,
    problem: typeof obj['problem'] === 'string' ? obj['problem'] : null,
    share,
    ...(typeof timeoutMs === 'number' && timeoutMs >= 0 ? { timeoutMs } : {}),
  };
}
