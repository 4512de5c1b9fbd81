/**
 * Runs one phase's hooks in order. A hook that answers `wait` hands an effect to the host and the
 * chain continues from the hook's `resume` when the host answers — immediately on real sockets once
 * Redis replies, or after modeled latency in the simulation. A `reply` stops the chain.
 */
import type { DetachedEffect, Effect, EffectResult, Phase, RequestContext, PluginHost, Verdict } from './types.ts';
import { propagateToEffect } from '../observe/tracing/propagate.ts';

export interface ChainStage {
  /** 'router', 'balancer' or a plugin id, as the trace names it. */
  plugin: string;
  phase: Phase;
  run: (ctx: RequestContext, host: PluginHost) => Verdict;
}

export type ReplyVerdict = Extract<Verdict, { kind: 'reply' }>;

const NO_STAGES: readonly ChainStage[] = [];

export interface ChainHost extends PluginHost {
  /** Records one decision; called once per verdict, the `wait` ones included. */
  decided(stage: ChainStage, verdict: Verdict): void;
  /** Performs an effect and calls `done` with its result — never synchronously inside `perform`. */
  perform(effect: Effect, stage: ChainStage, done: (result: EffectResult) => void): void;
  /**
   * Takes work the stage does not wait for (a `next` verdict's `detach`). Nothing it answers comes
   * back to the chain; a host without it drops such work, which is allowed since nobody waits for it.
   */
  detach?(effects: readonly DetachedEffect[], stage: ChainStage): void;
}

/** Who hears the end of a chain run as a method call: one per-request object serves all of its chains. */
export interface ChainListener {
  chainDone(reply: ReplyVerdict | undefined): void;
}

export function runChain(
  stages: readonly ChainStage[],
  ctx: RequestContext,
  host: ChainHost,
  done: ((reply: ReplyVerdict | undefined) => void) | ChainListener,
): void {
  new ChainRun(ctx, host, done).start(stages);
}

/**
 * Runs chains for one request. A class rather than closures: a request runs several chains, and methods
 * on a prototype cost nothing per run where fresh closures are allocated (and, under tsx, named) each
 * time. A caller that runs its chains one after another may keep one and `start` each chain on it.
 */
export class ChainRun {
  private stages: readonly ChainStage[] = NO_STAGES;
  private index = 0;

  /**
   * @param onEffect the callback effects answer through, when the owner already has one that ends in
   *   `resumeAfter` (a request's run shares one callback between its CPU work and its chains: one
   *   closure less per request); otherwise this run makes its own on its first wait.
   */
  constructor(
    private readonly ctx: RequestContext,
    private readonly host: ChainHost,
    private readonly listener: ((reply: ReplyVerdict | undefined) => void) | ChainListener,
    private onEffect?: (result: EffectResult) => void,
  ) {}

  /**
   * Runs `stages` from the first. Only once the previous chain on this object has called back: the
   * callback may start the next one, and nothing here reads the run's state after calling back.
   */
  start(stages: readonly ChainStage[]): void {
    this.stages = stages;
    this.index = 0;
    this.advance();
  }

  private done(reply: ReplyVerdict | undefined): void {
    const listener = this.listener;
    if (typeof listener === 'function') listener(reply);
    else listener.chainDone(reply);
  }

  /** Records the verdict; true when the chain stops here for now (a reply, or an effect to wait for). */
  private settle(stage: ChainStage, verdict: Verdict): boolean {
    this.host.decided(stage, verdict);
    // Handed over and never waited for: the chain goes on at once, whatever becomes of it.
    if (verdict.kind === 'next' && verdict.detach !== undefined) this.host.detach?.(verdict.detach, stage);
    if (verdict.kind === 'reply') {
      this.done(verdict);
      return true;
    }
    if (verdict.kind === 'wait') {
      // One effect is in flight per chain at a time: remember what it resumes, and make the callback
      // once per chain run rather than once per wait (a request's access phase waits several times).
      this.waitingStage = stage;
      this.waitingVerdict = verdict;
      this.onEffect ??= (result) => this.resumeAfter(result);
      // Once the request has a trace, an HTTP sidecall carries its traceparent (observe/tracing).
      this.host.perform(propagateToEffect(this.ctx, verdict.effect, stage.plugin), stage, this.onEffect);
      return true;
    }
    return false;
  }

  private waitingStage: ChainStage | undefined;
  private waitingVerdict: Extract<Verdict, { kind: 'wait' }> | undefined;

  /** The answer to the effect this chain waits for: the waiting hook resumes, and the chain goes on. */
  resumeAfter(result: EffectResult): void {
    const stage = this.waitingStage as ChainStage;
    const verdict = this.waitingVerdict as Extract<Verdict, { kind: 'wait' }>;
    let resumed: Verdict;
    try {
      resumed = verdict.resume(result);
    } catch (e) {
      resumed = crashed(stage, e);
    }
    if (!this.settle(stage, resumed)) {
      this.index++;
      this.advance();
    }
  }

  private advance(): void {
    const stages = this.stages;
    while (this.index < stages.length) {
      const stage = stages[this.index] as ChainStage;
      let verdict: Verdict;
      try {
        verdict = stage.run(this.ctx, this.host);
      } catch (e) {
        verdict = crashed(stage, e);
      }
      if (this.settle(stage, verdict)) return;
      this.index++;
    }
    this.done(undefined);
  }
}

/** A plugin bug must never take the gateway down: the request gets a 500, as Kong answers a Lua error. */
function crashed(stage: ChainStage, e: unknown): Verdict {
  const message = e instanceof Error ? e.message : String(e);
  return {
    kind: 'reply',
    status: 500,
    headers: [['content-type', 'application/json; charset=utf-8']],
    body: JSON.stringify({ message: 'An unexpected error occurred' }),
    reason: `${stage.plugin} failed in ${stage.phase}: ${message}`,
  };
}
