/**
 * One request's way through a gateway replica: rewrite → route → access → balance → upstream →
 * response → log. A class rather than closures: the steps are prototype methods, and this one object
 * is also the request's chain host, the listener of each chain it runs and the upstream stage's
 * environment, so a request allocates it (plus its context) instead of about eight fresh closures,
 * each named by tsx's `__name` when created.
 */
import type { DispatchEnv, DispatchListener, DispatchResult, RerunListener, RetryLevels } from '../upstream/dispatch.ts';
import { dispatch } from '../upstream/dispatch.ts';
import { POOL } from '../upstream/dispatch-trace.ts';
import { CopyOnSendHost } from './copy-on-send-host.ts';
import type { ChainHost, ChainListener, ChainStage, ReplyVerdict } from './chain.ts';
import { ChainRun } from './chain.ts';
import { drawBytes } from './draw-bytes.ts';
import type { DialectBehaviour } from './dialect.ts';
import type { Gateway, HandledListener, HandledRequest } from './gateway.ts';
import { HeaderMap } from './headers.ts';
import type { EffectListener, PipelineHost, UpstreamAnswer } from './host.ts';
import { runAccessPhase } from './plugin-resolution.ts';
import { RetryRerun, type SegmentsEnd } from './retry-rerun.ts';
import { confineConnectionTokens, refuseHeaders, refusalVerdict, REQUEST_GUARD_STAGE } from './request-guard.ts';
import { emitTransition } from './transition.ts';
import { initialContext } from './request-context.ts';
import type { DetachedEffect, Effect, RequestCopy, EffectResult, GatewayResponse, IncomingRequest, MachineTransition, RequestContext, UpstreamRequest, Verdict } from './types.ts';
import { buildDetachedCall, copyNotSent } from './request-copy.ts';
import type { TraceEvent } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';

/** The trace name of the balancer step; `decided` reads only plugin and phase, so one object serves every request. */
const BALANCER_STAGE: ChainStage = { plugin: 'balancer', phase: 'access', run: () => ({ kind: 'next', reason: '' }) };

const NO_STAGES: readonly ChainStage[] = [];

type DecisionEvent = Extract<TraceEvent, { type: 'plugin.decision' }>;

/** Where a run's decisions go (`decisionsTo`): nowhere, as a fresh event each, or refilled into `SHARED_DECISION`. */
const NO_DECISIONS = 0;
const FRESH_EVENTS = 1;
const SHARED_EVENT = 2;
type DecisionsTo = typeof NO_DECISIONS | typeof FRESH_EVENTS | typeof SHARED_EVENT;

/**
 * The one decision event handed to every sink that keeps no event (`retainsEvents: false`), refilled
 * per decision. Every key is present from the start, in the trace's order, so its shape never
 * changes; emit is synchronous and such a sink is done with the event when it returns.
 */
const SHARED_DECISION: DecisionEvent = { type: 'plugin.decision', t: 0, req: '', plugin: '', phase: '', verdict: 'next', reason: '', status: undefined, data: undefined };

/** Asked once per request: a sink's answer to `wants` is fixed for its life (trace/sink.ts). */
function decisionsTo(sink: TraceSink): DecisionsTo {
  if (!sink.wants('plugin.decision')) return NO_DECISIONS;
  return sink.retainsEvents === false ? SHARED_EVENT : FRESH_EVENTS;
}

/**
 * The effect callback this run hands its chains: never called, it marks an effect whose answer goes
 * to the run's own `effectAnswered` (`perform` sees it and asks the host to answer the run itself).
 */
function answersToRun(): void {
  throw new Error('answersToRun is a marker: RequestRun.perform routes its effects to effectAnswered');
}

/** Which chain of the request is running: one runs at a time, so `chainDone` knows what comes next. */
type Step = 'rewrite' | 'access' | 'response' | 'retry-segments';

