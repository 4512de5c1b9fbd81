/**
 * Traefik's retry middleware retries by calling everything after it again: the middlewares listed
 * after it in the route's chain, then the service (traefik/traefik pkg/middlewares/retry/retry.go,
 * ServeHTTP: each attempt calls `next`; pkg/server/middleware/middlewares.go BuildChain wraps the
 * middlewares in their declared order around the service). Each attempt starts from a copy of the
 * request as the retry middleware received it, so what a later middleware changed on one attempt is
 * gone on the next; and a response only passes back through the middlewares of its own attempt.
 *
 * Two retries on one route nest: the inner one is part of the outer one's `next`, so every attempt of
 * the outer retry runs the middlewares between the two once, then the inner retry from scratch (its
 * own attempt counter and backoff, retry.go ServeHTTP makes both per call), which makes its own tries.
 * This file cuts a chain into segments around its retries (one level per retry, outermost first) and
 * keeps, per level, the request as that retry received it and the policy it set; RequestRun runs the
 * segments and the upstream stage (dispatch.ts) decides which level retries.
 */
import type { ChainHost, ChainStage, ReplyVerdict } from './chain.ts';
import type { RequestContext } from './types.ts';
import type { RetryPolicyIR } from '../upstream/policy.ts';
import type { RerunListener } from '../upstream/dispatch-types.ts';
import { RETRY_ID } from '../plugins/retry/plugin.ts';
import { retryLevelLabel } from '../plugins/retry/levels.ts';

/** A route's access stages cut just after each of its retry middlewares. */
export interface RetrySplit {
  /**
   * segments[0] runs up to and including the first retry; segments[k] (1 ≤ k < levels) from after the
   * k-th retry up to and including the next; segments[levels] is what follows the last retry.
   */
  segments: ReadonlyArray<readonly ChainStage[]>;
  /** How many retries the chain has: level k (1-based) is the k-th listed, the outermost being 1. */
  levels: number;
  /** Per level k, at index k − 1: the plugin ids a retry of that level runs again, for the trace. */
  names: readonly string[];
}

/** The trace name of the re-run's announcement: the retry middleware's own line. */
const RETRY_STAGE: ChainStage = { plugin: RETRY_ID, phase: 'access', run: () => ({ kind: 'next', reason: '' }) };

/**
 * Where the access stages split around the retry middlewares, or undefined when there is one retry
 * and nothing follows it (then re-sending the upstream request is all a retry does) or none at all.
 * Only for chains in declared order, where "after" means what the route lists after it.
 */
export function splitAtRetry(access: readonly ChainStage[]): RetrySplit | undefined {
  const at: number[] = [];
  for (let i = 0; i < access.length; i++) if (access[i]?.plugin === RETRY_ID) at.push(i);
  if (at.length === 0 || (at.length === 1 && at[0] === access.length - 1)) return undefined;
  const segments: ChainStage[][] = [];
  let from = 0;
  for (const i of at) {
    segments.push(access.slice(from, i + 1));
    from = i + 1;
  }
  segments.push(access.slice(from));
  // A retry of level k runs segments k.. again: the stages after its own retry, inner retries included.
  const names = at.map((i) => access.slice(i + 1).map((s) => s.plugin).join(', '));
  return { segments, levels: at.length, names };
}

/** What the middlewares after a retry may change on one attempt and must find as it was on the next. */
type AttemptState = Pick<RequestContext, 'upstream' | 'vars' | 'consumer' | 'credentialId'>;

/** How running the segments ended: on to the upstream stage, or a middleware answered at `depth`. */
export type SegmentsEnd = { reply: ReplyVerdict | undefined; depth: number };

/**
 * One request's segments: the request as each retry received it, the policy each set, and which
 * segment is running. Depth d means the try got inside the first d retries (0: none of them).
 */
export class RetryRerun {
  /** Per level, at index k − 1: the request as retry k received it on its current run. */
  private readonly received: Array<AttemptState | undefined> = [];
  /**
   * Per level, at index k − 1: the policy retry k set (the upstream stage reads this array, which
   * fills in as the first try gets past each retry).
   */
  readonly policies: RetryPolicyIR[] = [];
  /** The segment running now. */
  private segment = 0;
  /** True until the first pass through the segments is over. */
  firstPass = true;
  /** The upstream stage's run, told how a re-run ended. */
  listener: RerunListener | undefined = undefined;

  constructor(readonly split: RetrySplit) {}

  /** The first pass: from the route's first access stage. */
  start(): readonly ChainStage[] {
    this.segment = 0;
    return this.split.segments[0] as readonly ChainStage[];
  }

  /**
   * A segment finished. Without a reply, a segment that ended in a retry middleware hands its level
   * the request as it is now and the policy it set, and the next segment runs; after the last one
   * the try goes upstream. With a reply the try ended inside the levels entered so far.
   */
  segmentDone(ctx: RequestContext, reply: ReplyVerdict | undefined): readonly ChainStage[] | SegmentsEnd {
    const at = this.segment;
    if (reply !== undefined || at === this.split.levels) return { reply, depth: at };
    this.received[at] = copyOf(ctx);
    if (ctx.retryPolicy) this.policies[at] = ctx.retryPolicy;
    this.segment = at + 1;
    return this.split.segments[at + 1] as readonly ChainStage[];
  }

  /**
   * Before a retry of `level`: back to the request as that retry received it, one trace line naming
   * what runs again (none when nothing does), and the stages to run from. The plugins' scratch space
   * goes back too: a middleware's response hook asks it whether the response passed through that
   * middleware, and one that did not run on this attempt must not think so.
   */
  begin(ctx: RequestContext, host: ChainHost, tryNumber: number, level: number): readonly ChainStage[] {
    const state = copyOf(this.received[level - 1] as AttemptState);
    ctx.upstream = state.upstream;
    ctx.vars = state.vars;
    ctx.consumer = state.consumer;
    ctx.credentialId = state.credentialId;
    this.segment = level;
    const names = this.split.names[level - 1] ?? '';
    if (names !== '') {
      const after = this.split.levels === 1 ? 'retry' : `the ${retryLevelLabel(level, this.split.levels)}`;
      host.decided(RETRY_STAGE, {
        kind: 'next',
        reason: `try ${tryNumber}: running ${names} again (listed after ${after}), from the request as ${after} received it`,
        data: this.split.levels === 1 ? { try: tryNumber } : { try: tryNumber, level },
      });
    }
    return this.split.segments[level] as readonly ChainStage[];
  }
}

/** Headers are copied, vars one level deep (a plugin keeps plain values or its own objects there). */
function copyOf(state: AttemptState): AttemptState {
  const upstream = state.upstream;
  return { upstream: { ...upstream, headers: upstream.headers.clone() }, vars: { ...state.vars }, consumer: state.consumer, credentialId: state.credentialId };
}
