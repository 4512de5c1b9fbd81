// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Span } from '../../../../engine/observe/tracing/span-types.ts';
import { waterfallOf } from './spans-waterfall.ts';

const T = 'a'.repeat(32);
const span = (name: string, spanId: string, startMs: number, endMs: number, parentSpanId?: string, traceId = T): Span => ({
  req: 'c-1', name, kind: name === 'upstream' ? 'client' : 'server', traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), startMs, endMs, attributes: {},
  service: name === 'gateway' || name === 'upstream' ? 'gateway' : name,
});

describe('span waterfall', () => {
  it('nests spans under their parents, gateway tree first, on the request\'s time axis', () => {
    const w = waterfallOf([
      span('inventory', '4'.repeat(16), 1004, 1012, '3'.repeat(16)),
      span('gateway', '1'.repeat(16), 1000, 1040),
      span('upstream', '2'.repeat(16), 1002, 1040, '1'.repeat(16)),
      span('catalog', '3'.repeat(16), 1003, 1038, '2'.repeat(16)),
    ])!;
    expect(w.rows.map((r) => [r.span.name, r.depth, r.parentName])).toEqual([
      ['gateway', 0, null], ['upstream', 1, 'gateway'], ['catalog', 2, 'upstream'], ['inventory', 3, 'catalog'],
    ]);
    expect(w.rows[0]).toMatchObject({ leftPct: 0, widthPct: 100, durationMs: 40 });
    expect(w.rows[3]!.leftPct).toBeCloseTo(10);
    expect(w.strayTraces).toEqual([]);
  });

  it('lists a span of another trace after the gateway tree and flags it', () => {
    const w = waterfallOf([
      span('gateway', '1'.repeat(16), 0, 10),
      span('inventory', '4'.repeat(16), 2, 5, undefined, 'b'.repeat(32)),
    ])!;
    expect(w.rows.map((r) => [r.span.name, r.depth, r.inGatewayTrace])).toEqual([['gateway', 0, true], ['inventory', 0, false]]);
    expect(w.strayTraces).toEqual(['b'.repeat(32)]);
  });

  it('is null without spans', () => {
    expect(waterfallOf([])).toBeNull();
  });
});