export class RequestRun implements ChainHost, ChainListener, DispatchListener, DispatchEnv, EffectListener {
  readonly replica: string;
  readonly chain: ChainHost = this;
  readonly dialect: DialectBehaviour;
  needsBody: ((status: number, headers: HeaderMap) => boolean) | undefined = undefined;
  private readonly requestId: string;
  private readonly ctx: RequestContext;
  private readonly decisionsTo: DecisionsTo;
  /** Runs this request's chains one after another: one object instead of one per chain. */
  private readonly chains: ChainRun;
  private startedAt = 0;
  private upstreamMs: number | null = null;
  private step: Step = 'rewrite';
  /** The response stages chosen once access settled the consumer. */
  private responseStages: readonly ChainStage[] = NO_STAGES;
  /** True while the compute effect (capacity model) is in flight: its answer starts the access phase. */
  private computing = false;
  /**
   * The compute effect and the main chain's effects (one in flight at a time) answer `effectAnswered`:
   * through the host's `performFor` with this object, or else through this closure, made on first use.
   */
  private effectCallback: ((result: EffectResult) => void) | undefined = undefined;
  /** Copies (mirrors) the access phase asked for, sent when the request goes upstream; none for most requests. */
  private copies: Array<{ effect: RequestCopy; plugin: string }> | undefined;
  /** The request as the filters left it, kept for its copies while the upstream stage runs. */
  private copySource: UpstreamRequest | undefined;
  /** Only when access re-resolves per consumer (runAccessPhase takes a function there). */
  private onAccessDone: ((reply: ReplyVerdict | undefined) => void) | undefined;
  /** Only on a route where Traefik's retry has middlewares after it (or a second retry): they run again before each retry. */
  private retryRerun: RetryRerun | undefined;
  rerunBeforeRetry: ((tryNumber: number, listener: RerunListener, level: number) => void) | undefined = undefined;
  /** Only with two or more Traefik retries on the route: they nest, and the upstream stage asks each in turn. */
  retryLevels: RetryLevels | undefined = undefined;

  constructor(
    private readonly gateway: Gateway,
    private readonly request: IncomingRequest,
    readonly host: PipelineHost,
    private readonly done: ((result: HandledRequest) => void) | HandledListener,
  ) {
    this.replica = host.replica;
    this.dialect = gateway.dialect;
    this.requestId = request.id;
    this.decisionsTo = decisionsTo(host.sink);
    // Header rules both hosts apply before any vendor logic; confining first so ctx sees the result.
    confineConnectionTokens(request.headers);
    this.ctx = initialContext(request);
    this.chains = new ChainRun(this.ctx, this, this, answersToRun);
  }

  start(): void {
    const refusal = refuseHeaders(this.request.headers);
    this.startedAt = this.host.now();
    if (refusal) {
      const verdict = refusalVerdict(refusal, this.requestId);
      this.decided(REQUEST_GUARD_STAGE, verdict);
      return this.respond(gatewayResponse(verdict), NO_STAGES);
    }
    // Real client address first: nginx's realip module runs before any Lua phase (semantics §6).
    this.dialect.resolveClient(this.ctx, this);
    // rewrite: global plugins only — the router has not run yet (semantics §6, "Phases").
    this.chains.start(this.gateway.rewritePhase());
  }

  chainDone(reply: ReplyVerdict | undefined): void {
    const step = this.step;
    if (step === 'rewrite') this.afterRewrite(reply);
    else if (step === 'access') this.afterAccess(reply);
    else if (step === 'response') this.afterResponse(reply);
    else this.segmentDone(reply);
  }

  private afterRewrite(reply: ReplyVerdict | undefined): void {
    const ctx = this.ctx;
    if (reply) return this.respond(gatewayResponse(reply), NO_STAGES);
    const routed = this.gateway.routeRequest(ctx, this);
    if (routed) return this.respond(routed, NO_STAGES);
    // With a capacity model the request's CPU work runs on the replica's CPU first (Effect 'compute').
    if (!this.host.wantsCompute) return this.access();
    this.computing = true;
    this.performOwn(this.gateway.computeEffectFor(ctx), 'gateway');
  }

  /** Performs an effect whose answer comes back to `effectAnswered`. */
  private performOwn(effect: Effect, plugin: string): void {
    const host = this.host;
    if (host.performFor !== undefined) host.performFor(effect, this.requestId, plugin, this);
    else host.perform(effect, this.requestId, plugin, (this.effectCallback ??= (result) => this.effectAnswered(result)));
  }

  /** EffectListener: the compute effect's answer starts the access phase; any other resumes the main chain. */
  effectAnswered(result: EffectResult): void {
    if (!this.computing) return this.chains.resumeAfter(result);
    this.computing = false;
    this.access();
  }

  private access(): void {
    this.step = 'access';
    const options = this.gateway.accessOptions();
    const routeStages = this.gateway.stagesFor(this.ctx);
    const stages = routeStages.access;
    // Without consumer-scoped plugins the access phase is one plain chain that reports to this object;
    // cut around Traefik's retries, to keep the request as each retry received it.
    if (!options.reResolve) {
      const split = routeStages.retrySplit;
      if (split === undefined) return this.chains.start(stages);
      const rerun = new RetryRerun(split);
      this.retryRerun = rerun;
      this.rerunBeforeRetry = (tryNumber, listener, level) => this.rerun(tryNumber, listener, level);
      if (split.levels > 1) this.retryLevels = { count: split.levels, policies: rerun.policies };
      this.step = 'retry-segments';
      return this.chains.start(rerun.start());
    }
    this.onAccessDone ??= (reply) => this.afterAccess(reply);
    runAccessPhase(stages, this.ctx, this, options, this.onAccessDone);
  }

