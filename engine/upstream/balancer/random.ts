/**
 * Weighted random (nginx `random`; Envoy RANDOM picks uniformly, which is the same when weights are
 * equal). The draw is keyed by the request, so the simulation and the proxy pick the same host.
 */
import { ActiveCounts, checkEligible, fmt, hostName, weightedChoice } from './common.ts';
import type { BalancedHost, Balancer } from './types.ts';

export function createRandom(hosts: readonly BalancedHost[]): Balancer {
  const active = new ActiveCounts(hosts.length);
  const w = (i: number): number => (hosts[i] as BalancedHost).weight;
  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const u = req.draw('lb-random');
      const index = eligible[weightedChoice(eligible, w, u)] as number;
      let total = 0;
      for (const i of eligible) total += w(i);
      return {
        index,
        reason: `random: draw ${fmt(u)} of the weights (total ${total}) lands on ${hostName(hosts, index)} (weight ${w(index)}, chance ${fmt((100 * w(index)) / total)} %)`,
      };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return { algorithm: 'random', weights: hosts.map((h) => h.weight), active: [...active.counts] };
    },
  };
}
