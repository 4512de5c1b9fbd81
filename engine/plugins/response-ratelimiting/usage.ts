/**
 * The plugin's arithmetic, pure: counter keys, what access decides from the usage it read, and what
 * header_filter decides from that usage plus the upstream's increments (access.lua, header_filter.lua).
 * Windows are rate-limiting's: fixed, calendar-aligned in UTC, second resolution (semantics §1).
 */
import { EMPTY_UUID, KONG_PERIODS, configuredPeriods, kongWindowStart, type KongPeriod } from '../rate-limit/math/kong-fixed-window.ts';
import type { NamedLimit } from './config.ts';

export interface CounterScope {
  routeId?: string;
  serviceId?: string;
}

/** `response-ratelimit:<route_id>:<service_id>:<identifier>:<window_start_ms>:<name>:<period>` (policies/init.lua). */
export function responseCounterKey(scope: CounterScope, identifier: string, name: string, period: KongPeriod, windowStartMs: number): string {
  return `response-ratelimit:${scope.routeId ?? EMPTY_UUID}:${scope.serviceId ?? EMPTY_UUID}:${identifier}:${windowStartMs}:${name}:${period}`;
}

/** One (limit, configured period) pair whose usage access reads. */
export interface UsageSlot {
  name: string;
  period: KongPeriod;
  limit: number;
  key: string;
  windowStartMs: number;
}

/** Every configured (limit, period), limits in config order, periods shortest first. */
export function usageSlots(limits: readonly NamedLimit[], scope: CounterScope, identifier: string, nowMs: number): UsageSlot[] {
  const out: UsageSlot[] = [];
  for (const l of limits) {
    for (const period of configuredPeriods(l.periods)) {
      const windowStartMs = kongWindowStart(period, nowMs);
      out.push({ name: l.name, period, limit: l.periods[period] as number, windowStartMs, key: responseCounterKey(scope, identifier, l.name, period, windowStartMs) });
    }
  }
  return out;
}

/**
 * Every period's key for one limit: Kong's increment walks `timestamp.get_timestamps`, all six
 * periods, whichever are configured.
 */
export interface IncrementKey {
  period: KongPeriod;
  key: string;
  windowStartMs: number;
}

export function incrementKeys(scope: CounterScope, identifier: string, name: string, timestampMs: number): IncrementKey[] {
  return KONG_PERIODS.map((period) => {
    const windowStartMs = kongWindowStart(period, timestampMs);
    return { period, windowStartMs, key: responseCounterKey(scope, identifier, name, period, windowStartMs) };
  });
}

/** A slot with the usage read for it; `remaining` = limit − usage, as Kong keeps it (may be negative). */
export interface UsageRow extends UsageSlot {
  usage: number;
  remaining: number;
}

export function usageRows(slots: readonly UsageSlot[], values: readonly number[]): UsageRow[] {
  const rows: UsageRow[] = [];
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i] as UsageSlot;
    const usage = values[i] ?? 0;
    // Written out in the slot's key order rather than spread: `{ ...s, usage }` took a slow clone path per row.
    rows.push({ name: s.name, period: s.period, limit: s.limit, windowStartMs: s.windowStartMs, key: s.key, usage, remaining: s.limit - usage });
  }
  return rows;
}

export interface AccessDecision {
  /** The limit block_on_first_violation refused the request for. */
  blockedBy?: UsageRow;
  /** `X-RateLimit-Remaining-<name>` for the upstream: the lowest remaining of the limit's periods, unclamped. */
  upstreamHeaders: Array<[string, string]>;
}

/**
 * Access: with block_on_first_violation a period with **exactly** 0 left refuses the request (a
 * counter pushed below 0 by a large increment does not — Kong compares `== 0`). Otherwise the
 * upstream learns what is left per limit.
 */
export function decideAccess(rows: readonly UsageRow[], limits: readonly NamedLimit[], blockOnFirstViolation: boolean): AccessDecision {
  const upstreamHeaders: Array<[string, string]> = [];
  for (const l of limits) {
    let lowest: number | undefined;
    // A plain loop over the rows of this limit: the filtered copy was an array per limit per request.
    for (const row of rows) {
      if (row.name !== l.name) continue;
      if (blockOnFirstViolation && row.remaining === 0) return { blockedBy: row, upstreamHeaders };
      if (lowest === undefined || row.remaining < lowest) lowest = row.remaining;
    }
    if (lowest !== undefined) upstreamHeaders.push([upstreamHeaderName(l.name), luaNumber(lowest)]);
  }
  return { upstreamHeaders };
}

export interface ResponseDecision {
  /** The client headers, limits in config order, periods shortest first (empty when hidden). */
  headers: Array<[string, string]>;
  /** The row that turned the response into a 429: a positive increment for a limit already at or below 0. */
  stoppedBy?: UsageRow;
}

/**
 * header_filter: shown remaining = max(0, remaining − this response's increment); the response
 * becomes a 429 when it asks to add units to a limit that had nothing left **before** it — so the
 * response that crosses the limit still goes through, and the next one is refused after the
 * upstream has done the work.
 */
export function decideResponse(rows: readonly UsageRow[], increments: ReadonlyMap<string, number>, hideClientHeaders: boolean): ResponseDecision {
  const headers: Array<[string, string]> = [];
  let stoppedBy: UsageRow | undefined;
  for (const row of rows) {
    const inc = increments.get(row.name);
    if (!hideClientHeaders) {
      const names = clientHeaderNames(row.name, row.period);
      headers.push([names.limit, luaNumber(row.limit)]);
      headers.push([names.remaining, luaNumber(Math.max(0, row.remaining - (inc ?? 0)))]);
    }
    if (inc !== undefined && inc > 0 && row.remaining <= 0) stoppedBy ??= row;
  }
  return { headers, ...(stoppedBy ? { stoppedBy } : {}) };
}

/**
 * Header names per limit name (and period), made once: every request sets the same few, and a name
 * built per request is a fresh string that the header map must hash and compare in full. Names come
 * from configs, so the memo stays small; past the bound it simply builds them again.
 */
const HEADER_NAME_MEMO_LIMIT = 4096;
const upstreamNames = new Map<string, string>();
const clientNames = new Map<string, Map<KongPeriod, { limit: string; remaining: string }>>();

/** `X-RateLimit-Remaining-<name>`, the header access sets for the upstream. */
export function upstreamHeaderName(limitName: string): string {
  let name = upstreamNames.get(limitName);
  if (name === undefined) {
    name = `X-RateLimit-Remaining-${limitName}`;
    if (upstreamNames.size < HEADER_NAME_MEMO_LIMIT) upstreamNames.set(limitName, name);
  }
  return name;
}

/** `X-RateLimit-Limit-<name>-<period>` and `X-RateLimit-Remaining-<name>-<period>`, the client's headers. */
export function clientHeaderNames(limitName: string, period: KongPeriod): { limit: string; remaining: string } {
  let byPeriod = clientNames.get(limitName);
  let names = byPeriod?.get(period);
  if (names === undefined) {
    names = { limit: `X-RateLimit-Limit-${limitName}-${period}`, remaining: `X-RateLimit-Remaining-${limitName}-${period}` };
    if (!byPeriod && clientNames.size < HEADER_NAME_MEMO_LIMIT) clientNames.set(limitName, (byPeriod = new Map()));
    byPeriod?.set(period, names);
  }
  return names;
}

/** Lua's tostring for the numbers these headers carry (integers without a fraction). */
export function luaNumber(n: number): string {
  return String(n);
}
