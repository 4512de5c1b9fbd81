// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { requestStory } from './inspector.ts';
import { metricsAt, parseExposition } from './logs.ts';
import { copiesEndedAt, requestCopies } from './request-copies.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const mirrorDecision = (req: string, t: number): TraceEvent => ({
  type: 'plugin.decision', t, req, plugin: 'request-mirror', phase: 'access', verdict: 'next',
  reason: 'copied to v2 when the request goes upstream; its response is ignored',
  data: { mirrored: true, service: 'v2', endpoint: 'v2.internal:8080' },
});
const copyEnd = (req: string, t: number, status: number, error?: 'timeout' | 'reset' | 'connect'): TraceEvent => ({
  type: 'copy.end', t, req, plugin: 'request-mirror', service: 'v2', target: 'v2.internal:8080', status, ms: 300, ...(error ? { error } : {}),
});

/** Two mirrored requests answered at 10 and 110 ms whose copies end at 300 ms (a 200) and 400 ms (timed out). */
function mirroredTrace(): TraceEvent[] {
  const events = syntheticTrace([{ id: 'a-1', at: 0, upstreamMs: 10 }, { id: 'a-2', at: 100, upstreamMs: 10 }]);
  const extra = [mirrorDecision('a-1', 0), mirrorDecision('a-2', 100), copyEnd('a-1', 300, 200), copyEnd('a-2', 400, 0, 'timeout')];
  const runEnd = events.pop() as TraceEvent;
  // The mirror decides right after the router, as it runs in the access phase; stable sort keeps that order at equal t.
  const merged = [...events, ...extra].sort((a, b) => a.t - b.t || rank(a) - rank(b));
  return [...merged, { ...runEnd, t: 1000 }];
}
function rank(e: TraceEvent): number {
  return e.type === 'run.start' || e.type === 'config.load' ? -1 : 0;
}

describe('mirror copies in the Metrics view (§7: a shadow is counted in its cluster, never as a request)', () => {
  const index = buildTraceIndex(mirroredTrace());
  const shadows = (t: number) => parseExposition(metricsAt(index, t)).filter((s) => s.name === 'gatelab_upstream_shadow_requests_total');
  it('counts each copy once its copy.end is behind the cursor, by the code the exposition uses', () => {
    expect(shadows(200)).toEqual([]);
    expect(shadows(300)).toEqual([{ name: 'gatelab_upstream_shadow_requests_total', labels: 'service="v2",code="200"', value: '1' }]);
    // A copy that timed out is counted 504, as Envoy charges an aborted upstream request.
    expect(shadows(1000).map((s) => s.labels)).toEqual(['service="v2",code="200"', 'service="v2",code="504"']);
  });
  it('counts the copies each mirror backend took by t, for the topology, and lists that backend', () => {
    expect(index.services).toContain('v2');
    expect([...copiesEndedAt(index, 299)]).toEqual([]);
    expect([...copiesEndedAt(index, 300)]).toEqual([['v2', 1]]);
    expect([...copiesEndedAt(index, 1000)]).toEqual([['v2', 2]]);
  });
  it('never adds a copy to the request counter', () => {
    const requests = parseExposition(metricsAt(index, 1000)).filter((s) => s.name === 'gatelab_http_requests_total');
    expect(requests.map((s) => s.value)).toEqual(['2']);
  });
});

describe('a request\'s copies in the inspector', () => {
  const index = buildTraceIndex(mirroredTrace());
  it('says the copy is on its way after the answer, and how it ended once the cursor passes its end', () => {
    const before = requestStory(index, 'a-1', 50);
    expect(before?.row.status).toBe(200);
    expect(before?.copies).toMatchObject([{ service: 'v2', state: 'on-its-way' }]);
    const after = requestStory(index, 'a-1', 300);
    expect(after?.copies).toMatchObject([{ service: 'v2', target: 'v2.internal:8080', state: 'answered', status: 200 }]);
    expect(after?.copies[0]?.text).toContain('answered 200 after 300 ms');
    expect(requestStory(index, 'a-2', 1000)?.copies).toMatchObject([{ state: 'failed' }]);
    expect(requestStory(index, 'a-2', 1000)?.copies[0]?.text).toContain('timed out');
  });
  it('marks a planned copy as not sent when the request reached no host', () => {
    const skipped: TraceEvent = { type: 'plugin.decision', t: 0, req: 'a-1', plugin: 'request-mirror', phase: 'access', verdict: 'next', reason: 'not sent', data: { mirrored: false, skipped: 'no-host' } };
    expect(requestCopies([mirrorDecision('a-1', 0), skipped])).toMatchObject([{ state: 'not-sent' }]);
    expect(requestCopies([])).toEqual([]);
  });
});
