/**
 * Kong `response-ratelimiting` (OSS, PRIORITY 900): quotas counted in units the **upstream** reports
 * in a response header (`x-kong-limit: video=2, image=1`), not in requests.
 *
 * access (access.lua): read every (limit, period) counter; with block_on_first_violation refuse a
 * limit that has exactly 0 left; tell the upstream what is left (`X-RateLimit-Remaining-<name>`).
 * response (header_filter.lua): parse the upstream's header, add the usage headers, drop the header,
 * and turn the response into an empty 429 if it asks for units a limit no longer has.
 * Then the counters grow by the increments (log.lua; here at the end of the response hook — see
 * policy-store.ts for why and what that costs in simulated latency).
 */
import { next, wait, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { KONG_RATE_LIMITING_DEFAULTS, type KongRateLimitingConfig } from '../rate-limit/config.ts';
import { resolveIdentifier } from '../rate-limit/identifier.ts';
import { snapshotKey } from '../rate-limit/key.ts';
import { kongTimestamp } from '../rate-limit/math/kong-fixed-window.ts';
import { parseResponseRateLimitingConfig, type ResponseRateLimitingConfig } from './config.ts';
import { ReplicaCounters } from './counters.ts';
import { HeaderReadings, type HeaderReading } from './header-reading.ts';
import { parseIncrements } from './increments.ts';
import { KeyMemo } from './key-memo.ts';
import { readUsageFromStore, storeName } from './policy-store.ts';
import { accessVerdict, PLUGIN_ID, stopReply, type ResponseRateLimitingVars } from './respond.ts';
import { decideResponse, usageRows, type CounterScope } from './usage.ts';
import { BoundedMemo } from '../kit/bounded-memo.ts';

/** Distinct X-Kong-Limit values remembered per config for needsBody: upstreams send a handful. */
const INCREMENTS_MEMO_SIZE = 256;

/** Kong's PRIORITY for response-ratelimiting (semantics §6): after rate-limiting (910), before request-transformer (801). */
export const RESPONSE_RATELIMITING_PRIORITY = 900;

export function createResponseRateLimitingHooks(config: ResponseRateLimitingConfig, env: PluginEnv): PluginHooks {
  const names = config.limits.map((l) => l.name);
  const scope: CounterScope = { routeId: env.scope.route, serviceId: env.scope.service };
  // Keys, GETs and INCRBY targets per (identifier, second), built once and shared (key-memo.ts).
  const keyMemo = new KeyMemo(config, scope, storeName(config));
  // The units header parsed, and its sentences built, once per distinct value (header-reading.ts).
  const readings = new HeaderReadings(config.header_name, names);
  // rate-limiting's get_identifier, restricted to the three limit_by values this schema allows.
  const identifierConfig: KongRateLimitingConfig = { ...KONG_RATE_LIMITING_DEFAULTS, limit_by: config.limit_by };
  // Keyed by replica, so `local` stays per node even if a host shares one instance between replicas.
  const replicas = new Map<string, ReplicaCounters>();
  const countersOf = (replica: string): ReplicaCounters => {
    let c = replicas.get(replica);
    if (!c) replicas.set(replica, (c = new ReplicaCounters()));
    return c;
  };

  const count = (vars: ResponseRateLimitingVars, reading: HeaderReading, host: PluginHost): Verdict => {
    const id = vars.identifier.value;
    const { increments, what, heard: prefix } = reading;
    if (what === '') return next(`${prefix}; nothing to count`);
    if (config.policy === 'local') {
      const counters = countersOf(host.replica);
      for (const [name, by] of increments) {
        if (by === 0) continue;
        for (const k of keyMemo.incrementKeysOf(id, name, vars.timestampMs)) counters.add({ identifier: id, name, ...k }, by, host.now());
      }
      return next(`${prefix}; counted ${what} in replica ${host.replica}'s counters (Kong does this in a timer after the response)`);
    }
    const increment = keyMemo.increment(id, vars.timestampMs, increments);
    const { refused, reason, counted } = readings.storeSentences(reading, increment.skipped);
    if (increment.effect.ops.length === 0) return next(`${prefix}${refused}`);
    return wait(increment.effect, reason, (result) =>
      result.ok ? next(counted) : next(`${reason}: failed (${result.error}); Kong only logs a failed increment, the client is not affected`, { error: result.error }),
    );
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      if (config.limits.length === 0) return next('no limit configured: nothing to count');
      const nowMs = host.now();
      const identifier = resolveIdentifier(identifierConfig, ctx);
      const vars: ResponseRateLimitingVars = { instance: env.instanceId, identifier, timestampMs: kongTimestamp(nowMs) };
      ctx.vars[PLUGIN_ID] = vars;
      const keys = keyMemo.of(identifier.value, nowMs);
      const counters = countersOf(host.replica);
      if (config.policy === 'local') {
        const rows = usageRows(keys.slots, keys.slots.map((s) => counters.get(s.key, nowMs)));
        return accessVerdict(ctx, config, vars, rows, `local policy: counters of replica ${host.replica} only`);
      }
      return readUsageFromStore(ctx, config, vars, keys, counters, nowMs);
    },

    response(ctx: RequestContext, host: PluginHost): Verdict {
      const vars = ctx.vars[PLUGIN_ID] as ResponseRateLimitingVars | undefined;
      const res = ctx.response;
      if (!vars || vars.instance !== env.instanceId || !res) return next('response-ratelimiting did not read usage for this request (an earlier plugin answered it)');
      const reading = readings.of(res.headers.get(config.header_name));
      const { increments, heard } = reading;
      // Kong returns before touching the response when access read no usage: the header stays.
      if (!vars.rows) {
        const left = res.headers.has(config.header_name) ? ` and ${config.header_name} reaches the client` : '';
        return next(`${heard}; ${vars.skipped ?? 'no usage was read in access'}, so nothing is checked, shown or counted${left}`);
      }
      const d = decideResponse(vars.rows, increments, config.hide_client_headers);
      for (const [name, value] of d.headers) res.headers.set(name, value);
      res.headers.delete(config.header_name);
      if (d.stoppedBy) {
        const s = d.stoppedBy;
        const reason = `${heard}; ${s.name} had ${s.remaining} of ${s.limit} left this ${s.period} before this response and the upstream asks for ${increments.get(s.name)} more: Kong replaces the upstream's answer with an empty 429 (the upstream has already done the work) and counts nothing`;
        return stopReply(res, reason, { limitName: s.name, period: s.period, limit: s.limit, remaining: s.remaining, increment: increments.get(s.name) ?? null });
      }
      return count(vars, reading, host);
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const snap = countersOf(host.replica).snapshot(host.now());
      return Object.fromEntries(Object.entries(snap).map(([id, byName]) => [snapshotKey(id), byName]));
    },
  };
}

