/** Host health apart from Envoy outlier ejection: passive (nginx, Kong, Traefik) and active probes. */
export { createActiveHealth, type ActiveHealthOptions } from './active.ts';
export { classifyProbe, probePassed, type ProbeKind, type ProbeOutcome, type ProbeResult } from './probe.ts';
export { createKongPassiveHealth, type KongPassiveOptions } from './kong-passive.ts';
export { kongActiveHealing, newKongTarget, type KongTarget } from './kong-active.ts';
export { createNginxPassiveHealth, type NginxPassiveOptions } from './nginx-passive.ts';
export { createPassiveHealth } from './passive.ts';
export { createTraefikPassiveHealth, type TraefikPassiveOptions } from './traefik-passive.ts';
export { createTraefikActiveHealth, gcdMs, isTraefikActive, type TraefikActiveIR, type TraefikServerStatus } from './traefik-active.ts';
export type { ActiveHealth, HealthOptions, HealthVerdict, HostOutcome, PassiveHealth, PassiveReturn } from './types.ts';
