/**
 * The balancer contract: one shape for every algorithm in semantics §10, so the cluster code never
 * needs to know which one it runs. Kept apart from index.ts so each algorithm file can import the
 * types without importing the factory that imports it.
 */

/** One upstream host as the balancer sees it: its address (for hashing and reasons) and weight. */
export interface BalancedHost {
  /** "host:port"; consistent-hash balancers hash this string, as Envoy hashes the host address. */
  key: string;
  /** Positive; Kong's weight-0 targets are left out before the balancer is created. */
  weight: number;
}

export interface PickRequest {
  requestId: string;
  /** The consistent-hash key already extracted from the request (ip, header value, ...); undefined when none. */
  hashKey?: string;
  /**
   * Deterministic draw in [0,1) keyed by (purpose, this request, index), never a global random source.
   * Purposes used here: 'lb-p2c' (power-of-two samples), 'lb-random', 'lb-weighted', 'lb-hash'.
   */
  draw(purpose: string, index?: number): number;
  /** Host clock, epoch ms (virtual in simulation). */
  now: number;
}

export interface FinishedOutcome {
  failed: boolean;
  /** Response time of this try in ms. */
  rttMs: number;
  now: number;
}

export interface Pick {
  index: number;
  /** One sentence a student understands: what the algorithm compared and what it chose. */
  reason: string;
  /** Only the sticky balancer: the cookie key of the chosen host, and whether the answer must set it. */
  sticky?: StickyPick;
}

/** The ctx.vars key under which dispatch leaves the last try's StickyPick for the dialect. */
export const STICKY_PICK = 'upstream.sticky';

/** What a sticky (cookie affinity) pick tells the dialect, which writes the Set-Cookie. */
export interface StickyPick {
  /** The upstream part of the cookie value (before `|`) that leads to the chosen host. */
  key: string;
  /** The request had no usable cookie, so this pick is new and the answer carries Set-Cookie. */
  fresh: boolean;
}

export interface Balancer {
  /**
   * Picks among `eligible` (indexes into the hosts array given at creation, ascending, non-empty);
   * returns the chosen index plus a one-sentence reason.
   */
  pick(eligible: readonly number[], req: PickRequest): Pick;
  /** A request started on host i (least-conn, least-request and ewma track these). */
  started(index: number): void;
  /** A request finished on host i; rttMs = response time. */
  finished(index: number, outcome: FinishedOutcome): void;
  /** JSON-able state for the lab (current weights, active counts, ewma scores, ring size). */
  snapshot(): Record<string, unknown>;
}

/** Knobs that live outside BalancerIR but change what a balancer does. */
export interface BalancerOptions {
  /**
   * nginx `max_fails` of the upstream's servers (default 1): a failure lowers a peer's
   * effective_weight by weight/max_fails; 0 turns that off, as in nginx.
   */
  maxFails?: number;
}
