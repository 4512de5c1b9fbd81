/**
 * The upstream stage of one request: connection pool → pick a host → send with a per-try timeout →
 * feed health and ejection → retry (with backoff) or answer. Runs unchanged under both hosts: time
 * comes from host.now(), waits are `sleep` effects, draws are keyed by the request id.
 */
import type { ServiceIR, TargetIR } from '../config/ir.ts';
import type { ChainHost, ChainStage, ReplyVerdict } from '../pipeline/chain.ts';
import type { DialectBehaviour } from '../pipeline/dialect.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import type { PipelineHost, UpstreamAnswer, UpstreamCall } from '../pipeline/host.ts';
import type { MachineTransition, RequestContext, UpstreamRequest } from '../pipeline/types.ts';
import type { ClusterNews, UpstreamCluster } from './cluster.ts';
import { decideRetry, describeOutcome, type TryOutcome } from './retry.ts';
import { hashKeyOf } from './hash-key.ts';
import { timeoutReply } from './timeout-reply.ts';
import type { UpstreamPolicyIR } from './policy.ts';
import type { PickRequest } from './balancer/types.ts';
import { emitResponse, emitSend } from './dispatch-trace.ts';

export interface DispatchEnv {
  host: PipelineHost;
  chain: ChainHost;
  dialect: DialectBehaviour;
  needsBody?: (status: number, headers: HeaderMap) => boolean;
  /** Records a machine transition in the trace (breaker.transition). */
  transition: (change: MachineTransition) => void;
}

export interface DispatchResult {
  answer: UpstreamAnswer | undefined;
  /** The gateway's own answer when no backend answered usefully (pool overflow, no host, failure). */
  reply?: ReplyVerdict;
  /** Time spent waiting on backends, summed over tries (nginx $upstream_response_time adds them up). */
  upstreamMs: number | null;
}

const stage = (plugin: string): ChainStage => ({ plugin, phase: 'access', run: () => ({ kind: 'next', reason: '' }) });
const BALANCER = stage('balancer');
const POOL = stage('connection-pool');
const RETRY = stage('retry');
const PROXY = stage('proxy');
const OUTLIER = stage('outlier-detection');
const NO_HOSTS: Set<number> = new Set();
/** What `finished` gets when the cluster has no outlier detector, which alone would draw. */
const NO_ENFORCE_DRAW = (): number => 0;

/** Hears the upstream stage's result as a method call, so a caller's per-request object needs no closure. */
export interface DispatchListener {
  dispatched(result: DispatchResult): void;
}

export function dispatch(
  ctx: RequestContext,
  service: ServiceIR,
  cluster: UpstreamCluster,
  env: DispatchEnv,
  listener: DispatchListener,
): void {
  new DispatchRun(ctx, service, cluster, env, listener).begin();
}

/**
 * One request's way through the upstream stage. A class rather than a nest of closures: methods on a
 * prototype cost nothing per request, where seven fresh closures (each named by tsx) did.
 */
class DispatchRun {
  readonly host: PipelineHost;
  private readonly chain: ChainHost;
  private readonly policy: UpstreamPolicyIR;
  private readonly timeouts: UpstreamPolicyIR['timeouts'];
  private readonly deadline: number;
  /** Only a request that may be retried needs to remember where it went. */
  private readonly tried: Set<number>;
  /** Each retry rebuilds the upstream request from what the plugins made of it (forwarding headers are added once per try). */
  private readonly base: UpstreamRequest | undefined;
  private readonly hashKey: string | undefined;
  /** The balancer's view of this request, reused by every try (its `now` is set per try). */
  private readonly pick: TryPick;
  /** Made only when the cluster detects outliers; a closure per request otherwise. */
  private enforceDraw: (() => number) | undefined;
  tries = 0;
  private upstreamMs: number | null = null;
  private holdsConnection = false;
  private retryInFlight = false;

  constructor(
    private readonly ctx: RequestContext,
    private readonly service: ServiceIR,
    private readonly cluster: UpstreamCluster,
    private readonly env: DispatchEnv,
    private readonly listener: DispatchListener,
  ) {
    this.host = env.host;
    this.chain = env.chain;
    const policy = ctx.retryPolicy ? { ...cluster.policy, retry: ctx.retryPolicy } : cluster.policy;
    this.policy = policy;
    const timeouts = policy.timeouts;
    this.timeouts = timeouts;
    const startedAt = this.host.now();
    this.deadline = timeouts && timeouts.overallMs > 0 ? startedAt + timeouts.overallMs : Infinity;
    this.tried = policy.retry ? new Set<number>() : NO_HOSTS;
    this.base = policy.retry ? { ...ctx.upstream, headers: ctx.upstream.headers.clone() } : undefined;
    this.hashKey = hashKeyOf(policy.balancer, ctx);
    this.pick = new TryPick(this, ctx.request.id, this.hashKey);
  }

