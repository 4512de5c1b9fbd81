// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { requestStory } from './inspector.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

/** `a-1` sent upstream at 0 and never answered before its client gave up at 1 s; `a-2` still in gateway work when its client left. */
function gaveUpTrace(): TraceEvent[] {
  const events = syntheticTrace([{ id: 'a-1', at: 0, open: true }]);
  const runEnd = events.pop() as TraceEvent;
  const client = { client: 'c1', replica: 'gw-0', route: null, service: null, upstreamMs: null, gatewayMs: 0 } as const;
  return [
    ...events,
    { type: 'request.start', t: 20, req: 'a-2', client: 'c1', replica: 'gw-0', method: 'GET', url: 'http://api.example.com/x', peerIp: '203.0.113.7' },
    { type: 'effect.start', t: 20, req: 'a-2', plugin: 'gateway', effect: 'gateway work: 521 µs CPU' },
    { type: 'request.end', t: 1000, req: 'a-1', status: 0, source: 'client', ms: 1000, ...client },
    { type: 'request.end', t: 1020, req: 'a-2', status: 0, source: 'client', ms: 1000, ...client },
    { ...runEnd, t: 2000 },
  ];
}

describe('gateway time of a request whose client gave up', () => {
  const index = buildTraceIndex(gaveUpTrace());
  it('says how far the gateway had got, never the 0 the client\'s request.end carries', () => {
    const sent = requestStory(index, 'a-1', 2000)!;
    expect(sent.row.gatewayMs).toBe(0);
    expect(sent.gatewayTime.value).not.toBe('0.00 ms');
    expect(sent.gatewayTime.value).toBe('0.00 ms, then waiting on the backend');
    expect(sent.gatewayTime.note).toContain('backend had not answered 1.00 s later');
    const working = requestStory(index, 'a-2', 2000)!;
    expect(working.gatewayTime.value).toBe('not finished (1.00 s in the gateway)');
    expect(working.gatewayTime.note).toContain('not processed before the client left');
    expect(working.gatewayTime.note).toContain('waiting on gateway work: 521 µs CPU');
  });
  it('shows a gateway answer\'s own gateway time unchanged', () => {
    const ok = buildTraceIndex(syntheticTrace([{ id: 'b-1', at: 0, upstreamMs: 10 }]));
    expect(requestStory(ok, 'b-1', 100)?.gatewayTime).toEqual({ value: '0.00 ms', note: null });
  });
});
