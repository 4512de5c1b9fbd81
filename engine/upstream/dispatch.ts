/**
 * The upstream stage of one request: connection pool → pick a host → send with a per-try timeout →
 * feed health and ejection → retry (with backoff) or answer. Runs unchanged under both hosts: time
 * comes from host.now(), waits are `sleep` effects, draws are keyed by the request id.
 */
import type { ServiceIR } from '../config/ir.ts';
import type { ChainHost, ChainStage, ReplyVerdict } from '../pipeline/chain.ts';
import type { DialectBehaviour } from '../pipeline/dialect.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import type { PipelineHost, UpstreamAnswer } from '../pipeline/host.ts';
import type { MachineTransition, RequestContext, UpstreamRequest } from '../pipeline/types.ts';
import type { ClusterNews, UpstreamCluster } from './cluster.ts';
import { decideRetry, describeOutcome, type TryOutcome } from './retry.ts';
import { hashKeyOf } from './hash-key.ts';
import { timeoutReply } from './timeout-reply.ts';

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

export function dispatch(
  ctx: RequestContext,
  service: ServiceIR,
  cluster: UpstreamCluster,
  env: DispatchEnv,
  done: (result: DispatchResult) => void,
): void {
  const { host, chain } = env;
  const policy = ctx.retryPolicy ? { ...cluster.policy, retry: ctx.retryPolicy } : cluster.policy;
  const timeouts = policy.timeouts;
  const startedAt = host.now();
  const deadline = timeouts && timeouts.overallMs > 0 ? startedAt + timeouts.overallMs : Infinity;
  // Only a request that may be retried needs to remember where it went.
  const tried: Set<number> = policy.retry ? new Set<number>() : NO_HOSTS;
  // Each retry rebuilds the upstream request from what the plugins made of it (forwarding headers are added once per try).
  const base: UpstreamRequest | undefined = policy.retry ? { ...ctx.upstream, headers: ctx.upstream.headers.clone() } : undefined;
  const hashKey = hashKeyOf(policy.balancer, ctx);
  let tries = 0;
  let upstreamMs: number | null = null;
  let holdsConnection = false;
  let retryInFlight = false;

  const finish = (result: DispatchResult): void => {
    if (holdsConnection) cluster.pool?.release();
    if (retryInFlight) cluster.pool?.retryEnded();
    done(result);
  };
  const note = (news: ClusterNews): void => {
    for (const c of news.changes) {
      env.transition(c);
      // An ejection this request caused is part of its story too.
      if (c.to === 'ejected' && c.at === host.now()) chain.decided(OUTLIER, { kind: 'next', reason: c.reason });
    }
    for (const n of news.notes) chain.decided(OUTLIER, { kind: 'next', reason: n });
  };

  const attempt = (): void => {
    const now = host.now();
    note(cluster.advance(now));
    if (now >= deadline) return finish(timedOut(`the overall timeout of ${timeouts?.overallMs} ms passed before another try`));
    const picked = cluster.select(
      { requestId: ctx.request.id, hashKey, now, draw: (purpose, index) => host.draw(purpose, ctx.request.id, (index ?? 0) + tries * 16) },
      tried,
      policy.retry?.otherHost ?? true,
    );
    if (picked.index < 0) {
      const verdict = env.dialect.noTarget(ctx, service, picked.reason);
      chain.decided(BALANCER, verdict);
      return finish({ answer: undefined, reply: verdict, upstreamMs });
    }
    const { index, target } = picked as Extract<typeof picked, { target: unknown }>;
    if (policy.retry) tried.add(index);
    tries++;
    if (tries > 1 && base) ctx.upstream = { ...base, headers: base.headers.clone() };
    ctx.target = target;
    env.dialect.buildUpstream(ctx, service, target);
    if (host.sink.wants('plugin.decision')) {
      chain.decided(BALANCER, {
        kind: 'next',
        reason: `${tries > 1 ? `try ${tries}: ` : ''}sending to ${service.name} at ${target.host}:${target.port} as ${ctx.upstream.method} ${ctx.upstream.path} — ${picked.reason}`,
        data: { service: service.name, target: `${target.host}:${target.port}`, try: tries },
      });
    }
    send(index, now);
  };

  const send = (index: number, sentAt: number): void => {
    const target = cluster.targets[index]!;
    emitSend(env, ctx, service.name, `${target.host}:${target.port}`);
    cluster.started(index);
    const perTry = timeouts?.perTryMs ?? 0;
    const left = deadline - sentAt;
    const timeoutMs = Math.min(perTry > 0 ? perTry : Infinity, left);
    host.callUpstream(
      {
        requestId: ctx.request.id,
        service,
        target,
        request: ctx.upstream,
        scheme: service.protocol,
        needsBody: env.needsBody,
        ...(Number.isFinite(timeoutMs) ? { timeoutMs } : {}),
        ...(timeouts?.connectMs ? { connectTimeoutMs: timeouts.connectMs } : {}),
      },
      (answer) => {
        const now = host.now();
        const ms = now - sentAt;
        upstreamMs = (upstreamMs ?? 0) + ms;
        emitResponse(env, ctx, answer, ms);
        const outcome: TryOutcome = answer.ok ? { kind: 'response', status: answer.status } : { kind: 'failure', failure: answer.failure };
        note(cluster.finished(index, answer.ok ? { status: answer.status } : { failure: answer.failure }, ms, now, () => host.draw('outlier-enforce', ctx.request.id, tries)));
        if (retryInFlight) {
          cluster.pool?.retryEnded();
          retryInFlight = false;
        }
        afterTry(answer, outcome, now);
      },
    );
  };

  const afterTry = (answer: UpstreamAnswer, outcome: TryOutcome, now: number): void => {
    const policyRetry = policy.retry;
    if (policyRetry && (!answer.ok || answer.status >= 400)) {
      const decision = decideRetry(policyRetry, outcome, { triesSoFar: tries, method: ctx.request.method, draw: host.draw('retry-backoff', ctx.request.id, tries) });
      if (decision.retry) {
        if (now + decision.backoffMs >= deadline) {
          chain.decided(RETRY, { kind: 'next', reason: `${decision.reason}, but the overall timeout (${timeouts?.overallMs} ms) ends first` });
          return answerWith(answer, outcome);
        }
        const budget = cluster.pool?.retryAllowed();
        if (budget && !budget.ok) {
          chain.decided(RETRY, { kind: 'next', reason: `${describeOutcome(outcome)} would be retried, but ${budget.reason}` });
          return answerWith(answer, outcome);
        }
        if (answer.ok) answer.discard?.();
        cluster.pool?.retryStarted();
        retryInFlight = !!cluster.pool;
        chain.decided(RETRY, { kind: 'next', reason: decision.reason, data: { try: tries, backoffMs: decision.backoffMs, on: decision.condition } });
        if (decision.backoffMs <= 0) return attempt();
        host.perform({ type: 'sleep', purpose: 'retry backoff', ms: decision.backoffMs }, ctx.request.id, 'retry', () => attempt());
        return;
      }
      if (tries > 1 || policyRetry.numRetries > 0) chain.decided(RETRY, { kind: 'next', reason: `not retried: ${decision.reason}` });
    }
    answerWith(answer, outcome);
  };

  const answerWith = (answer: UpstreamAnswer, outcome: TryOutcome): void => {
    if (answer.ok) return finish({ answer, upstreamMs });
    if (answer.failure === 'timeout' && timeouts && timeouts.flavour !== 'generic') {
      return finish(timedOut(`${describeOutcome(outcome)}: ${answer.message}`));
    }
    const verdict = env.dialect.upstreamFailed(ctx, answer);
    chain.decided(PROXY, verdict);
    finish({ answer, reply: verdict, upstreamMs });
  };

  const timedOut = (why: string): DispatchResult => {
    const verdict = timeoutReply(timeouts, why, (message) => env.dialect.upstreamFailed(ctx, { ok: false, failure: 'timeout', message }));
    chain.decided(PROXY, verdict);
    return { answer: undefined, reply: verdict, upstreamMs };
  };

  const pool = cluster.pool;
  if (!pool) return attempt();
  const admission = pool.admit(() => {
    holdsConnection = true;
    chain.decided(POOL, { kind: 'next', reason: 'a connection became free: the request leaves the pending queue' });
    attempt();
  });
  if (admission.kind === 'overflow') {
    const verdict: ReplyVerdict = {
      kind: 'reply',
      status: 503,
      reason: `connection pool overflow: ${admission.reason}`,
      headers: [['x-envoy-overloaded', 'true'], ['content-type', 'text/plain']],
      body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
      data: { limit: admission.limit, flag: 'UO', service: service.name },
    };
    chain.decided(POOL, verdict);
    return finish({ answer: undefined, reply: verdict, upstreamMs: null });
  }
  // A free connection is the common case and says nothing; waiting in the queue is worth a line.
  if (admission.kind === 'queued') chain.decided(POOL, { kind: 'next', reason: admission.reason });
  if (admission.kind === 'go') {
    holdsConnection = true;
    attempt();
  }
}

function emitSend(env: DispatchEnv, ctx: RequestContext, service: string, target: string): void {
  const sink = env.host.sink;
  if (!sink.wants('upstream.send')) return;
  sink.emit({
    type: 'upstream.send',
    t: env.host.traceTime(),
    req: ctx.request.id,
    service,
    target,
    method: ctx.upstream.method,
    host: ctx.upstream.host,
    path: ctx.upstream.path,
    ...(sink.level === 'full' ? { headers: ctx.upstream.headers.toJSON() } : {}),
  });
}

function emitResponse(env: DispatchEnv, ctx: RequestContext, answer: UpstreamAnswer, ms: number): void {
  const sink = env.host.sink;
  if (!sink.wants('upstream.response')) return;
  sink.emit({
    type: 'upstream.response',
    t: env.host.traceTime(),
    req: ctx.request.id,
    status: answer.ok ? answer.status : 0,
    ms,
    ...(answer.ok ? {} : { error: answer.message }),
  });
}
