/**
 * The upstream policy ingress-nginx gives each IR service, defaults included — the controller always
 * renders proxy_next_upstream "error timeout", 3 tries, a 5 s connect and 60 s read timeout, and
 * balancer.lua's round robin, so every service carries them even without an annotation.
 *
 * Where each part comes from (semantics §8, §10): the balancer from the Ingress that created the
 * upstream (a canary's own load-balance/upstream-hash-by count); retries and timeouts from the
 * *location* — for a canary backend that is the main Ingress's location, since the canary only adds
 * an alternative backend to it. nginx keeps those per location; the IR keeps one policy per service,
 * so when two Ingresses send to the same Service with other proxy-* annotations the first wins and
 * the other is warned about.
 */
import type { ServiceIR } from '../ir.ts';
import type { BalancerIR, RetryOnIR, RetryPolicyIR, UpstreamPolicyIR } from '../../upstream/policy.ts';
import { NOT_RETRIED_ONCE_SENT } from '../../upstream/retry.ts';
import type { IngressAnnotations } from './annotations/parse.ts';
import { UNLIMITED_TRIES_CAP } from './annotations/upstream.ts';
import type { AdaptContext } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';
import type { Built, Upstream } from './servers.ts';


/**
 * Retries and timeouts of a location with these annotations (defaults when null), for an upstream
 * balanced by `balancer`: balancer.lua asks chash again on every try and gets the same pod, so a
 * retry under upstream-hash-by goes back to the pod that failed (ingress-nginx issues #10730, #11852).
 */
export function locationPolicy(anns: IngressAnnotations | null, balancer?: BalancerIR, changeOnFailure = false): Pick<UpstreamPolicyIR, 'retry' | 'timeouts'> {
  const timeouts = anns?.timeouts ?? { connectMs: 5000, readMs: 60000, sendMs: 60000 };
  const next = anns?.nextUpstream ?? { conditions: ['error', 'timeout'], off: false, nonIdempotent: false, timeoutMs: 0 };
  const tries = anns?.nextUpstreamTries ?? 3;
  const out: Pick<UpstreamPolicyIR, 'retry' | 'timeouts'> = {
    // proxy_read_timeout bounds each wait for the backend; proxy_next_upstream_timeout the whole retrying.
    timeouts: { connectMs: timeouts.connectMs, perTryMs: timeouts.readMs, overallMs: next.timeoutMs, flavour: 'generic' },
  };
  // sticky.lua balance(): a retry goes back to the cookie's pod unless session-cookie-change-on-failure.
  const sameHost = balancer?.kind === 'nginx-chash' || (balancer?.kind === 'sticky' && !changeOnFailure);
  const retry = retryPolicy(next, tries, !sameHost);
  if (retry) out.retry = retry;
  return out;
}

function retryPolicy(next: IngressAnnotations['nextUpstream'], tries: number, otherHost: boolean): RetryPolicyIR | undefined {
  if (next.off) return undefined;
  const retryOn = new Set<RetryOnIR>();
  const codes: number[] = [];
  for (const c of next.conditions) {
    if (c === 'error') {
      // "an error occurred while establishing a connection, passing the request or reading the header"
      retryOn.add('connect-failure');
      retryOn.add('reset');
    } else if (c === 'timeout') retryOn.add('timeout');
    else if (c.startsWith('http_')) {
      retryOn.add('retriable-status-codes');
      codes.push(Number(c.slice(5)));
    }
  }
  const numRetries = tries === 0 ? UNLIMITED_TRIES_CAP - 1 : tries - 1;
  if (retryOn.size === 0 || numRetries <= 0) return undefined;
  return {
    numRetries,
    retryOn: [...retryOn],
    retriableStatusCodes: codes,
    // nginx never passes a POST, LOCK or PATCH on once sent unless non_idempotent; before anything
    // was sent (a refused connection) every method is (retry.ts requestWritten).
    methods: [],
    ...(next.nonIdempotent ? {} : { methodsNotRetried: [...NOT_RETRIED_ONCE_SENT] }),
    otherHost,
    backoff: { kind: 'none' },
    flavour: 'nginx',
  };
}

/**
 * Sets `policy` on every service of `services` (upstream name → service; several upstreams may
 * share one service, the first decides) and warns where a location would want another one.
 */
export function assignPolicies(ctx: AdaptContext, built: Built, services: Map<string, ServiceIR>): void {
  for (const [name, svc] of services) {
    if (svc.policy) continue;
    const u = built.upstreams.get(name);
    const location = u?.canary ? primaryOf(built, name) : u;
    // balancer.lua get_implementation: cookie affinity wins over upstream-hash-by and load-balance.
    const balancer: BalancerIR = u?.affinity
      ? { kind: 'sticky', mode: u.affinity.mode, cookie: u.affinity.cookie.name, salt: u.name }
      : (u?.owner?.anns.balancer ?? { kind: 'weighted-round-robin' });
    const changeOnFailure = u?.affinity?.cookie.changeOnFailure ?? false;
    svc.policy = {
      balancer,
      ...locationPolicy(location?.owner?.anns ?? null, balancer, changeOnFailure),
      origin: origin(u, location),
    };
  }
  const said = new Set<string>();
  for (const server of built.servers.values()) {
    for (const loc of server.locations) {
      const svc = services.get(loc.upstream);
      if (!loc.ing || !loc.anns || !svc?.policy) continue;
      const key = `${loc.ing.key}|${svc.name}`;
      const changeOnFailure = built.upstreams.get(loc.upstream)?.affinity?.cookie.changeOnFailure ?? false;
      if (said.has(key) || same(locationPolicy(loc.anns, svc.policy.balancer, changeOnFailure), svc.policy)) continue;
      said.add(key);
      warnConflict(ctx, loc.ing, svc);
    }
  }
}

/** The main upstream a canary upstream is the alternative of. */
function primaryOf(built: Built, canary: string): Upstream | undefined {
  return [...built.upstreams.values()].find((u) => u.alternatives[0] === canary);
}

function origin(u: Upstream | undefined, location: Upstream | undefined): string {
  const owner = u?.owner?.key;
  const main = location?.owner?.key;
  if (!owner) return 'ingress-nginx defaults';
  return main && main !== owner ? `Ingress ${main} (location) + canary Ingress ${owner} (balancer)` : `Ingress ${owner}`;
}

function same(a: Pick<UpstreamPolicyIR, 'retry' | 'timeouts'>, b: UpstreamPolicyIR): boolean {
  return JSON.stringify([a.retry ?? null, a.timeouts ?? null]) === JSON.stringify([b.retry ?? null, b.timeouts ?? null]);
}

function warnConflict(ctx: AdaptContext, ing: ParsedIngress, svc: ServiceIR): void {
  ctx.warn(
    ing.node,
    ['metadata', 'annotations'],
    'GL_W_NO_EFFECT',
    `Ingress ${ing.key} sends to ${svc.name} with other proxy-next-upstream / proxy-*-timeout settings than ${svc.policy?.origin ?? 'the first Ingress'}; nginx applies them per location, gatelab keeps one policy per service, so the first Ingress's apply here too`,
    'give the Ingresses that share this Service the same proxy-* annotations',
  );
}
