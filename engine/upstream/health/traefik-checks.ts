/**
 * A Traefik load balancer's checks when it has an active healthCheck: the active checker alone, or
 * with passiveHealthCheck, both writing the one up flag per server that Traefik's balancer keeps
 * (SetStatus). Without healthCheck the passive check runs on its own (passive.ts), timer and all.
 */
import type { ActiveHealthIR, PassiveHealthIR } from '../policy.ts';
import { createTraefikActiveHealth, isTraefikActive } from './traefik-active.ts';
import { createTraefikPassiveHealth } from './traefik-passive.ts';
import type { ActiveHealth, PassiveHealth } from './types.ts';

export interface TraefikChecks {
  active: ActiveHealth;
  passive?: PassiveHealth;
  /** Whether both checks move the same flags. */
  shared: boolean;
}

export function traefikChecks(passive: PassiveHealthIR | undefined, active: ActiveHealthIR | undefined, hostCount: number, startAt: number, hostNames: readonly string[]): TraefikChecks | undefined {
  if (!isTraefikActive(active)) return undefined;
  if (passive?.kind !== 'traefik') {
    // A passive check of another flavour beside Traefik's active one cannot come from the adapter.
    if (passive) throw new Error(`a Traefik healthCheck cannot sit beside a ${passive.kind} passive check`);
    return { active: createTraefikActiveHealth(active, hostCount, startAt, { hostNames }), shared: false };
  }
  const status = { up: Array.from({ length: Math.max(0, hostCount) }, () => true) };
  return {
    active: createTraefikActiveHealth(active, hostCount, startAt, { hostNames, status }),
    passive: createTraefikPassiveHealth(passive, hostCount, { hostNames, activeStatus: status }),
    shared: true,
  };
}
