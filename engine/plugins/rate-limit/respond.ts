/**
 * Turns a Kong fixed-window decision into the verdict a student reads: a sentence, the facts behind
 * it, Kong's client headers, and on a rejection Kong's `kong.response.error` reply. Shared by every
 * policy, so local, redis and synced counters answer the client identically.
 */
import { next, type DecisionData, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { KongRateLimitingConfig } from './config.ts';
import { kongErrorReply } from '../kit/kong-error-response.ts';
import { kongLuaErrorReply } from '../kit/kong-error-handler.ts';
import { describeIdentifier, type Identifier } from './identifier.ts';
import { kongRateLimitHeaderLines, kongRateLimitHeaders, type KongFixedWindowDecision, type KongPeriod, type KongPeriodUsage } from './math/kong-fixed-window.ts';
import { formatUtcDate, formatUtcTime } from './math/utc-calendar.ts';

/** The plugin id, and the key of its scratch space in ctx.vars. */
export const PLUGIN_ID = 'rate-limit';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What the access hook leaves for the response hook (Kong applies these in header_filter). */
export interface RateLimitVars {
  /**
   * The headers as one flat list, name then value: they wait from access to the response, and one
   * array per request instead of one per header pair is less for the garbage collector to copy.
   */
  lines: readonly string[];
  /** Why there are no headers to add (the rejection carried them, the limit was skipped). */
  note?: string;
}

/** No headers to add (never written to: one shared empty list). */
export const NO_LINES: readonly string[] = Object.freeze([]);

/** Header pairs as RateLimitVars' flat list. */
export function headerLines(headers: ReadonlyArray<readonly [string, string]>): readonly string[] {
  if (headers.length === 0) return NO_LINES;
  const lines: string[] = [];
  for (const [name, value] of headers) lines.push(name, value);
  return lines;
}

/** The response hook's work: set the lines on the response (replacing same-named upstream headers). */
export function addHeaderLines(ctx: RequestContext): Verdict {
  const vars = ctx.vars[PLUGIN_ID] as RateLimitVars | undefined;
  if (!vars || vars.lines.length === 0 || !ctx.response) return next(vars?.note ?? 'no rate-limit headers to add to this response');
  const lines = vars.lines;
  // kong.response.set_headers replaces a same-named header the upstream may have sent.
  for (let i = 0; i < lines.length; i += 2) ctx.response.headers.set(lines[i] as string, lines[i + 1] as string);
  const count = lines.length / 2;
  return next(addedReason(count), addedData(count));
}

/** `{ headers: N }`, one frozen object per N like the reason (never changed; the /trace ring matches it at once). */
const ADDED_DATA: DecisionData[] = [];

function addedData(count: number): DecisionData {
  if (count >= ADDED_REASONS_MAX) return { headers: count };
  return (ADDED_DATA[count] ??= Object.freeze({ headers: count }));
}

/**
 * "added N rate-limit headers to the response", one string per N for the whole process: N is a
 * handful of values, and the same string (not an equal new one per request) is one pointer compare
 * for the lab's trace encoder. Counts above the table's size (none that Kong sends) are built each time.
 */
const ADDED_REASONS: string[] = [];
const ADDED_REASONS_MAX = 64;

function addedReason(count: number): string {
  if (count >= ADDED_REASONS_MAX) return `added ${count} rate-limit headers to the response`;
  return (ADDED_REASONS[count] ??= `added ${count} rate-limit headers to the response`);
}

/** "minute window 12:01:00–12:02:00", "day window 2024-05-01", "month window 2024-05". */
export function windowLabel(period: KongPeriod, startMs: number, endMs: number): string {
  switch (period) {
    case 'day':
      return `day window ${formatUtcDate(startMs)}`;
    case 'month':
      return `month window ${formatUtcDate(startMs).slice(0, 7)}`;
    case 'year':
      return `year window ${formatUtcDate(startMs).slice(0, 4)}`;
    default:
      return `${period} window ${formatUtcTime(startMs)}–${formatUtcTime(endMs)}`;
  }
}

/** The last label built for each period, by window start: one window serves many requests. */
const lastLabels = new Map<KongPeriod, { startMs: number; endMs: number; label: string }>();

/** windowLabel, remembered per period until its window changes (two time formats less per request). */
function labelOf(row: KongPeriodUsage): string {
  const last = lastLabels.get(row.period);
  if (last !== undefined && last.startMs === row.windowStartMs && last.endMs === row.windowEndMs) return last.label;
  const label = windowLabel(row.period, row.windowStartMs, row.windowEndMs);
  lastLabels.set(row.period, { startMs: row.windowStartMs, endMs: row.windowEndMs, label });
  return label;
}

function decisionData(row: KongPeriodUsage, id: Identifier, config: KongRateLimitingConfig, remaining: number): DecisionData {
  return {
    period: row.period,
    limit: row.limit,
    usage: row.usage,
    remaining,
    identifier: id.value,
    windowStart: row.windowStartMs,
    policy: config.policy,
  };
}

/**
 * The words of an admitted request's sentence around its two counts, remembered while they repeat:
 * "<label>: <usage + 1>" + middle + "<remaining>" + suffix, with middle " of <limit> used by <who> with
 * this request, " and suffix " remaining[, the tightest of N limits][ (<note>)]". Every request of
 * one client under one config has the same ones, so a request builds two numbers into one sentence
 * instead of the identifier's description, the note's clause and a dozen pieces.
 */
interface AdmittedParts {
  limit: number;
  value: string;
  kind: string;
  fellBack: boolean;
  limitBy: string;
  periods: number;
  note: string | undefined;
  middle: string;
  suffix: string;
}

let lastAdmitted: AdmittedParts | undefined;

function admittedParts(limit: number, id: Identifier, limitBy: string, periods: number, note: string | undefined): AdmittedParts {
  const last = lastAdmitted;
  if (
    last !== undefined &&
    last.limit === limit &&
    last.value === id.value &&
    last.kind === id.kind &&
    last.fellBack === id.fellBack &&
    last.limitBy === limitBy &&
    last.periods === periods &&
    last.note === note
  ) {
    return last;
  }
  const who = describeIdentifier(id, limitBy);
  const several = periods > 1 ? `, the tightest of ${periods} limits` : '';
  const tail = note ? ` (${note})` : '';
  lastAdmitted = { limit, value: id.value, kind: id.kind, fellBack: id.fellBack, limitBy, periods, note, middle: ` of ${limit} used by ${who} with this request, `, suffix: ` remaining${several}${tail}` };
  return lastAdmitted;
}

/**
 * Compact JSON with message and request id: rate-limiting-advanced's rejection (Enterprise, closed
 * source, so its exact bytes are unconfirmed). OSS Kong's bodies come from kong-error-response.ts.
 */
export function errorBody(message: string, requestId: string): string {
  return JSON.stringify({ message, request_id: requestId });
}

/**
 * The verdict for a decision. `note` adds a policy-specific clause ("counted in Redis, rejected
 * requests included").
 */
export function verdictFor(
  ctx: RequestContext,
  config: KongRateLimitingConfig,
  id: Identifier,
  d: KongFixedWindowDecision,
  note?: string,
): Verdict {
  if (d.allowed) {
    const m = d.mostRestrictive;
    ctx.vars[PLUGIN_ID] = { lines: config.hide_client_headers ? NO_LINES : kongRateLimitHeaderLines(d) } satisfies RateLimitVars;
    const parts = admittedParts(m.limit, id, config.limit_by, d.periods.length, note);
    const reason = `${labelOf(m)}: ${m.usage + 1}${parts.middle}${m.shownRemaining}${parts.suffix}`;
    return next(reason, decisionData(m, id, config, m.shownRemaining));
  }
  const who = describeIdentifier(id, config.limit_by);
  const tail = note ? ` (${note})` : '';
  const stop = d.periods.find((r) => r.period === d.stop) as KongPeriodUsage;
  ctx.vars[PLUGIN_ID] = { lines: NO_LINES, note: 'the rejection already carries the rate-limit headers' } satisfies RateLimitVars;
  const headers = config.hide_client_headers ? [] : kongRateLimitHeaders(d);
  const retry = config.hide_client_headers ? '' : `; Retry-After ${d.mostRestrictive.resetSeconds} s`;
  const reason = `${labelOf(stop)}: ${stop.usage} of ${stop.limit} used by ${who} — limit reached, ${config.error_code}${retry}${tail}`;
  // kong.response.error: the body's format follows the client's Accept (semantics §1).
  return kongErrorReply(ctx, config.error_code, config.error_message, reason, { headers, data: decisionData(stop, id, config, 0) });
}

/** A counter-store failure: fault_tolerant proxies unlimited (no headers); otherwise Kong's 500. */
export function storeFailure(ctx: RequestContext, config: KongRateLimitingConfig, error: string): Verdict {
  const data: DecisionData = { policy: config.policy, error, faultTolerant: config.fault_tolerant };
  if (config.fault_tolerant) {
    ctx.vars[PLUGIN_ID] = { lines: NO_LINES, note: 'no rate-limit headers: the limit was skipped after a counter-store error' } satisfies RateLimitVars;
    return next(`counter store failed (${error}); fault_tolerant is on, so the limit is skipped for this request and no rate-limit headers are sent`, data);
  }
  // The Lua error reaches Kong's error handler, which writes the 500 (kong/error_handlers.lua).
  return kongLuaErrorReply(ctx, `counter store failed (${error}) and fault_tolerant is off: Kong raises an error, the client gets 500`, data);
}
