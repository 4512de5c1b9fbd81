/**
 * Plain rotation (semantics §10), weights ignored. A cursor walks the configured host order and
 * stops at the next eligible host, so ejecting b from a b c d gives a c d a c d — the survivors keep
 * their turns instead of the rotation jumping, which is what a student expects to see.
 */
import { ActiveCounts, checkEligible, hostName } from './common.ts';
import type { BalancedHost, Balancer } from './types.ts';

export function createRoundRobin(hosts: readonly BalancedHost[]): Balancer {
  /** The host index the next pick starts looking from. */
  let cursor = 0;
  const active = new ActiveCounts(hosts.length);
  return {
    pick(eligible) {
      checkEligible(eligible, hosts.length);
      // eligible is ascending: the first index ≥ cursor, else wrap to the smallest.
      const chosen = eligible.find((i) => i >= cursor) ?? (eligible[0] as number);
      const skipped = chosen >= cursor ? chosen - cursor : hosts.length - cursor + chosen;
      cursor = (chosen + 1) % hosts.length;
      const note = skipped > 0 ? ` (skipped ${skipped} host${skipped === 1 ? '' : 's'} that may not take this request)` : '';
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
