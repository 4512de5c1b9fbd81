/**
 * Traefik `inFlightReq` config (traefik/traefik pkg/config/dynamic/middlewares.go InFlightReq):
 * `amount` and `sourceCriterion`, read under Traefik's own field names so a diagnostic points at
 * the line of the middleware that said it.
 *
 * `flavour: nginx` is nginx's `limit_conn <zone> <conn>` over `limit_conn_zone $binary_remote_addr`,
 * as ingress-nginx renders its `limit-connections` annotation: `zone`, `conn` and `status` (the
 * ConfigMap's limit-conn-status-code, 503 by default).
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import type { KeySpec } from '../rate-limit/key.ts';
import { criteriaSet, parseSourceCriterion } from '../rate-limit/source-criterion.ts';

export const IN_FLIGHT_FIELDS = ['amount', 'sourceCriterion'] as const;

export const NGINX_LIMIT_CONN_FIELDS = ['zone', 'conn', 'status'] as const;

export interface NginxLimitConnConfig {
  flavour: 'nginx';
  /** The limit_conn_zone's name, as the controller writes it (`<namespace>_<ingress>_conn`). */
  zone: string;
  /** Requests one client address may have in progress at once. */
  conn: number;
  /** limit_conn_status: what a refused request gets. */
  status: number;
}

export type InFlightConfig = InFlightLimitConfig | NginxLimitConnConfig;

export function isNginxLimitConn(c: InFlightConfig): c is NginxLimitConnConfig {
  return 'flavour' in c && c.flavour === 'nginx';
}

export function parseInFlightConfig(raw: unknown, report: ConfigReporter): InFlightConfig {
  const isNginx = raw !== null && typeof raw === 'object' && (raw as Record<string, unknown>)['flavour'] === 'nginx';
  return isNginx ? parseLimitConn(raw as Record<string, unknown>, report) : parseInFlightLimitConfig(raw, report);
}

function parseLimitConn(raw: Record<string, unknown>, report: ConfigReporter): NginxLimitConnConfig {
  const { flavour: _flavour, ...fields } = raw;
  const r = new ConfigReader(fields, report, NGINX_LIMIT_CONN_FIELDS, [], 'limit_conn');
  // ngx_http_limit_conn: "invalid number of connections" below 1 or above 65535 (a u_short count).
  const conn = r.num('conn', 1, { integer: true, min: 1, max: 65535 });
  // limit_conn_status takes 400–599.
  const status = r.num('status', 503, { integer: true, min: 400, max: 599 });
  return { flavour: 'nginx', zone: r.str('zone', 'conn'), conn, status };
}

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
  const parsed = parseSourceCriterion(sc, r.report, ['sourceCriterion'], 'inFlightReq');
  const isMap = typeof sc === 'object' && !Array.isArray(sc);
  return isMap && criteriaSet(sc as Record<string, unknown>).length > 0 ? parsed : { kind: 'host' };
}
