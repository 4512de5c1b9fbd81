/**
 * The rate-limit plugin: every algorithm the lessons compare, the vendor flavour chosen by config.
 * A config without an `algorithm` field is Kong `rate-limiting` (OSS) — fixed calendar windows,
 * counters per identifier, Kong's headers and 429 — exactly as Kong reads it; a config with one runs
 * that flavour (flavours/). Priority 910 is Kong's for rate-limiting. The access hook decides; the
 * response hook adds the client headers to whatever response goes back (Kong's header_filter).
 */
import { next, type ConfigReporter, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { isAlgorithmConfig, type RateLimitConfig } from './algorithm-config.ts';
import { parseAlgorithmConfig } from './algorithm-parse.ts';
import { KONG_RATE_LIMITING_DEFAULTS, kongLimits, parseKongRateLimitingConfig, SYNC_RATE_REALTIME, type KongRateLimitingConfig } from './config.ts';
import { createAlgorithmHooks } from './flavours/index.ts';
import { snapshotKey } from './key.ts';
import { resolveIdentifier } from './identifier.ts';
import { newKongDecision } from './math/kong-fixed-window.ts';
import { LocalCounters, type CounterSnapshot } from './policy-local.ts';
import { redisRealtimeAccess, SeenCounters, type CounterScope } from './policy-redis.ts';
import { SyncedCounters } from './policy-redis-sync.ts';
import { RealtimeRequests } from './realtime-requests.ts';
import { addHeaderLines, PLUGIN_ID, verdictFor } from './respond.ts';

/** Kong's PRIORITY for rate-limiting (semantics §6). */
export const RATE_LIMIT_PRIORITY = 910;

/** Counters one gateway replica holds. */
interface ReplicaCounters {
  local: LocalCounters;
  seen: SeenCounters;
  synced: SyncedCounters;
}

/** Kong's `rate-limiting` unless the config names an `algorithm` (a field Kong's schema never has). */
export function parseRateLimitConfig(raw: unknown, report: ConfigReporter): RateLimitConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (obj?.['algorithm'] === undefined || obj['algorithm'] === null) return parseKongRateLimitingConfig(raw, report);
  // An unreadable algorithm was reported; a config with errors never loads, so any stand-in will do.
  return parseAlgorithmConfig(obj, report) ?? { ...KONG_RATE_LIMITING_DEFAULTS };
}

export function createRateLimitHooks(config: RateLimitConfig, env: PluginEnv): PluginHooks {
  return isAlgorithmConfig(config) ? createAlgorithmHooks(config) : createKongHooks(config, env);
}

/** The identifiers of a Kong snapshot made addressable by a dotted path (key.ts, snapshotKey). */
function escapeKeys(snap: CounterSnapshot): Record<string, unknown> {
  return Object.fromEntries(Object.entries(snap).map(([id, counters]) => [snapshotKey(id), counters]));
}

/**
 * The local policy's decision, refilled per request (as realtime Redis's in policy-redis.ts): the
 * hook turns it into a verdict at once, and verdictFor copies every number it keeps into strings,
 * headers and data, so nothing holds it past the call.
 */
const LOCAL_DECISION = newKongDecision();

export function createKongHooks(config: KongRateLimitingConfig, env: PluginEnv): PluginHooks {
  const limits = kongLimits(config);
  // Counted once per config: Object.keys per request built an array only to read its length.
  const noPeriods = Object.keys(limits).length === 0;
  const scope: CounterScope = { routeId: env.scope.route, serviceId: env.scope.service };
  // Realtime Redis keys and sentences, built once per identifier and second (realtime-requests.ts).
  const realtime = new RealtimeRequests(config, limits, scope);
  // Keyed by replica as well, so per-replica counting holds even if a host shares one instance.
  const replicas = new Map<string, ReplicaCounters>();
  // The local policy's clause names the replica: one string per replica, not a template per request.
  let localNote = { replica: '', note: '' };
  const localNoteOf = (replica: string): string => {
    if (localNote.replica !== replica || localNote.note === '') localNote = { replica, note: `local policy: counters of replica ${replica} only` };
    return localNote.note;
  };
  const countersOf = (replica: string): ReplicaCounters => {
    let c = replicas.get(replica);
    if (!c) {
      c = { local: new LocalCounters(), seen: new SeenCounters(), synced: new SyncedCounters(config, limits, scope) };
      replicas.set(replica, c);
    }
    return c;
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      // A config without periods never loads (the parser reports it); stay harmless if one slips through.
      if (noPeriods) return next('no period configured: nothing to limit');
      const nowMs = host.now();
      const id = resolveIdentifier(config, ctx);
      const counters = countersOf(host.replica);
      if (config.policy === 'local') {
        const decision = counters.local.check(limits, id.value, nowMs, LOCAL_DECISION);
        return verdictFor(ctx, config, id, decision, localNoteOf(host.replica));
      }
      if (config.policy === 'redis' && config.sync_rate !== SYNC_RATE_REALTIME) return counters.synced.access(ctx, id, nowMs);
      return redisRealtimeAccess(ctx, config, id, nowMs, counters.seen, realtime);
    },

    response(ctx: RequestContext): Verdict {
      return addHeaderLines(ctx);
    },

    snapshot(host: PluginHost): Record<string, unknown> {
      const c = countersOf(host.replica);
      const nowMs = host.now();
      const snap: CounterSnapshot =
        config.policy === 'local' ? c.local.snapshot(nowMs) : config.policy === 'redis' && config.sync_rate !== SYNC_RATE_REALTIME ? c.synced.snapshot(nowMs) : c.seen.snapshot(nowMs);
      return escapeKeys(snap);
    },
  };
}

export const rateLimitPlugin: PluginDefinition<RateLimitConfig> = {
  id: PLUGIN_ID,
  priority: RATE_LIMIT_PRIORITY,
  parse: parseRateLimitConfig,
  create: createRateLimitHooks,
  // Realtime redis adds serialising INCRBY + PEXPIRE per request; the round trip's socket work is
  // charged by the host on the store effect. Local counters and periodic sync cost the hook alone.
  cost: (config) =>
    !isAlgorithmConfig(config) && config.policy !== 'local' && config.sync_rate === SYNC_RATE_REALTIME
      ? { cpuUs: 10, source: 'gatelab rate-limit hook 7.7 µs + RESP serialising INCRBY + PEXPIRE (ioredis) 2.3 µs, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }
      : { cpuUs: 7.7, source: 'gatelab rate-limit (local) access hook: 8.6 µs CPU minus 0.9 µs building the request context, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' },
};
