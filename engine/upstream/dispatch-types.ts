/** What the upstream stage (dispatch.ts) is given and what it answers with; dispatch.ts re-exports these. */
import type { ChainHost, ReplyVerdict } from '../pipeline/chain.ts';
import type { DialectBehaviour } from '../pipeline/dialect.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import type { PipelineHost, UpstreamAnswer } from '../pipeline/host.ts';
import type { MachineTransition } from '../pipeline/types.ts';
import type { RetryPolicyIR } from './policy.ts';

export interface DispatchEnv {
  host: PipelineHost;
  chain: ChainHost;
  dialect: DialectBehaviour;
  needsBody?: (status: number, headers: HeaderMap) => boolean;
  /** Records a machine transition in the trace (breaker.transition). */
  transition: (change: MachineTransition) => void;
  /**
   * Set when the route's chain has Traefik's retry middleware with middlewares after it: before each
   * retry of `level` (1 = the first retry listed) those after that retry run again
   * (pipeline/retry-rerun.ts), and `rerunDone` hears whether one answered itself.
   */
  rerunBeforeRetry?: ((tryNumber: number, listener: RerunListener, level: number) => void) | undefined;
  /** Set when the chain lists two or more of Traefik's retries: they nest, each judging what the inner ones gave up on. */
  retryLevels?: RetryLevels | undefined;
}

/** Traefik's retries on one route, outermost first (pipeline/retry-rerun.ts). */
export interface RetryLevels {
  /** How many retries the route's chain lists. */
  count: number;
  /** The policy of level k at index k − 1, filled in as the request first gets past each retry. */
  policies: readonly RetryPolicyIR[];
}

/**
 * Hears how the middlewares re-run before a retry ended: a reply when one of them answered the client,
 * `depth` the number of retries that try got inside (the level whose middlewares answered).
 */
export interface RerunListener {
  rerunDone(reply: ReplyVerdict | undefined, depth: number): void;
}

export interface DispatchResult {
  answer: UpstreamAnswer | undefined;
  /** The gateway's own answer when no backend answered usefully (pool overflow, no host, failure). */
  reply?: ReplyVerdict;
  /** Time spent waiting on backends, summed over tries (nginx $upstream_response_time adds them up). */
  upstreamMs: number | null;
}

/** Hears the upstream stage's result as a method call, so a caller's per-request object needs no closure. */
export interface DispatchListener {
  dispatched(result: DispatchResult): void;
}
