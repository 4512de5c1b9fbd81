import { describe, expect, it } from 'vitest';
import { collecting, context, hooksOf, host } from '../kit/test-kit.ts';
import { TRACE_VAR, type RequestTrace } from '../../observe/tracing/context.ts';
import { childSpanId } from '../../observe/tracing/ids.ts';
import { openTelemetryPlugin } from './plugin.ts';

const SPEC_EXAMPLE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('opentelemetry (Kong, PRIORITY 14)', () => {
  it('continues the client trace and names the upstream span as the parent on the upstream request', () => {
    const hooks = hooksOf(openTelemetryPlugin, { header_type: 'w3c' });
    const ctx = context({ headers: [['traceparent', SPEC_EXAMPLE], ['tracestate', 'congo=t61rcWkgMzE']] });
    const v = hooks.access!(ctx, host());
    const trace = ctx.vars[TRACE_VAR] as RequestTrace;
    expect(v).toMatchObject({ kind: 'next', data: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', origin: 'continued' } });
    expect(ctx.upstream.headers.get('traceparent')).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${childSpanId(trace.spanId, 'upstream')}-01`);
    expect(ctx.upstream.headers.get('tracestate')).toBe('congo=t61rcWkgMzE');
  });

  it('starts a root trace when nothing came in, once per request even when rewrite and access both run', () => {
    const hooks = hooksOf(openTelemetryPlugin, {});
    const ctx = context();
    const first = hooks.rewrite!(ctx, host());
    const second = hooks.access!(ctx, host());
    expect(first.reason).toContain('the gateway span');
    expect(first.data?.['parentId']).toBeUndefined();
    expect(second.data?.['traceId']).toBe(first.data?.['traceId']);
    expect(ctx.upstream.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('sends flags 00 when the new trace is not sampled', () => {
    const ctx = context();
    hooksOf(openTelemetryPlugin, { sampling_rate: 0 }).access!(ctx, host());
    expect(ctx.upstream.headers.get('traceparent')).toMatch(/-00$/);
  });

  it('reports a sampling rate out of range and warns about header formats it does not model', () => {
    const report = collecting();
    openTelemetryPlugin.parse({ sampling_rate: 2, header_type: 'b3', propagation: { default_format: 'jaeger' }, endpoint: 'http://otel:4318/v1/traces' }, report);
    const codes = report.items.map((i) => `${i.severity} ${i.code} ${i.path}`);
    expect(codes).toEqual(expect.arrayContaining(['error GL_E_CONFIG_INVALID sampling_rate', 'warning GL_W_NO_EFFECT header_type', 'warning GL_W_NO_EFFECT propagation.default_format']));
  });
});
