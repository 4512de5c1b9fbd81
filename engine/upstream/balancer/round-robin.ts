/**
 * Plain rotation (semantics §10), weights ignored. A cursor walks the configured host order and
 * stops at the next eligible host, so ejecting b from a b c d gives a c d a c d — the survivors keep
 * their turns instead of the rotation jumping, which is what a student expects to see.
 */
import { ActiveCounts, checkEligible, hostName } from './common.ts';
import type { BalancedHost, Balancer, Pick } from './types.ts';

export function createRoundRobin(hosts: readonly BalancedHost[]): Balancer {
  /** The host index the next pick starts looking from. */
  let cursor = 0;
  const active = new ActiveCounts(hosts.length);
  /** The pick of host i when no host was skipped, made once: the usual answer, read only by callers. */
  const inTurn: Array<Pick | undefined> = [];
  return {
    pick(eligible) {
      checkEligible(eligible, hosts.length);
      // eligible is ascending: the first index ≥ cursor, else wrap to the smallest.
      let chosen = eligible[0] as number;
      for (const i of eligible) {
        if (i >= cursor) {
          chosen = i;
          break;
        }
      }
      const skipped = chosen >= cursor ? chosen - cursor : hosts.length - cursor + chosen;
      cursor = (chosen + 1) % hosts.length;
      if (skipped === 0) return (inTurn[chosen] ??= Object.freeze({ index: chosen, reason: `round robin: next in turn is ${hostName(hosts, chosen)}` }));
      const note = ` (skipped ${skipped} host${skipped === 1 ? '' : 's'} that may not take this request)`;
      return { index: chosen, reason: `round robin: next in turn is ${hostName(hosts, chosen)}${note}` };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return { algorithm: 'round-robin', nextFrom: hosts[cursor]?.key ?? null, active: [...active.counts] };
    },
  };
}
