/**
 * A `count` expectation measures responses (request.end instants), while the search counts admission
 * instants. This turns a confirmed violation into the response window a scenario can assert: the
 * busiest window of the claim's length over the client's responses, or — when backend latency spread
 * the responses over slightly more than that — the span of the violating admissions' responses.
 */
import type { RequestEndEvent, TraceEvent } from '../trace/events.ts';
import type { RateClaim } from './claim.ts';

export interface ResponseWindow {
  /** Whole ms since the start; the window is [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  status: number;
  /** Responses with `status` ending in the window (what the expectation asserts). */
  count: number;
  /** True when the window is the claim's own length (the violation shows in responses as well). */
  claimLength: boolean;
}

export function responseWindow(
  claim: RateClaim,
  events: readonly TraceEvent[],
  clientId: string,
  admission: { startMs: number },
): ResponseWindow {
  const firstSend = new Map<string, number>();
  const ends: RequestEndEvent[] = [];
  for (const e of events) {
    if (e.type === 'upstream.send' && !firstSend.has(e.req)) firstSend.set(e.req, e.t);
    if (e.type === 'request.end' && e.client === clientId && e.status >= 200 && e.status < 300) ends.push(e);
  }
  const status = commonest(ends.map((e) => e.status));
  const times = ends.filter((e) => e.status === status).map((e) => e.t).sort((a, b) => a - b);
  // Expectation instants are written to the millisecond, so windows start on whole milliseconds.
  let best = { fromMs: 0, count: 0 };
  for (const t of times) {
    const fromMs = Math.floor(t);
    const count = countIn(times, fromMs, fromMs + claim.windowMs);
    if (count > best.count) best = { fromMs, count };
  }
  if (best.count > claim.max) {
    return { fromMs: best.fromMs, toMs: best.fromMs + claim.windowMs, status, count: best.count, claimLength: true };
  }
  // The responses of the requests admitted in the busiest admission window.
  const inWindow = ends
    .filter((e) => e.status === status)
    .filter((e) => {
      const at = firstSend.get(e.req);
      return at !== undefined && at >= admission.startMs && at < admission.startMs + claim.windowMs;
    })
    .map((e) => e.t);
  const fromMs = Math.floor(Math.min(...inWindow));
  const toMs = Math.floor(Math.max(...inWindow)) + 1;
  return { fromMs, toMs, status, count: countIn(times, fromMs, toMs), claimLength: false };
}

function countIn(sorted: readonly number[], fromMs: number, toMs: number): number {
  let n = 0;
  for (const t of sorted) if (t >= fromMs && t < toMs) n++;
  return n;
}

function commonest(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 200;
  let most = 0;
  for (const [v, n] of counts) if (n > most) [best, most] = [v, n];
  return best;
}
