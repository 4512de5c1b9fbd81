/**
 * Counter keys and the store requests built from them depend only on (identifier, second): every
 * request of one client within one second of Kong's clock reads the same GETs and writes the same six
 * keys per limit. This memo builds them once per (identifier, second) for the last seconds seen
 * (rate-limit/per-second.ts) rather than per request: the six increment keys alone cost calendar
 * arithmetic for month and year and six ~90-character strings each time.
 *
 * What it hands out is shared between requests and never changed: the store only reads the ops, and
 * the trace keeps the decision data by reference.
 */
import type { DecisionData, Effect } from '../../pipeline/types.ts';
import { PerSecond } from '../rate-limit/per-second.ts';
import { kongTimestamp } from '../rate-limit/math/kong-fixed-window.ts';
import type { ResponseRateLimitingConfig } from './config.ts';
import type { CounterRef } from './counters.ts';
import { incrementOps } from './policy-store.ts';
import { incrementKeys, usageSlots, type CounterScope, type IncrementKey, type UsageSlot } from './usage.ts';

/** Identifiers remembered per second; past this the second's map starts over (a miss only rebuilds). */
const MAX_IDENTIFIERS_PER_SECOND = 4096;

/** One GET of access's chain of reads, ready to send. */
export interface UsageRead {
  slot: UsageSlot;
  effect: Extract<Effect, { type: 'store' }>;
  /** The reason, without the identifier's kind and value (they follow it). */
  reasonHead: string;
  /** The whole reason as last built, for the identifier of kind `reasonKind` (the value is the read's own). */
  reason?: string;
  reasonKind?: string;
  data: DecisionData;
  /** What `remember` records under. */
  ref: CounterRef;
}

export interface IdentifierKeys {
  slots: UsageSlot[];
  reads: UsageRead[];
  /** Limit name → Kong's six increment keys (all periods, configured or not). */
  increments: Map<string, IncrementKey[]>;
  /** The last INCRBY request built here, for the increments object it was built from. */
  lastIncrement?: { increments: ReadonlyMap<string, number>; built: IncrementRequest };
}

/** The INCRBYs of one response's increments (incrementOps), as a store effect. */
export interface IncrementRequest {
  effect: Extract<Effect, { type: 'store' }>;
  skipped: string[];
}

export class KeyMemo {
  private readonly seconds = new PerSecond<Map<string, IdentifierKeys>>(() => new Map());

  constructor(
    private readonly config: ResponseRateLimitingConfig,
    private readonly scope: CounterScope,
    private readonly storeName: string,
  ) {}

  /** The keys of `identifier` for the second `nowMs` falls in. */
  of(identifier: string, nowMs: number): IdentifierKeys {
    const byIdentifier = this.seconds.at(kongTimestamp(nowMs));
    let keys = byIdentifier.get(identifier);
    if (keys === undefined) {
      if (byIdentifier.size >= MAX_IDENTIFIERS_PER_SECOND) byIdentifier.clear();
      keys = this.build(identifier, nowMs);
      byIdentifier.set(identifier, keys);
    }
    return keys;
  }

  /** Kong's six increment keys of limit `name` for `identifier` at the (second-truncated) `timestampMs`. */
  incrementKeysOf(identifier: string, name: string, timestampMs: number): readonly IncrementKey[] {
    const keys = this.of(identifier, timestampMs);
    let list = keys.increments.get(name);
    if (list === undefined) keys.increments.set(name, (list = incrementKeys(this.scope, identifier, name, timestampMs)));
    return list;
  }

  /**
   * The INCRBY effect for `increments` (a parsed header, itself remembered per value, so the same
   * object comes back for the same header): built once per (identifier, second, increments).
   */
  increment(identifier: string, timestampMs: number, increments: ReadonlyMap<string, number>): IncrementRequest {
    const keys = this.of(identifier, timestampMs);
    const last = keys.lastIncrement;
    if (last !== undefined && last.increments === increments) return last.built;
    const { ops, skipped } = incrementOps(this, identifier, timestampMs, increments);
    const built: IncrementRequest = { effect: { type: 'store', ops }, skipped };
    keys.lastIncrement = { increments, built };
    return built;
  }

  private build(identifier: string, nowMs: number): IdentifierKeys {
    const slots = usageSlots(this.config.limits, this.scope, identifier, nowMs);
    const reads = slots.map((slot, i): UsageRead => ({
      slot,
      effect: { type: 'store', ops: [{ op: 'get', key: slot.key }] },
      reasonHead: `GET ${slot.name} ${slot.period} counter from ${this.storeName} (round trip ${i + 1} of ${slots.length}) for `,
      reason: undefined,
      reasonKind: undefined,
      // Frozen: the same object goes into every decision of this read (the proxy's ring matches it by identity).
      data: Object.freeze({ policy: this.config.policy, key: slot.key }),
      ref: { identifier, name: slot.name, period: slot.period, key: slot.key, windowStartMs: slot.windowStartMs },
    }));
    return { slots, reads, increments: new Map() };
  }
}