/** Per config, whether a header value asks for units: the proxy asks on every response (bounded memo). */
const askingByConfig = new WeakMap<ResponseRateLimitingConfig, BoundedMemo<boolean>>();

function asksForUnits(config: ResponseRateLimitingConfig, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  let memo = askingByConfig.get(config);
  if (memo === undefined) askingByConfig.set(config, (memo = new BoundedMemo<boolean>(INCREMENTS_MEMO_SIZE)));
  return memo.get(raw, (value) => {
    for (const by of parseIncrements(value, config.limits.map((l) => l.name)).increments.values()) if (by > 0) return true;
    return false;
  });
}

export const responseRatelimitingPlugin: PluginDefinition<ResponseRateLimitingConfig> = {
  id: PLUGIN_ID,
  priority: RESPONSE_RATELIMITING_PRIORITY,
  parse: parseResponseRateLimitingConfig,
  create: createResponseRateLimitingHooks,
  // The hooks' own work (usage read, X-Kong-Limit parsed, headers set, units counted); on Redis also
  // serialising a GET and six INCRBY + PEXPIRE per limit. The round trips' socket work is charged by
  // the host on each store effect. Measured on a loaded machine (docs/capacity.md says how much).
  cost: (config) =>
    config.policy === 'local'
      ? { cpuUs: 50, source: 'gatelab response-ratelimiting (local) access + response hooks: 51.6 µs minus 1.0 µs building the request context, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }
      : { cpuUs: 50 + 20.5 * config.limits.length, source: 'gatelab response-ratelimiting hooks 50 µs + RESP serialising GET + 6 × (INCRBY + PEXPIRE) (ioredis) 20.5 µs per limit, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' },
  // A response that asks for units may become a 429 that drops the upstream's body; the proxy host
  // reads such a body in full first, so the stream is not left half-consumed on the upstream socket.
  needsBody: (config, response) => asksForUnits(config, response.headers.get(config.header_name)),
};
