/** Passive health for every flavour the policy IR carries: nginx max_fails, Kong healthchecks.passive, Traefik passiveHealthCheck. */
import type { PassiveHealthIR } from '../policy.ts';
import { createKongPassiveHealth, type KongPassiveOptions } from './kong-passive.ts';
import { createNginxPassiveHealth, type NginxPassiveOptions } from './nginx-passive.ts';
import { createTraefikPassiveHealth } from './traefik-passive.ts';
import type { PassiveHealth } from './types.ts';

export function createPassiveHealth(spec: PassiveHealthIR, hostCount: number, opts: NginxPassiveOptions & KongPassiveOptions = {}): PassiveHealth {
  if (spec.kind === 'traefik') return createTraefikPassiveHealth(spec, hostCount, opts);
  return spec.kind === 'nginx' ? createNginxPassiveHealth(spec, hostCount, opts) : createKongPassiveHealth(spec, hostCount, opts);
}
