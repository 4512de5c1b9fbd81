/**
 * Spans from the event trace, in one pass and without side effects: the gateway's root span (server,
 * request start → the gateway's answer), a client span per sidecall that did I/O (a forward-auth call,
 * a JWKS fetch, a Redis round trip) and per upstream try, plus the spans the modelled backends
 * recorded (`span` events). Ids come from ids.ts, the same functions the pipeline used when it stamped
 * `traceparent` headers, so a backend's parent id points at a span found here. Needs the `full` level
 * (effects are full-level events); at `decisions` only the root and upstream spans appear.
 */
import type { EffectStartEvent, PluginDecisionEvent, RequestEndEvent, RequestStartEvent, TraceEvent, UpstreamResponseEvent, UpstreamSendEvent } from '../../trace/events.ts';
import { childSpanId, sidecallLabel, UPSTREAM_LABEL } from './ids.ts';
import type { Span } from './span-types.ts';

/** The gateway's service name in spans and in the OTLP resource. */
export const GATEWAY_SERVICE = 'gateway';

interface OpenEffect {
  start: EffectStartEvent;
  /** 0 when the effect came before tracing began (no header was stamped; its id is only local). */
  n: number;
}

interface RequestEvents {
  start?: RequestStartEvent;
  trace?: { traceId: string; spanId: string; parentId?: string };
  sampled: boolean;
  calls: Map<string, number>;
  open: Map<string, OpenEffect[]>;
  sidecalls: Array<{ open: OpenEffect; endT: number; ok: boolean; detail?: string }>;
  tries: Array<{ send: UpstreamSendEvent; response?: UpstreamResponseEvent }>;
  end?: RequestEndEvent;
  lastT: number;
  backend: Span[];
}

/** Every request's spans, keyed by request id, in trace order of the requests. */
export function deriveSpans(events: readonly TraceEvent[]): Map<string, Span[]> {
  const byReq = new Map<string, RequestEvents>();
  const of = (req: string): RequestEvents => {
    let r = byReq.get(req);
    if (!r) byReq.set(req, (r = { sampled: false, calls: new Map(), open: new Map(), sidecalls: [], tries: [], lastT: 0, backend: [] }));
    return r;
  };
  for (const ev of events) {
    if (!('req' in ev)) continue;
    const r = of(ev.req);
    r.lastT = Math.max(r.lastT, ev.t);
    switch (ev.type) {
      case 'request.start':
        r.start = ev;
        break;
      case 'plugin.decision':
        if (ev.plugin === 'opentelemetry' && !r.trace) readTrace(r, ev);
        break;
      case 'effect.start': {
        let n = 0;
        if (r.trace) r.calls.set(ev.plugin, (n = (r.calls.get(ev.plugin) ?? 0) + 1));
        const list = r.open.get(ev.plugin) ?? [];
        list.push({ start: ev, n });
        r.open.set(ev.plugin, list);
        break;
      }
      case 'effect.end': {
        const open = r.open.get(ev.plugin)?.shift();
        if (open) r.sidecalls.push({ open, endT: ev.t, ok: ev.ok, ...(ev.detail !== undefined ? { detail: ev.detail } : {}) });
        break;
      }
      case 'upstream.send':
        r.tries.push({ send: ev });
        break;
      case 'upstream.response': {
        const open = r.tries.find((x) => !x.response);
        if (open) open.response = ev;
        break;
      }
      case 'request.end':
        r.end = ev;
        break;
      case 'span':
        r.backend.push({
          req: ev.req, name: ev.name, kind: ev.kind, traceId: ev.traceId, spanId: ev.spanId,
          ...(ev.parentId !== undefined ? { parentSpanId: ev.parentId } : {}),
          startMs: ev.start, endMs: ev.t, attributes: ev.attributes, service: ev.name,
          ...(typeof ev.attributes['error'] === 'string' ? { error: ev.attributes['error'] } : {}),
        });
        break;
    }
  }
  const out = new Map<string, Span[]>();
  for (const [req, r] of byReq) {
    const spans = [...gatewaySpans(req, r), ...r.backend].sort((a, b) => a.startMs - b.startMs);
    if (spans.length > 0) out.set(req, spans);
  }
  return out;
}

