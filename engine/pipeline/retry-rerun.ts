/**
 * Traefik's retry middleware retries by calling everything after it again: the middlewares listed
 * after it in the route's chain, then the service (traefik/traefik pkg/middlewares/retry/retry.go,
 * ServeHTTP: each attempt calls `next`; pkg/server/middleware/middlewares.go BuildChain wraps the
 * middlewares in their declared order around the service). Each attempt starts from a copy of the
 * request as the retry middleware received it, so what a later middleware changed on one attempt is
 * gone on the next; and a response only passes back through the middlewares of its own attempt.
 * This file finds where a chain splits around the retry and keeps one request's
 * copy; RequestRun runs the stages and the upstream stage (dispatch.ts) decides when to ask for them.
 */
import type { ChainHost, ChainStage } from './chain.ts';
import type { RequestContext } from './types.ts';
import type { RerunListener } from '../upstream/dispatch-types.ts';
import { RETRY_ID } from '../plugins/retry/plugin.ts';

/** A route's access stages cut just after its retry middleware. */
export interface RetrySplit {
  /** Up to and including the retry: these run once per request. */
  head: readonly ChainStage[];
  /** After it: these run again before every retry, in the same order. */
  tail: readonly ChainStage[];
  /** Their plugin ids, for the line the trace shows before each re-run. */
  names: string;
}

/** The trace name of the re-run's announcement: the retry middleware's own line. */
const RETRY_STAGE: ChainStage = { plugin: RETRY_ID, phase: 'access', run: () => ({ kind: 'next', reason: '' }) };

/**
 * Where the access stages split around a retry middleware, or undefined when nothing follows it (then
 * re-sending the upstream request is all a retry does). Only for chains in declared order, where
 * "after" means what the route lists after it. With two retries the last one counts: its policy is the
 * one the request keeps (gatelab does not nest them as Traefik would).
 */
export function splitAtRetry(access: readonly ChainStage[]): RetrySplit | undefined {
  let at = -1;
  for (let i = 0; i < access.length; i++) if (access[i]?.plugin === RETRY_ID) at = i;
  if (at < 0 || at === access.length - 1) return undefined;
  const tail = access.slice(at + 1);
  return { head: access.slice(0, at + 1), tail, names: tail.map((s) => s.plugin).join(', ') };
}

/** What the middlewares after the retry may change on one attempt and must find as it was on the next. */
type AttemptState = Pick<RequestContext, 'upstream' | 'vars' | 'consumer' | 'credentialId'>;

/** One request's re-runs: the request as the retry received it, and who waits for the running re-run. */
export class RetryRerun {
  private readonly base: AttemptState;
  /** The upstream stage's run, told how the re-run ended. */
  listener: RerunListener | undefined = undefined;

  constructor(
    readonly split: RetrySplit,
    ctx: RequestContext,
  ) {
    this.base = copyOf(ctx);
  }

  /**
   * Back to the request as the retry received it, and one trace line naming what runs again. The
   * plugins' scratch space goes back too: a middleware's response hook asks it whether the response
   * passed through that middleware, and one that did not run on this attempt must not think so.
   */
  begin(ctx: RequestContext, host: ChainHost, tryNumber: number): void {
    const state = copyOf(this.base);
    ctx.upstream = state.upstream;
    ctx.vars = state.vars;
    ctx.consumer = state.consumer;
    ctx.credentialId = state.credentialId;
    host.decided(RETRY_STAGE, {
      kind: 'next',
      reason: `try ${tryNumber}: running ${this.split.names} again (listed after retry), from the request as retry received it`,
      data: { try: tryNumber },
    });
  }
}

/** Headers are copied, vars one level deep (a plugin keeps plain values or its own objects there). */
function copyOf(state: AttemptState): AttemptState {
  const upstream = state.upstream;
  return { upstream: { ...upstream, headers: upstream.headers.clone() }, vars: { ...state.vars }, consumer: state.consumer, credentialId: state.credentialId };
}
