/** Traefik's entry for the adapter registry (../adapter-registry.ts), loadable on its own. */
import { compareSync } from 'bcryptjs';
import { provideBcrypt } from '../../plugins/basic-auth/bcrypt-provider.ts';
import type { DialectAdapter } from '../adapter-registry.ts';
import { layDocuments } from '../gateway-api/overlay.ts';
import { adaptTraefik } from '../traefik/index.ts';

/**
 * Kubernetes objects again: an overlay patches the object it names (group, kind, namespace, name) or is
 * added; a `_gatelab` overlay document carries Traefik's install configuration.
 */
// basicAuth's htpasswd lines may hold bcrypt hashes; bcryptjs comes with this adapter's chunk (bcrypt-provider.ts).
provideBcrypt(compareSync);

export const adapt: DialectAdapter = (docs, overlays) => adaptTraefik(layDocuments(docs, overlays));
