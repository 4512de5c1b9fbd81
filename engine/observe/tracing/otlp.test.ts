import { describe, expect, it } from 'vitest';
import { toOtlpJson, unixNano } from './otlp.ts';
import type { Span } from './span-types.ts';

const root: Span = {
  req: 'c-1', name: 'gateway', kind: 'server', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), startMs: 1000, endMs: 1033.5,
  attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, cached: false }, service: 'gateway',
};
const backend: Span = { ...root, name: 'catalog', kind: 'server', spanId: 'c'.repeat(16), parentSpanId: 'b'.repeat(16), service: 'catalog', error: 'answered 503' };

describe('OTLP/JSON export', () => {
  it('has the resourceSpans → scopeSpans → spans shape, one resource per service', () => {
    const data = toOtlpJson([root, backend], 1_767_268_800_000);
    expect(data.resourceSpans.map((r) => r.resource.attributes)).toEqual([
      [{ key: 'service.name', value: { stringValue: 'gateway' } }],
      [{ key: 'service.name', value: { stringValue: 'catalog' } }],
    ]);
    const [g] = data.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(g).toEqual({
      traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', name: 'gateway', kind: 2,
      startTimeUnixNano: '1767268801000000000', endTimeUnixNano: '1767268801033500000',
      attributes: [
        { key: 'http.method', value: { stringValue: 'GET' } },
        { key: 'http.status_code', value: { intValue: '200' } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'cached', value: { boolValue: false } },
      ],
      status: { code: 0 },
    });
    const c = data.resourceSpans[1]!.scopeSpans[0]!.spans[0]!;
    expect(c.parentSpanId).toBe('b'.repeat(16));
    expect(c.status).toEqual({ code: 2, message: 'answered 503' });
    for (const s of [g!, c]) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(s.startTimeUnixNano).toMatch(/^\d{19}$/);
    }
  });

  it('keeps nanosecond strings exact beyond 2^53', () => {
    expect(unixNano(1_767_268_800_000, 0.001)).toBe('1767268800000001000');
  });
});
