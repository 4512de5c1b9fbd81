import { describe, expect, it } from 'vitest';
import { HdrHistogram, RollingHdrHistogram } from './histogram.ts';
import { RollingCounter, RtMetrics } from './metrics.ts';

/** 2026-01-01T12:00:00Z. */
const T0 = 1_767_268_800_000;

describe('rolling counters (semantics §4 / Traefik circuitBreaker; vulcand/oxy memmetrics/counter.go)', () => {
  it('count 10 one-second buckets aligned to whole seconds: the current second and the 9 before it', () => {
    const c = new RollingCounter();
    c.inc(T0 + 100);
    c.inc(T0 + 900);
    c.inc(T0 + 5_500);
    expect(c.count(T0 + 9_999)).toBe(3);
    // At 12:00:10.000 the window is 12:00:01–12:00:10: second 12:00:00 has left it.
    expect(c.count(T0 + 10_000)).toBe(1);
    expect(c.count(T0 + 15_999)).toBe(0);
  });

  it('a slot reused for a later second starts again from zero (no stale counts after a pause)', () => {
    const c = new RollingCounter();
    c.inc(T0 + 3_000, 5);
    c.inc(T0 + 13_000);
    expect(c.count(T0 + 13_500)).toBe(1);
  });
});

describe('round-trip metrics (semantics §4 / Traefik circuitBreaker; vulcand/oxy memmetrics/roundtrip.go)', () => {
  it('NetworkErrorRatio(): 502 and 504 over all, whoever answered; 503 is not a network error; 0 with no traffic', () => {
    const m = new RtMetrics();
    expect(m.view(T0).networkErrorRatio()).toBe(0);
    for (const s of [200, 502, 504, 503]) m.record(T0 + 10, s, 5);
    expect(m.view(T0 + 20).networkErrorRatio()).toBe(0.5);
    expect(m.view(T0 + 10_000).networkErrorRatio()).toBe(0);
  });

  it('ResponseCodeRatio(from, to, dividedByFrom, dividedByTo): from inclusive, to exclusive; 0 when the divisor counts nothing', () => {
    const m = new RtMetrics();
    for (const s of [200, 200, 404, 500, 503, 600]) m.record(T0, s, 1);
    const v = m.view(T0 + 1);
    expect(v.responseCodeRatio(500, 600, 0, 600)).toBe(2 / 5);
    expect(v.responseCodeRatio(500, 503, 200, 201)).toBe(1 / 2);
    expect(v.responseCodeRatio(400, 500, 300, 400)).toBe(0);
    expect(v.responseCodeRatio(500, 601, 0, 601)).toBe(3 / 6);
  });

  it('LatencyAtQuantileMS(q): q is a percentage; whole milliseconds, truncated', () => {
    const m = new RtMetrics();
    [10, 20, 30, 40, 250].forEach((ms) => m.record(T0, 200, ms));
    const v = m.view(T0);
    expect(v.latencyAtQuantileMs(50)).toBe(30);
    expect(v.latencyAtQuantileMs(100)).toBe(250);
    expect(v.latencyAtQuantileMs(150)).toBe(250);
    expect(new RtMetrics().view(T0).latencyAtQuantileMs(50)).toBe(0);
  });

  it('reset empties counters, status codes and the histogram (what oxy does on a trip)', () => {
    const m = new RtMetrics();
    m.record(T0, 502, 900);
    m.reset(T0 + 1);
    expect(m.summary(T0 + 2)).toMatchObject({ total: 0, networkErrors: 0, statusCodes: {}, latencySamples: 0, latencyP50Ms: 0 });
    m.record(T0 + 3, 200, 7);
    expect(m.summary(T0 + 4)).toMatchObject({ total: 1, statusCodes: { '200': 1 }, latencySamples: 1, latencyP50Ms: 7 });
  });
});

describe('latency histogram (semantics §4 / Traefik circuitBreaker; hdrhistogram-go hdr.go, oxy memmetrics/histogram.go)', () => {
  it('reports the highest value of the HDR bucket (2 significant figures, µs): 99.9 ms and 100.2 ms both read as 100 ms, 900 ms as 901 ms', () => {
    const h = new HdrHistogram();
    h.record(99_900);
    expect(h.valueAtQuantile(50)).toBe(100_351);
    const g = new HdrHistogram();
    g.record(100_200);
    expect(g.valueAtQuantile(50)).toBe(100_351);
    const f = new HdrHistogram();
    f.record(150_000);
    expect(f.valueAtQuantile(50)).toBe(150_527);
    const e = new HdrHistogram();
    e.record(900_000);
    expect(e.valueAtQuantile(50)).toBe(901_119);
    const small = new HdrHistogram();
    small.record(42);
    expect(small.valueAtQuantile(99)).toBe(42);
  });

  it('rounds the rank to the nearest count: with 10 samples the 1st percentile is rank 0, which reads as 0', () => {
    const h = new HdrHistogram();
    for (let i = 1; i <= 10; i++) h.record(i * 1000);
    expect(h.valueAtQuantile(1)).toBe(0);
    expect(h.valueAtQuantile(10)).toBe(1003);
    expect(h.valueAtQuantile(95)).toBe(10_047);
  });

  it('drops values beyond its range (about 71 minutes) without failing', () => {
    const h = new HdrHistogram();
    expect(h.record(2 ** 32)).toBe(false);
    expect(h.record(2 ** 32 - 1)).toBe(true);
  });

  it('rotates only when a latency is recorded 10 s after the last rotation, so a quiet spell keeps old latencies', () => {
    const r = new RollingHdrHistogram();
    r.recordLatency(T0, 900);
    // Five quiet minutes later, the slow sample still counts (900 ms reads as 901: its HDR bucket's top).
    expect(Math.trunc(r.merged().valueAtQuantile(50) / 1000)).toBe(901);
    r.recordLatency(T0 + 300_000, 10);
    expect(r.merged().total).toBe(2);
    // Six rotations push it out.
    for (let i = 1; i <= 5; i++) r.recordLatency(T0 + 300_000 + i * 10_000, 10);
    expect(r.merged().total).toBe(6);
    expect(Math.trunc(r.merged().valueAtQuantile(100) / 1000)).toBe(10);
  });
});
