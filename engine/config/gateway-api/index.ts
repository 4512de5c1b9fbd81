/** The Kubernetes Gateway API dialect: adapter entry point and the overlay rule for its documents. */
export { adaptGatewayApi } from './adapt.ts';
export type { GatewayApiAdaptResult } from './adapt.ts';
export { layDocuments } from './overlay.ts';
