/**
 * One Traefik v3 CRD config for tests, as YAML text: an IngressRoute `shop` whose routes all go to the
 * Service `web` (namespace `shop`), the Middlewares they list, the Service, and the `_gatelab` block
 * that stands in for the cluster (entryPoint `web` on :80, the pods discovery finds). The engine's
 * retry tests and the parity suite's Traefik cases build this same shape; only the routes, the
 * middlewares and the pods change. Pure text, no I/O: engine tests import it too.
 */

export interface FixtureRoute {
  /** The rule, e.g. PathPrefix(`/`). */
  match: string;
  /** Middleware names, in chain order. */
  middlewares?: readonly string[];
}

/** A pod labelled `app: web`, which the Service's selector picks. */
export interface FixturePod {
  name: string;
  ip: string;
  port: number;
}

export interface TraefikFixture {
  routes: readonly FixtureRoute[];
  /** Middleware name → its spec on one line, e.g. `retry: { attempts: 3 }`. */
  middlewares?: Readonly<Record<string, string>>;
  pods?: readonly FixturePod[];
  /** The Service's port, which every route names (default 80). */
  port?: number;
  /** Makes `web` an ExternalName Service for this host (and lets Traefik follow it) instead of a selector over the pods. */
  externalName?: string;
}

const middlewareDoc = (name: string, spec: string): string =>
  `---\napiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  ${spec}\n`;

function routeLines(route: FixtureRoute, port: number): string {
  const chain = route.middlewares ?? [];
  const middlewares = chain.length > 0 ? `      middlewares: [${chain.map((m) => `{ name: ${m} }`).join(', ')}]\n` : '';
  return `    - match: ${JSON.stringify(route.match)}\n      services: [{ name: web, port: ${port} }]\n${middlewares}`;
}

export function traefikFixture(fixture: TraefikFixture): string {
  const port = fixture.port ?? 80;
  const routes = fixture.routes.map((r) => routeLines(r, port)).join('');
  const middlewares = Object.entries(fixture.middlewares ?? {})
    .map(([name, spec]) => middlewareDoc(name, spec))
    .join('');
  const service = fixture.externalName !== undefined ? `  type: ExternalName\n  externalName: ${fixture.externalName}\n` : '  selector: { app: web }\n';
  const providers = fixture.externalName !== undefined ? '  providers:\n    kubernetesCRD: { allowExternalNameServices: true }\n' : '';
  const pods = fixture.pods ?? [];
  const discovery =
    pods.length > 0 ? `  discovery:\n    pods:\n${pods.map((p) => `      - { name: ${p.name}, namespace: shop, labels: { app: web }, ip: ${p.ip}, port: ${p.port} }\n`).join('')}` : '';
  return `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop, namespace: shop }
spec:
  routes:
${routes}${middlewares}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
${service}  ports: [{ port: ${port} }]
---
_gatelab:
  entryPoints:
    web: { address: ":80" }
${providers}${discovery}`;
}
