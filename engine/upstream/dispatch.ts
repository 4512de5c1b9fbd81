/**
 * The upstream stage of one request: connection pool → pick a host → send with a per-try timeout →
 * feed health and ejection → retry (with backoff) or answer. Runs unchanged under both hosts: time
 * comes from host.now(), waits are `sleep` effects, draws are keyed by the request id.
 */
import type { ServiceIR, TargetIR } from '../config/ir.ts';
import type { ChainHost, ReplyVerdict } from '../pipeline/chain.ts';
import type { PipelineHost, UpstreamAnswer, UpstreamCall } from '../pipeline/host.ts';
import type { MachineTransition, RequestContext, UpstreamRequest } from '../pipeline/types.ts';
import type { ClusterNews, HostOutcome, UpstreamCluster } from './cluster.ts';
import { decideRetry, describeOutcome, type TryOutcome } from './retry.ts';
import { hashKeyOf } from './hash-key.ts';
import { integrationFailureReply, timeoutReply } from './timeout-reply.ts';
import type { UpstreamPolicyIR } from './policy.ts';
import { STICKY_PICK, type PickRequest } from './balancer/types.ts';
import { retryLevelLabel } from '../plugins/retry/levels.ts';
import { retryStarts } from '../plugins/retry/plugin.ts';
import { BALANCER, emitResponse, emitSend, OUTLIER, overflowVerdict, POOL, PROXY, RETRY } from './dispatch-trace.ts';
import type { DispatchEnv, DispatchListener, DispatchResult, RerunListener } from './dispatch-types.ts';

export type { DispatchEnv, DispatchListener, DispatchResult, RerunListener, RetryLevels } from './dispatch-types.ts';

const NO_HOSTS: Set<number> = new Set();
/** What `finished` gets when the cluster has no outlier detector, which alone would draw. */
const NO_ENFORCE_DRAW = (): number => 0;

export function dispatch(
  ctx: RequestContext,
  service: ServiceIR,
  cluster: UpstreamCluster,
  env: DispatchEnv,
  listener: DispatchListener,
  /**
   * A middleware after Traefik's retry answered the first try itself (env.rerunBeforeRetry is set),
   * inside `depth` of the route's retries.
   */
  firstTry?: { reply: ReplyVerdict; depth: number },
): void {
  const run = new DispatchRun(ctx, service, cluster, env, listener);
  if (firstTry) run.rerunDone(firstTry.reply, firstTry.depth);
  else run.begin();
}

/** What `finished` is told about a try that got an answer, one frozen object per status (read only). */
const ANSWERED: Array<HostOutcome | undefined> = [];
function answeredWith(status: number): HostOutcome {
  return (ANSWERED[status] ??= Object.freeze({ status }));
}

/**
 * One request's way through the upstream stage. A class rather than a nest of closures: methods on a
 * prototype cost nothing per request, where seven fresh closures (each named by tsx) did. It is also
 * the balancer's view of the request (PickRequest), which saves an object per request.
 */
