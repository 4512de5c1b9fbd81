/** nginx smooth weighted round robin (semantics §10): weights 5,1,1 give a a b a c a a. */
import { ActiveCounts, checkEligible, hostName } from './common.ts';
import { NginxPeers, recoveringNote } from './nginx-peers.ts';
import type { BalancedHost, Balancer } from './types.ts';

export function createWeightedRoundRobin(hosts: readonly BalancedHost[], maxFails: number): Balancer {
  const peers = new NginxPeers(hosts, maxFails);
  const active = new ActiveCounts(hosts.length);
  return {
    pick(eligible) {
      checkEligible(eligible, hosts.length);
      const p = peers.smooth(eligible);
      const name = hostName(hosts, p.index);
      return {
        index: p.index,
        reason: `smooth WRR: current weights ${p.compared} → ${name} (highest; it then gives back the total ${p.total})${recoveringNote(p)}`,
      };
    },
    started(i) {
      active.started(i);
    },
    finished(i, outcome) {
      active.finished(i);
      if (outcome.failed) peers.failed(i);
    },
    snapshot() {
      return { algorithm: 'weighted-round-robin', maxFails, peers: peers.snapshotPeers(active.counts) };
    },
  };
}
