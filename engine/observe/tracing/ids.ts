/**
 * Trace and span ids without a random source of their own. A new trace id comes from the host's keyed
 * draws (seeded in the simulation, so a run is repeatable, and the same for the same request id on
 * the real proxy); the ids of spans under a known span are a hash of that span's id and a label, so
 * the pipeline that sends a header and the function that later derives spans from the trace agree on
 * every id without passing it around.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** A keyed draw in [0, 1): `PluginHost.draw`, or `keyedDraw` bound to the run's seed. */
export type KeyedDraw = (purpose: string, key: string, index?: number) => number;

const encoder = new TextEncoder();

/** `bytes` bytes of keyed draws as lowercase hex, never all zeros (an all-zero id is invalid). */
export function drawHexId(draw: KeyedDraw, purpose: string, key: string, bytes: 8 | 16): string {
  let hex = '';
  for (let i = 0; i < bytes; i++) hex += (Math.floor(draw(purpose, key, i) * 256) & 0xff).toString(16).padStart(2, '0');
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/** A new 128-bit trace id for a request. */
export function newTraceId(draw: KeyedDraw, key: string): string {
  return drawHexId(draw, 'trace-id', key, 16);
}

/** A new 64-bit span id for a request's first span (the gateway's root span). */
export function newSpanId(draw: KeyedDraw, key: string): string {
  return drawHexId(draw, 'span-id', key, 8);
}

/** The id of the span called `label` under `parentSpanId`: the first 8 bytes of SHA-256 of both. */
export function childSpanId(parentSpanId: string, label: string): string {
  const hex = bytesToHex(sha256(encoder.encode(`${parentSpanId}/${label}`))).slice(0, 16);
  return /^0+$/.test(hex) ? '0000000000000001' : hex;
}

/** Upstream tries: Kong's opentelemetry handler names the *last* balancer try's span in advance. */
export const UPSTREAM_LABEL = 'upstream';

/** The label of the n-th (1-based) effect a plugin asked for, once tracing started. */
export function sidecallLabel(plugin: string, n: number): string {
  return `${plugin}#${n}`;
}
