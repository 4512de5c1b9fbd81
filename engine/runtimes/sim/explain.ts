/**
 * "What would the gateway do with this one request?": a request through a fresh replica at a frozen
 * instant, after `repeat` identical ones, with a scripted upstream. Browser-safe; the CLI's `explain`
 * and the lab's request tester both call it.
 */
import { EventQueue } from '../../core/event-queue.ts';
import { keyedDraw } from '../../core/rng.ts';
import type { GatewayIR } from '../../config/ir.ts';
import { Gateway, type HandledRequest } from '../../pipeline/gateway.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';
import type { PipelineHost, UpstreamAnswer } from '../../pipeline/host.ts';
import type { DecisionData, Effect, EffectResult, IncomingRequest } from '../../pipeline/types.ts';
import type { HeaderRecord, TraceEvent } from '../../trace/events.ts';
import { TraceCollector } from '../../trace/sink.ts';
import { ModeledStore } from './store.ts';
import { buildRequest } from './request-builder.ts';
import { requestWaits } from './capacity/wait-story.ts';
import { readHeldBody } from '../../pipeline/read-body.ts';

export interface ExplainInput {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: string;
  clientIp: string;
  /** Epoch ms at which the request arrives. */
  now: number;
  seed: number;
  repeat: number;
  upstreamStatus: number;
  upstreamHeaders: Array<[string, string]>;
  upstreamBody?: string;
  /**
   * Per-host answers (host:port → a status, or a failure) for services with several targets; hosts
   * not listed answer upstreamStatus.
   */
  upstreamByTarget?: Record<string, number | 'refused' | 'reset' | 'timeout'>;
}

const FAILURE_WORDS = { refused: 'connection refused', reset: 'connection reset after the request was sent', timeout: 'no answer in time' } as const;

export interface ExplainDecision {
  plugin: string;
  phase: string;
  verdict: 'next' | 'reply' | 'wait';
  reason: string;
  /** The facts behind the decision (the claim that failed, the header removed), when the stage gave any. */
  data?: DecisionData;
}

/** Answers an http callout (forward auth, JWKS) in explain; the default is an empty 200. */
export type CalloutAnswerer = (effect: Extract<Effect, { type: 'http' }>) => EffectResult;

/** The `gatelab explain --json` contract (issue 2): keep these fields and their meaning stable. */
export interface ExplainResult {
  status: number;
  route: string | null;
  backend: string | null;
  upstream: null | { method: string; host: string; path: string; headers: HeaderRecord };
  response: { headers: HeaderRecord; body: unknown };
  redirect: null | { location: string };
  decisions: ExplainDecision[];
  /**
   * Only with a capacity model (`explain --scenario` at a saturated instant): the request's waits on
   * the replica, each after `afterDecisions` of the decisions, in the words the lab's inspector uses.
   */
  waits?: ExplainWait[];
  /**
   * Only with `explain --scenario` when the pipeline did not make the answer the client got: the front
   * balancer (its timeout, a refused or reset connection), the replica dropping it from its wait
   * queue, or the client giving up (status 0); `reason` says which.
   */
  answeredBy?: { source: 'front' | 'gateway' | 'client'; reason: string };
  /** Only with `explain --scenario --client`: the client's own request that is explained. */
  request?: { id: string; client: string; sentAtMs: number };
}

export interface ExplainWait {
  afterDecisions: number;
  for: 'slot' | 'cpu';
  ms: number;
  ended: string;
  text: string;
}

export interface ExplainSession {
  /** Sends one request at `now` through the session's gateway (state carries over between sends). */
  send(input: ExplainInput, id?: string): Promise<ExplainResult>;
}

