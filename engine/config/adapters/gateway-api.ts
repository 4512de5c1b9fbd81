/** The Gateway API's entry for the adapter registry (../adapter-registry.ts), loadable on its own. */
import type { DialectAdapter } from '../adapter-registry.ts';
import { adaptGatewayApi, layDocuments } from '../gateway-api/index.ts';

/** Kubernetes objects are many documents: an overlay patches the object it names, or adds one. */
export const adapt: DialectAdapter = (docs, overlays) => adaptGatewayApi(layDocuments(docs, overlays));
