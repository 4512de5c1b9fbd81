/** Helpers every balancer shares: input checks, the weighted draw, active counts and reason text. */
import { GatelabError } from '../../core/errors.ts';
import type { BalancedHost } from './types.ts';

/** A config the real gateway would refuse (Envoy rejects a non-prime Maglev table, for instance). */
export function configError(message: string, hint: string): GatelabError {
  return new GatelabError([{ severity: 'error', code: 'GL_E_CONFIG_INVALID', message, hint }]);
}

/** Every algorithm divides or multiplies by weights, so a zero or NaN weight would poison them all. */
export function checkHosts(hosts: readonly BalancedHost[]): void {
  for (const h of hosts) {
    if (!Number.isFinite(h.weight) || h.weight <= 0) {
      throw configError(
        `upstream host ${h.key} has weight ${h.weight}; a balancer needs a positive weight`,
        'leave weight-0 (disabled) targets out of the host list',
      );
    }
  }
}

/**
 * The caller promises ascending, in-range, non-empty indexes; checking costs O(k) and turns a
 * silent wrong pick (undefined host) into a message that names the bug.
 */
export function checkEligible(eligible: readonly number[], hostCount: number): void {
  if (eligible.length === 0) throw new Error('balancer.pick: no eligible host (the caller must answer "no healthy upstream" itself)');
  let prev = -1;
  for (const i of eligible) {
    if (!Number.isInteger(i) || i <= prev || i >= hostCount) {
      throw new Error(`balancer.pick: eligible must be ascending host indexes below ${hostCount}, got [${eligible.join(', ')}]`);
    }
    prev = i;
  }
}

/** Index into `eligible` of a draw u ∈ [0,1) under the given weights (cumulative walk). */
export function weightedChoice(eligible: readonly number[], weightOf: (host: number) => number, u: number): number {
  let total = 0;
  for (const i of eligible) total += weightOf(i);
  let x = u * total;
  for (let k = 0; k < eligible.length; k++) {
    x -= weightOf(eligible[k] as number);
    if (x < 0) return k;
  }
  // Rounding can leave x at a hair above 0 after the last host; the last host owns that sliver.
  return eligible.length - 1;
}

/** Index in [0, n) from a draw in [0, 1). */
export function drawIndex(u: number, n: number): number {
  return Math.min(n - 1, Math.floor(u * n));
}

/** In-flight requests per host; never below zero even if a caller reports a finish twice. */
export class ActiveCounts {
  readonly counts: number[];

  constructor(n: number) {
    this.counts = new Array<number>(n).fill(0);
  }

  get(i: number): number {
    return this.counts[i] ?? 0;
  }

  started(i: number): void {
    this.counts[i] = this.get(i) + 1;
  }

  finished(i: number): void {
    this.counts[i] = Math.max(0, this.get(i) - 1);
  }
}

/** "a=3 b=-1 c=1" over the eligible hosts, shortened after `max` so a 50-host reason stays readable. */
export function listValues(
  hosts: readonly BalancedHost[],
  indexes: readonly number[],
  value: (i: number) => string | number,
  max = 6,
): string {
  const shown = indexes.slice(0, max).map((i) => `${hostName(hosts, i)}=${value(i)}`);
  if (indexes.length > max) shown.push(`… ${indexes.length - max} more`);
  return shown.join(' ');
}

export function hostName(hosts: readonly BalancedHost[], i: number): string {
  return hosts[i]?.key ?? `#${i}`;
}

/** Scores shown to students: at most 2 decimals, no trailing zeros. */
export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 100) / 100);
}
