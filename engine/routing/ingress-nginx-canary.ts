/**
 * balancer.lua `route_to_alternative_balancer`, in its order (semantics §8): only the first canary of
 * an upstream counts, and only when it has endpoints; then canary-by-header (exact value, else PCRE
 * pattern, else the words always / never — `never` stops right there), canary-by-cookie (always /
 * never), and canary-weight: `math.random(total) <= weight` with total = canary-weight-total when above
 * 100, else 100. The random draw is keyed by the request id, so the simulation and the proxy agree.
 * Before all of these (get_alternative_or_original_balancer), session affinity: a request whose
 * affinity cookie carries the main backend's key stays there, one carrying the canary backend's key
 * goes to the canary (which has the main backend's affinity unless affinity-canary-behavior: legacy).
 */
import type { HeaderMap } from '../pipeline/headers.ts';
import type { UpstreamEntry } from '../config/ingress-nginx/table.ts';
import type { TrafficShiftIR } from '../config/ir.ts';
import { affinitized } from './ingress-nginx-affinity.ts';
import { compileNginxRegex } from './ingress-nginx-regex.ts';

export interface CanaryInput {
  headers: HeaderMap;
  /** A draw in [0, 1) for this request (host.draw('canary', requestId)). */
  draw: () => number;
  /** A rollout controller rewrote canary-weight (as Flagger does to the annotation): use its percent. */
  shift?: TrafficShiftIR;
}

export interface CanaryOutcome {
  /** The upstream chosen: the primary or its first alternative. */
  upstream: UpstreamEntry;
  canary: boolean;
  why: string;
}

/** nginx `$http_<name>`: names compare case-insensitively with `-` and `_` alike; repeats join with ", ". */
export function nginxHeader(headers: HeaderMap, name: string): string | undefined {
  const want = name.toLowerCase().replaceAll('-', '_');
  const values: string[] = [];
  for (const [n, v] of headers.list()) if (n.toLowerCase().replaceAll('-', '_') === want) values.push(v);
  return values.length === 0 ? undefined : values.join(', ');
}

/** nginx `$cookie_<name>`: the first cookie of that name (case-insensitive) in the Cookie header lines. */
export function nginxCookie(headers: HeaderMap, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const line of headers.getAll('cookie')) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim().toLowerCase() === want) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

export function chooseCanary(primary: UpstreamEntry, upstreams: ReadonlyMap<string, UpstreamEntry>, input: CanaryInput): CanaryOutcome {
  const stay = (why: string): CanaryOutcome => ({ upstream: primary, canary: false, why });
  const altName = primary.alternatives[0];
  if (!altName) return stay('no canary for this upstream');
  const alt = upstreams.get(altName);
  if (!alt?.canary) return stay(`canary upstream ${altName} is gone`);
  const toMain = affinitized(primary, input.headers);
  if (toMain) return stay(`${toMain}: the request is affinitized to the main backend and stays there before any canary rule (balancer.lua)`);
  if (!alt.endpoints) return stay(`canary ${alt.canary.ingress} has no endpoints, so balancer.lua keeps the main backend`);
  const toCanary = affinitized(alt, input.headers);
  if (toCanary) return { upstream: alt, canary: true, why: `canary ${alt.canary.ingress}: ${toCanary} → canary, affinity-canary-behavior sticky (an affinitized request stays before header, cookie and weight)` };
  // legacy: the main backend sets its cookie, the canary backend none, so canary users re-roll each time.
  const legacy = primary.affinity && !alt.affinity ? '; the canary backend has no affinity (affinity-canary-behavior legacy): its answers set no cookie' : '';
  const go = (why: string): CanaryOutcome => ({ upstream: alt, canary: true, why: `canary ${alt.canary?.ingress}: ${why}${legacy}` });
  const back = (why: string): CanaryOutcome => stay(`canary ${alt.canary?.ingress}: ${why}`);
  const p = alt.canary.policy;
  if (p.header) {
    const value = nginxHeader(input.headers, p.header);
    if (value !== undefined) {
      if (p.headerValue) {
        if (value === p.headerValue) return go(`header ${p.header} equals "${p.headerValue}"`);
      } else if (p.headerPattern) {
        const re = compileNginxRegex(p.headerPattern);
        if (!re.ok) return back(`canary-by-header-pattern does not compile (${re.error}); the request counts as not matching`);
        if (re.re.matcher(value).find()) return go(`header ${p.header} "${value}" matches /${p.headerPattern}/`);
      } else if (value === 'always') {
        return go(`header ${p.header}: always`);
      } else if (value === 'never') {
        return back(`header ${p.header}: never — the main backend, no further rules`);
      }
    }
  }
  if (p.cookie) {
    const value = nginxCookie(input.headers, p.cookie);
    if (value === 'always') return go(`cookie ${p.cookie}=always`);
    if (value === 'never') return back(`cookie ${p.cookie}=never — the main backend`);
  }
  const controlled = input.shift && input.shift.canary === alt.service ? input.shift : undefined;
  const weight = controlled ? controlled.percent : p.weight;
  const total = controlled ? 100 : p.weightTotal > 100 ? p.weightTotal : 100;
  const by = controlled ? ` (set by ${controlled.by})` : '';
  const roll = 1 + Math.floor(input.draw() * total);
  if (roll <= weight) return go(`weight ${weight}/${total}${by}: drew ${roll} ≤ ${weight}`);
  const tried = [p.header ? `header ${p.header} did not decide` : '', p.cookie ? `cookie ${p.cookie} did not decide` : ''].filter((s) => s).join(', ');
  return back(`${tried ? `${tried}; ` : ''}weight ${weight}/${total}${by}: drew ${roll} > ${weight}, the main backend`);
}
