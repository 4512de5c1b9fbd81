// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { counterDiff, outcomeChanges } from './diff.ts';
import { dataRows, headerRows, requestStory } from './inspector.ts';
import { accessLogAt, buildAccessLog, eventsAt, formatAccessLine, metricsAt, parseExposition } from './logs.ts';
import { buildStageCounts, dotsAt, jitter, positionAt, topologyLayout } from './topology.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const rl = { status: 429, plugin: 'rate-limit', reason: 'minute window: 100 of 100 used — limit reached, 429' };
const index = buildTraceIndex(
  syntheticTrace([
    { id: 'a-1', at: 100, upstreamMs: 20, data: { remaining: 1 } },
    { id: 'a-2', at: 200, reject: rl, data: { remaining: 0, windowStart: 1767268800000 } },
  ]),
);

describe('requestStory', () => {
  it('tells a rejected request: who decided and why, with no upstream', () => {
    const s = requestStory(index, 'a-2', Infinity);
    expect(s?.headline).toBe(`429 from rate-limit: ${rl.reason}`);
    expect(s?.decisions.map((d) => `${d.plugin}:${d.verdict}`)).toEqual(['router:next', 'rate-limit:reply']);
    expect(s?.upstreamRequest).toBeNull();
    expect(s?.responseBody).toContain('rate limit exceeded');
    const d = s?.decisions[1];
    expect(d && dataRows(d)).toEqual([{ key: 'remaining', value: '0' }, { key: 'windowStart', value: '2026-01-01T12:00:00Z' }]);
  });

  it('tells an admitted request: the headers the backend saw and the time split', () => {
    const s = requestStory(index, 'a-1', Infinity);
    expect(s?.upstreamRequest?.target).toBe('s.internal:8080');
    expect(headerRows(s?.upstreamRequest?.headers ?? null)).toEqual([{ name: 'x-forwarded-for', value: '203.0.113.7' }]);
    expect(s?.upstreamResponse).toEqual({ status: 200, ms: 20 });
    expect(s?.spans.map((x) => [x.kind, x.from, x.to])).toEqual([['request', 0, 20], ['gateway', 0, 20], ['upstream', 0, 20]]);
    expect(s?.timeline[0]?.event.type).toBe('request.start');
    expect(requestStory(index, 'nope', Infinity)).toBeNull();
  });

  it('tells a request only as far as the cursor: in flight before its request.end, absent before its start', () => {
    const s = requestStory(index, 'a-1', 110);
    expect(s?.headline).toBe('a-1 is still in flight');
    expect(s?.row).toMatchObject({ status: null, outcome: 'in-flight', ms: null, upstreamMs: null, endT: Infinity });
    expect(s?.upstreamResponse).toBeNull();
    expect(s?.responseHeaders).toBeNull();
    expect(s?.spans.map((x) => [x.kind, x.from, x.to])).toEqual([['gateway', 0, 10]]);
    expect(s?.timeline.every((e) => e.event.t <= 110)).toBe(true);
    expect(requestStory(index, 'a-1', 99)).toBeNull();
    expect(requestStory(index, 'a-1', 120)?.row.status).toBe(200);
  });

  it('splits repeated headers into rows', () => {
    expect(headerRows({ 'set-cookie': ['a', 'b'] })).toEqual([{ name: 'set-cookie', value: 'a' }, { name: 'set-cookie', value: 'b' }]);
  });
});

describe('access log and metrics at the cursor', () => {
  const records = buildAccessLog(index);
  it('writes one line per ended request, in the upstreaminfo format', () => {
    expect(records).toHaveLength(2);
    expect(accessLogAt(index, records, 110, 10)).toHaveLength(0);
    const lines = accessLogAt(index, records, 10_000, 10);
    expect(lines.map((l) => l.row.id)).toEqual(['a-1', 'a-2']);
    expect(formatAccessLine(lines[0]!.record, 'upstreaminfo')).toMatch(/^203\.0\.113\.7 - - \[01\/Jan\/2026:12:00:00 \+0000\] "GET \/x HTTP\/1\.1" 200 /);
    expect(JSON.parse(formatAccessLine(lines[1]!.record, 'json')).status).toBe(429);
    expect(accessLogAt(index, records, 10_000, 1).map((l) => l.row.id)).toEqual(['a-2']);
  });
  it('exposes only what ended by t', () => {
    const early = parseExposition(metricsAt(index, 150));
    expect(early.filter((s) => s.name === 'gatelab_http_requests_total')).toEqual([
      { name: 'gatelab_http_requests_total', labels: 'service="s",route="r",code="200",source="service"', value: '1' },
    ]);
    expect(parseExposition(metricsAt(index, 10_000)).filter((s) => s.name === 'gatelab_http_requests_total')).toHaveLength(2);
  });
  it('lists raw events up to t, filtered by type', () => {
    const evs = eventsAt(index, 150, 100, new Set(['request.start']));
    expect(evs.map((e) => e.event.type)).toEqual(['request.start']);
    expect(eventsAt(index, 10_000, 3)).toHaveLength(3);
  });
});

