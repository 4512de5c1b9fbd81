/** ingress-nginx's entry for the adapter registry (../adapter-registry.ts), loadable on its own. */
import type { DialectAdapter } from '../adapter-registry.ts';
import { layDocuments } from '../gateway-api/overlay.ts';
import { adaptIngressNginx } from '../ingress-nginx/index.ts';

/**
 * Kubernetes objects, overlaid the same way as Gateway API's; a repeated namespace/name in the files
 * replaces the earlier object, as kubectl apply would (ingress-nginx/adapt.ts).
 */
export const adapt: DialectAdapter = (docs, overlays) => adaptIngressNginx(layDocuments(docs, overlays));
