/** Passive health for either flavour the policy IR carries: nginx max_fails or Kong healthchecks.passive. */
import type { PassiveHealthIR } from '../policy.ts';
import { createKongPassiveHealth, type KongPassiveOptions } from './kong-passive.ts';
import { createNginxPassiveHealth, type NginxPassiveOptions } from './nginx-passive.ts';
import type { PassiveHealth } from './types.ts';

export function createPassiveHealth(spec: PassiveHealthIR, hostCount: number, opts: NginxPassiveOptions & KongPassiveOptions = {}): PassiveHealth {
  return spec.kind === 'nginx' ? createNginxPassiveHealth(spec, hostCount, opts) : createKongPassiveHealth(spec, hostCount, opts);
}
