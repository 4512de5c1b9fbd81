/**
 * Backends that call other backends (a scenario backend's `calls`: catalog → inventory), and the spans
 * an instrumented backend records. A call is a nested request: the network there, the callee's own
 * calls, its work, the network back — one after another, before the caller's own work, so the caller
 * answers later by all of it. A backend joins the trace its `traceparent` names (its span is a child
 * of the calling span); with `tracing: always` it starts a new trace when none came; a call with
 * `propagate: false` sends no header, which is how a trace breaks in two.
 *
 * Simplifications: callees have no worker limit and a callee's failure does not change the caller's
 * answer (it shows on the callee's span). Latency is always modelled; spans are built only when the
 * trace keeps `span` events (the full level), so other levels pay nothing for them.
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import { keyedDraw } from '../../core/rng.ts';
import { newSpanId, newTraceId, type KeyedDraw } from '../../observe/tracing/ids.ts';
import { formatTraceParent, parseTraceParent } from '../../observe/tracing/traceparent.ts';
import type { SpanEvent } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { BackendSpec } from '../../scenario/types.ts';
import type { Effect } from '../../pipeline/types.ts';
import type { BackendModels } from './backend-model.ts';
import { sampleLatency } from './latency.ts';

interface BackendTrace {
  traceId: string;
  spanId: string;
  parentId?: string;
  sampled: boolean;
}

/** One request reaching a backend: who, for which gateway request, and the traceparent it carries. */
export interface BackendArrival {
  backend: BackendSpec;
  req: string;
  arriveAt: number;
  method: string;
  path: string;
  traceparent: string | undefined;
}

export interface CallsOutcome {
  /** Time the calls take, before the backend's own work. */
  ms: number;
  /** The backend's trace identity (undefined: it records nothing). */
  trace: BackendTrace | undefined;
  /** Spans of the callees, already timed. */
  spans: SpanEvent[];
}

/** A callout (forward-auth, JWKS) reaching its backend, with the traceparent the chain stamped on it. */
export function calloutArrival(backend: BackendSpec, req: string, effect: Extract<Effect, { type: 'http' }>, arriveAt: number): BackendArrival {
  const traceparent = effect.headers.find(([n]) => n.toLowerCase() === 'traceparent')?.[1];
  let path = '/';
  try {
    path = new URL(effect.url).pathname;
  } catch {
    // An unparsable URL never reaches here (findCalloutBackend needs one); '/' keeps the span readable.
  }
  return { backend, req, arriveAt, method: effect.method, path, traceparent };
}

/** Moves spans later by `ms` (the caller waited for a worker before it started its calls). */
export function shiftSpans(spans: readonly SpanEvent[], ms: number): SpanEvent[] {
  return ms === 0 ? [...spans] : spans.map((s) => ({ ...s, t: s.t + ms, start: s.start + ms }));
}

export class BackendCalls {
  private readonly draw: KeyedDraw;
  private readonly recording: boolean;

  constructor(
    private readonly backends: readonly BackendSpec[],
    private readonly models: BackendModels,
    seed: number,
    private readonly queue: EventQueue,
    private readonly sink: TraceSink,
  ) {
    this.draw = (purpose, key, index) => keyedDraw(seed, purpose, key, index);
    this.recording = sink.wants('span');
  }

  /** Runs the backend's calls from `startAt`; `ms` is how long they take. */
  calls(a: BackendArrival, startAt: number): CallsOutcome {
    const trace = this.recording ? this.identity(a) : undefined;
    const spans: SpanEvent[] = [];
    let t = startAt;
    for (const call of a.backend.calls ?? []) {
      const callee = this.backends.find((b) => b.name === call.backend);
      if (!callee) continue;
      const stream = this.models.stream(a.backend.name);
      const there = sampleLatency(call.latency, stream);
      const back = sampleLatency(call.latency, stream);
      if (this.models.isDown(callee.name, t + there)) {
        t += there + back;
        continue;
      }
      const header = trace && call.propagate ? formatTraceParent(trace.traceId, trace.spanId, trace.sampled) : undefined;
      const arrival: BackendArrival = { backend: callee, req: a.req, arriveAt: t + there, method: call.method, path: call.path, traceparent: header };
      const nested = this.calls(arrival, arrival.arriveAt);
      const model = this.models.modelAt(callee, arrival.arriveAt + nested.ms);
      const work = sampleLatency(model.latency, this.models.stream(callee.name));
      const end = arrival.arriveAt + nested.ms + work;
      const failed = model.errorRate > 0 && this.draw('backend-error', `${a.req}>${callee.name}@${arrival.arriveAt}`) < model.errorRate;
      spans.push(...nested.spans);
      if (nested.trace?.sampled) spans.push(this.span(arrival, nested.trace, end, failed ? model.errorStatus : callee.status));
      t = end + back;
    }
    return { ms: t - startAt, trace, spans };
  }

  /** The span of a backend the gateway (or a callout) reached: it ends when its answer leaves. */
  span(a: BackendArrival, trace: BackendTrace, endAt: number, status: number): SpanEvent {
    return {
      type: 'span', t: endAt, req: a.req, name: a.backend.name, kind: 'server', traceId: trace.traceId, spanId: trace.spanId,
      ...(trace.parentId !== undefined ? { parentId: trace.parentId } : {}),
      start: a.arriveAt,
      attributes: { 'http.method': a.method, 'http.target': a.path, 'http.status_code': status, ...(status >= 500 ? { error: `answered ${status}` } : {}) },
    };
  }

  /** Records a visit once its answer is known: the backend's span and its callees', moved past any wait for a worker. */
  record(visit: CallsOutcome, arrival: BackendArrival, waitedMs: number, endAt: number, status: number): void {
    const spans = shiftSpans(visit.spans, waitedMs);
    if (visit.trace?.sampled) spans.push(this.span(arrival, visit.trace, endAt, status));
    if (spans.length > 0) this.emit(spans);
  }

  /** Emits each span when it ends, as an instrumented service exports it. */
  emit(spans: readonly SpanEvent[]): void {
    for (const s of spans) {
      this.queue.schedule(Math.max(s.t, this.queue.now), PRIORITY.observe, (ev: SpanEvent) => this.sink.emit({ ...ev, t: this.queue.now }), s);
    }
  }

  private identity(a: BackendArrival): BackendTrace | undefined {
    const mode = a.backend.tracing ?? 'auto';
    if (mode === 'off') return undefined;
    const key = `${a.req}>${a.backend.name}@${a.arriveAt}`;
    const parsed = a.traceparent !== undefined ? parseTraceParent(a.traceparent) : undefined;
    if (parsed?.ok) return { traceId: parsed.value.traceId, spanId: newSpanId(this.draw, key), parentId: parsed.value.parentId, sampled: parsed.value.sampled };
    if (mode === 'always') return { traceId: newTraceId(this.draw, key), spanId: newSpanId(this.draw, key), sampled: true };
    return undefined;
  }

}
