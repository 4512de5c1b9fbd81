/**
 * Every dialect adapter, imported up front: what the CLI, the tests and any Node entry run with. The
 * lab's engine worker is built with adapters-on-demand.ts in this module's place (lab-ui/vite.config.ts)
 * and fetches each adapter when a scenario needs it (adapter-registry.ts).
 */
import type { DialectAdapter } from './adapter-registry.ts';
import type { Dialect } from './ir.ts';
import { adapt as kong } from './adapters/kong.ts';
import { adapt as gatewayApi } from './adapters/gateway-api.ts';
import { adapt as ingressNginx } from './adapters/ingress-nginx.ts';
import { adapt as traefik } from './adapters/traefik.ts';
import { adapt as ir } from './adapters/ir.ts';

export const BUNDLED_ADAPTERS: Readonly<Partial<Record<Dialect, DialectAdapter>>> = {
  kong,
  'gateway-api': gatewayApi,
  'ingress-nginx': ingressNginx,
  traefik,
  ir,
};
