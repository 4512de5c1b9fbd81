/**
 * `policy: redis` (and `cluster`, modelled alike): the counters live in the shared store.
 *
 * Reading (access): Kong's `usage()` opens a pooled connection and sends one GET per (limit, period),
 * one after another — so each is its own round trip, on the request's path: a config with two limits
 * of two periods waits for four. gatelab chains one store effect per GET for the same reason.
 *
 * Writing (Kong's log phase): see `incrementEffect`.
 */
import { wait, type EffectResult, type RequestContext, type StoreOp, type Verdict } from '../../pipeline/types.ts';
import { KONG_PERIOD_SECONDS } from '../rate-limit/math/kong-fixed-window.ts';
import type { ResponseRateLimitingConfig } from './config.ts';
import type { ReplicaCounters } from './counters.ts';
import { accessVerdict, usageFailure, type ResponseRateLimitingVars } from './respond.ts';
import type { IdentifierKeys, KeyMemo, UsageRead } from './key-memo.ts';
import { usageRows } from './usage.ts';

export function storeName(config: ResponseRateLimitingConfig): string {
  return config.policy === 'cluster' ? 'the shared counter store (cluster, modelled like redis)' : 'Redis';
}

/** One request's chain of reads: module functions over this object, not closures made per request. */
interface ReadChain {
  ctx: RequestContext;
  config: ResponseRateLimitingConfig;
  vars: ResponseRateLimitingVars;
  keys: IdentifierKeys;
  seen: ReplicaCounters;
  nowMs: number;
  values: number[];
}

/** The access hook's chain of GETs (keys from the per-second memo), then the decision. */
export function readUsageFromStore(
  ctx: RequestContext,
  config: ResponseRateLimitingConfig,
  vars: ResponseRateLimitingVars,
  keys: IdentifierKeys,
  seen: ReplicaCounters,
  nowMs: number,
): Verdict {
  return readStep({ ctx, config, vars, keys, seen, nowMs, values: [] }, 0);
}

function readStep(chain: ReadChain, i: number): Verdict {
  const { reads, slots } = chain.keys;
  if (i === reads.length) {
    return accessVerdict(chain.ctx, chain.config, chain.vars, usageRows(slots, chain.values), readsNote(reads.length, chain.config));
  }
  const read = reads[i] as UsageRead;
  const id = chain.vars.identifier;
  // The read belongs to one identifier value: its sentence is built once per kind, not once per request.
  if (read.reasonKind !== id.kind) {
    read.reason = `${read.reasonHead}${id.kind} ${id.value}`;
    read.reasonKind = id.kind;
  }
  return wait(read.effect, read.reason as string, (result) => afterRead(chain, i, result), read.data);
}

function afterRead(chain: ReadChain, i: number, result: EffectResult): Verdict {
  if (!result.ok) return usageFailure(chain.ctx, chain.config, chain.vars, result.error);
  const v = result.values?.[0];
  const usage = typeof v === 'number' ? v : 0;
  chain.seen.remember((chain.keys.reads[i] as UsageRead).ref, usage, chain.nowMs);
  chain.values.push(usage);
  return readStep(chain, i + 1);
}

/** "1 GET round trip to Redis": one string per (count, store) for the process, not one per request. */
const READS_NOTES = new Map<string, string[]>();

function readsNote(count: number, config: ResponseRateLimitingConfig): string {
  const store = storeName(config);
  let byCount = READS_NOTES.get(store);
  if (byCount === undefined) READS_NOTES.set(store, (byCount = []));
  return (byCount[count] ??= `${count} GET round trip${count === 1 ? '' : 's'} to ${store}`);
}

/**
 * The INCRBYs for a response's increments: every one of the six periods of each named limit (Kong's
 * increment walks them all, configured or not), TTL = the period's W (Kong's EXPIRE on a new key).
 * Redis refuses a fractional INCRBY, so such an increment is left out: the counter does not move.
 *
 * Kong sends these from a 0-delay timer after the response is sent (per limit: an EXISTS per period
 * and one pipelined INCRBY/EXPIRE), so the client never waits for them. The plugin contract gives a
 * log hook no effects, so gatelab sends them in the response phase as one round trip the client does
 * wait for: the simulation over-charges Redis-policy latency by one round trip per counted response.
 */
export function incrementOps(keys: KeyMemo, identifier: string, timestampMs: number, increments: ReadonlyMap<string, number>): { ops: StoreOp[]; skipped: string[] } {
  const ops: StoreOp[] = [];
  const skipped: string[] = [];
  for (const [name, by] of increments) {
    if (by === 0) continue;
    if (!Number.isInteger(by)) {
      skipped.push(`${name}=${by}`);
      continue;
    }
    for (const k of keys.incrementKeysOf(identifier, name, timestampMs)) ops.push({ op: 'incr', key: k.key, by, ttlMs: KONG_PERIOD_SECONDS[k.period] * 1000 });
  }
  return { ops, skipped };
}
