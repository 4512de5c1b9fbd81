// The request counters and latency histograms of the exposition, against a count done here from the
// same events: whatever the order of services, routes, statuses and sources (the registry remembers
// the last series it used and keeps per-bucket counts, summed at exposition), every counter equals
// the number of matching request.end events and every `le` bucket the number of observations ≤ le.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../engine/observe/metrics.ts';
import type { RequestEndEvent } from '../../engine/trace/events.ts';

const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
console.log(`[fast-check] metrics-counts seed=${seed} (replay: FC_SEED=${seed})`);

const endArb: fc.Arbitrary<RequestEndEvent> = fc.record({
  service: fc.constantFrom('a', 'b', null),
  route: fc.constantFrom('r1', 'r2', null),
  status: fc.constantFrom(200, 404, 429, 502),
  source: fc.constantFrom('upstream' as const, 'gateway' as const),
  ms: fc.constantFrom(0, 0.5, 1, 24.9, 25, 80, 999, 60_000, 70_000),
  gatewayMs: fc.constantFrom(0, 1, 1.5, 7, 6000, 9000),
  upstreamMs: fc.constantFrom(null, 0, 2, 100, 30_000),
}).map((e) => ({ type: 'request.end' as const, t: 0, req: 'r', client: 'c', replica: 'gw-0', ...e }));

/** Sample lines as `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('metrics request counters and histograms', () => {
  it('count every request.end and every observation at or below each bucket bound', () => {
    fc.assert(
      fc.property(fc.array(endArb, { minLength: 1, maxLength: 60 }), (events) => {
        const m = new MetricsRegistry();
        for (const e of events) m.add(e);
        const got = samples(m.exposition());
        const labelsOf = (e: RequestEndEvent): string => `service="${e.service ?? ''}",route="${e.route ?? ''}"`;
        for (const e of events) {
          const key = `gatelab_http_requests_total{${labelsOf(e)},code="${e.status}",source="${e.source === 'upstream' ? 'service' : 'kong'}"}`;
          const same = events.filter((o) => o.service === e.service && o.route === e.route && o.status === e.status && o.source === e.source);
          expect(got.get(key)).toBe(same.length);
        }
        // Every bucket line, checked against the observations of its (service, route).
        let buckets = 0;
        for (const [sample, n] of got) {
          const m = /^gatelab_(kong|request)_latency_seconds_bucket\{(.*),le="([^"]+)"\}$/.exec(sample);
          if (!m || m[3] === '+Inf') continue;
          buckets++;
          const onRoute = events.filter((o) => labelsOf(o) === m[2]);
          const value = (o: RequestEndEvent): number => (m[1] === 'kong' ? o.gatewayMs : o.ms);
          expect(n).toBe(onRoute.filter((o) => value(o) / 1000 <= Number(m[3])).length);
        }
        expect(buckets).toBeGreaterThan(0);
      }),
      { seed, numRuns: 200 },
    );
  });
});
