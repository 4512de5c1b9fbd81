/**
 * nginx least_conn (ngx_http_upstream_get_least_conn_peer, semantics §10): the peer with the
 * fewest connections per unit of weight, compared by cross-multiplication so no division rounds;
 * when several tie, smooth WRR among just those (and only then do current weights move).
 */
import { ActiveCounts, checkEligible, hostName, listValues } from './common.ts';
import { NginxPeers, recoveringNote } from './nginx-peers.ts';
import type { BalancedHost, Balancer } from './types.ts';

export function createLeastConnections(hosts: readonly BalancedHost[], maxFails: number): Balancer {
  const peers = new NginxPeers(hosts, maxFails);
  const conns = new ActiveCounts(hosts.length);
  const w = (i: number): number => (hosts[i] as BalancedHost).weight;

  return {
    pick(eligible) {
      checkEligible(eligible, hosts.length);
      let best = eligible[0] as number;
      for (const i of eligible) {
        // conns(i)/w(i) < conns(best)/w(best), without dividing.
        if (conns.get(i) * w(best) < conns.get(best) * w(i)) best = i;
      }
      const tied = eligible.filter((i) => conns.get(i) * w(best) === conns.get(best) * w(i));
      const load = listValues(hosts, eligible, (i) => `${conns.get(i)}/${w(i)}`);
      if (tied.length === 1) {
        return { index: best, reason: `least_conn: connections/weight ${load} → ${hostName(hosts, best)} (lowest)` };
      }
      const p = peers.smooth(tied);
      return {
        index: p.index,
        reason:
          `least_conn: connections/weight ${load}; ${tied.length} tie at the lowest, ` +
          `smooth WRR among them: current weights ${p.compared} → ${hostName(hosts, p.index)}${recoveringNote(p)}`,
      };
    },
    started(i) {
      conns.started(i);
    },
    finished(i, outcome) {
      conns.finished(i);
      // least_conn frees peers through the round-robin code, so failures cost effective weight too.
      if (outcome.failed) peers.failed(i);
    },
    snapshot() {
      return { algorithm: 'least-connections', maxFails, peers: peers.snapshotPeers(conns.counts) };
    },
  };
}