  begin(): void {
    const pool = this.cluster.pool;
    if (!pool) return this.attempt();
    const admission = pool.admit(() => {
      this.holdsConnection = true;
      this.chain.decided(POOL, { kind: 'next', reason: 'a connection became free: the request leaves the pending queue' });
      this.attempt();
    });
    if (admission.kind === 'overflow') {
      const verdict: ReplyVerdict = {
        kind: 'reply',
        status: 503,
        reason: `connection pool overflow: ${admission.reason}`,
        headers: [['x-envoy-overloaded', 'true'], ['content-type', 'text/plain']],
        body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
        data: { limit: admission.limit, flag: 'UO', service: this.service.name },
      };
      this.chain.decided(POOL, verdict);
      return this.finish({ answer: undefined, reply: verdict, upstreamMs: null });
    }
    // A free connection is the common case and says nothing; waiting in the queue is worth a line.
    if (admission.kind === 'queued') this.chain.decided(POOL, { kind: 'next', reason: admission.reason });
    if (admission.kind === 'go') {
      this.holdsConnection = true;
      this.attempt();
    }
  }

  private finish(result: DispatchResult): void {
    if (this.holdsConnection) this.cluster.pool?.release();
    if (this.retryInFlight) this.cluster.pool?.retryEnded();
    this.listener.dispatched(result);
  }

  private note(news: ClusterNews): void {
    for (const c of news.changes) {
      this.env.transition(c);
      // An ejection this request caused is part of its story too.
      if (c.to === 'ejected' && c.at === this.host.now()) this.chain.decided(OUTLIER, { kind: 'next', reason: c.reason });
    }
    for (const n of news.notes) this.chain.decided(OUTLIER, { kind: 'next', reason: n });
  }

  /** The outlier detector's enforcement draw for the try that just ended. */
  private enforcer(): () => number {
    if (!this.cluster.outlier) return NO_ENFORCE_DRAW;
    this.enforceDraw ??= () => this.host.draw('outlier-enforce', this.ctx.request.id, this.tries);
    return this.enforceDraw;
  }

  attempt(): void {
    const { ctx, cluster, service, host, policy } = this;
    const now = host.now();
    this.note(cluster.advance(now));
    if (now >= this.deadline) return this.finish(this.timedOut(`the overall timeout of ${this.timeouts?.overallMs} ms passed before another try`));
    this.pick.now = now;
    const picked = cluster.select(this.pick, this.tried, policy.retry?.otherHost ?? true);
    if (picked.index < 0) {
      const verdict = this.env.dialect.noTarget(ctx, service, picked.reason);
      this.chain.decided(BALANCER, verdict);
      return this.finish({ answer: undefined, reply: verdict, upstreamMs: this.upstreamMs });
    }
    const { index, target } = picked as Extract<typeof picked, { target: unknown }>;
    if (policy.retry) this.tried.add(index);
    this.tries++;
    const tries = this.tries;
    if (tries > 1 && this.base) ctx.upstream = { ...this.base, headers: this.base.headers.clone() };
    ctx.target = target;
    this.env.dialect.buildUpstream(ctx, service, target);
    if (host.sink.wants('plugin.decision')) {
      this.chain.decided(BALANCER, {
        kind: 'next',
        reason: `${tries > 1 ? `try ${tries}: ` : ''}${this.sendingPrefix(index, target)}${ctx.upstream.method} ${ctx.upstream.path} — ${picked.reason}`,
        data: { service: service.name, target: this.targetKey(index, target), try: tries },
      });
    }
    this.send(index, now);
  }

  /** `host:port` of the picked host: the cluster's (same text) when it describes this service. */
  private targetKey(index: number, target: TargetIR): string {
    return this.cluster.service === this.service ? (this.cluster.keys[index] as string) : `${target.host}:${target.port}`;
  }

  private sendingPrefix(index: number, target: TargetIR): string {
    return this.cluster.service === this.service ? this.cluster.sendingPrefix(index) : `sending to ${this.service.name} at ${target.host}:${target.port} as `;
  }

  private send(index: number, sentAt: number): void {
    const { ctx, service, cluster, env } = this;
    const target = cluster.targets[index]!;
    emitSend(env.host, ctx, service.name, this.targetKey(index, target));
    cluster.started(index);
    const timeouts = this.timeouts;
    const perTry = timeouts?.perTryMs ?? 0;
    const left = this.deadline - sentAt;
    const timeoutMs = Math.min(perTry > 0 ? perTry : Infinity, left);
    const call: UpstreamCall = { requestId: ctx.request.id, service, target, request: ctx.upstream, scheme: service.protocol, needsBody: env.needsBody };
    // Optional fields added in place, in the order the spreads added them.
    if (Number.isFinite(timeoutMs)) call.timeoutMs = timeoutMs;
    if (timeouts?.connectMs) call.connectTimeoutMs = timeouts.connectMs;
    this.sentIndex = index;
    this.sentAt = sentAt;
    this.host.callUpstream(call, this.onAnswer);
  }

