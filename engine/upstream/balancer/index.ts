/**
 * The load balancers of semantics §10 behind one factory. Pure and deterministic: randomness comes
 * only from the request-keyed `draw`, time only from `now`, so the simulation and the real proxy
 * pick the same host for the same request. See docs/upstream/load-balancing.md.
 */
import type { BalancerIR } from '../policy.ts';
import { checkHosts } from './common.ts';
import { createEwma } from './ewma.ts';
import { createLeastConnections } from './least-connections.ts';
import { createLeastRequest } from './least-request.ts';
import { createMaglev } from './maglev.ts';
import { createNginxChash } from './nginx-chash.ts';
import { createRandom } from './random.ts';
import { createRingHash } from './ring-hash.ts';
import { createRoundRobin } from './round-robin.ts';
import { createSticky } from './sticky.ts';
import type { BalancedHost, Balancer, BalancerOptions } from './types.ts';
import { createWeightedRoundRobin } from './weighted-round-robin.ts';
import { createWheel } from './wheel.ts';

export type { BalancedHost, Balancer, BalancerOptions, FinishedOutcome, Pick, PickRequest, StickyPick } from './types.ts';

/**
 * A balancer for `hosts` (weights must be positive). `options.maxFails` is nginx's max_fails for
 * the smooth-WRR family (default 1). Throws GatelabError GL_E_CONFIG_INVALID for a spec the real
 * gateway would refuse (non-prime Maglev table, min ring size above max, choice_count below 2).
 */
export function createBalancer(spec: BalancerIR, hosts: readonly BalancedHost[], options: BalancerOptions = {}): Balancer {
  checkHosts(hosts);
  const maxFails = options.maxFails ?? 1;
  switch (spec.kind) {
    case 'round-robin':
      return createRoundRobin(hosts);
    case 'weighted-round-robin':
      return spec.wheel ? createWheel(hosts) : createWeightedRoundRobin(hosts, maxFails);
    case 'least-connections':
      return createLeastConnections(hosts, maxFails);
    case 'least-request':
      return createLeastRequest(hosts, spec);
    case 'random':
      return createRandom(hosts);
    case 'ewma':
      return createEwma(hosts, spec.decayMs);
    case 'ring-hash':
      return createRingHash(hosts, spec);
    case 'maglev':
      return createMaglev(hosts, spec);
    case 'nginx-chash':
      return createNginxChash(hosts, spec);
    case 'sticky':
      return createSticky(hosts, spec);
  }
}
