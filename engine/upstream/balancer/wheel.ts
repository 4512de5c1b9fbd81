/**
 * Kong's round-robin balancer: a wheel that holds each target as many times as its weight, walked by
 * one cursor. A pick takes the next eligible slot; a host that may not take this request (already
 * tried, marked down) is stepped over and keeps its later slots — unlike nginx's smooth WRR, where a
 * skipped peer earns no current weight. Kong shuffles its wheel; gatelab lays it out with smooth WRR
 * so the spread is even and the run deterministic (docs/upstream/load-balancing.md).
 */
import { ActiveCounts, checkEligible, hostName } from './common.ts';
import type { BalancedHost, Balancer } from './types.ts';

/** A wheel longer than this is scaled down (weights keep their proportions to within a slot). */
const MAX_SLOTS = 10_000;

export function createWheel(hosts: readonly BalancedHost[]): Balancer {
  const wheel = layOut(hosts);
  let cursor = 0;
  const active = new ActiveCounts(hosts.length);
  return {
    pick(eligible) {
      checkEligible(eligible, hosts.length);
      const allowed = new Set(eligible);
      let steps = 0;
      while (!allowed.has(wheel[cursor] as number) && steps < wheel.length) {
        cursor = (cursor + 1) % wheel.length;
        steps++;
      }
      // Every eligible host has a slot, so the walk always ends on one.
      const chosen = allowed.has(wheel[cursor] as number) ? (wheel[cursor] as number) : (eligible[0] as number);
      const slot = cursor;
      cursor = (cursor + 1) % wheel.length;
      const note = steps > 0 ? ` (stepped over ${steps} slot${steps === 1 ? '' : 's'} of hosts that may not take this request)` : '';
      return { index: chosen, reason: `weighted round robin (Kong's wheel): slot ${slot + 1} of ${wheel.length} is ${hostName(hosts, chosen)}${note}` };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return { algorithm: 'weighted-round-robin (wheel)', slots: wheel.length, nextSlot: cursor, active: [...active.counts] };
    },
  };
}

/** Each host weight-many times (scaled by the weights' gcd), interleaved by smooth WRR. */
function layOut(hosts: readonly BalancedHost[]): number[] {
  const g = hosts.reduce((acc, h) => gcd(acc, Math.round(h.weight)), 0) || 1;
  let weights = hosts.map((h) => Math.max(1, Math.round(h.weight / g)));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total > MAX_SLOTS) weights = weights.map((w) => Math.max(1, Math.round((w * MAX_SLOTS) / total)));
  const current = weights.map(() => 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let n = 0; n < sum; n++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i] as number;
      if ((current[i] as number) > (current[best] as number)) best = i;
    }
    current[best]! -= sum;
    out.push(best);
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