/** A gateway replica with the explain host: effects answered at once, the upstream scripted per send. */
export function createExplainSession(ir: GatewayIR, seed: number, callouts?: CalloutAnswerer): ExplainSession {
  const queue = new EventQueue();
  const sink = new TraceCollector('full');
  const store = new ModeledStore();
  const pending: Array<Promise<unknown>> = [];
  let current: ExplainInput | undefined;
  const host: PipelineHost = {
    replica: 'gw-0',
    sink,
    now: () => current?.now ?? 0,
    traceTime: () => 0,
    draw: (purpose, id, index) => keyedDraw(seed, purpose, id, index),
    perform: (effect, _req, _plugin, done) => {
      if (effect.type === 'store') queue.schedule(0, 1, done, store.apply(effect.ops, current?.now ?? 0));
      else if (effect.type === 'http') queue.schedule(0, 1, done, callouts ? callouts(effect) : { ok: true, status: 200, headers: [], body: '' });
      // explain answers at one frozen instant: a delay is reported in the decision, not waited out.
      else if (effect.type === 'sleep' || effect.type === 'compute') queue.schedule(0, 1, done, { ok: true });
      else if (effect.type === 'read-body') queue.schedule(0, 1, done, readHeldBody(effect));
      else {
        pending.push(
          effect.run().then(
            (value) => queue.schedule(0, 1, done, { ok: true, value }),
            (e: unknown) => queue.schedule(0, 1, done, { ok: false, error: String(e) }),
          ),
        );
      }
    },
    callUpstream: (call, done) => {
      const where = `${call.target.host}:${call.target.port}`;
      const scripted = current?.upstreamByTarget?.[where];
      if (typeof scripted === 'string') {
        // refused: nothing of the request was written; reset and timeout: it was (retry.ts requestWritten).
        const failure = scripted === 'refused' ? 'connect' : scripted;
        queue.schedule(0, 1, done, { ok: false, failure, message: `${where}: ${FAILURE_WORDS[scripted]}` } as UpstreamAnswer);
        return;
      }
      // A scripted answer's hop-by-hop headers stop at the gateway, as a real upstream's do on the
      // proxy host and a modelled backend's in a run (semantics §12, responses too).
      const headers = new HeaderMap(current?.upstreamHeaders ?? []);
      stripHopByHop(headers);
      const answer: UpstreamAnswer = {
        ok: true,
        status: scripted ?? current?.upstreamStatus ?? 200,
        headers,
        body: current?.upstreamBody ?? '',
      };
      queue.schedule(0, 1, done, answer);
    },
  };
  const gateway = new Gateway(ir, 'gw-0');
  let counter = 0;
  return {
    async send(input, id = `explain-${++counter}`) {
      current = input;
      let handled: HandledRequest | undefined;
      gateway.handle(buildExplainRequest(id, input), host, (h) => (handled = h));
      await drain(queue, pending);
      if (!handled) throw new Error(`request ${id} did not complete`);
      const result = toExplainResult(handled, sink.events, id);
      sink.events.length = 0;
      return result;
    },
  };
}

export async function explainRequest(ir: GatewayIR, input: ExplainInput): Promise<ExplainResult> {
  const session = createExplainSession(ir, input.seed);
  for (let i = 0; i < input.repeat; i++) await session.send(input);
  return session.send(input);
}

/** The explain JSON for one handled request, read from the trace events the run collected. */
export function toExplainResult(last: HandledRequest, events: readonly TraceEvent[], lastId: string): ExplainResult {
  const decisions = decisionsOf(events, lastId);
  const { ctx, response } = last;
  const proxied = response.source === 'upstream' || events.some((e) => e.type === 'upstream.send' && e.req === lastId);
  const location = response.headers.get('location');
  return {
    status: response.status,
    route: ctx.match?.route.name ?? null,
    backend: proxied ? (ctx.match?.service?.name ?? null) : null,
    upstream: proxied
      ? { method: ctx.upstream.method, host: ctx.upstream.host, path: ctx.upstream.path, headers: ctx.upstream.headers.toJSON() }
      : null,
    response: { headers: response.headers.toJSON(), body: parseBody(response.body) },
    redirect: location && response.status >= 300 && response.status < 400 ? { location } : null,
    decisions,
    ...waitsOf(events, lastId),
  };
}

/** The request's decisions, in the order its stages made them. */
export function decisionsOf(events: readonly TraceEvent[], id: string): ExplainDecision[] {
  const out: ExplainDecision[] = [];
  for (const e of events) {
    if (e.type !== 'plugin.decision' || e.req !== id) continue;
    out.push({ plugin: e.plugin, phase: e.phase, verdict: e.verdict, reason: e.reason, ...(e.data ? { data: e.data } : {}) });
  }
  return out;
}

/** The request's waits with how many of its decisions came before each; nothing without any. */
export function waitsOf(events: readonly TraceEvent[], id: string): { waits?: ExplainWait[] } {
  const own = events.filter((e) => 'req' in e && e.req === id);
  const waits = requestWaits(own);
  if (waits.length === 0) return {};
  return {
    waits: waits.map((w) => ({
      afterDecisions: own.slice(0, w.index).filter((e) => e.type === 'plugin.decision').length,
      for: w.for,
      ms: w.ms,
      ended: w.ended,
      text: w.text,
    })),
  };
}

/** Runs queued effect answers, waiting for async effects (WebCrypto) until nothing is left. */
async function drain(queue: EventQueue, pending: Array<Promise<unknown>>): Promise<void> {
  for (;;) {
    while (queue.step());
    if (pending.length === 0) return;
    await Promise.all(pending.splice(0));
  }
}

export function buildExplainRequest(id: string, input: Pick<ExplainInput, 'method' | 'url' | 'headers' | 'body' | 'clientIp'>): IncomingRequest {
  const template = { method: input.method, url: input.url, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) };
  return buildRequest(id, template, input.clientIp);
}

export function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === '') return body ?? null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
