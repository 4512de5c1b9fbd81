/** The ingress-nginx dialect: adapter entry point and the table its dialect module reads. */
export { adaptIngressNginx, DEFAULT_BACKEND_BODY } from './adapt.ts';
export type { IngressNginxAdaptResult } from './adapt.ts';
export type { IngressNginxTable, LocationEntry, ServerEntry, UpstreamEntry, CanaryPolicy } from './table.ts';
export { DEFAULT_UPSTREAM } from './table.ts';
export { ingressRouteId } from './plugins.ts';