describe('topology', () => {
  const layout = topologyLayout(index);
  it('lays out clients, front balancer, replicas, stages in order, backends', () => {
    expect(layout.nodes.map((n) => n.id)).toEqual(['client:c1', 'front', 'replica:gw-0', 'stage:router', 'stage:rate-limit', 'stage:balancer', 'backend:s']);
    expect(layout.edges).toContainEqual({ from: 'stage:balancer', to: 'backend:s' });
  });
  it('moves a dot between the nodes of its events and lingers it at the client', () => {
    const mid = dotsAt(index, layout, 110, { lingerMs: 100, maxDots: 100 });
    const dot = mid.find((d) => d.req === 'a-1');
    const balancer = layout.byId.get('stage:balancer')!;
    const backend = layout.byId.get('backend:s')!;
    expect(dot?.moving).toBe(true);
    expect(dot!.x).toBeGreaterThan(balancer.x);
    expect(dot!.x).toBeLessThan(backend.x + backend.w);
    const after = dotsAt(index, layout, 250, { lingerMs: 100, maxDots: 100 });
    expect(after.find((d) => d.req === 'a-2')).toMatchObject({ moving: false, outcome: 'rejected' });
    expect(after.find((d) => d.req === 'a-1')).toBeUndefined();
  });
  it('samples when there are too many dots but keeps the selected one', () => {
    const many = buildTraceIndex(syntheticTrace(Array.from({ length: 50 }, (_, i) => ({ id: `r-${i}`, at: 100, upstreamMs: 50 }))));
    const l = topologyLayout(many);
    const dots = dotsAt(many, l, 120, { lingerMs: 0, maxDots: 10, selected: 'r-33' });
    expect(dots.length).toBeLessThanOrEqual(11);
    expect(dots.some((d) => d.req === 'r-33')).toBe(true);
  });
  it('counts per stage what passed and what it answered', () => {
    const at = buildStageCounts(index);
    expect(at(10_000).get('rate-limit')).toEqual({ passed: 1, replied: [{ status: 429, count: 1 }] });
    expect(at(150).get('rate-limit')).toEqual({ passed: 1, replied: [] });
  });
  it('counts a request once per stage even when the stage decides twice (a resumed wait, a retry)', () => {
    const events = syntheticTrace([{ id: 'a-1', at: 100, upstreamMs: 20 }, { id: 'a-2', at: 200, upstreamMs: 20 }]);
    const again = events.filter((e) => e.type === 'plugin.decision' && e.req === 'a-1').map((e) => ({ ...e, t: 150 }));
    const at = buildStageCounts(buildTraceIndex([...events.filter((e) => e.t <= 150), ...again, ...events.filter((e) => e.t > 150)]));
    expect(again.length).toBeGreaterThan(0);
    for (const counts of at(10_000).values()) expect(counts.passed).toBe(2);
  });
  it('moves a dot only on events at or before t, gliding over the hop, and places dots stably', () => {
    const pts = [{ t: 0, x: 0, y: 0 }, { t: 10, x: 100, y: 50 }];
    expect(positionAt(pts, -1, 10)).toBeNull();
    // Before the second event the dot waits where the first one put it: it does not head anywhere yet.
    expect(positionAt(pts, 5, 10)).toEqual({ x: 0, y: 0 });
    expect(positionAt(pts, 15, 10)).toEqual({ x: 50, y: 25 });
    expect(positionAt(pts, 30, 10)).toEqual({ x: 100, y: 50 });
    expect(positionAt(pts, 10, 0)).toEqual({ x: 100, y: 50 });
    // One instant's points are a path, travelled by length; a glide cut short goes on from where it was.
    const path = [{ t: 0, x: 0, y: 0 }, { t: 0, x: 10, y: 0 }, { t: 0, x: 10, y: 30 }, { t: 4, x: 50, y: 30 }];
    expect(positionAt(path, 2, 8)).toEqual({ x: 10, y: 0 });
    expect(positionAt(path, 4, 8)).toEqual({ x: 10, y: 10 });
    expect(positionAt(path, 8, 8)).toEqual({ x: 30, y: 20 });
    expect(jitter('a')).toBe(jitter('a'));
    expect(jitter('a')).not.toBe(jitter('b'));
  });
});

describe('variant diff', () => {
  const other = buildTraceIndex(
    syntheticTrace([{ id: 'a-1', at: 100, reject: rl }, { id: 'a-2', at: 200, reject: rl }], { variant: 'strict' }),
  );
  it('compares counters at the same instant', () => {
    const d = counterDiff(index, other, 10_000);
    expect(d.find((x) => x.key === 'admitted')).toMatchObject({ base: 1, other: 0, delta: -1 });
    expect(d.find((x) => x.key === 'rejected')).toMatchObject({ base: 1, other: 2, delta: 1 });
  });
  it('lists requests that ended differently', () => {
    expect(outcomeChanges(index, other, 10_000).map((c) => c.req)).toEqual(['a-1']);
    expect(outcomeChanges(index, other, 110)).toEqual([]);
  });
});
