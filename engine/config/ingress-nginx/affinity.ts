/**
 * Which backends are sticky, as the controller fills each backend's sessionAffinityConfig
 * (internal/ingress/controller/controller.go):
 * - getBackendServers, path by path of every Ingress that serves locations: the first Ingress with
 *   `affinity: cookie` on a backend gives it its settings (gatelab keeps the first; the controller
 *   copies the cookie fields again for every later path with affinity, so with two Ingresses that
 *   disagree the last one's attributes would win — warned), and each such path joins the cookie's
 *   locations (host → paths), where sticky.lua should_set_cookie allows a Set-Cookie;
 * - mergeAlternativeBackend: unless the *canary* Ingress says `affinity-canary-behavior: legacy`,
 *   the canary backend gets a copy of the main backend's affinity (also when that is none).
 * Each backend has its own key, md5(md5(name) .. name) (sticky.lua sync), written after `|` in the
 * cookie: that is how balancer.lua tells a request affinitized to the main backend from one
 * affinitized to the canary.
 */
import { ngxMd5 } from '../../upstream/balancer/sticky.ts';
import type { AdaptContext } from './context.ts';
import type { ParsedIngress } from './ingress-read.ts';
import type { Built, Upstream } from './servers.ts';
import { upstreamName } from './services.ts';
import type { AffinityEntry } from './table.ts';

/** sticky.lua `self.backend_key`. */
export function backendKey(name: string): string {
  return ngxMd5(ngxMd5(name) + name);
}

export function assignAffinity(ctx: AdaptContext, ingresses: readonly ParsedIngress[], built: Built): void {
  for (const ing of ingresses) {
    const aff = ing.anns.affinity;
    if (ing.anns.canary.enabled || !aff) continue;
    if (ing.anns.rewrite.useRegex && aff.cookie.path === undefined) {
      ctx.warn(ing.node, ['metadata', 'annotations'], 'GL_W_NO_EFFECT', `Ingress ${ing.key} uses regular expressions without session-cookie-path: the affinity cookie's Path is the location's regex as written, which no browser path matches (the controller logs "session-cookie-path should be set when use-regex is true")`, 'set nginx.ingress.kubernetes.io/session-cookie-path');
    }
    for (const rule of ing.rules) {
      if (!rule.http) continue;
      const host = rule.host || '_';
      for (const path of rule.paths) {
        if (!path.service) continue;
        const u = built.upstreams.get(upstreamName(path.service));
        if (!u || u.noServer) continue;
        if (!u.affinity) {
          u.affinity = { mode: aff.mode, cookie: aff.cookie, backendKey: backendKey(u.name), locations: {}, from: `Ingress ${ing.key}` };
        } else if (u.affinity.from !== `Ingress ${ing.key}` && JSON.stringify([u.affinity.mode, u.affinity.cookie]) !== JSON.stringify([aff.mode, aff.cookie])) {
          ctx.warn(ing.node, ['metadata', 'annotations'], 'GL_W_LESSON_DIFFERS', `backend ${u.name} already has affinity settings from ${u.affinity.from}; gatelab keeps those, while the controller would copy this Ingress's cookie settings over them`, 'give every Ingress that shares the backend the same affinity annotations');
        }
        (u.affinity.locations[host] ??= []).push(path.path || '/');
      }
    }
  }
  for (const primary of built.upstreams.values()) {
    for (const altName of primary.alternatives) {
      const alt = built.upstreams.get(altName);
      if (!alt?.canary) continue;
      const canaryIngress = ingresses.find((i) => i.key === alt.canary?.ingress);
      if (canaryIngress?.anns.canaryBehavior === 'legacy') continue;
      inherit(alt, primary);
    }
  }
}

/** mergeAlternativeBackend: priUps.SessionAffinity.DeepCopyInto(&altUps.SessionAffinity). */
function inherit(alt: Upstream, primary: Upstream): void {
  const from = primary.affinity;
  if (!from) {
    delete alt.affinity;
    return;
  }
  const copy: AffinityEntry = {
    ...from,
    locations: Object.fromEntries(Object.entries(from.locations).map(([h, paths]) => [h, [...paths]])),
    backendKey: backendKey(alt.name),
    from: `${from.from}, copied to canary ${alt.canary?.ingress} (affinity-canary-behavior sticky)`,
  };
  alt.affinity = copy;
}
