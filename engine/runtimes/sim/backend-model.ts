/**
 * The simulated backends: which one answers a call, whether it is down or degraded at that instant,
 * how long it takes (its latency model plus waiting for a free worker when it has a concurrency
 * limit), and whether the gateway gave up first (the try's timeout). A backend keeps working on a
 * request the gateway abandoned — which is why timeouts plus retries can bury a slow service.
 */
import { keyedDraw, type Rng } from '../../core/rng.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';
import type { UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import { copyDrawKey } from '../../pipeline/request-copy.ts';
import type { BackendChange, BackendSpec, LatencyModel } from '../../scenario/types.ts';
import { findBackend } from './backends.ts';
import { sampleLatency } from './latency.ts';
import type { BackendCalls } from './backend-calls.ts';

interface Window {
  from: number;
  until: number;
}

interface Workers {
  /** When each worker is next free (ms since start). */
  freeAt: number[];
  /** Start instants of requests still waiting for a worker. */
  queuedStarts: number[];
}

/** What decides a backend's answers at an instant: its spec's, or a degradation laid over them. */
export interface BackendModel {
  readonly errorRate: number;
  readonly errorStatus: number;
  readonly latency: LatencyModel;
}

export interface ModeledAnswer {
  /** Delay from the call to the answer reaching the gateway. */
  afterMs: number;
  answer: UpstreamAnswer;
  backend: BackendSpec;
}

export class BackendModels {
  private readonly outages = new Map<string, Window[]>();
  private readonly changes = new Map<string, Array<Window & { change: BackendChange }>>();
  private readonly workers = new Map<string, Workers>();
  private readonly streams = new Map<string, Rng>();
  /** Each backend's answer headers, built once and cloned per answer. */
  private readonly headersOf = new Map<BackendSpec, HeaderMap>();
  /** Backends calling backends and their spans; set by the simulation (backend-calls.ts). */
  calls?: BackendCalls;

  constructor(
    private readonly backends: readonly BackendSpec[],
    private readonly seed: number,
    private readonly split: (name: string) => Rng,
  ) {}

  outage(name: string, from: number, until: number): void {
    this.outages.set(name, [...(this.outages.get(name) ?? []), { from, until }]);
  }

  degrade(name: string, from: number, until: number, change: BackendChange): void {
    this.changes.set(name, [...(this.changes.get(name) ?? []), { from, until, change }]);
  }

  isDown(name: string, at: number): boolean {
    const windows = this.outages.get(name);
    if (windows === undefined) return false;
    for (const w of windows) if (at >= w.from && at < w.until) return true;
    return false;
  }

  /** The backend's model at an instant: its spec with any active degradation laid over it. */
  modelAt(spec: BackendSpec, at: number): BackendModel {
    const changes = this.changes.get(spec.name);
    // Without a degradation the spec is the model: no object per call.
    if (changes === undefined) return spec;
    let model: BackendModel = { errorRate: spec.errorRate, errorStatus: spec.errorStatus, latency: spec.latency };
    for (const w of changes) {
      if (at >= w.from && at < w.until) model = { ...model, ...w.change };
    }
    return model;
  }

  stream(name: string): Rng {
    let r = this.streams.get(name);
    if (!r) this.streams.set(name, (r = this.split(`backend/${name}`)));
    return r;
  }

  /** `now` is ms since start; `netMs` the one-way network delay drawn for this call. */
  answer(call: UpstreamCall, now: number, netMs: number): ModeledAnswer {
    const backend = findBackend(this.backends, call.service, call.target);
    const timeout = call.timeoutMs;
    if (this.isDown(backend.name, now)) {
      return { backend, afterMs: 2 * netMs, answer: { ok: false, failure: 'connect', message: `connection refused by ${whereOf(call)} (${backend.name} is down)` } };
    }
    const arrive = now + netMs;
    const model = this.modelAt(backend, arrive);
    const own = sampleLatency(model.latency, this.stream(backend.name));
    // Calls to other backends come first and keep the worker busy (backend-calls.ts).
    const arrival = this.calls ? { backend, req: call.requestId, arriveAt: arrive, method: call.request.method, path: call.request.path, traceparent: call.request.headers.get('traceparent') } : undefined;
    const visit = arrival ? this.calls?.calls(arrival, arrive) : undefined;
    const work = own + (visit?.ms ?? 0);
    const slot = this.claimWorker(backend, arrive, work);
    if (slot === 'full') {
      const headers = new HeaderMap([['content-type', 'text/plain']]);
      return { backend, afterMs: 2 * netMs, answer: { ok: true, status: 503, headers, body: `${backend.name}: queue full` } };
    }
    const total = 2 * netMs + (slot - arrive) + work;
    // The error draw is keyed by request id so the real proxy's fake backend makes the same choice; a
    // copy's by a key of its own, or a mirror would fail exactly when the main backend does.
    const failed = model.errorRate > 0 && keyedDraw(this.seed, 'backend-error', call.detached ? copyDrawKey(call.requestId, backend.name) : call.requestId) < model.errorRate;
    if (visit && arrival) this.calls?.record(visit, arrival, slot - arrive, slot + work, failed ? model.errorStatus : backend.status);
    if (timeout !== undefined && total > timeout) {
      return {
        backend,
        afterMs: timeout,
        answer: { ok: false, failure: 'timeout', message: `${whereOf(call)} sent no answer within ${round(timeout)} ms (it needed ${round(total)} ms)` },
      };
    }
    // The gateway edits the answer's headers, so each answer gets its own copy of the backend's.
    const headers = this.answerHeaders(backend).clone();
    return {
      backend,
      afterMs: total,
      answer: { ok: true, status: failed ? model.errorStatus : backend.status, headers, body: backend.body ?? '' },
    };
  }

  private answerHeaders(backend: BackendSpec): HeaderMap {
    let headers = this.headersOf.get(backend);
    if (!headers) {
      headers = new HeaderMap(backend.headers);
      // The gateway never passes on the backend's hop-by-hop headers (semantics §12: responses too),
      // as the proxy host drops them from a real upstream's answer (upstream-response-headers.ts).
      stripHopByHop(headers);
      if (!headers.has('content-type')) headers.set('Content-Type', 'application/json');
      this.headersOf.set(backend, headers);
    }
    return headers;
  }

  /** When the request starts being worked on, or 'full' when the backend's queue is full. */
  private claimWorker(backend: BackendSpec, arrive: number, work: number): number | 'full' {
    if (backend.concurrency === undefined) return arrive;
    let w = this.workers.get(backend.name);
    if (!w) this.workers.set(backend.name, (w = { freeAt: new Array<number>(backend.concurrency).fill(0), queuedStarts: [] }));
    // Drop the starts that are not after this arrival, in place (a new array per call otherwise).
    const starts = w.queuedStarts;
    let kept = 0;
    for (let i = 0; i < starts.length; i++) if ((starts[i] as number) > arrive) starts[kept++] = starts[i] as number;
    starts.length = kept;
    let best = 0;
    for (let i = 1; i < w.freeAt.length; i++) if ((w.freeAt[i] as number) < (w.freeAt[best] as number)) best = i;
    const start = Math.max(arrive, w.freeAt[best] as number);
    if (start > arrive) {
      if (backend.queue !== undefined && w.queuedStarts.length >= backend.queue) return 'full';
      w.queuedStarts.push(start);
    }
    w.freeAt[best] = start + work;
    return start;
  }
}

/** `host:port` of the call's target, for the failure messages only. */
function whereOf(call: UpstreamCall): string {
  return `${call.target.host}:${call.target.port}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
