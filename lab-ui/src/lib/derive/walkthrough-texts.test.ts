// @vitest-environment node
/**
 * What the views say, checked where a student's walkthrough of the lab found them saying something
 * wrong or empty: the access log's count line, another variant's answer beside the inspected
 * request, a side effect's name, a span's parent, the last time tick at a chart's edge, and who
 * ended a request in the requests table.
 */
import { describe, expect, it } from 'vitest';
import type { Span } from '../../../../engine/observe/tracing/span-types.ts';
import { frame, tickAnchor } from '../charts/axis.ts';
import { decidedByCell, statusCell } from './answered-by.ts';
import { effectSpanName, requestStory, statusAt } from './inspector.ts';
import { accessLogAt, accessLogNote, accessLogWritten, buildAccessLog } from './logs.ts';
import { parentLabel, waterfallOf } from './spans-waterfall.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

describe('the access log\'s count line', () => {
  it('says all lines are shown when fewer than the limit are written (it said "the last 200" of 100)', () => {
    expect(accessLogNote(100, 200)).toBe('100 lines written by this instant; all shown.');
    expect(accessLogNote(1, 200)).toBe('1 line written by this instant; all shown.');
    expect(accessLogNote(12_345, 200)).toBe('12,345 lines written by this instant; the last 200 are shown.');
    expect(accessLogNote(0, 200)).toBe('No line written by this instant.');
  });

  it('counts the lines written by t, the same number the log itself holds', () => {
    const index = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100 }, { id: 'a-2', at: 200 }, { id: 'a-3', at: 300 }]));
    const records = buildAccessLog(index);
    for (const t of [0, 150, 250, 10_000]) expect(accessLogWritten(index, records, t)).toBe(accessLogAt(index, records, t, 1000).length);
  });
});

describe('the inspector', () => {
  const index = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100 }, { id: 'a-2', at: 500, reject: { status: 429, plugin: 'rate-limit', reason: 'limit reached' } }]));

  it('says where the same request is in another variant at the cursor instead of "…"', () => {
    const row = index.byId.get('a-2')!;
    expect(statusAt(row, row.startT - 1)).toBe('not at the gateway yet');
    expect(statusAt(row, row.endT)).toBe('429');
    expect(statusAt(undefined, 0)).toBe('not in this run');
    const story = requestStory(index, 'a-1', Infinity)!;
    expect(statusAt(story.row, Infinity)).toBe(String(story.row.status));
  });

  it('names a side effect once, not "forward-auth: forward-auth: GET …", and still closes its span', () => {
    expect(effectSpanName('forward-auth', 'forward-auth: GET http://auth.internal:8080/verify')).toBe('forward-auth: GET http://auth.internal:8080/verify');
    expect(effectSpanName('retry', 'retry backoff: wait 6 ms')).toBe('retry backoff: wait 6 ms');
    expect(effectSpanName('rate-limit', 'redis INCR')).toBe('rate-limit: redis INCR');
    // A retry backoff from 100 to 106 ms: its name no longer starts with "retry:", its span must still end.
    const events = syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 20 }]);
    const at = events.findIndex((e) => e.type === 'upstream.send');
    events.splice(at, 0, { type: 'effect.start', t: 100, req: 'a-1', plugin: 'retry', effect: 'retry backoff: wait 6 ms' }, { type: 'effect.end', t: 106, req: 'a-1', plugin: 'retry', ok: true });
    const story = requestStory(buildTraceIndex(events), 'a-1', Infinity)!;
    expect(story.spans.filter((x) => x.kind === 'effect')).toEqual([{ name: 'retry backoff: wait 6 ms', from: 0, to: 6, kind: 'effect' }]);
  });

  it('heads a request the client gave up on with that, not with status 0 as if someone sent it', () => {
    const events = syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 1000 }]);
    const end = events.find((e) => e.type === 'request.end')!;
    Object.assign(end, { status: 0, source: 'client', upstreamMs: null });
    const story = requestStory(buildTraceIndex(events), 'a-1', Infinity)!;
    expect(story.headline).toBe('no answer: the client gave up after 1.00 s');
  });
});

describe('the span waterfall', () => {
  const span = (name: string, spanId: string, parentSpanId?: string): Span => ({
    req: 'c-1', name, kind: 'server', traceId: 'a'.repeat(32), spanId, ...(parentSpanId ? { parentSpanId } : {}), startMs: 0, endMs: 1, attributes: {}, service: name,
  });

  it('does not call the gateway span a root when it continues the client\'s span', () => {
    const w = waterfallOf([span('gateway', '1'.repeat(16), 'c'.repeat(16)), span('catalog', '2'.repeat(16), '1'.repeat(16))])!;
    expect(w.rows.map(parentLabel)).toEqual([`← caller ${'c'.repeat(16)}`, '← gateway']);
    expect(parentLabel(waterfallOf([span('gateway', '1'.repeat(16))])!.rows[0]!)).toBe('(root)');
  });
});

describe('chart time ticks', () => {
  it('anchors a tick at the right edge by its end, so its label stays inside the chart', () => {
    const f = frame(600, 120);
    expect(tickAnchor(f, f.width - f.right)).toBe('end');
    expect(tickAnchor(f, f.left)).toBe('middle');
    expect(tickAnchor(f, (f.left + f.width) / 2)).toBe('middle');
  });
});

describe('the requests table', () => {
  const row = (source: 'upstream' | 'gateway' | 'front' | 'client', status: number, decidedBy: string | null = null, reason: string | null = null) => ({ source, status, decidedBy, reason });

  it('says the client gave up rather than "0 … the backend" (retry-storm\'s partner after its 1 s timeout)', () => {
    expect([statusCell(row('client', 0)), decidedByCell(row('client', 0))]).toEqual(['gave up', 'the client: it stopped waiting']);
  });

  it('names the stage that replied, the gateway or front balancer when no stage did, and the backend otherwise', () => {
    expect(decidedByCell(row('gateway', 429, 'rate-limit', 'limit reached'))).toBe('rate-limit: limit reached');
    expect(decidedByCell(row('gateway', 504))).toBe('the gateway');
    expect(decidedByCell(row('front', 502))).toBe('the front balancer');
    expect([statusCell(row('upstream', 200)), decidedByCell(row('upstream', 200))]).toEqual(['200', 'the backend']);
  });
});
