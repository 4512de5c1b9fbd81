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
 */
import { next, reply, type PluginDefinition, type PluginEnv, type PluginHooks, type RequestContext } from '../../pipeline/types.ts';
import { resolveKey, snapshotKey } from '../rate-limit/key.ts';
import { parseInFlightLimitConfig, type InFlightLimitConfig } from './config.ts';

export const IN_FLIGHT_LIMIT_ID = 'in-flight-limit';
/** Traefik runs middlewares in declared order; the priority only matters to Kong-style ordering. */
export const IN_FLIGHT_LIMIT_PRIORITY = 800;

/** Go's DetectContentType on the text oxy writes, as net/http adds it to an untyped body. */
const REFUSED_HEADERS: Array<[string, string]> = [['Content-Type', 'text/plain; charset=utf-8']];

export function createInFlightLimitHooks(config: InFlightLimitConfig, env: Pick<PluginEnv, 'instanceId'>): PluginHooks {
  const amount = config.amount;
  /** In-flight requests per source value; a source at 0 is dropped, as oxy deletes it. */
  const counts = new Map<string, number>();
  /** Where a request remembers the source it holds a slot under (one var per instance). */
  const held = `${IN_FLIGHT_LIMIT_ID}:${env.instanceId}`;
  const refusedBody = `max connections reached: ${amount}`;

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
      const key = resolveKey(config.source, ctx);
      const n = counts.get(key.value) ?? 0;
      const data = { source: key.value, inFlight: n, amount };
      if (n >= amount) {
        return reply(429, `${n} request${n === 1 ? '' : 's'} from ${key.label} in flight ≥ amount ${amount} → 429`, {
          headers: REFUSED_HEADERS,
          body: refusedBody,
          data,
        });
      }
      counts.set(key.value, n + 1);
      ctx.vars[held] = key.value;
      return next(`${n + 1} of ${amount} request slots in use for ${key.label}; the slot is freed when the response is done`, { ...data, inFlight: n + 1 });
    },
    log(ctx) {
      release(ctx);
    },
    snapshot() {
      const inFlight: Record<string, number> = {};
      for (const [source, n] of counts) inFlight[snapshotKey(source)] = n;
      return { amount, inFlight };
    },
  };
}

export const inFlightLimitPlugin: PluginDefinition<InFlightLimitConfig> = {
  id: IN_FLIGHT_LIMIT_ID,
  priority: IN_FLIGHT_LIMIT_PRIORITY,
  parse: parseInFlightLimitConfig,
  create: (config, env) => createInFlightLimitHooks(config, env),
};
