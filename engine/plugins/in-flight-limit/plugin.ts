/**
 * Traefik `inFlightReq`: at most `amount` requests of one source in flight at once, counted per
 * middleware instance (Traefik builds one per router that uses the middleware, as gatelab does).
 * Source: traefik/traefik pkg/middlewares/inflightreq/inflight_req.go (New) over vulcand/oxy
 * connlimit/connlimit.go (ServeHTTP, acquire, release, ConnErrHandler).
 *
 * - acquire: the source's count ≥ amount → 429 with the body `max connections reached: <amount>`;
 *   else the count goes up by one. A refused request takes no slot.
 * - release: oxy defers it until the handler chain after the middleware returns — when the response
 *   has been written. gatelab releases in the log hook, which both hosts run once the response is
 *   settled (the proxy host before it streams the body: the one gap, see the README).
 * - A request held by the cap is never queued: the point of the lesson (shed load, do not queue it).
 *
 * nginx `limit_conn` (flavour nginx; nginx/nginx src/http/modules/ngx_http_limit_conn_module.c,
 * ngx_http_limit_conn_handler and ngx_http_limit_conn_cleanup) is the same count with other names:
 * keyed by the client address ($binary_remote_addr; an empty key is not limited), a request that finds
 * `conn` in progress (`lc->conn >= limits[i].conn`) gets limit_conn_status and nginx's own page, and
 * the count drops when the request's pool is freed — after the log phase, like the release here.
 * nginx counts requests, not sockets: over HTTP/1.1 a connection carries one request at a time, so
 * the two are the same there.
 */
import { next, reply, type PluginDefinition, type PluginEnv, type PluginHooks, type RequestContext, type Verdict, type DecisionData } from '../../pipeline/types.ts';
import { nginxPage } from '../../net/nginx-pages.ts';
import { resolveKey, snapshotKey, type ResolvedKey } from '../rate-limit/key.ts';
import { isNginxLimitConn, parseInFlightConfig, type InFlightConfig, type NginxLimitConnConfig } from './config.ts';

export const IN_FLIGHT_LIMIT_ID = 'in-flight-limit';
/** Traefik runs middlewares in declared order; the priority only matters to Kong-style ordering. */
export const IN_FLIGHT_LIMIT_PRIORITY = 800;

/** Go's DetectContentType on the text oxy writes, as net/http adds it to an untyped body. */
const REFUSED_HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];

/** What differs between the vendors: who shares a count, and what the refusal and the reasons say. */
interface Policy {
  cap: number;
  key: (ctx: RequestContext) => ResolvedKey | undefined;
  refuse: (n: number, key: ResolvedKey, data: DecisionData) => Verdict;
  admitted: (n: number, key: ResolvedKey) => string;
  snapshot: (inFlight: Record<string, number>) => Record<string, unknown>;
}

function traefikPolicy(config: Exclude<InFlightConfig, NginxLimitConnConfig>): Policy {
  const amount = config.amount;
  const refusedBody = `max connections reached: ${amount}`;
  return {
    cap: amount,
    key: (ctx) => resolveKey(config.source, ctx),
    refuse: (n, key, data) =>
      reply(429, `${n} request${n === 1 ? '' : 's'} from ${key.label} in flight ≥ amount ${amount} → 429`, { headers: REFUSED_HEADERS, body: refusedBody, data }),
    admitted: (n, key) => `${n} of ${amount} request slots in use for ${key.label}; the slot is freed when the response is done`,
    snapshot: (inFlight) => ({ amount, inFlight }),
  };
}

function nginxPolicy(config: NginxLimitConnConfig): Policy {
  const { conn, zone, status } = config;
  const directive = `limit_conn ${zone} ${conn}`;
  return {
    cap: conn,
    // $binary_remote_addr is never empty for a TCP client; an allow-listed client never gets here
    // (the dialect sends it down the route without limits, as its empty $limit_ key would).
    key: (ctx) => (ctx.clientIp === '' ? undefined : { value: ctx.clientIp, label: `client ${ctx.clientIp}` }),
    refuse: (n, key, data) =>
      reply(status, `${directive}: ${n} request${n === 1 ? '' : 's'} from ${key.label} in progress ≥ ${conn} → ${status} (limit_conn_status, the ConfigMap's limit-conn-status-code)`, {
        headers: [['Content-Type', 'text/html']],
        body: nginxPage(status),
        data,
      }),
    admitted: (n, key) => `${directive}: ${n} of ${conn} in progress for ${key.label}; freed when the request ends`,
    snapshot: (inFlight) => ({ zone, conn, inFlight }),
  };
}

export function createInFlightLimitHooks(config: InFlightConfig, env: Pick<PluginEnv, 'instanceId'>): PluginHooks {
  const policy = isNginxLimitConn(config) ? nginxPolicy(config) : traefikPolicy(config);
  const amount = policy.cap;
  /** In-flight requests per source value; a source at 0 is dropped, as oxy deletes it. */
  const counts = new Map<string, number>();
  /** Where a request remembers the source it holds a slot under (one var per instance). */
  const held = `${IN_FLIGHT_LIMIT_ID}:${env.instanceId}`;

  const release = (ctx: RequestContext): void => {
    const source = ctx.vars[held];
    if (typeof source !== 'string') return;
    delete ctx.vars[held];
    const n = (counts.get(source) ?? 1) - 1;
    if (n <= 0) counts.delete(source);
    else counts.set(source, n);
  };

  return {
    access(ctx) {
      // A Traefik retry placed before this middleware runs it again per attempt; the earlier
      // attempt's handler has returned by then, so its slot is free again.
      release(ctx);
      const key = policy.key(ctx);
      if (!key) return next('empty key: limit_conn does not count this request');
      const n = counts.get(key.value) ?? 0;
      const data = { source: key.value, inFlight: n, amount };
      if (n >= amount) return policy.refuse(n, key, data);
      counts.set(key.value, n + 1);
      ctx.vars[held] = key.value;
      return next(policy.admitted(n + 1, key), { ...data, inFlight: n + 1 });
    },
    log(ctx) {
      release(ctx);
    },
    snapshot() {
      const inFlight: Record<string, number> = {};
      for (const [source, n] of counts) inFlight[snapshotKey(source)] = n;
      return policy.snapshot(inFlight);
    },
  };
}

export const inFlightLimitPlugin: PluginDefinition<InFlightConfig> = {
  id: IN_FLIGHT_LIMIT_ID,
  priority: IN_FLIGHT_LIMIT_PRIORITY,
  parse: parseInFlightConfig,
  create: (config, env) => createInFlightLimitHooks(config, env),
};
