import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { context, host } from '../../plugins/kit/test-kit.ts';
import type { Effect } from '../../pipeline/types.ts';
import { childSpanId, newTraceId } from './ids.ts';
import { startRequestTrace, TRACE_VAR, upstreamSpanId } from './context.ts';
import { propagateToEffect } from './propagate.ts';
import { formatTraceParent, parseTraceParent } from './traceparent.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`engine/observe/tracing property seed: ${seed} (pin with FC_SEED=${seed})`);

const SPEC_EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const h = host();
const draw = (p: string, k: string, i?: number) => h.draw(p, k, i);

describe('traceparent (semantics §11, W3C traceparent)', () => {
  it('reads the specification example', () => {
    expect(parseTraceParent(SPEC_EXAMPLE)).toEqual({ ok: true, value: { version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', sampled: true } });
  });

  it.each([
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'version ff'],
    ['all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, 'trace id is all zeros'],
    ['all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`, 'parent id is all zeros'],
    ['upper-case hex', SPEC_EXAMPLE.toUpperCase(), 'lowercase'],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', '55 characters'],
    ['extra text after version 00', `${SPEC_EXAMPLE}-extra`, '55 characters'],
    ['a higher version without a dash after the flags', `01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x`, 'no dash'],
  ])('rejects %s', (_name, value, reason) => {
    const parsed = parseTraceParent(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('accepts a higher version with more fields after a dash', () => {
    expect(parseTraceParent(`cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`).ok).toBe(true);
  });

  it('formats what it parses, for any valid ids and flag', () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => !/^0+$/.test(s));
    fc.assert(
      fc.property(hex(32), hex(16), fc.boolean(), (traceId, spanId, sampled) => {
        const parsed = parseTraceParent(formatTraceParent(traceId, spanId, sampled));
        expect(parsed).toEqual({ ok: true, value: { version: '00', traceId, parentId: spanId, sampled } });
      }),
      { seed },
    );
  });
});

describe('the request trace', () => {
  it('continues a valid incoming trace: same trace id, the caller as parent, tracestate kept', () => {
    const t = startRequestTrace(new HeaderMap([['traceparent', SPEC_EXAMPLE], ['tracestate', 'congo=t61rcWkgMzE']]), 'r-1', draw, { samplingRate: 1 });
    expect(t).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', tracestate: 'congo=t61rcWkgMzE', origin: 'continued', sampled: true });
  });

  it('starts a new trace on a malformed header and drops its tracestate', () => {
    const t = startRequestTrace(new HeaderMap([['traceparent', SPEC_EXAMPLE.toUpperCase()], ['tracestate', 'a=b']]), 'r-1', draw, { samplingRate: 1 });
    expect(t.origin).toBe('restarted');
    expect(t.parentId).toBeUndefined();
    expect(t.tracestate).toBeUndefined();
    expect(t.traceId).toBe(newTraceId(draw, 'r-1'));
  });

  it('keys new ids by request id: the same request gets the same ids, another request other ids', () => {
    const a = startRequestTrace(new HeaderMap(), 'r-1', draw, { samplingRate: 1 });
    expect(startRequestTrace(new HeaderMap(), 'r-1', draw, { samplingRate: 1 })).toEqual(a);
    expect(startRequestTrace(new HeaderMap(), 'r-2', draw, { samplingRate: 1 }).traceId).not.toBe(a.traceId);
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('samples new traces at the configured rate, and never at rate 0', () => {
    const sampled = Array.from({ length: 400 }, (_, i) => startRequestTrace(new HeaderMap(), `r-${i}`, draw, { samplingRate: 0.25 }).sampled).filter(Boolean).length;
    expect(sampled).toBeGreaterThan(60);
    expect(sampled).toBeLessThan(140);
    expect(startRequestTrace(new HeaderMap(), 'r-1', draw, { samplingRate: 0 }).sampled).toBe(false);
  });
});

describe('sidecalls', () => {
  const http: Effect = { type: 'http', purpose: 'forward-auth', method: 'GET', url: 'http://auth/verify', headers: [['Traceparent', 'forged'], ['x', '1']], timeoutMs: 1000 };

  it('leave effects alone when the request has no trace', () => {
    expect(propagateToEffect(context(), http, 'forward-auth')).toBe(http);
  });

  it('stamp the n-th call of a plugin with its own child span id, replacing a forwarded header', () => {
    const ctx = context();
    const trace = startRequestTrace(new HeaderMap(), 'req-1', draw, { samplingRate: 1 });
    ctx.vars[TRACE_VAR] = trace;
    propagateToEffect(ctx, { type: 'store', ops: [] }, 'forward-auth');
    const out = propagateToEffect(ctx, http, 'forward-auth') as Extract<Effect, { type: 'http' }>;
    expect(out.headers.filter(([n]) => n.toLowerCase() === 'traceparent')).toEqual([['traceparent', formatTraceParent(trace.traceId, childSpanId(trace.spanId, 'forward-auth#2'), true)]]);
    expect(out.headers).toContainEqual(['x', '1']);
    expect(childSpanId(trace.spanId, 'forward-auth#2')).not.toBe(upstreamSpanId(trace));
  });
});