  /**
   * One segment of a chain cut around Traefik's retries ran: the next one, or the end of the first
   * pass (on to the upstream stage), or the end of a re-run (the upstream stage hears how it went).
   */
  private segmentDone(reply: ReplyVerdict | undefined): void {
    const rerun = this.retryRerun as RetryRerun;
    const next = rerun.segmentDone(this.ctx, reply);
    if (isStages(next)) return this.chains.start(next);
    if (!rerun.firstPass) return rerun.listener?.rerunDone(next.reply, next.depth);
    rerun.firstPass = false;
    this.step = 'access';
    this.afterAccess(next.reply, next.depth);
  }

  /** Before a retry of `level`: the middlewares after that retry run again (the upstream stage asks). */
  private rerun(tryNumber: number, listener: RerunListener, level: number): void {
    const rerun = this.retryRerun as RetryRerun;
    rerun.listener = listener;
    const stages = rerun.begin(this.ctx, this, tryNumber, level);
    this.step = 'retry-segments';
    this.chains.start(stages);
  }

  /** `depth`: how many of Traefik's retries the access phase got inside before `accessReply` (0 without any). */
  private afterAccess(accessReply: ReplyVerdict | undefined, depth = 0): void {
    const ctx = this.ctx;
    // Response plugins are the ones chosen for the consumer the access phase settled on (Kong
    // collects them while access runs).
    const applicable = this.gateway.stagesFor(ctx);
    const service = ctx.match?.service;
    // A middleware after Traefik's retry answered the first try: whether that is final is the retry's call.
    const retryDecides = accessReply !== undefined && depth > 0 && service !== undefined;
    if (accessReply && !retryDecides) return this.respond(gatewayResponse(accessReply), applicable.response);
    this.responseStages = applicable.response;
    // Balance, build the upstream request, call it, and turn failures into the gateway's own answers.
    if (!service) {
      const verdict = this.dialect.noService(ctx);
      this.decided(BALANCER_STAGE, verdict);
      return this.respond(gatewayResponse(verdict), applicable.response);
    }
    const cluster = this.gateway.clusterFor(service, this.host.now());
    this.needsBody = this.gateway.bodyNeeded(applicable.all);
    if (retryDecides) return dispatch(ctx, service, cluster, this, this, { reply: accessReply, depth });
    // Copies leave with the request once a host is picked, as Envoy's router starts its shadows.
    dispatch(ctx, service, cluster, this.copies === undefined ? this : this.copyingEnv(), this);
  }

  /**
   * The upstream stage's environment for a request with copies: its first call upstream, or the
   * connection pool taking it (queued or refused — Envoy picks the host before its pool), sends them.
   */
  private copyingEnv(): DispatchEnv {
    const upstream = this.ctx.upstream;
    // The request as the filters left it: each copy is built from it for its own target.
    const source = { ...upstream, headers: upstream.headers.clone() };
    this.copySource = source;
    const host = new CopyOnSendHost(this.host, (call) => this.sendCopies(source, call.request));
    return { host, chain: this, dialect: this.dialect, needsBody: this.needsBody, transition: (c) => this.transition(c), rerunBeforeRetry: this.rerunBeforeRetry, retryLevels: this.retryLevels };
  }

  dispatched(result: DispatchResult): void {
    // Copies still here never left: no host was picked, and Envoy sends no shadow then.
    if (this.copies !== undefined && this.copySource !== undefined) this.copiesNotSent();
    this.upstreamMs = result.upstreamMs;
    if (result.reply) return this.respond(gatewayResponse(result.reply), this.responseStages);
    const answer = result.answer as Extract<UpstreamAnswer, { ok: true }>;
    this.respond({ status: answer.status, headers: answer.headers, body: answer.body, stream: answer.stream, source: 'upstream' }, this.responseStages);
  }

  /** The response phase over the answer so far, then the dialect's decoration and the log phase. */
  private respond(response: GatewayResponse, stages: readonly ChainStage[]): void {
    this.ctx.response = response;
    this.step = 'response';
    this.chains.start(stages);
  }

