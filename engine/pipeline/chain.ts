/**
 * Runs one phase's hooks in order. A hook that answers `wait` hands an effect to the host and the
 * chain continues from the hook's `resume` when the host answers — immediately on real sockets once
 * Redis replies, or after modeled latency in the simulation. A `reply` stops the chain.
 */
import type { Effect, EffectResult, Phase, RequestContext, PluginHost, Verdict } from './types.ts';

export interface ChainStage {
  /** 'router', 'balancer' or a plugin id, as the trace names it. */
  plugin: string;
  phase: Phase;
  run: (ctx: RequestContext, host: PluginHost) => Verdict;
}

export type ReplyVerdict = Extract<Verdict, { kind: 'reply' }>;

export interface ChainHost extends PluginHost {
  /** Records one decision; called once per verdict, the `wait` ones included. */
  decided(stage: ChainStage, verdict: Verdict): void;
  /** Performs an effect and calls `done` with its result — never synchronously inside `perform`. */
  perform(effect: Effect, stage: ChainStage, done: (result: EffectResult) => void): void;
}

export function runChain(
  stages: readonly ChainStage[],
  ctx: RequestContext,
  host: ChainHost,
  done: (reply: ReplyVerdict | undefined) => void,
): void {
  let index = 0;
  const settle = (stage: ChainStage, verdict: Verdict): boolean => {
    host.decided(stage, verdict);
    if (verdict.kind === 'reply') {
      done(verdict);
      return true;
    }
    if (verdict.kind === 'wait') {
      host.perform(verdict.effect, stage, (result) => {
        let resumed: Verdict;
        try {
          resumed = verdict.resume(result);
        } catch (e) {
          resumed = crashed(stage, e);
        }
        if (!settle(stage, resumed)) {
          index++;
          advance();
        }
      });
      return true;
    }
    return false;
  };
  const advance = (): void => {
    while (index < stages.length) {
      const stage = stages[index] as ChainStage;
      let verdict: Verdict;
      try {
        verdict = stage.run(ctx, host);
      } catch (e) {
        verdict = crashed(stage, e);
      }
      if (settle(stage, verdict)) return;
      index++;
    }
    done(undefined);
  };
  advance();
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
