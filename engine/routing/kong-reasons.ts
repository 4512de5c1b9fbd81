/**
 * The sentences a student reads in the trace: why this route won, or why none did.
 */
import type { KongMatcher } from './kong-matchers.ts';
import { comparePriority } from './kong-matchers.ts';
import type { MatcherResult, RequestFacts } from './kong-test-matcher.ts';

export interface Hit {
  matcher: KongMatcher;
  matchedPath: string | undefined;
  matchedBy: string | undefined;
}

/**
 * Sentences already built, by winner, runner-up (or none), the winner's path rule and the number of
 * candidates: everything the sentence is made of, since matchers never change after loading. The
 * same win then hands back the same string instead of an equal new one per request, which the lab's
 * trace encoder compares with the previous event's text at one pointer compare, not a full one.
 */
const built = new WeakMap<KongMatcher, Map<KongMatcher | null, Map<string | undefined, string[]>>>();

/** "route orders-route: path prefix /api/v1/orders matched (longest of 2 candidates)". */
export function winReason(hits: readonly Hit[]): string {
  const [win] = hits;
  if (!win) return '';
  const candidates = hits.length === 1 ? 1 : new Set(hits.map((h) => h.matcher.route.id)).size;
  const runnerUp = hits.length === 1 ? undefined : hits.find((h) => h.matcher.route.id !== win.matcher.route.id);
  let byRunnerUp = built.get(win.matcher);
  if (byRunnerUp === undefined) built.set(win.matcher, (byRunnerUp = new Map()));
  const against = runnerUp?.matcher ?? null;
  let byRule = byRunnerUp.get(against);
  if (byRule === undefined) byRunnerUp.set(against, (byRule = new Map()));
  let byCount = byRule.get(win.matchedBy);
  if (byCount === undefined) byRule.set(win.matchedBy, (byCount = []));
  // Without a runner-up the count does not appear in the sentence: one slot for all.
  const slot = runnerUp ? candidates : 0;
  return (byCount[slot] ??= buildWinReason(win, runnerUp, candidates));
}

function buildWinReason(win: Hit, runnerUp: Hit | undefined, candidates: number): string {
  const what = describeMatch(win);
  if (!runnerUp) return `route ${win.matcher.route.name}: ${what} (the only route that matched)`;
  return `route ${win.matcher.route.name}: ${what} (${whyBetter(win.matcher, runnerUp.matcher, candidates)})`;
}

function describeMatch(h: Hit): string {
  const parts: string[] = [];
  const m = h.matcher;
  if (h.matchedBy) parts.push(h.matchedBy);
  if (m.hosts.length > 0) parts.push(`host ${m.hosts.map((x) => x.source).join('|')}`);
  if (m.methods.length > 0) parts.push(`method ${m.methods.join('|')}`);
  if (m.headers.length > 0) parts.push(`header${m.headers.length > 1 ? 's' : ''} ${m.headers.map((x) => x.name).join(', ')}`);
  if (parts.length === 0) return 'matched (it sets no conditions)';
  return `${parts.join(', ')} matched`;
}

/** Names the first of Kong's priority rules on which the winner beats the runner-up. */
function whyBetter(a: KongMatcher, b: KongMatcher, n: number): string {
  const pa = a.priority;
  const pb = b.priority;
  const other = `route ${b.route.name}`;
  if (pa.fields !== pb.fields) return `it sets more conditions than ${other}: ${pa.fields} vs ${pb.fields}; ${n} candidates`;
  if (pa.plainHostsOnly !== pb.plainHostsOnly) return `plain hosts beat the wildcard host of ${other}; ${n} candidates`;
  if (pa.headerCount !== pb.headerCount) return `more header conditions than ${other}: ${pa.headerCount} vs ${pb.headerCount}; ${n} candidates`;
  if (pa.regex !== pb.regex) return `a regex path beats the prefix path of ${other}; ${n} candidates`;
  if (pa.regexPriority !== pb.regexPriority) return `higher regex_priority than ${other}: ${pa.regexPriority} vs ${pb.regexPriority}; ${n} candidates`;
  if (pa.prefixLength !== pb.prefixLength) return `longest of ${n} candidates`;
  return `tied with ${other} on every priority rule; Kong then tries the higher route id first; ${n} candidates`;
}

/** "no route matched GET a.example.com/x; closest: route r (path /x does not start with /api)". */
export function missReason(
  req: RequestFacts,
  method: string,
  tried: ReadonlyArray<{ matcher: KongMatcher; result: MatcherResult }>,
): string {
  const head = `no route matched ${method} ${req.host}${req.path}`;
  if (tried.length === 0) return `${head}: the config has no routes`;
  // The best "near miss": fewest failed conditions, then Kong's own priority order.
  let best: { matcher: KongMatcher; why: string[] } | undefined;
  let bestFails = Infinity;
  for (const t of tried) {
    if (t.result.ok) continue;
    const fails = t.result.failed.length;
    if (fails < bestFails || (fails === bestFails && best && comparePriority(t.matcher.priority, best.matcher.priority) > 0)) {
      best = { matcher: t.matcher, why: t.result.failed.map((f) => f.why) };
      bestFails = fails;
    }
  }
  const routes = new Set(tried.map((t) => t.matcher.route.id)).size;
  if (!best) return `${head} (${routes} routes checked)`;
  return `${head} (${routes} routes checked; closest: route ${best.matcher.route.name}, but ${best.why.join(', and ')})`;
}
