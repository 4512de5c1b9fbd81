/**
 * Host health as the gateway's own bookkeeping sees it, apart from Envoy's outlier ejection:
 * passive checks that judge real responses (nginx max_fails/fail_timeout, Kong healthchecks.passive)
 * and active probes the gateway sends on its own schedule.
 */

import type { ProbeResult } from './probe.ts';

export type HostOutcome = { status?: number; failure?: 'connect' | 'timeout' | 'reset' };

/** What one result did to a host: a change of state (for the trace) and the sentence explaining it. */
export type HealthVerdict = { changed?: 'healthy' | 'unhealthy'; reason: string } | undefined;

/** nginx max_fails / fail_timeout (semantics §10), Kong passive healthchecks and Traefik's passiveHealthCheck. */
export interface PassiveHealth {
  /** The response (or local failure) of one request that host i served, at `now`. */
  record(i: number, outcome: HostOutcome, now: number): HealthVerdict;
  /** Whether the balancer may pick host i at `now` (time matters for nginx, not for Kong). */
  isHealthy(i: number, now: number): boolean;
  /**
   * The balancer picked host i at `now`. nginx stamps a peer's "checked" time here, which is what
   * lets exactly one trial request through after fail_timeout; Kong ignores it. record() applies the
   * same stamp at response time when the caller never calls this (pick ≈ response).
   */
  picked(i: number, now: number): void;
  /**
   * Hosts a timer put back by `now` that the trace has not heard of, each with its instant (Traefik's
   * failureWindow timer). Only checks that bring hosts back on their own clock have it.
   */
  returns?(now: number): PassiveReturn[];
  snapshot(now: number): Record<string, unknown>;
}

/** A host back in rotation at `at` without a request deciding it (passive `returns`). */
export interface PassiveReturn {
  host: number;
  at: number;
  reason: string;
}

/** Active probes sent by the gateway on its own schedule. */
export interface ActiveHealth {
  /** The probe timer's ticks in (from, to]: startAt + k·interval (k ≥ 0). */
  dueProbes(from: number, to: number): number[];
  /** The tick nearest `now` (k of startAt + k·interval); -1 without a schedule. */
  roundAt(now: number): number;
  /** Whether host i is probed on tick k: its current state's round falls on that tick. */
  isDue(i: number, round: number): boolean;
  /** The hosts probed on tick k (each state's round runs on its own clock; 0 = that state never). */
  dueTargets(round: number): number[];
  /**
   * One probe's result: a full outcome, or a bare pass/fail. Plain thresholds count consecutive
   * results; Kong's counters count as lua-resty-healthcheck does (kong-active.ts).
   */
  recordProbe(i: number, result: ProbeResult, now: number): HealthVerdict;
  isHealthy(i: number): boolean;
  snapshot(): Record<string, unknown>;
}

export interface HealthOptions {
  /** Addresses for the sentences ("10.0.0.2:8080"); "host i" when absent. */
  hostNames?: readonly string[];
}
