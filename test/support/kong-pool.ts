/**
 * Kong declarative configs over an upstream `pool`, shared by the simulation-only tests (literal
 * target addresses) and the parity cases (scripted upstreams' addresses), so both run one fixture.
 */

/** Service `orders`' single route. */
export const ORDERS_ROUTE = '{name: orders, paths: [/orders]}';

/** Kong's passive health check taking a target out after a single TCP failure (upstream-level YAML). */
export const PASSIVE_ONE_TCP_FAILURE = `    healthchecks:
      passive:
        unhealthy: {tcp_failures: 1}
`;

/**
 * Upstream `pool` over `targets` (Kong target entries, e.g. `{target: "10.0.0.1:80"}`), with optional
 * extra upstream lines, and service `orders` on it with `routes` (flow mappings, one per route).
 */
export function kongPool(targets: readonly string[], routes: readonly string[] = [ORDERS_ROUTE], upstreamExtra = ''): string {
  return `_format_version: "3.0"
upstreams:
  - name: pool
    targets: [${targets.join(', ')}]
${upstreamExtra}services:
  - name: orders
    host: pool
    routes:
${routes.map((r) => `      - ${r}\n`).join('')}`;
}

/** One target behind `pool`, taken out by the passive check after one TCP failure; route /orders. */
export const kongOneTargetPassive = (targetEntry: string): string => kongPool([targetEntry], [ORDERS_ROUTE], PASSIVE_ONE_TCP_FAILURE);
