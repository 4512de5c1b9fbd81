/**
 * The host as the upstream stage sees it for a request with copies to send (a RequestMirror): the
 * same host, except that the request's first call upstream — made once the balancer has picked a
 * host — hands the copies over first. Envoy's router starts its shadows only after it has a
 * connection pool for a chosen host (router.cc decodeHeaders: createConnPool, and on none "no
 * healthy upstream" with no shadow), so a request that finds no host sends no copy. Only a request
 * that has copies gets this object; every other one sees the host itself.
 */
import { drawBytes } from './draw-bytes.ts';
import type { DetachedCall, PipelineHost, UpstreamAnswer, UpstreamCall } from './host.ts';
import type { Effect, EffectResult, MachineTransition } from './types.ts';

export class CopyOnSendHost implements PipelineHost {
  constructor(
    private readonly inner: PipelineHost,
    /** Sends the request's copies (once; later calls find none) for the upstream request about to leave. */
    private readonly beforeSend: (call: UpstreamCall) => void,
  ) {}

  get sink(): PipelineHost['sink'] {
    return this.inner.sink;
  }

  get replica(): string {
    return this.inner.replica;
  }

  get wantsCompute(): boolean | undefined {
    return this.inner.wantsCompute;
  }

  now(): number {
    return this.inner.now();
  }

  traceTime(): number {
    return this.inner.traceTime();
  }

  draw(purpose: string, requestId: string, index?: number): number {
    return this.inner.draw(purpose, requestId, index);
  }

  drawBytes(purpose: string, key: string, into: Uint8Array): void {
    drawBytes(this.inner, purpose, key, into);
  }

  transition(change: MachineTransition): void {
    this.inner.transition?.(change);
  }

  perform(effect: Effect, requestId: string, plugin: string, done: (result: EffectResult) => void): void {
    this.inner.perform(effect, requestId, plugin, done);
  }

  callUpstream(call: UpstreamCall, done: (answer: UpstreamAnswer) => void): void {
    // Copies first: a host that streams the body tees it for the copy before the main request reads it.
    this.beforeSend(call);
    this.inner.callUpstream(call, done);
  }

  sendDetached(copy: DetachedCall): void {
    this.inner.sendDetached?.(copy);
  }
}