class DispatchRun implements PickRequest, RerunListener {
  readonly host: PipelineHost;
  /** PickRequest: the request's id and hash key, and the host clock of the current try. */
  readonly requestId: string;
  readonly hashKey: string | undefined;
  now = 0;
  private readonly chain: ChainHost;
  private readonly policy: UpstreamPolicyIR;
  private readonly timeouts: UpstreamPolicyIR['timeouts'];
  private readonly deadline: number;
  /**
   * Hosts already tried, for a request that may be retried. Made when a second try starts, from
   * `firstTried`: most requests (Kong's default `retries: 5` included) end after one try and need no Set.
   */
  private tried: Set<number> = NO_HOSTS;
  private firstTried = -1;
  /**
   * Each retry rebuilds the upstream request from what the plugins made of it (forwarding headers are
   * added once per try); with Traefik's re-run the middlewares rebuild it instead (env.rerunBeforeRetry).
   */
  private readonly base: UpstreamRequest | undefined;
  /** The last answer a middleware re-run by Traefik's retry gave itself, when that try ended there. */
  private middlewareReply: ReplyVerdict | undefined;
  /** Made only when the cluster detects outliers; a closure per request otherwise. */
  private enforceDraw: (() => number) | undefined;
  tries = 0;
  /**
   * With nested Traefik retries: the attempts each level has made on its current run, the current one
   * included (level k at k − 1). An outer retry starts the inner ones afresh, as each retry.go
   * ServeHTTP call starts its own counter. Absent with one retry policy, whose count is `tries`.
   */
  private readonly levelTries: number[] | undefined;
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
    // Retries and timeouts are the service's own even when its balancer is an upstream's that other
    // services share (Kong: handler.lua balancer_prepare copies service.retries and the timeouts into
    // the request's balancer_data); the cluster's policy is its own service's.
    const own = cluster.service === service ? cluster.policy : (service.policy ?? {});
    const policy = ctx.retryPolicy ? { ...own, retry: ctx.retryPolicy } : own;
    this.policy = policy;
    const timeouts = policy.timeouts;
    this.timeouts = timeouts;
    const startedAt = this.host.now();
    this.deadline = timeouts && timeouts.overallMs > 0 ? startedAt + timeouts.overallMs : Infinity;
    this.base = policy.retry && !env.rerunBeforeRetry ? { ...ctx.upstream, headers: ctx.upstream.headers.clone() } : undefined;
    this.requestId = ctx.request.id;
    this.hashKey = hashKeyOf(policy.balancer, ctx);
    const levels = env.retryLevels;
    this.levelTries = levels ? new Array<number>(levels.count).fill(1) : undefined;
  }

  /** PickRequest: draws keyed by the request, 16 indexes apart per try (read when drawn). */
  draw(purpose: string, index?: number): number {
    return this.host.draw(purpose, this.requestId, (index ?? 0) + this.tries * 16);
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
      const verdict = overflowVerdict(admission, this.service.name);
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
    // Index loops: most news is the shared frozen NO_NEWS, and for…of over its frozen arrays made an
    // iterator per call (two calls per try, ≈ 47 B per request).
    const { changes, notes } = news;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i] as MachineTransition;
      this.env.transition(c);
      // An ejection this request caused is part of its story too.
      if (c.to === 'ejected' && c.at === this.host.now()) this.chain.decided(OUTLIER, { kind: 'next', reason: c.reason });
    }
    for (let i = 0; i < notes.length; i++) this.chain.decided(OUTLIER, { kind: 'next', reason: notes[i] as string });
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
    this.now = now;
    if (this.firstTried >= 0 && this.tried === NO_HOSTS) this.tried = new Set([this.firstTried]);
    const picked = cluster.select(this, this.tried, policy.retry?.otherHost ?? true);
    const index = picked.index;
    if (index < 0) {
      // The tries made so far: Kong answers a balancer failure on a retry differently from the first.
      const verdict = this.env.dialect.noTarget(ctx, service, picked.reason, this.tries);
      this.chain.decided(BALANCER, verdict);
      return this.finish({ answer: undefined, reply: verdict, upstreamMs: this.upstreamMs });
    }
    const target = cluster.targets[index] as TargetIR;
    if (policy.retry) {
      if (this.tried === NO_HOSTS) this.firstTried = index;
      else this.tried.add(index);
    }
    this.tries++;
    const tries = this.tries;
    ctx.target = target;
    // A cookie-affinity pick tells the dialect which key the answer's Set-Cookie carries (if any).
    if (picked.sticky) ctx.vars[STICKY_PICK] = picked.sticky;
    this.env.dialect.buildUpstream(ctx, service, target);
    if (host.sink.wants('plugin.decision')) {
      this.chain.decided(BALANCER, {
        kind: 'next',
        reason: this.sendingReason(tries, index, target, picked.reason),
        data: this.cluster.service === service ? this.cluster.sendingData(tries, index) : { service: service.name, target: this.targetKey(index, target), try: tries },
      });
    }
    this.send(index, now);
  }

  /** `host:port` of the picked host: the cluster's (same text) when it describes this service. */
  private targetKey(index: number, target: TargetIR): string {
    return this.cluster.service === this.service ? (this.cluster.keys[index] as string) : `${target.host}:${target.port}`;
  }

  /** The balancer's decision sentence; the cluster's own (reused while it repeats) when it describes this service. */
  private sendingReason(tries: number, index: number, target: TargetIR, why: string): string {
    const { method, path } = this.ctx.upstream;
    if (this.cluster.service === this.service) return this.cluster.sendingSentence(tries, index, method, path, why);
    return `${tries > 1 ? `try ${tries}: ` : ''}sending to ${this.service.name} at ${target.host}:${target.port} as ${method} ${path} — ${why}`;
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
    // An unnamed arrow in argument position: a class-field arrow paid tsx's `__name` (a defineProperty)
    // per request, ≈ 9 % of pipeline-only.ts under tsx.
    this.host.callUpstream(call, (answer) => this.answered(answer));
  }

  /** The host that is being waited for (one try in flight at a time). */
  private sentIndex = 0;
  private sentAt = 0;

  private answered(answer: UpstreamAnswer): void {
    const { ctx, cluster, host } = this;
    const index = this.sentIndex;
    const now = host.now();
    const ms = now - this.sentAt;
    this.upstreamMs = (this.upstreamMs ?? 0) + ms;
    emitResponse(host, ctx, answer, ms);
    this.note(cluster.finished(index, answer.ok ? answeredWith(answer.status) : { failure: answer.failure }, ms, now, this.enforcer()));
    this.endRetryInFlight();
    // An answer below 400 is never retried (nor is any answer without a retry policy): the common
    // case, which needs no outcome object.
    if (answer.ok && (answer.status < 400 || !this.policy.retry)) return this.finish({ answer, upstreamMs: this.upstreamMs });
    const outcome: TryOutcome = answer.ok ? { kind: 'response', status: answer.status } : { kind: 'failure', failure: answer.failure };
    this.afterTry(answer, outcome, now);
  }

  /**
   * How the middlewares Traefik's retry re-ran ended: on to the balancer, or the try ended in one of
   * them (a 429, a 401) and counts as an attempt, as every pass through the retry's `next` does.
   */
  rerunDone(reply: ReplyVerdict | undefined, depth: number): void {
    if (!reply) return this.attempt();
    this.tries++;
    this.middlewareReply = reply;
    this.endRetryInFlight();
    this.afterTry(undefined, { kind: 'response', status: reply.status }, this.host.now(), depth);
  }

  private endRetryInFlight(): void {
    if (!this.retryInFlight) return;
    this.cluster.pool?.retryEnded();
    this.retryInFlight = false;
  }

  /** After the backoff: Traefik runs the middlewares after its retry (of `level`) again first; others re-send. */
  private nextTry(level: number): void {
    const rerun = this.env.rerunBeforeRetry;
    if (rerun) return rerun(this.tries + 1, this, level);
    const base = this.base;
    if (base) this.ctx.upstream = { ...base, headers: base.headers.clone() };
    this.attempt();
  }

  /**
   * `answer` is undefined when the try ended in a re-run middleware (middlewareReply). `depth` is how
   * many of Traefik's nested retries the try got inside: the innermost of them judges it first, and
   * what it does not retry (its last attempt, or an outcome it does not retry) goes out to the next
   * one, as an inner retry.go writes its answer to the outer retry's response writer, which judges it
   * by its own rules. One retry policy is one level.
   */
  private afterTry(answer: UpstreamAnswer | undefined, outcome: TryOutcome, now: number, depth = this.levelTries?.length ?? 1): void {
    const { ctx, cluster, host } = this;
    const levels = this.env.retryLevels;
    if (outcome.kind === 'failure' || outcome.status >= 400) {
      for (let level = depth; level >= 1; level--) {
        const policyRetry = levels ? levels.policies[level - 1] : this.policy.retry;
        if (!policyRetry) continue;
        const triesSoFar = this.levelTries ? (this.levelTries[level - 1] as number) : this.tries;
        // bodyStreamed: Kong request_buffering false — nginx cannot send a streamed body twice (retry.ts).
        const startedAt = policyRetry.timeoutMs !== undefined ? retryStarts(ctx).get(policyRetry) : undefined;
        const decision = decideRetry(policyRetry, outcome, {
          triesSoFar,
          method: ctx.request.method,
          draw: host.draw('retry-backoff', ctx.request.id, this.tries),
          bodyStreamed: ctx.match?.route.requestBuffering === false,
          ...(startedAt !== undefined ? { elapsedMs: now - startedAt } : {}),
        });
        const who = levels ? `${retryLevelLabel(level, levels.count)}: ` : '';
        if (decision.retry) {
          if (now + decision.backoffMs >= this.deadline) {
            this.chain.decided(RETRY, { kind: 'next', reason: `${who}${decision.reason}, but the overall timeout (${this.timeouts?.overallMs} ms) ends first` });
            return this.answerWith(answer, outcome);
          }
          const budget = cluster.pool?.retryAllowed();
          if (budget && !budget.ok) {
            this.chain.decided(RETRY, { kind: 'next', reason: `${who}${describeOutcome(outcome)} would be retried, but ${budget.reason}` });
            return this.answerWith(answer, outcome);
          }
          if (answer?.ok) answer.discard?.();
          cluster.pool?.retryStarted();
          this.retryInFlight = !!cluster.pool;
          this.nextLevelTry(level);
          const data = levels ? { try: this.tries, backoffMs: decision.backoffMs, on: decision.condition, level } : { try: this.tries, backoffMs: decision.backoffMs, on: decision.condition };
          this.chain.decided(RETRY, { kind: 'next', reason: `${who}${decision.reason}`, data });
          if (decision.backoffMs <= 0) return this.nextTry(level);
          host.perform({ type: 'sleep', purpose: 'retry backoff', ms: decision.backoffMs }, ctx.request.id, 'retry', () => this.nextTry(level));
          return;
        }
        if (triesSoFar > 1 || policyRetry.numRetries > 0) this.chain.decided(RETRY, { kind: 'next', reason: `${who}not retried: ${decision.reason}` });
      }
    }
    this.answerWith(answer, outcome);
  }

  /** Level `level` starts its next attempt: the levels inside it start afresh, on their first. */
  private nextLevelTry(level: number): void {
    const counts = this.levelTries;
    if (!counts) return;
    counts[level - 1] = (counts[level - 1] as number) + 1;
    for (let k = level; k < counts.length; k++) counts[k] = 1;
  }

  private answerWith(answer: UpstreamAnswer | undefined, outcome: TryOutcome): void {
    if (!answer) return this.finish({ answer: undefined, reply: this.middlewareReply, upstreamMs: this.upstreamMs });
    if (answer.ok) return this.finish({ answer, upstreamMs: this.upstreamMs });
    const timeouts = this.timeouts;
    if (answer.failure === 'timeout' && timeouts && timeouts.flavour !== 'generic') {
      return this.finish(this.timedOut(`${describeOutcome(outcome)}: ${answer.message}`));
    }
    const verdict = integrationFailureReply(timeouts, answer.failure) ?? this.env.dialect.upstreamFailed(this.ctx, answer);
    this.chain.decided(PROXY, verdict);
    this.finish({ answer, reply: verdict, upstreamMs: this.upstreamMs });
  }

  private timedOut(why: string): DispatchResult {
    const verdict = timeoutReply(this.timeouts, why, (message) => this.env.dialect.upstreamFailed(this.ctx, { ok: false, failure: 'timeout', message }));
    this.chain.decided(PROXY, verdict);
    return { answer: undefined, reply: verdict, upstreamMs: this.upstreamMs };
  }
}
