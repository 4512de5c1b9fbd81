/**
 * Semantics §11 (observability): Kong's latency bucket bounds in the exposition, the Prometheus text
 * format's family rules for any mix of requests, and the traceparent rules other tests leave unpinned
 * (flag bits beyond "sampled", a short higher version, a case-insensitive header name).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../engine/observe/metrics.ts';
import type { RequestEndEvent } from '../../engine/trace/events.ts';
import { HeaderMap } from '../../engine/pipeline/headers.ts';
import { startRequestTrace } from '../../engine/observe/tracing/context.ts';
import { formatTraceParent, parseTraceParent } from '../../engine/observe/tracing/traceparent.ts';
import { host } from '../../engine/plugins/kit/test-kit.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s11 seed=${seed} (replay: FC_SEED=${seed})`);

const KONG_LATENCY_MS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];
const UPSTREAM_REQUEST_MS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

function end(over: Partial<RequestEndEvent>): RequestEndEvent {
  return { type: 'request.end', t: 0, req: 'r', client: 'c', replica: 'gw-0', status: 200, source: 'upstream', route: 'r1', service: 's1', ms: 42, gatewayMs: 2, upstreamMs: 40, ...over };
}

function bucketBounds(text: string, family: string): number[] {
  const re = new RegExp(`^${family}_bucket\\{service="s1",route="r1",le="([^"]+)"\\}`, 'gm');
  return [...text.matchAll(re)].map((m) => m[1] as string).filter((le) => le !== '+Inf').map(Number);
}

describe('semantics §11 Prometheus exposition', () => {
  it('§11 Kong’s bucket bounds (ms → s): kong latency 1…6000 ms; upstream and whole request 25…60000 ms', () => {
    const m = new MetricsRegistry();
    m.add(end({}));
    const text = m.exposition();
    expect(bucketBounds(text, 'gatelab_kong_latency_seconds')).toEqual(KONG_LATENCY_MS.map((ms) => ms / 1000));
    expect(bucketBounds(text, 'gatelab_upstream_latency_seconds')).toEqual(UPSTREAM_REQUEST_MS.map((ms) => ms / 1000));
    expect(bucketBounds(text, 'gatelab_request_latency_seconds')).toEqual(UPSTREAM_REQUEST_MS.map((ms) => ms / 1000));
  });

  it('§11 text format: one HELP and one TYPE per family before its samples, families contiguous, +Inf bucket = _count, ends with \\n', () => {
    const event = fc.record({
      status: fc.constantFrom(200, 404, 429, 503),
      route: fc.constantFrom('a', 'b', 'c'),
      service: fc.constantFrom('x', 'y', null),
      ms: fc.integer({ min: 0, max: 70_000 }),
      upstream: fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 30 }), (events) => {
        const m = new MetricsRegistry();
        for (const e of events) m.add(end({ status: e.status, route: e.route, service: e.service, ms: e.ms, gatewayMs: e.ms - Math.min(e.ms, e.upstream ?? 0), upstreamMs: e.upstream }));
        const text = m.exposition();
        expect(text.endsWith('\n')).toBe(true);
        const lines = text.slice(0, -1).split('\n');
        const seen = new Set<string>();
        let current = '';
        for (const line of lines) {
          const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
          if (meta) {
            const key = `${meta[1]} ${meta[2]}`;
            expect(seen.has(key), `${key} twice`).toBe(false);
            seen.add(key);
            if (meta[1] === 'HELP') {
              expect(seen.has(`family ${meta[2]}`), `${meta[2]} is not contiguous`).toBe(false);
              seen.add(`family ${meta[2]}`);
              current = meta[2] as string;
            }
            continue;
          }
          const name = (/^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line) ?? [])[1] ?? '';
          expect(name === current || name.startsWith(`${current}_`), `${name} outside its family ${current}`).toBe(true);
        }
        for (const [, labels, inf] of text.matchAll(/^gatelab_request_latency_seconds_bucket\{(.*),le="\+Inf"\} (\d+)$/gm)) {
          const count = new RegExp(`^gatelab_request_latency_seconds_count\\{${(labels as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} (\\d+)$`, 'm').exec(text);
          expect(count?.[1]).toBe(inf);
        }
      }),
      { seed, numRuns: 100 },
    );
  });
});

describe('semantics §11 W3C traceparent', () => {
  it('§11 flags: bit 0 is "sampled", other bits are ignored when read and sent as 0', () => {
    const read = (flags: string) => parseTraceParent(`00-${TRACE}-${PARENT}-${flags}`);
    expect(read('03')).toMatchObject({ ok: true, value: { sampled: true } });
    expect(read('fe')).toMatchObject({ ok: true, value: { sampled: false } });
    expect(formatTraceParent(TRACE, PARENT, true).slice(-3)).toBe('-01');
    expect(formatTraceParent(TRACE, PARENT, false).slice(-3)).toBe('-00');
  });

  it('§11 a higher version shorter than 55 characters is invalid (restart); with 55 and nothing after the flags it is read', () => {
    expect(parseTraceParent(`01-${TRACE}-${PARENT}`).ok).toBe(false);
    expect(parseTraceParent(`01-${TRACE}-${PARENT}-01`)).toMatchObject({ ok: true, value: { traceId: TRACE, sampled: true } });
  });

  it('§11 the header name is case-insensitive: a Traceparent header continues the caller’s trace', () => {
    const h = host();
    const trace = startRequestTrace(new HeaderMap([['Traceparent', `00-${TRACE}-${PARENT}-01`]]), 'req-1', (p, k, i) => h.draw(p, k, i), { samplingRate: 0 });
    expect([trace.traceId, trace.parentId, trace.origin]).toEqual([TRACE, PARENT, 'continued']);
  });
});
