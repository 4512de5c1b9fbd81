// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { bucketSizeFor } from './buckets.ts';
import { buildLatencyTable, latencyAt, latencyPeak, latencySpread, latencyTableOf, sharedLatencyAxis } from './latency.ts';
import { downsample, limiterSeries, pointsUntil, valueAt, windowEnd } from './limiter.ts';
import { buildRateTable, OTHER_CLIENTS, ratesAt, stackOf, zeroCounts } from './rates.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const rl = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

describe('rates', () => {
  const index = buildTraceIndex(
    syntheticTrace([
      { id: 'a-1', at: 100, upstreamMs: 5 },
      { id: 'a-2', at: 200, reject: rl },
      { id: 'a-3', at: 1500, upstreamMs: 5 },
      { id: 'b-1', client: 'c2', at: 1600, reject: rl },
    ], { endT: 3000 }),
  );
  const table = buildRateTable(index, 1000);

  it('counts each client per bucket by outcome, cut at the cursor', () => {
    const at = ratesAt(index, table, 1502);
    const c1 = at.find((r) => r.client === 'c1');
    expect(c1?.buckets.map((b) => [b.t0, b.value.ok, b.value.rejected])).toEqual([[0, 1, 1], [1000, 0, 0]]);
    const later = ratesAt(index, table, 2500).find((r) => r.client === 'c1');
    expect(later?.buckets[1]?.value.ok).toBe(1);
    expect(later?.peak).toBe(2);
  });

  it('folds clients beyond the limit into one series', () => {
    const many = buildTraceIndex(syntheticTrace(['a', 'b', 'c'].map((c, i) => ({ id: `${c}-1`, client: c, at: i * 10 }))));
    expect(buildRateTable(many, 1000, 2).groups).toEqual(['a', OTHER_CLIENTS]);
  });

  it('stacks outcomes bottom-up, admitted first', () => {
    const c = { ...zeroCounts(), ok: 3, rejected: 2 };
    expect(stackOf(c)).toEqual([{ outcome: 'ok', y0: 0, y1: 3 }, { outcome: 'rejected', y0: 3, y1: 5 }]);
  });

  it('picks round bucket sizes', () => {
    expect(bucketSizeFor(120_000)).toBe(1000);
    expect(bucketSizeFor(10_000)).toBe(100);
    expect(bucketSizeFor(3_600_000)).toBe(30_000);
  });
});

describe('latency', () => {
  it('splits gateway and upstream time per bucket', () => {
    const index = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 20 }, { id: 'a-2', at: 150, upstreamMs: 40 }]));
    const table = buildLatencyTable(index, 1000);
    const [b] = latencyAt(index, table, 999);
    expect(b?.value).toMatchObject({ n: 2, gatewayMean: 0, upstreamMean: 30, p50: 20, p99: 40 });
    expect(latencyPeak(table)).toBe(40);
    expect(b?.value).toMatchObject({ gatewayP99: 0, upstreamP99: 40 });
    expect(latencySpread(table)).toEqual({ gateway: 0, upstream: 40, log: false });
  });

  it('war story: per-part p99s, and a log axis when the gateway dwarfs the upstream', () => {
    // Requests that waited seconds for the gateway's CPU while the backend answered in 15–40 ms.
    const events = syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 15 }, { id: 'a-2', at: 150, upstreamMs: 40 }, { id: 'a-3', at: 200, reject: { status: 504, plugin: 'front', reason: 'timeout' } }]).map((e) =>
      e.type === 'request.end' ? { ...e, gatewayMs: e.upstreamMs === null ? 5000 : 2600, ms: (e.upstreamMs ?? 0) + (e.upstreamMs === null ? 5000 : 2600) } : e,
    );
    const index = buildTraceIndex(events);
    const table = buildLatencyTable(index, 1000);
    const [b] = latencyAt(index, table, 999);
    expect(b?.value).toMatchObject({ n: 3, gatewayP99: 5000, upstreamP99: 40 });
    expect(latencySpread(table)).toEqual({ gateway: 5000, upstream: 40, log: true });
  });

  it('puts variants side by side on one axis: log when any needs it, up to the highest peak (bottleneck-diagnosis)', () => {
    const calm = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 20 }, { id: 'a-2', at: 150, upstreamMs: 40 }]));
    const stuck = buildTraceIndex(
      syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 15 }]).map((e) => (e.type === 'request.end' ? { ...e, gatewayMs: 2600, ms: 2615 } : e)),
    );
    const calmTable = latencyTableOf(calm, 1000);
    // Memoised per index and bucket size: each panel's chart reads every panel's table.
    expect(latencyTableOf(calm, 1000)).toBe(calmTable);
    expect(latencySpread(calmTable).log).toBe(false);
    // The calm panel drew stacked bars to 40 ms beside the stuck one's log lines to 2.6 s.
    expect(sharedLatencyAxis([calmTable, latencyTableOf(stuck, 1000)])).toEqual({ log: true, peak: 2615 });
    expect(sharedLatencyAxis([calmTable])).toEqual({ log: false, peak: 40 });
  });
});

