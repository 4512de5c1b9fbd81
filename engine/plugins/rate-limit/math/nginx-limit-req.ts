/**
 * nginx `limit_req` (ngx_http_limit_req_module.c), exactly as semantics §2 reads it: a leaky bucket
 * kept as integer "milli-requests" with truncating division.
 *
 * Per key the state is { excess, last }. On a request:
 *   ms = now − last  (ms < −60000 → 1, ms < 0 → 0)
 *   e  = max(0, excess − R·ms/1000 + 1000)
 *   e > burst·1000 → REJECTED, state untouched;  else excess = e, last = now (only if ms ≠ 0),
 *   delay = e <= delay·1000 ? 0 : (e − delay·1000)·1000/R.
 * A key seen for the first time passes with excess 0, so burst + 1 requests fit at once.
 *
 * Several `limit_req` in one context are looked up in order; the loop stops at the first zone that
 * rejects and then no existing zone entry changes (entries created for first-seen keys in earlier
 * zones stay, at excess 0, last 0 — exactly as nginx leaves them). If all pass, every zone is
 * accounted and the request waits for the largest per-zone delay.
 */

/** limit_req_status default. */
export const NGINX_LIMIT_REQ_DEFAULT_STATUS = 503;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** ngx_atoi: a non-empty run of ASCII digits, else an error (no sign, no point, no spaces). */
function ngxAtoi(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Integer division of non-negative integers, exact beyond float rounding of a / b. */
function idiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/**
 * The `rate=` parameter of limit_req_zone → R in milli-requests per second. Accepts `10r/s`, `30r/m`,
 * a bare `10` (nginx reads it as r/s) and the `rate=` prefix. `0.5r/s` or `0r/s` are errors, as in
 * nginx ("invalid rate"); write `30r/m` instead. `1r/m` → 16 (1000/60 truncated).
 */
export function parseNginxRate(text: string): ParseResult<number> {
  const raw = text.startsWith('rate=') ? text.slice(5) : text;
  let digits = raw;
  let scale = 1;
  if (raw.endsWith('r/s')) digits = raw.slice(0, -3);
  else if (raw.endsWith('r/m')) {
    digits = raw.slice(0, -3);
    scale = 60;
  }
  const n = ngxAtoi(digits);
  if (n === undefined || n <= 0) return { ok: false, error: `invalid rate "rate=${raw}" (nginx takes a whole number of r/s or r/m)` };
  return { ok: true, value: idiv(n * 1000, scale) };
}

/** `burst=N`: N > 0 (an explicit burst=0 is an nginx config error; leave it out for 0). */
export function parseNginxBurst(text: string): ParseResult<number> {
  const raw = text.startsWith('burst=') ? text.slice(6) : text;
  const n = ngxAtoi(raw);
  if (n === undefined || n <= 0) return { ok: false, error: `invalid burst value "burst=${raw}"` };
  return { ok: true, value: n };
}

/** `delay=N` (N > 0) or `nodelay`. */
export function parseNginxDelay(text: string): ParseResult<number | 'nodelay'> {
  if (text === 'nodelay') return { ok: true, value: 'nodelay' };
  const raw = text.startsWith('delay=') ? text.slice(6) : text;
  const n = ngxAtoi(raw);
  if (n === undefined || n <= 0) return { ok: false, error: `invalid delay value "delay=${raw}"` };
  return { ok: true, value: n };
}

export interface LimitReqLimit {
  zone: string;
  /** R: milli-requests per second, as parseNginxRate returns it. */
  rateMilli: number;
  /** burst in requests (default 0). */
  burst: number;
  /** delay in requests (default 0 = delay every excess request), or `nodelay`. */
  delay: number | 'nodelay';
}

export interface LimitReqNode {
  /** Milli-requests waiting in the bucket. */
  excess: number;
  /** ms of the last accounted request. */
  last: number;
}

export interface LimitReqInput {
  limit: LimitReqLimit;
  /** The zone key's value for this request (e.g. $binary_remote_addr). Empty → not limited by this zone. */
  key: string;
  node: LimitReqNode | undefined;
}

export interface LimitReqZoneResult {
  zone: string;
  key: string;
  /** Why the zone did not look at this request. */
  skipped?: 'empty-key' | 'key-too-long' | 'not-reached';
  /** Excess (milli) computed for this request in this zone. */
  excess?: number;
  firstSeen?: boolean;
  rejected?: boolean;
  delayMs?: number;
}

export interface LimitReqDecision {
  /** $limit_req_status; NOT_LIMITED when every key was empty (the module declined). */
  outcome: 'PASSED' | 'DELAYED' | 'REJECTED' | 'NOT_LIMITED';
  delayMs: number;
  /** The zone that rejected, or that imposed the (largest) delay. */
  zone?: string;
  /** That zone's excess in milli-requests (what nginx logs as "excess: 5.000"). */
  excess: number;
  zones: LimitReqZoneResult[];
}

function delayMilli(limit: LimitReqLimit): number {
  return limit.delay === 'nodelay' ? Infinity : limit.delay * 1000;
}

function elapsed(now: number, last: number): number {
  const ms = now - last;
  if (ms < -60_000) return 1;
  return ms < 0 ? 0 : ms;
}

function nextExcess(node: LimitReqNode, rateMilli: number, ms: number): number {
  return Math.max(0, node.excess - idiv(rateMilli * ms, 1000) + 1000);
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The limit_req phase handler for one request: every limit_req of the context, in config order. */
export function limitReq(inputs: readonly LimitReqInput[], instantMs: number): { decision: LimitReqDecision; nodes: Array<LimitReqNode | undefined> } {
  const nowMs = Math.floor(instantMs); // ngx_current_msec is a whole number of ms
  const nodes = inputs.map((i) => i.node);
  const zones: LimitReqZoneResult[] = inputs.map((i) => ({ zone: i.limit.zone, key: i.key, skipped: 'not-reached' }));
  const pending: boolean[] = inputs.map(() => false);
  let rc: 'DECLINED' | 'AGAIN' | 'OK' | 'BUSY' = 'DECLINED';
  let excess = 0;
  let n = 0;
  let limitAt = inputs.length - 1;
  for (n = 0; n < inputs.length; n++) {
    const { limit, key } = inputs[n] as LimitReqInput;
    const zr = zones[n] as LimitReqZoneResult;
    limitAt = n;
    if (key.length === 0 || utf8Length(key) > 65_535) {
      zr.skipped = key.length === 0 ? 'empty-key' : 'key-too-long';
      continue;
    }
    delete zr.skipped;
    const account = n === inputs.length - 1;
    const node = nodes[n];
    if (node) {
      const ms = elapsed(nowMs, node.last);
      const e = nextExcess(node, limit.rateMilli, ms);
      excess = e;
      zr.excess = e;
      if (e > limit.burst * 1000) {
        zr.rejected = true;
        rc = 'BUSY';
        break;
      }
      if (account) {
        nodes[n] = { excess: e, last: ms !== 0 ? nowMs : node.last };
        rc = 'OK';
        break;
      }
    } else {
      excess = 0;
      zr.excess = 0;
      zr.firstSeen = true;
      if (account) {
        nodes[n] = { excess: 0, last: nowMs };
        rc = 'OK';
        break;
      }
      nodes[n] = { excess: 0, last: 0 };
    }
    pending[n] = true;
    rc = 'AGAIN';
  }
  if (rc === 'DECLINED') return { decision: { outcome: 'NOT_LIMITED', delayMs: 0, excess: 0, zones }, nodes };
  if (rc === 'BUSY') {
    return { decision: { outcome: 'REJECTED', delayMs: 0, zone: inputs[n]?.limit.zone, excess, zones }, nodes };
  }
  if (rc === 'AGAIN') excess = 0;
  // ngx_http_limit_req_account: the zone that accounted itself starts the max, then the pending ones.
  const first = inputs[limitAt] as LimitReqInput;
  let maxDelay = excess <= delayMilli(first.limit) ? 0 : idiv((excess - delayMilli(first.limit)) * 1000, first.limit.rateMilli);
  let zone: string | undefined = maxDelay > 0 ? first.limit.zone : undefined;
  let zoneExcess = excess;
  if (maxDelay > 0) (zones[limitAt] as LimitReqZoneResult).delayMs = maxDelay;
  for (let i = n - 1; i >= 0; i--) {
    if (!pending[i]) continue;
    const { limit } = inputs[i] as LimitReqInput;
    const node = nodes[i] as LimitReqNode;
    const ms = elapsed(nowMs, node.last);
    const e = nextExcess(node, limit.rateMilli, ms);
    nodes[i] = { excess: e, last: ms !== 0 ? nowMs : node.last };
    (zones[i] as LimitReqZoneResult).excess = e;
    if (e <= delayMilli(limit)) continue;
    const d = idiv((e - delayMilli(limit)) * 1000, limit.rateMilli);
    (zones[i] as LimitReqZoneResult).delayMs = d;
    if (d > maxDelay) {
      maxDelay = d;
      zone = limit.zone;
      zoneExcess = e;
    }
  }
  return { decision: { outcome: maxDelay > 0 ? 'DELAYED' : 'PASSED', delayMs: maxDelay, zone, excess: zoneExcess, zones }, nodes };
}

/** One zone, one key: the common case. */
export function limitReqOne(limit: LimitReqLimit, key: string, node: LimitReqNode | undefined, nowMs: number): { decision: LimitReqDecision; node: LimitReqNode | undefined } {
  const { decision, nodes } = limitReq([{ limit, key, node }], nowMs);
  return { decision, node: nodes[0] };
}
