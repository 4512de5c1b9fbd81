/** A span as the lab shows it and the OTLP export writes it: ids in hex, times in ms since the run started. */
export type SpanKind = 'server' | 'client' | 'internal';

export interface Span {
  /** The request it belongs to (its id in the trace). */
  req: string;
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  /** Set when the work failed (a refused callout, a 5xx, a timeout): its message. */
  error?: string;
  /** Who records it: the gateway (derived from its events) or a modelled backend (a `span` event). */
  service: string;
}