describe('a fixed window counted again at its end (semantics §1: Kong windows start at :00 UTC)', () => {
  const noon = Date.UTC(2026, 0, 1, 12);
  const kong = (usage: number, windowStart: number) => ({ period: 'minute', limit: 100, usage, remaining: 100 - usage - 1, windowStart, identifier: 'x' });
  const index = buildTraceIndex(
    syntheticTrace([
      { id: 'a-1', at: 59_000, data: kong(98, noon) },
      { id: 'a-2', at: 59_500, data: kong(99, noon) },
      { id: 'a-3', at: 61_000, data: kong(0, noon + 60_000) },
    ], { endT: 130_000 }),
  );
  const line = (field: string) => limiterSeries(index).find((s) => s.field === field)?.lines[0];

  it('drops usage to 0 and puts remaining back to the limit at the window\'s end, not at the next request', () => {
    // boundary-burst: "usage 99" stayed on the chart from 12:01:00 to the request at 12:01:01.
    expect(valueAt(line('usage')!, 59_900)).toBe(99);
    expect(valueAt(line('usage')!, 60_500)).toBe(0);
    expect(valueAt(line('remaining')!, 60_500)).toBe(100);
    expect(valueAt(line('usage')!, 61_000)).toBe(0);
    expect(valueAt(line('remaining')!, 61_000)).toBe(99);
    // The last window ends inside the run too (12:02:00 < 12:02:10).
    expect(valueAt(line('remaining')!, 125_000)).toBe(100);
    expect([...line('usage')!.times]).toEqual([...line('usage')!.times].sort((a, b) => a - b));
  });

  it('knows a window only from a period it can measure', () => {
    expect(windowEnd(kong(0, noon), noon)).toBe(60_000);
    expect(windowEnd({ ...kong(0, noon), period: 'second' }, noon)).toBe(1000);
    expect(windowEnd({ ...kong(0, noon), period: 'month' }, noon)).toBeNull();
    expect(windowEnd({ remaining: 1, limit: 2, windowStart: noon }, noon)).toBeNull();
  });
});

describe('limiter series', () => {
  const index = buildTraceIndex(
    syntheticTrace([
      { id: 'a-1', at: 100, data: { remaining: 1, limit: 2, windowStart: 1767268800000, identifier: 'x' } },
      { id: 'a-2', at: 200, data: { remaining: 0, limit: 2, windowStart: 1767268800000, identifier: 'x' } },
    ]),
  );
  const series = limiterSeries(index);

  it('charts every numeric data field, skipping instants and strings', () => {
    const fields = series.filter((s) => s.plugin === 'rate-limit').map((s) => s.field);
    expect(fields).toContain('remaining');
    expect(fields).toContain('limit');
    expect(fields).not.toContain('windowStart');
    expect(fields).not.toContain('identifier');
  });

  it('marks constant fields and orders changing ones first', () => {
    const rlSeries = series.filter((s) => s.plugin === 'rate-limit');
    expect(rlSeries[0]?.field).toBe('remaining');
    expect(rlSeries.find((s) => s.field === 'limit')?.constant).toBe(2);
  });

  it('reads a line at the cursor', () => {
    const line = series.find((s) => s.field === 'remaining')?.lines[0];
    expect(line?.group).toBe('gw-0');
    expect(line && valueAt(line, 150)).toBe(1);
    expect(line && valueAt(line, 50)).toBeNull();
    expect(line && pointsUntil(line, 150).length).toBe(1);
  });

  it('picks up plugin.state snapshots without knowing the plugin', () => {
    const events = syntheticTrace([]);
    events.splice(2, 0, { type: 'plugin.state', t: 0, replica: 'gw-0', plugin: 'breaker', state: { failures: 3, nested: { open: 1 }, name: 'x' } });
    const s = limiterSeries(buildTraceIndex(events));
    expect(s.map((x) => `${x.plugin}:${x.source}:${x.field}`)).toEqual(['breaker:state:failures', 'breaker:state:nested.open']);
  });

  it('downsamples while keeping spikes', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ t: i, v: i === 500 ? 99 : 1 }));
    const d = downsample(pts, 0, 1000, 10);
    expect(d.length).toBeLessThanOrEqual(40);
    expect(d.some((p) => p.v === 99)).toBe(true);
  });
});