  private afterResponse(reply: ReplyVerdict | undefined): void {
    const ctx = this.ctx;
    if (reply) ctx.response = gatewayResponse(reply);
    const upstreamMs = this.upstreamMs;
    this.dialect.decorateResponse(ctx, { upstreamMs, gatewayMs: this.host.now() - this.startedAt - (upstreamMs ?? 0) });
    for (const p of this.gateway.stagesFor(ctx).plugins) p.hooks.log?.(ctx, this);
    const result: HandledRequest = { ctx, response: ctx.response as GatewayResponse, upstreamMs };
    const done = this.done;
    if (typeof done === 'function') done(result);
    else done.requestHandled(result);
  }

  // ChainHost: what the plugins and the upstream stage see of the host, tagged with this request.

  now(): number {
    return this.host.now();
  }

  draw(purpose: string, id: string, index?: number): number {
    return this.host.draw(purpose, id, index);
  }

  drawBytes(purpose: string, key: string, into: Uint8Array): void {
    drawBytes(this.host, purpose, key, into);
  }

  decided(stage: ChainStage, verdict: Verdict): void {
    // The pool took the request (queued or refused): Envoy chose its host and started the shadows by then.
    if (stage === POOL && this.copies !== undefined && this.copySource !== undefined) this.sendCopies(this.copySource, this.ctx.upstream);
    const to = this.decisionsTo;
    if (to === NO_DECISIONS) return;
    if (to === SHARED_EVENT) {
      // The sink forgets each event once emitted (the simulator's hash, events not kept): refill one
      // object. Fields it does not have this time are `undefined`, which JSON leaves out, so the
      // trace's bytes are those of the fresh event below (≈ 90 B per decision not allocated).
      const event = SHARED_DECISION;
      event.t = this.host.traceTime();
      event.req = this.requestId;
      event.plugin = stage.plugin;
      event.phase = stage.phase;
      event.verdict = verdict.kind;
      event.reason = verdict.reason;
      event.status = verdict.kind === 'reply' ? verdict.status : undefined;
      event.data = verdict.data ? verdict.data : undefined;
      this.host.sink.emit(event);
      return;
    }
    // Optional fields are added in place, in the trace's key order (status, then data): spreading
    // `{}` or `{ data }` in cost two objects per decision, and decisions are most of the trace.
    const event: DecisionEvent = {
      type: 'plugin.decision',
      t: this.host.traceTime(),
      req: this.requestId,
      plugin: stage.plugin,
      phase: stage.phase,
      verdict: verdict.kind,
      reason: verdict.reason,
    };
    if (verdict.kind === 'reply') event.status = verdict.status;
    if (verdict.data) event.data = verdict.data;
    this.host.sink.emit(event);
  }

  detach(effects: readonly DetachedEffect[], stage: ChainStage): void {
    for (const effect of effects) {
      // A store write goes now and nobody hears its answer; a request copy waits for the request to go upstream.
      if (effect.type === 'store') this.host.perform(effect, this.requestId, stage.plugin, ignoreAnswer);
      else (this.copies ??= []).push({ effect, plugin: stage.plugin });
    }
  }

  /** Hands the request's copies to the host (once); the main request does not wait for any of them. */
  private sendCopies(source: UpstreamRequest, main: UpstreamRequest): void {
    const copies = this.copies ?? [];
    this.copies = undefined;
    const send = this.host.sendDetached;
    if (!send) return;
    for (const { effect, plugin } of copies) send.call(this.host, buildDetachedCall(this.ctx, this.dialect, effect, plugin, source, main));
  }

  /** One decision per copy that stayed home because the request never reached a host. */
  private copiesNotSent(): void {
    const copies = this.copies ?? [];
    this.copies = undefined;
    for (const { effect, plugin } of copies) this.decided({ plugin, phase: 'access', run: BALANCER_STAGE.run }, copyNotSent(effect));
  }

  perform(effect: Effect, stage: ChainStage, done: (result: EffectResult) => void): void {
    if (done === answersToRun) return this.performOwn(effect, stage.plugin);
    this.host.perform(effect, this.requestId, stage.plugin, done);
  }

  transition(change: MachineTransition): void {
    emitTransition(this.host, change);
  }
}

/** The answer to a detached store write: nobody waits for it (a failed write is lost, as Kong only logs it). */
function ignoreAnswer(): void {}

function isStages(next: readonly ChainStage[] | SegmentsEnd): next is readonly ChainStage[] {
  return Array.isArray(next);
}

/** The gateway's own answer (a plugin's or the router's reply) as a response. */
export function gatewayResponse(verdict: ReplyVerdict): GatewayResponse {
  return {
    status: verdict.status,
    headers: new HeaderMap(verdict.headers ?? []),
    body: verdict.body,
    source: 'gateway',
  };
}
