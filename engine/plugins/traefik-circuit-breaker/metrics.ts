/**
 * oxy's round-trip metrics (vulcand/oxy memmetrics roundtrip.go, counter.go), advanced lazily from
 * the `now` each call is given — no timers:
 * - counters are rolling windows of 10 buckets × 1 s, aligned to whole Unix seconds: a count at `now`
 *   covers the current second and the 9 before it;
 * - a "network error" is any recorded status 502 or 504 — oxy sees only the status the inner handler
 *   wrote, so a backend's own 502 counts as well as the gateway's "could not connect";
 * - NetworkErrorRatio() = errors / total (0 when total is 0); ResponseCodeRatio(a, b, c, d) = count of
 *   codes in [a, b) / count of codes in [c, d) (0 when the divisor is 0);
 * - latencies go to the rolling HDR histogram (histogram.ts).
 * The counter reads the window exactly; oxy before vulcand/oxy#245 (Nov 2024) could leave stale
 * buckets in it after a pause (see README.md).
 */
import type { MetricsView } from './expression.ts';
import { RollingHdrHistogram } from './histogram.ts';

const BUCKETS = 10;
const RESOLUTION_MS = 1000;

/**
 * Ten one-second slots, each remembering which second it holds. Reading sums the slots whose second
 * is inside the window; that equals oxy's cleanup-then-sum without mutating on read.
 */
export class RollingCounter {
  private readonly seconds: number[] = new Array<number>(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  private readonly values: number[] = new Array<number>(BUCKETS).fill(0);

  inc(nowMs: number, by = 1): void {
    const second = Math.floor(nowMs / RESOLUTION_MS);
    const slot = ((second % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.values[slot] = 0;
    }
    this.values[slot] = (this.values[slot] as number) + by;
  }

  count(nowMs: number): number {
    const oldest = Math.floor(nowMs / RESOLUTION_MS) - BUCKETS + 1;
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) if ((this.seconds[i] as number) >= oldest) sum += this.values[i] as number;
    return sum;
  }
}

export interface MetricsSummary {
  windowSeconds: number;
  total: number;
  networkErrors: number;
  networkErrorRatio: number;
  statusCodes: Record<string, number>;
  latencySamples: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export class RtMetrics {
  private total = new RollingCounter();
  private netErrors = new RollingCounter();
  private statusCodes = new Map<number, RollingCounter>();
  private readonly histogram = new RollingHdrHistogram();

  record(nowMs: number, status: number, latencyMs: number): void {
    this.total.inc(nowMs);
    if (status === 502 || status === 504) this.netErrors.inc(nowMs);
    let c = this.statusCodes.get(status);
    if (!c) this.statusCodes.set(status, (c = new RollingCounter()));
    c.inc(nowMs);
    this.histogram.recordLatency(nowMs, latencyMs);
  }

  /** What oxy does on every trip: counters emptied, status codes forgotten, histogram restarted at now. */
  reset(nowMs: number): void {
    this.total = new RollingCounter();
    this.netErrors = new RollingCounter();
    this.statusCodes = new Map();
    this.histogram.reset(nowMs);
  }

  /** The metrics as the expression sees them at `nowMs`. */
  view(nowMs: number): MetricsView {
    return {
      networkErrorRatio: () => {
        const total = this.total.count(nowMs);
        return total === 0 ? 0 : this.netErrors.count(nowMs) / total;
      },
      responseCodeRatio: (from, to, dividedByFrom, dividedByTo) => {
        let a = 0;
        let b = 0;
        for (const [code, counter] of this.statusCodes) {
          const n = counter.count(nowMs);
          if (code >= from && code < to) a += n;
          if (code >= dividedByFrom && code < dividedByTo) b += n;
        }
        return b === 0 ? 0 : a / b;
      },
      // int(h.LatencyAtQuantile(q) / time.Millisecond): µs → whole ms, truncated.
      latencyAtQuantileMs: (q) => Math.trunc(this.histogram.merged().valueAtQuantile(q) / 1000),
    };
  }

  summary(nowMs: number): MetricsSummary {
    const statusCodes: Record<string, number> = {};
    for (const [code, counter] of [...this.statusCodes].sort((x, y) => x[0] - y[0])) {
      const n = counter.count(nowMs);
      if (n > 0) statusCodes[String(code)] = n;
    }
    const merged = this.histogram.merged();
    const view = this.view(nowMs);
    return {
      windowSeconds: (BUCKETS * RESOLUTION_MS) / 1000,
      total: this.total.count(nowMs),
      networkErrors: this.netErrors.count(nowMs),
      networkErrorRatio: Math.round(view.networkErrorRatio() * 1000) / 1000,
      statusCodes,
      latencySamples: merged.total,
      latencyP50Ms: Math.trunc(merged.valueAtQuantile(50) / 1000),
      latencyP99Ms: Math.trunc(merged.valueAtQuantile(99) / 1000),
    };
  }
}
