/**
 * Kong `opentelemetry` config (Kong 3.x schema): the fields that change what the gateway propagates.
 * Export settings (endpoint, queue, timeouts) are accepted so real Kong files load, and do nothing
 * here: gatelab derives spans from its trace instead of shipping them to a collector.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

/** Kong's header_type values; gatelab speaks W3C only and says so for the others. */
const HEADER_TYPES = ['preserve', 'ignore', 'w3c', 'b3', 'b3-single', 'jaeger', 'ot', 'aws', 'gcp', 'datadog', 'instana'] as const;
export type HeaderType = (typeof HEADER_TYPES)[number];

/** Fields Kong knows that only matter for shipping spans out. */
const EXPORT_ONLY = [
  'endpoint', 'traces_endpoint', 'logs_endpoint', 'headers', 'resource_attributes', 'queue', 'batch_span_count',
  'batch_flush_delay', 'connect_timeout', 'send_timeout', 'read_timeout', 'http_response_header_for_traceid',
] as const;

export interface OpenTelemetryConfig {
  /**
   * Fraction (0–1) of new traces recorded (sampled flag 01). Kong falls back to the node-wide
   * tracing_sampling_rate (default 0.01); gatelab defaults to 1 so every lesson request has spans.
   * A continued trace keeps the caller's decision (parent-based sampling).
   */
  sampling_rate: number;
  /** Kong's legacy knob: which header format to inject; `preserve` (default) keeps the incoming one. */
  header_type: HeaderType;
  /** Kong 3.7+ `propagation.default_format`: the format used when nothing came in (w3c). */
  default_format: 'w3c';
}

export function parseOpenTelemetryConfig(raw: unknown, report: ConfigReporter): OpenTelemetryConfig {
  const r = new ConfigReader(raw, report, ['sampling_rate', 'header_type', 'propagation', ...EXPORT_ONLY], [], 'opentelemetry');
  const header_type = r.oneOf('header_type', HEADER_TYPES, 'preserve');
  if (header_type !== 'preserve' && header_type !== 'w3c') {
    r.warn('header_type', 'GL_W_NO_EFFECT', `header_type ${header_type} is not modelled: gatelab propagates W3C traceparent only`, 'use w3c or preserve');
  }
  let default_format: 'w3c' = 'w3c';
  if (r.has('propagation')) {
    const p = r.sub('propagation', ['extract', 'inject', 'clear', 'default_format']);
    const format = p.str('default_format', 'w3c');
    if (format !== 'w3c') p.warn('default_format', 'GL_W_NO_EFFECT', `default_format ${format} is not modelled: gatelab propagates W3C traceparent only`, 'use w3c');
    default_format = 'w3c';
  }
  return { sampling_rate: r.num('sampling_rate', 1, { min: 0, max: 1 }), header_type, default_format };
}
