/**
 * What realtime Redis asks the store for, per identifier and second. Every request of one identifier
 * within one whole second (Kong's clock resolution) sends the same INCRs to the same keys and says the
 * same sentence, so the keys, the store effect, the reason and the wait's data are built once per
 * (identifier, second) and shared, instead of once per request. Sharing is safe because nothing
 * downstream changes an effect or a decision's data after the plugin returns it (the trace keeps
 * references to the data, the store only reads the ops).
 */
import type { DecisionData, Effect } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';
import type { Identifier } from './identifier.ts';
import { configuredPeriods, kongTimestamp, KONG_PERIOD_SECONDS, type KongLimits, type KongPeriod } from './math/kong-fixed-window.ts';
import { periodKeys, type CounterScope, type PeriodKey } from './policy-redis.ts';

/** Identifiers remembered per plugin instance; past this the memo starts over (a miss only rebuilds). */
const MAX_IDENTIFIERS = 4096;

export interface RealtimeRequest {
  /** The second-truncated instant these keys are for. */
  timestampMs: number;
  /** The identifier's kind when built: a value seen under another kind gets its own sentence. */
  kind: string;
  keys: PeriodKey[];
  /** What the request waits for: INCR every key (redis), or read every key (cluster). */
  effect: Extract<Effect, { type: 'store' }>;
  /** cluster only: the INCRs sent after an admitted request's decision, not waited for. */
  increment: Extract<Effect, { type: 'store' }>;
  reason: string;
  data: DecisionData;
}

export class RealtimeRequests {
  private readonly byIdentifier = new Map<string, RealtimeRequest>();
  private readonly storeName: string;
  /** The configured periods, shortest first, and their limits: what decideKongPeriods takes. */
  readonly periods: readonly KongPeriod[];
  readonly limitValues: readonly number[];

  constructor(
    private readonly config: KongRateLimitingConfig,
    private readonly limits: KongLimits,
    private readonly scope: CounterScope,
  ) {
    this.storeName = config.policy === 'cluster' ? "the shared counter store (Kong's cluster policy: Postgres)" : 'Redis';
    this.periods = configuredPeriods(limits);
    this.limitValues = this.periods.map((p) => limits[p] as number);
  }

  /** The shared request for `id` at `nowMs`, built on the first request of its second. */
  of(id: Identifier, nowMs: number): RealtimeRequest {
    const timestampMs = kongTimestamp(nowMs);
    const known = this.byIdentifier.get(id.value);
    if (known !== undefined && known.timestampMs === timestampMs && known.kind === id.kind) return known;
    if (known === undefined && this.byIdentifier.size >= MAX_IDENTIFIERS) this.byIdentifier.clear();
    const built = this.build(id, nowMs, timestampMs);
    this.byIdentifier.set(id.value, built);
    return built;
  }

  private build(id: Identifier, nowMs: number, timestampMs: number): RealtimeRequest {
    const keys = periodKeys(this.limits, this.scope, id.value, nowMs);
    const increment: RealtimeRequest['effect'] = {
      type: 'store',
      ops: keys.map((k) => ({ op: 'incr', key: k.key, by: 1, ttlMs: KONG_PERIOD_SECONDS[k.period] * 1000 })),
    };
    const counted = keys.length === 1 ? `${keys[0]?.period} counter` : `${keys.length} counters (${keys.map((k) => k.period).join(', ')})`;
    const data: DecisionData = { policy: this.config.policy, identifier: id.value, keys: keys.length };
    if (this.config.policy === 'cluster') {
      // Kong's cluster policy SELECTs the usage, decides, and upserts only an admitted request's
      // counts in a timer afterwards (semantics §1): a read the request waits for, a write it does not.
      const effect: RealtimeRequest['effect'] = { type: 'store', ops: keys.map((k) => ({ op: 'get', key: k.key })) };
      const reason = `read the ${counted} from ${this.storeName} for ${id.kind} ${id.value}: Kong counts a request there only once it is admitted`;
      return { timestampMs, kind: id.kind, keys, effect, increment, reason, data };
    }
    const reason = `INCR ${counted} in ${this.storeName} for ${id.kind} ${id.value}: Kong counts every request there, rejected ones included`;
    return { timestampMs, kind: id.kind, keys, effect: increment, increment, reason, data };
  }
}