  /** The host that is being waited for (one try in flight at a time). */
  private sentIndex = 0;
  private sentAt = 0;

  // Made with the object on purpose: made lazily in send() instead, pipeline-only.ts measured 2–4× the
  // scavenge time (cause not found), so this one closure per request stays.
  private readonly onAnswer = (answer: UpstreamAnswer): void => {
    const { ctx, cluster, host } = this;
    const index = this.sentIndex;
    const now = host.now();
    const ms = now - this.sentAt;
    this.upstreamMs = (this.upstreamMs ?? 0) + ms;
    emitResponse(host, ctx, answer, ms);
    const outcome: TryOutcome = answer.ok ? { kind: 'response', status: answer.status } : { kind: 'failure', failure: answer.failure };
    this.note(cluster.finished(index, answer.ok ? { status: answer.status } : { failure: answer.failure }, ms, now, this.enforcer()));
    if (this.retryInFlight) {
      cluster.pool?.retryEnded();
      this.retryInFlight = false;
    }
    this.afterTry(answer, outcome, now);
  };

  private afterTry(answer: UpstreamAnswer, outcome: TryOutcome, now: number): void {
    const { ctx, cluster, host } = this;
    const policyRetry = this.policy.retry;
    const tries = this.tries;
    if (policyRetry && (!answer.ok || answer.status >= 400)) {
      const decision = decideRetry(policyRetry, outcome, { triesSoFar: tries, method: ctx.request.method, draw: host.draw('retry-backoff', ctx.request.id, tries) });
      if (decision.retry) {
        if (now + decision.backoffMs >= this.deadline) {
          this.chain.decided(RETRY, { kind: 'next', reason: `${decision.reason}, but the overall timeout (${this.timeouts?.overallMs} ms) ends first` });
          return this.answerWith(answer, outcome);
        }
        const budget = cluster.pool?.retryAllowed();
        if (budget && !budget.ok) {
          this.chain.decided(RETRY, { kind: 'next', reason: `${describeOutcome(outcome)} would be retried, but ${budget.reason}` });
          return this.answerWith(answer, outcome);
        }
        if (answer.ok) answer.discard?.();
        cluster.pool?.retryStarted();
        this.retryInFlight = !!cluster.pool;
        this.chain.decided(RETRY, { kind: 'next', reason: decision.reason, data: { try: tries, backoffMs: decision.backoffMs, on: decision.condition } });
        if (decision.backoffMs <= 0) return this.attempt();
        host.perform({ type: 'sleep', purpose: 'retry backoff', ms: decision.backoffMs }, ctx.request.id, 'retry', () => this.attempt());
        return;
      }
      if (tries > 1 || policyRetry.numRetries > 0) this.chain.decided(RETRY, { kind: 'next', reason: `not retried: ${decision.reason}` });
    }
    this.answerWith(answer, outcome);
  }

  private answerWith(answer: UpstreamAnswer, outcome: TryOutcome): void {
    if (answer.ok) return this.finish({ answer, upstreamMs: this.upstreamMs });
    const timeouts = this.timeouts;
    if (answer.failure === 'timeout' && timeouts && timeouts.flavour !== 'generic') {
      return this.finish(this.timedOut(`${describeOutcome(outcome)}: ${answer.message}`));
    }
    const verdict = this.env.dialect.upstreamFailed(this.ctx, answer);
    this.chain.decided(PROXY, verdict);
    this.finish({ answer, reply: verdict, upstreamMs: this.upstreamMs });
  }

  private timedOut(why: string): DispatchResult {
    const verdict = timeoutReply(this.timeouts, why, (message) => this.env.dialect.upstreamFailed(this.ctx, { ok: false, failure: 'timeout', message }));
    this.chain.decided(PROXY, verdict);
    return { answer: undefined, reply: verdict, upstreamMs: this.upstreamMs };
  }
}

/**
 * The balancer's view of one request: a prototype method for the draws instead of a closure per
 * request. Draws are keyed by the request, 16 indexes apart per try (read when drawn).
 */
class TryPick implements PickRequest {
  now = 0;

  constructor(
    private readonly run: { readonly host: PipelineHost; readonly tries: number },
    readonly requestId: string,
    readonly hashKey: string | undefined,
  ) {}

  draw(purpose: string, index?: number): number {
    return this.run.host.draw(purpose, this.requestId, (index ?? 0) + this.run.tries * 16);
  }
}
