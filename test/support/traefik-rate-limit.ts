/**
 * Traefik's rateLimit middleware `rl` on a catch-all IngressRoute: the fixture the adapter's
 * sourceCriterion tests and the docs-claims tests both load. `spec` is the Middleware's spec as
 * written after `spec:` — a flow mapping on the same line, or block lines starting with a newline —
 * so each test keeps the layout its line:column assertions count on.
 */
export const traefikRateLimit = (spec: string): string => `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: rl }
spec:${spec}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/\`)", kind: Rule, middlewares: [{ name: rl }], services: [{ name: s, port: 80 }] }]
`;
