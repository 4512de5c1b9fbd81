/**
 * The proxy's PipelineHost: the wall clock, keyed draws, effects on real stores and callouts, and
 * upstream calls through undici. One object per gateway (rebuilt on reload), with its work in
 * prototype methods: building a host of arrow functions for every request cost about 1 % of the
 * proxy's CPU (each closure also pays tsx's `__name` bookkeeping).
 */
import { keyedBytes, keyedDraw } from '../../core/rng.ts';
import type { DetachedCall, PipelineHost, UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import type { LiveSink } from './live-sink.ts';
import type { CounterStore } from './stores.ts';
import type { UpstreamClient } from './upstream-client.ts';
import type { UpstreamBody } from './upstream-body.ts';
import { CopySender } from './request-copies.ts';
import { readClientBody } from './read-client-body.ts';
import { noteCollectedBody } from './response-writer.ts';

/** One copy sender per upstream client, i.e. per proxy: its cap on copies in flight outlives reloads. */
const copySenders = new WeakMap<UpstreamClient, CopySender>();

/** The two clocks the proxy server owns: the policy clock (epoch ms) and the trace's time axis. */
export interface ProxyClock {
  now(): number;
  traceTime(): number;
}

export class ProxyPipelineHost implements PipelineHost {
  constructor(
    readonly replica: string,
    readonly sink: LiveSink,
    private readonly clock: ProxyClock,
    private readonly seed: number,
    private readonly upstream: UpstreamClient,
    private readonly store: CounterStore,
  ) {}

  now(): number {
    return this.clock.now();
  }

  traceTime(): number {
    return this.clock.traceTime();
  }

  draw(purpose: string, id: string, index?: number): number {
    return keyedDraw(this.seed, purpose, id, index);
  }

  /** A correlation id's 16 bytes in one call: the same bytes as 16 draws (core/rng.ts keyedBytes). */
  drawBytes(purpose: string, key: string, into: Uint8Array): void {
    keyedBytes(this.seed, purpose, key, into);
  }

  callUpstream(call: UpstreamCall, done: (answer: UpstreamAnswer) => void): void {
    // Most answers stream straight through; only a body a response plugin reads is buffered.
    if (!call.needsBody) return this.upstream.call(call, done);
    this.upstream.call(call, (answer) => {
      if (!answer.ok || !answer.stream || !call.needsBody) return done(answer);
      let buffer: boolean;
      try {
        buffer = !!call.needsBody(answer.status, answer.headers);
      } catch (e) {
        return done({ ok: false, failure: 'connect', message: String(e) });
      }
      if (!buffer) done(answer);
      else bufferBody(answer, done);
    });
  }

  /** A mirror's copy: sent, bounded, and never waited for (request-copies.ts). */
  sendDetached(copy: DetachedCall): void {
    let sender = copySenders.get(this.upstream);
    if (!sender) copySenders.set(this.upstream, (sender = new CopySender(this.upstream, this.sink, () => this.traceTime())));
    sender.send(copy);
  }

  perform(effect: Effect, requestId: string, plugin: string, done: (r: EffectResult) => void): void {
    const sink = this.sink;
    if (sink.wants('effect.start')) sink.emit({ type: 'effect.start', t: this.traceTime(), req: requestId, plugin, effect: effect.type });
    const finish = (result: EffectResult): void => {
      if (sink.wants('effect.end')) {
        sink.emit({ type: 'effect.end', t: this.traceTime(), req: requestId, plugin, ok: result.ok, ...(result.ok ? {} : { detail: result.error }) });
      }
      done(result);
    };
    let work: Promise<EffectResult>;
    switch (effect.type) {
      case 'store':
        work = this.store.apply(effect.ops);
        break;
      case 'http':
        work = callout(effect);
        break;
      case 'sleep':
        work = new Promise((resolve) => setTimeout(() => resolve({ ok: true }), Math.max(0, effect.ms)));
        break;
      case 'async':
        work = effect.run().then(
          (value): EffectResult => ({ ok: true, value }),
          (e: unknown): EffectResult => ({ ok: false, error: String(e) }),
        );
        break;
      case 'compute':
        // Real CPU is real: the work was already done by the pipeline on this machine.
        work = Promise.resolve({ ok: true });
        break;
      case 'read-body':
        work = readClientBody(effect.source, effect.maxBytes);
        break;
    }
    work.then(finish, (e: unknown) => finish({ ok: false, error: String(e) }));
  }
}

/**
 * Upstream bodies are streamed to the client untouched, except when a response plugin said it will
 * read this one (PluginDefinition.needsBody, e.g. response-transformer on a JSON answer): then the
 * whole body is read into `body` first, as Kong buffers it for body_filter. Content-Length goes,
 * because the body that is finally sent may differ; Node sets the length of what it sends.
 */
function bufferBody(answer: Extract<UpstreamAnswer, { ok: true }>, done: (answer: UpstreamAnswer) => void): void {
  (answer.stream as UpstreamBody).collect((err, body) => {
    // The answer had begun: the connection broke while its body was read, a reset (not a connect).
    if (err) return done({ ok: false, failure: 'reset', message: String(err) });
    answer.headers.delete('content-length');
    // The access log's $upstream_response_length: the bytes read, whatever a plugin makes of them.
    noteCollectedBody(answer.headers, body.length);
    done({ ok: true, status: answer.status, headers: answer.headers, body: body.toString('utf8') });
  });
}

/** An HTTP callout (forward auth, JWKS) through undici's global dispatcher; `maxBodyBytes` caps what is read. */
export async function callout(effect: Extract<Effect, { type: 'http' }>): Promise<EffectResult> {
  const { request } = await import('undici');
  try {
    const res = await request(effect.url, {
      method: effect.method as 'GET',
      headers: effect.headers.flat(),
      body: effect.body,
      headersTimeout: effect.timeoutMs,
      bodyTimeout: effect.timeoutMs,
    });
    const headers: Array<[string, string]> = [];
    for (const [n, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.push([n, one]);
    }
    const limit = effect.maxBodyBytes;
    if (limit === undefined) return { ok: true, status: res.statusCode, headers, body: await res.body.text() };
    // Like Traefik's readResponseBodyBytes: never hold more than limit + 1 bytes of an auth answer.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > limit) {
        res.body.destroy();
        return { ok: true, status: res.statusCode, headers, bodyTooLarge: true };
      }
      chunks.push(bytes);
    }
    return { ok: true, status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