/** One request's spans (empty when it was not traced or not sampled). */
export function spansOfRequest(events: readonly TraceEvent[], req: string): Span[] {
  return deriveSpans(events.filter((e) => 'req' in e && e.req === req)).get(req) ?? [];
}

function readTrace(r: RequestEvents, ev: PluginDecisionEvent): void {
  const d = ev.data;
  if (typeof d?.['traceId'] !== 'string' || typeof d['spanId'] !== 'string') return;
  r.trace = { traceId: d['traceId'], spanId: d['spanId'], ...(typeof d['parentId'] === 'string' ? { parentId: d['parentId'] } : {}) };
  r.sampled = d['sampled'] === true;
}

function gatewaySpans(req: string, r: RequestEvents): Span[] {
  if (!r.trace || !r.sampled || !r.start) return [];
  const { traceId, spanId } = r.trace;
  const start = r.start;
  const end = r.end;
  const answeredAt = end && end.source !== 'client' ? start.t + end.gatewayMs + (end.upstreamMs ?? 0) : r.lastT;
  const root: Span = {
    req, name: GATEWAY_SERVICE, kind: 'server', traceId, spanId,
    ...(r.trace.parentId !== undefined ? { parentSpanId: r.trace.parentId } : {}),
    startMs: start.t, endMs: Math.max(start.t, answeredAt), service: GATEWAY_SERVICE,
    attributes: {
      'http.method': start.method,
      'http.url': start.url,
      'net.peer.ip': start.peerIp,
      ...(end?.route ? { 'http.route': end.route } : {}),
      ...(end ? { 'http.status_code': end.status } : {}),
    },
    ...(end && (end.status === 0 || end.status >= 500) ? { error: end.status === 0 ? 'the client gave up' : `answered ${end.status}` } : {}),
  };
  const spans: Span[] = [root];
  for (const call of r.sidecalls) {
    const io = ioOf(call.open.start.effect);
    if (!io) continue;
    const label = call.open.n > 0 ? sidecallLabel(call.open.start.plugin, call.open.n) : `before-trace:${call.open.start.plugin}@${call.open.start.t}`;
    spans.push({
      req, name: io.name(call.open.start.plugin), kind: 'client', traceId, spanId: childSpanId(spanId, label), parentSpanId: spanId,
      startMs: call.open.start.t, endMs: call.endT, service: GATEWAY_SERVICE, attributes: io.attributes,
      ...(call.ok ? {} : { error: call.detail ?? 'failed' }),
    });
  }
  r.tries.forEach((tr, i) => {
    const last = i === r.tries.length - 1;
    const res = tr.response;
    spans.push({
      req, name: 'upstream', kind: 'client', traceId, parentSpanId: spanId,
      spanId: childSpanId(spanId, last ? UPSTREAM_LABEL : `${UPSTREAM_LABEL}#${i + 1}`),
      startMs: tr.send.t, endMs: res ? res.t : answeredAt, service: GATEWAY_SERVICE,
      attributes: {
        'http.method': tr.send.method, 'http.target': tr.send.path, 'net.peer.name': tr.send.target, 'peer.service': tr.send.service,
        ...(res && res.status > 0 ? { 'http.status_code': res.status } : {}),
      },
      ...(res?.error ? { error: res.error } : res && res.status >= 500 ? { error: `answered ${res.status}` } : {}),
    });
  });
  return spans;
}

const HTTP_EFFECT = /^(.*): ([A-Z]+) (\S+)$/;

/** The span an effect makes, if it is I/O: an HTTP callout or a Redis round trip (describe.ts's wording). */
function ioOf(description: string): { name: (plugin: string) => string; attributes: Span['attributes'] } | undefined {
  if (description.startsWith('store: ')) {
    return { name: (plugin) => `${plugin} redis`, attributes: { 'db.system': 'redis', 'db.statement': description.slice(7) } };
  }
  const m = HTTP_EFFECT.exec(description);
  if (!m || !/^https?:\/\//.test(m[3] as string)) return undefined;
  const url = m[3] as string;
  const host = url.replace(/^https?:\/\//, '').split('/')[0] ?? '';
  return { name: () => m[1] as string, attributes: { 'http.method': m[2] as string, 'http.url': url, 'net.peer.name': host } };
}
