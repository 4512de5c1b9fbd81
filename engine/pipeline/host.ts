/**
 * The host interface: what a pipeline needs from whoever runs it (design.md, "The one rule"). The
 * simulation implements it with a virtual clock and models; the proxy with the wall clock, sockets and
 * a real Redis. Nothing else is shared between the two.
 */
import type { ServiceIR, TargetIR } from '../config/ir.ts';
import type { TraceSink } from '../trace/sink.ts';
import type { HeaderMap } from './headers.ts';
import type { Effect, EffectResult, PluginHost, UpstreamRequest } from './types.ts';

export interface UpstreamCall {
  requestId: string;
  service: ServiceIR;
  target: TargetIR;
  request: UpstreamRequest;
  scheme: 'http' | 'https';
  /** Give up on this try after this long (per-try or what is left of the overall timeout); 504 then. */
  timeoutMs?: number;
  /** Give up connecting after this long (a host that never accepts). */
  connectTimeoutMs?: number;
  /**
   * Set when a response plugin may read the body: the proxy host asks it with the upstream's status
   * and headers and, on yes, buffers the streamed body into `body` before answering.
   */
  needsBody?: (status: number, headers: HeaderMap) => boolean;
  /**
   * A copy nobody waits for (a mirror's shadow): a modelled backend draws its fate for it apart from
   * the request it copies (request-copy.ts, copyDrawKey), as a second real request would be.
   */
  detached?: boolean;
}

export type UpstreamAnswer =
  | {
      ok: true;
      status: number;
      headers: HeaderMap;
      body?: string;
      /** The proxy host's streamed body (opaque to the pipeline), piped to the client unbuffered. */
      stream?: unknown;
      /** Throws the body away (the answer is being retried and will never reach the client). */
      discard?: () => void;
    }
  /** `connect`: refused or unreachable (502); `timeout`: no answer in time (504); `reset`: the connection broke mid-answer (502). */
  | { ok: false; failure: 'connect' | 'timeout' | 'reset'; message: string };

/** A copy of a request that nobody waits for (a mirror): sent once, its answer thrown away. */
export interface DetachedCall {
  requestId: string;
  /** The stage that asked for it, as the trace names it. */
  plugin: string;
  /** Why, for the trace ("mirror"). */
  purpose: string;
  call: UpstreamCall;
  /**
   * The request going upstream for the client. A host that streams request bodies must share the
   * one body between the two: it may give this request a new `stream` (a tee) that never waits for
   * the copy.
   */
  main: UpstreamRequest;
}

/** Hears an effect's answer as a method call (`PipelineHost.performFor`). */
export interface EffectListener {
  effectAnswered(result: EffectResult): void;
}

export interface PipelineHost extends PluginHost {
  readonly sink: TraceSink;
  /**
   * The host models the replica's CPU: the gateway then performs a `compute` effect per request.
   * False or absent (the default) = no compute effect, so runs without capacity are unchanged.
   */
  readonly wantsCompute?: boolean;
  /** The trace's time axis: ms since the run (scenario) started. */
  traceTime(): number;
  /** Performs an effect and answers later through `done` (never synchronously). */
  perform(effect: Effect, requestId: string, plugin: string, done: (result: EffectResult) => void): void;
  /**
   * Like `perform`, answering `listener.effectAnswered`: a request's run passes itself rather than a
   * closure made for it, which would wait with the request through every CPU backlog (simulation).
   * Optional: without it the run makes that closure once and calls `perform`.
   */
  performFor?(effect: Effect, requestId: string, plugin: string, listener: EffectListener): void;
  /** Sends the request upstream and answers through `done` once the response is complete. */
  callUpstream(call: UpstreamCall, done: (answer: UpstreamAnswer) => void): void;
  /**
   * Sends a copy and forgets it: nothing comes back, nothing it does may throw into the pipeline.
   * Optional: a host without it (explain) sends no copies, which no client can tell.
   */
  sendDetached?(copy: DetachedCall): void;
}
