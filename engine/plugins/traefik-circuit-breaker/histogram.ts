/**
 * The latency histogram behind LatencyAtQuantileMS, as oxy keeps it: an HDR histogram of
 * microseconds (lowest 1, highest 3 600 000 000, 2 significant figures — HdrHistogram/hdrhistogram-go)
 * inside a rolling set of 6 sub-histograms that rotates every 10 s (vulcand/oxy memmetrics
 * histogram.go). Two details a student can see in a trace:
 * - a quantile is reported as the *highest* value of its HDR bucket, so 99.9 ms reads as 100 ms and
 *   100.2 ms still as 100 ms (buckets are ≈1% wide);
 * - the window is not a clock: a sub-histogram rotates only when a latency is *recorded* at least
 *   10 s after the last rotation, and a read merges all six, so after a quiet spell old latencies
 *   still count (up to six rotations' worth, ≈ 50–60 s with steady traffic).
 */

/** 2 significant figures → 256 sub-buckets (half 128), unit magnitude 0; 25 buckets reach 2^32 µs. */
const SUB_BUCKET_HALF = 128;
const SUB_BUCKET_COUNT = 256;
const COUNTS_LEN = 26 * SUB_BUCKET_HALF;
const ROLL_PERIOD_MS = 10_000;
const SUB_HISTOGRAMS = 6;

/** Number of bits needed for x (Go's bitLen); arithmetic, since JS bit operators stop at 32 bits. */
function bitLen(x: number): number {
  let n = 0;
  for (let v = x; v >= 1; v = Math.floor(v / 2)) n++;
  return n;
}

function bucketOf(v: number): { bucket: number; sub: number } {
  const bucket = Math.max(bitLen(v), 8) - 8;
  return { bucket, sub: Math.floor(v / 2 ** bucket) };
}

function countsIndex(v: number): number {
  const { bucket, sub } = bucketOf(v);
  return (bucket + 1) * SUB_BUCKET_HALF + (sub - SUB_BUCKET_HALF);
}

/** The highest value that lands in the same HDR bucket as the values of counts index `idx`. */
function highestEquivalentOfIndex(idx: number): number {
  const bucket = idx < SUB_BUCKET_COUNT ? 0 : Math.floor(idx / SUB_BUCKET_HALF) - 1;
  const sub = idx < SUB_BUCKET_COUNT ? idx : (idx % SUB_BUCKET_HALF) + SUB_BUCKET_HALF;
  return sub * 2 ** bucket + 2 ** bucket - 1;
}

/** One HDR histogram: counts by index, which orders like the values. */
export class HdrHistogram {
  readonly counts = new Map<number, number>();
  total = 0;

  /** Records a value in µs; false when it is out of range (oxy ignores that error). */
  record(micros: number, n = 1): boolean {
    const idx = countsIndex(micros);
    if (idx < 0 || idx >= COUNTS_LEN) return false;
    this.counts.set(idx, (this.counts.get(idx) ?? 0) + n);
    this.total += n;
    return true;
  }

  merge(other: HdrHistogram): void {
    for (const [idx, n] of other.counts) this.counts.set(idx, (this.counts.get(idx) ?? 0) + n);
    this.total += other.total;
  }

  /**
   * hdrhistogram-go ValueAtQuantile, `q` in percent (0–100): the first index whose running count
   * reaches round(q/100 × total), reported as the highest value of that bucket; 0 when empty.
   */
  valueAtQuantile(q: number): number {
    const target = Math.trunc((Math.min(q, 100) / 100) * this.total + 0.5);
    if (this.total === 0 || target <= 0) return 0;
    let running = 0;
    for (const idx of [...this.counts.keys()].sort((a, b) => a - b)) {
      running += this.counts.get(idx) as number;
      if (running >= target) return highestEquivalentOfIndex(idx);
    }
    return 0;
  }
}

export class RollingHdrHistogram {
  private readonly buckets = Array.from({ length: SUB_HISTOGRAMS }, () => new HdrHistogram());
  private idx = 0;
  /** Go's zero time before the first record: the first record always rotates. */
  private lastRoll = Number.NEGATIVE_INFINITY;

  recordLatency(nowMs: number, latencyMs: number): void {
    if (nowMs - this.lastRoll >= ROLL_PERIOD_MS) {
      this.idx = (this.idx + 1) % SUB_HISTOGRAMS;
      this.buckets[this.idx] = new HdrHistogram();
      this.lastRoll = nowMs;
    }
    // Go: int64(d / time.Microsecond), truncated; the epsilon keeps 0.29 ms from reading as 289 µs.
    (this.buckets[this.idx] as HdrHistogram).record(Math.floor(latencyMs * 1000 + 1e-6));
  }

  reset(nowMs: number): void {
    this.idx = 0;
    this.lastRoll = nowMs;
    for (let i = 0; i < SUB_HISTOGRAMS; i++) this.buckets[i] = new HdrHistogram();
  }

  merged(): HdrHistogram {
    const out = new HdrHistogram();
    for (const b of this.buckets) out.merge(b);
    return out;
  }
}
