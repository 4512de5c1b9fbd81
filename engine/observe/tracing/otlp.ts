/**
 * Spans as OTLP/JSON (the OpenTelemetry protocol's JSON form, as a collector's file receiver or
 * `otel-cli` reads it): resourceSpans per service → scopeSpans → spans, ids as lowercase hex, times as
 * decimal strings of Unix nanoseconds (they exceed 2^53, hence BigInt), kinds and status as the
 * protocol's enum numbers.
 */
import type { Span, SpanKind } from './span-types.ts';

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}
export interface OtlpTracesData {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

/** SpanKind in opentelemetry-proto trace.proto: INTERNAL 1, SERVER 2, CLIENT 3. */
const KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
/** Status.StatusCode: UNSET 0, OK 1, ERROR 2. */
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** `epochMs` is the run's start instant (the scenario's `start`), which span times are relative to. */
export function toOtlpJson(spans: readonly Span[], epochMs: number, scopeVersion = '1'): OtlpTracesData {
  const byService = new Map<string, Span[]>();
  for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'gatelab', version: scopeVersion }, spans: list.map((s) => otlpSpan(s, epochMs)) }],
    })),
  };
}

function otlpSpan(s: Span, epochMs: number): OtlpSpan {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? '',
    name: s.name,
    kind: KIND[s.kind],
    startTimeUnixNano: unixNano(epochMs, s.startMs),
    endTimeUnixNano: unixNano(epochMs, s.endMs),
    attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
    status: s.error !== undefined ? { code: STATUS_ERROR, message: s.error } : { code: STATUS_UNSET },
  };
}

/** Microsecond precision is what the sim's times carry (they are rounded to 1/1000 ms). */
export function unixNano(epochMs: number, offsetMs: number): string {
  const micros = BigInt(Math.round(epochMs * 1000)) + BigInt(Math.round(offsetMs * 1000));
  return (micros * 1000n).toString();
}

function anyValue(v: string | number | boolean): OtlpAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}
