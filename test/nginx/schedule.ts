/**
 * The fixed schedule fired at the real nginx and at the emulation (semantics §2), and the three
 * limit_req locations it is fired at.
 *
 * Why these instants: nginx reads its clock in whole milliseconds, cached once per event-loop
 * iteration, and a loaded machine adds a few ms between our send and nginx's read. A request that
 * sits exactly on an edge (the instant the bucket has drained enough to pass, or to need no delay)
 * can therefore go either way in nginx itself. The group instants below were chosen so that, at
 * the nominal times, every request of every location keeps its outcome if it moved by up to
 * ±25 ms (schedule.test.ts checks this), and every delay nginx imposes is either 0 or ≥ 60 ms, so
 * the "delayed" bucket (≥ 30 ms) cannot be confused with jitter.
 */
import type { LimitReqLimit } from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';

/** One rate for all three zones: 10r/s, i.e. R = 10 000 milli-requests per second (100 ms per request). */
export const RATE = '10r/s';
export const RATE_MILLI = 10_000;

export interface LimitReqLocation {
  /** URL path, also the zone name with '-' for '_'. */
  path: string;
  /** The emulation's view of the `limit_req` line. */
  limit: LimitReqLimit;
  /** The `limit_req` directive as written in nginx.conf. */
  directive: string;
}

export const LOCATIONS: readonly LimitReqLocation[] = [
  {
    path: '/burst-delay',
    limit: { zone: 'burst_delay', rateMilli: RATE_MILLI, burst: 5, delay: 0 },
    directive: 'limit_req zone=burst_delay burst=5;',
  },
  {
    path: '/burst-nodelay',
    limit: { zone: 'burst_nodelay', rateMilli: RATE_MILLI, burst: 5, delay: 'nodelay' },
    directive: 'limit_req zone=burst_nodelay burst=5 nodelay;',
  },
  {
    path: '/no-burst',
    limit: { zone: 'no_burst', rateMilli: RATE_MILLI, burst: 0, delay: 0 },
    directive: 'limit_req zone=no_burst;',
  },
];

/**
 * [offset ms from the schedule start, requests sent back to back at that instant]. Read with the
 * 10r/s bucket in mind: a burst of 8 at 0 (burst+1 fit, the rest are rejected), stragglers while
 * the bucket is still full, partial drains (delays of 349, 449 … ms), a 1.3 s idle gap that empties
 * the bucket, a second burst, and single requests spaced 69–161 ms so `no-burst` shows both its
 * 100 ms spacing rule and its rejections.
 */
export const GROUPS: ReadonlyArray<readonly [offsetMs: number, count: number]> = [
  [0, 8],
  [37, 1],
  [251, 2],
  [733, 3],
  [1000, 1],
  [1140, 2],
  [1460, 1],
  [1597, 4],
  [2900, 8],
  [3061, 1],
  [3213, 1],
  [3371, 2],
  [3440, 2],
  [4100, 1],
];

/** Total requests per location (bounded: the test never sends more). */
export const REQUESTS_PER_LOCATION = GROUPS.reduce((n, [, c]) => n + c, 0);

/** Nominal send instants (ms), requests of one group a hair apart in send order. */
export function nominalTimes(): number[] {
  const out: number[] = [];
  for (const [t, n] of GROUPS) for (let i = 0; i < n; i++) out.push(t + i * 0.3);
  return out;
}

/** How far (ms) a request may move without changing outcome before the test stops trusting it. */
export const EDGE_MARGIN_MS = 15;

/** nginx's $request_time at or above this counts as "delayed"; the schedule's delays are all ≥ 60 ms. */
export const DELAYED_BUCKET_MS = 30;
