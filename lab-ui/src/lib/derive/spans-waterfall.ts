/**
 * The request inspector's span waterfall: the request's spans (engine/observe/tracing/spans.ts) laid
 * out as a tree — each span under its parent, indented by depth, its bar placed on the request's own
 * time axis — with spans of another trace (a hop that dropped the header) listed after, flagged.
 */
import { spansOfRequest } from '../../../../engine/observe/tracing/spans.ts';
import type { Span } from '../../../../engine/observe/tracing/span-types.ts';
import { knownEvents } from './request-at.ts';
import type { TraceIndex } from './trace-index.ts';

export interface WaterfallRow {
  span: Span;
  depth: number;
  /** Bar position and width, in % of the request's span range. */
  leftPct: number;
  widthPct: number;
  durationMs: number;
  /** False for a span in a different trace than the gateway's: the trace broke before it. */
  inGatewayTrace: boolean;
  /** The parent's name, or null for a root. */
  parentName: string | null;
}

export interface Waterfall {
  rows: WaterfallRow[];
  traceId: string;
  /** Trace ids other than the gateway's among the request's spans. */
  strayTraces: string[];
  fromMs: number;
  toMs: number;
}

/** The spans the request's events up to t describe. */
export function spanWaterfall(index: TraceIndex, id: string, t: number): Waterfall | null {
  const row = index.byId.get(id);
  if (!row) return null;
  const events = knownEvents(index, row, t);
  return waterfallOf(spansOfRequest(events, id));
}

/** Pure layout of a request's spans; null when it has none (no opentelemetry plugin, not sampled, not the full level). */
export function waterfallOf(spans: readonly Span[]): Waterfall | null {
  if (spans.length === 0) return null;
  const root = spans.find((s) => s.service === 'gateway' && s.kind === 'server') ?? (spans[0] as Span);
  const fromMs = Math.min(...spans.map((s) => s.startMs));
  const toMs = Math.max(fromMs + 0.001, ...spans.map((s) => s.endMs));
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of spans) {
    const parentKey = s.parentSpanId !== undefined ? `${s.traceId}/${s.parentSpanId}` : undefined;
    if (parentKey && byId.has(parentKey)) children.set(parentKey, [...(children.get(parentKey) ?? []), s]);
    else roots.push(s);
  }
  // The gateway's tree first, then any span whose parent is not here (another trace, or a caller outside).
  roots.sort((a, b) => Number(b === root) - Number(a === root) || a.startMs - b.startMs);
  const rows: WaterfallRow[] = [];
  const range = toMs - fromMs;
  const visit = (s: Span, depth: number, parentName: string | null): void => {
    rows.push({
      span: s,
      depth,
      leftPct: ((s.startMs - fromMs) / range) * 100,
      widthPct: Math.max(0.5, ((s.endMs - s.startMs) / range) * 100),
      durationMs: Math.round((s.endMs - s.startMs) * 1000) / 1000,
      inGatewayTrace: s.traceId === root.traceId,
      parentName,
    });
    for (const c of (children.get(`${s.traceId}/${s.spanId}`) ?? []).sort((a, b) => a.startMs - b.startMs)) visit(c, depth + 1, s.name);
  };
  for (const r of roots) visit(r, 0, null);
  const strayTraces = [...new Set(spans.map((s) => s.traceId))].filter((t) => t !== root.traceId);
  return { rows, traceId: root.traceId, strayTraces, fromMs, toMs };
}

/**
 * What a waterfall row says of its parent. A span whose parent is not among the request's spans is
 * not a root when it names one: the gateway's span continues its caller's (the client's), which the
 * gateway never records, and "(root)" contradicted the decision beside it ("the gateway span is its child").
 */
export function parentLabel(row: WaterfallRow): string {
  if (row.parentName) return `← ${row.parentName}`;
  if (row.span.parentSpanId) return `← caller ${row.span.parentSpanId}`;
  return '(root)';
}
