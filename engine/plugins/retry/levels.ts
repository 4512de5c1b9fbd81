/**
 * Words for one of several Traefik retry middlewares on one route, which nest: the first listed is the
 * outermost (traefik/traefik pkg/server/middleware/middlewares.go BuildChain wraps in declared order).
 */

/** Level k (1-based, outermost first) of `levels`: one retry needs no words, two are outer and inner. */
export function retryLevelLabel(level: number, levels: number): string {
  if (levels <= 1) return 'retry';
  if (levels === 2) return level === 1 ? 'outer retry' : 'inner retry';
  return `retry ${level} of ${levels}`;
}
