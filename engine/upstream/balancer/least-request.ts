/**
 * Envoy LEAST_REQUEST (semantics §10).
 * - Equal weights: power of `choiceCount` choices. Envoy samples with replacement
 *   (random() % hosts), keeps the first sample and replaces it only with a host that has strictly
 *   fewer active requests — so a tie stays with the first sample.
 * - Unequal weights: Envoy feeds weight / (active+1)^bias into its EDF scheduler, recomputing a
 *   host's weight when the host is re-queued after a pick. gatelab draws one request-keyed number
 *   and picks proportionally to those same weights, computed at pick time: the long-run shares match
 *   the EDF schedule while no picks overlap, but the exact order of picks (EDF is deterministic and
 *   evenly spread) does not.
 */
import { ActiveCounts, checkEligible, configError, drawIndex, fmt, hostName, listValues, weightedChoice } from './common.ts';
import type { BalancedHost, Balancer, PickRequest } from './types.ts';

export interface LeastRequestSpec {
  choiceCount: number;
  activeRequestBias: number;
}

export function createLeastRequest(hosts: readonly BalancedHost[], spec: LeastRequestSpec): Balancer {
  if (!Number.isInteger(spec.choiceCount) || spec.choiceCount < 2) {
    throw configError(`least_request choice_count ${spec.choiceCount} is below Envoy's minimum of 2`, 'set choice_count to 2 or more (default 2)');
  }
  // Envoy logs a warning for a negative bias and uses 1.0 instead (least_request_lb.cc).
  const bias = Number.isFinite(spec.activeRequestBias) && spec.activeRequestBias >= 0 ? spec.activeRequestBias : 1;
  const active = new ActiveCounts(hosts.length);
  const w = (i: number): number => (hosts[i] as BalancedHost).weight;
  const effective = (i: number): number => {
    // The common cases without pow, as Envoy special-cases them too.
    if (bias === 0) return w(i);
    if (bias === 1) return w(i) / (active.get(i) + 1);
    return w(i) / Math.pow(active.get(i) + 1, bias);
  };

  function p2c(eligible: readonly number[], req: PickRequest) {
    const sampled: number[] = [];
    let best = -1;
    for (let c = 0; c < spec.choiceCount; c++) {
      const i = eligible[drawIndex(req.draw('lb-p2c', c), eligible.length)] as number;
      sampled.push(i);
      if (best < 0 || active.get(i) < active.get(best)) best = i;
    }
    const tie = sampled.some((i) => i !== best && active.get(i) === active.get(best));
    const seen = sampled.map((i) => `${hostName(hosts, i)} (${active.get(i)} active)`).join(', ');
    const why = tie ? 'fewest active, tie kept by the first sample' : 'fewest active';
    return { index: best, reason: `least request, P2C: sampled ${seen} → ${hostName(hosts, best)} (${why})` };
  }

  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const first = w(eligible[0] as number);
      if (eligible.every((i) => w(i) === first)) return p2c(eligible, req);
      const u = req.draw('lb-weighted');
      const index = eligible[weightedChoice(eligible, effective, u)] as number;
      const shown = listValues(hosts, eligible, (i) => fmt(effective(i)));
      return {
        index,
        reason: `least request, unequal weights: weight/(active+1)^${fmt(bias)} is ${shown}; a draw by those weights → ${hostName(hosts, index)}`,
      };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return {
        algorithm: 'least-request',
        choiceCount: spec.choiceCount,
        activeRequestBias: bias,
        peers: hosts.map((h, i) => ({ host: h.key, weight: h.weight, active: active.get(i) })),
      };
    },
  };
}
