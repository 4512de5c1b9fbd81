/** The Traefik v3 dialect (Kubernetes CRD provider): adapter entry point and the table it writes. */
export { adaptTraefik } from './adapt.ts';
export type { TraefikAdaptResult } from './adapt.ts';
export type { TraefikTable, TraefikRouterIR, TraefikEntryPointIR } from './table.ts';
export { isTraefikTable } from './table.ts';
export { routerName, kubernetesServiceName, objectKey, normalizeName } from './names.ts';
export { TRAEFIK_STATIC_DEFAULTS, DEFAULT_ENTRYPOINTS } from './static.ts';
