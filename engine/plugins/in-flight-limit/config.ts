/**
 * Traefik `inFlightReq` config (traefik/traefik pkg/config/dynamic/middlewares.go InFlightReq):
 * `amount` and `sourceCriterion`, read under Traefik's own field names so a diagnostic points at
 * the line of the middleware that said it.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import type { KeySpec } from '../rate-limit/key.ts';
import { criteriaSet, parseSourceCriterion } from '../rate-limit/source-criterion.ts';

export const IN_FLIGHT_FIELDS = ['amount', 'sourceCriterion'] as const;

export interface InFlightLimitConfig {
  /** Requests of one source allowed in flight at once; 0 (Go's zero value when unset) or less refuses every request. */
  amount: number;
  /** Who shares a count. Unlike rateLimit, an unset or empty sourceCriterion means requestHost. */
  source: KeySpec;
}

export function parseInFlightLimitConfig(raw: unknown, report: ConfigReporter): InFlightLimitConfig {
  const r = new ConfigReader(raw, report, IN_FLIGHT_FIELDS, [], 'inFlightReq');
  // Traefik checks no range: a negative amount is accepted and refuses like 0.
  const amount = r.num('amount', 0, { integer: true });
  if (amount <= 0) {
    // connlimit's acquire compares the count with the cap before adding one: 0 ≥ 0 refuses all.
    r.warn('amount', 'GL_W_NO_EFFECT', `amount is ${amount}${r.has('amount') ? '' : ' (unset)'}: Traefik answers every request 429, since 0 requests in flight is already ≥ amount ${amount}`, 'set amount to the number of requests one source may have in flight');
  }
  return { amount, source: sourceOf(r) };
}

/**
 * inflightreq.New replaces a nil sourceCriterion, or one that sets none of the three criteria, with
 * `requestHost: true` — the rateLimit middleware falls back to the remote address instead.
 */
function sourceOf(r: ConfigReader): KeySpec {
  const sc = r.obj['sourceCriterion'];
  if (sc === undefined || sc === null) return { kind: 'host' };
  // Read in full either way, so a wrong field or a clash is reported at its line.
  const parsed = parseSourceCriterion(sc, r.report, ['sourceCriterion']);
  const isMap = typeof sc === 'object' && !Array.isArray(sc);
  return isMap && criteriaSet(sc as Record<string, unknown>).length > 0 ? parsed : { kind: 'host' };
}
