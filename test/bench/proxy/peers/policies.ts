/**
 * The three policies every "with policies" peer runs, written once so each Node peer pays the same
 * price: an API key in the `apikey` header (one valid key), a per-client fixed-window counter with a
 * limit so high it never rejects (10M a minute, local memory), and one request header added.
 */
export const BENCH_KEY = 'bench-key';
export const ADDED_HEADER = 'x-bench';
export const LIMIT_PER_MINUTE = 10_000_000;

interface Window {
  start: number;
  count: number;
}

export class PolicyGate {
  private readonly windows = new Map<string, Window>();

  /** The status to answer with, or 0 to pass the request on. */
  check(apikey: string | string[] | undefined, clientIp: string, nowMs: number): number {
    if (apikey !== BENCH_KEY) return 401;
    const start = nowMs - (nowMs % 60_000);
    let w = this.windows.get(clientIp);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(clientIp, w);
    }
    w.count++;
    return w.count > LIMIT_PER_MINUTE ? 429 : 0;
  }
}
