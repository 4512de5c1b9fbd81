/**
 * Route attachment: where the platform team's rules meet the app team's wishes. A parentRef names a
 * Gateway (namespace defaulting to the route's) and optionally one listener (sectionName) or port. A
 * listener accepts the route when it speaks HTTP or HTTPS, allows the HTTPRoute kind, allows the
 * route's namespace (Same — the default —, All, or a label Selector) and shares at least one hostname
 * with it (the intersection is what the route then serves there). Every refusal is a warning that
 * names the condition the real controller would set (Accepted=False with NotAllowedByListeners,
 * NoMatchingListenerHostname or NoMatchingParent).
 */
import { intersectHostnames } from '../../routing/gateway-api-hostname.ts';
import type { GwAttachment, GwListener, GwUnattached } from '../../routing/gateway-api-table.ts';
import { GATEWAY_GROUP } from './collect.ts';
import type { AdaptContext } from './context.ts';
import { implicitGateway, type GatewayModel, type ListenerModel } from './gateways.ts';
import { selectorMatches, type Namespaces } from './namespaces.ts';
import type { ParentRefModel, RouteModel } from './routes.ts';

export interface Attached {
  listeners: GwListener[];
  /** Routes that attached nowhere, with why (the warnings' text), so a 404 can name them. */
  unattached: GwUnattached[];
  /** Route key → its attachments (only routes with at least one). */
  attachments: Map<string, GwAttachment[]>;
  /** Every Gateway, the assumed ones included (for the IR's listener list). */
  gateways: GatewayModel[];
}

export function attachRoutes(ctx: AdaptContext, declared: GatewayModel[], routes: readonly RouteModel[], namespaces: Namespaces): Attached {
  const gateways = new Map(declared.map((g) => [g.key, g]));
  const assume = declared.length === 0;
  const listeners: GwListener[] = [];
  const index = new Map<ListenerModel, number>();
  const listenerIndex = (l: ListenerModel): number => {
    let i = index.get(l);
    if (i === undefined) {
      i = listeners.length;
      listeners.push({ gateway: l.gateway.key, name: l.name, port: l.port, protocol: l.protocol === 'HTTPS' ? 'https' : 'http', hostname: l.hostname });
      index.set(l, i);
    }
    return i;
  };
  // Listeners first in Gateway order, so the table reads like the files.
  for (const g of declared) for (const l of g.listeners) if (isHttp(l)) listenerIndex(l);

  const attachments = new Map<string, GwAttachment[]>();
  const unattached: GwUnattached[] = [];
  for (const route of routes) {
    const found: GwAttachment[] = [];
    const said = ctx.diagnostics.length;
    for (const ref of route.parentRefs) {
      const gw = parentGateway(ctx, route, ref, gateways, assume);
      if (!gw) continue;
      if (!gw.obj) for (const l of gw.listeners) listenerIndex(l);
      for (const { listener, hostnames } of acceptingListeners(ctx, route, ref, gw, namespaces)) {
        const at = listenerIndex(listener);
        const prev = found.find((a) => a.listener === at);
        if (!prev) found.push({ listener: at, hostnames });
        else if (prev.hostnames !== null) prev.hostnames = hostnames === null ? null : [...new Set([...prev.hostnames, ...hostnames])];
      }
    }
    if (found.length > 0) attachments.set(route.key, found);
    else unattached.push({ key: route.key, hostnames: route.hostnames, why: ctx.diagnostics.slice(said).map((d) => d.message).join('; ') || 'it has no parentRefs' });
  }
  return { listeners, unattached, attachments, gateways: [...gateways.values()] };
}

function isHttp(l: ListenerModel): boolean {
  return l.protocol === 'HTTP' || l.protocol === 'HTTPS';
}

function parentGateway(ctx: AdaptContext, route: RouteModel, ref: ParentRefModel, gateways: Map<string, GatewayModel>, assume: boolean): GatewayModel | undefined {
  const o = route.obj;
  if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') {
    const mesh = ref.group === '' && ref.kind === 'Service';
    ctx.warn(o, ref.at, 'GL_W_NO_EFFECT', `parentRef ${ref.group ? `${ref.group}/` : ''}${ref.kind} ${ref.name}: ${mesh ? 'a Service parent is service-mesh (GAMMA) routing, which gatelab does not simulate' : 'only Gateway parents are simulated'}; ignored`);
    return undefined;
  }
  const key = `${ref.namespace}/${ref.name}`;
  const existing = gateways.get(key);
  if (existing) return existing;
  if (assume) {
    // No Gateway in the input at all: the route's own file is all there is (the lesson's snippet 08).
    const gw = implicitGateway(ref.namespace, ref.name);
    gateways.set(key, gw);
    ctx.warn(
      o,
      ref.at,
      'GL_W_LESSON_DIFFERS',
      `the input has no Gateway, so gatelab assumes Gateway ${key} with an HTTP listener on port 80 and an HTTPS listener on port 443, no hostname, and the spec's default allowedRoutes (routes from namespace ${ref.namespace} only)`,
      'add the Gateway to the input (or an overlay) to choose its listeners',
    );
    return gw;
  }
  const sameName = [...gateways.values()].filter((g) => g.name === ref.name);
  if (sameName.length > 0 && !ref.namespaceGiven) {
    ctx.warn(
      o,
      ref.at,
      'GL_W_LESSON_DIFFERS',
      `parentRef ${ref.name} has no namespace, so it means Gateway ${key} (the route's own namespace), which is not in the input; the route is not attached there (Accepted=False, NoMatchingParent)`,
      `the Gateway named ${ref.name} is in namespace ${sameName.map((g) => g.namespace).join(', ')}: add namespace: ${sameName[0]?.namespace} to the parentRef`,
    );
  } else {
    const near = sameName.length > 0 ? `a Gateway ${ref.name} exists in ${sameName.map((g) => g.namespace).join(', ')}` : `Gateways in the input: ${[...gateways.keys()].join(', ')}`;
    ctx.warn(o, ref.at, 'GL_W_NO_EFFECT', `parentRef: no Gateway ${key} in the input; the route is not attached there (Accepted=False, NoMatchingParent)`, near);
  }
  return undefined;
}

function acceptingListeners(
  ctx: AdaptContext,
  route: RouteModel,
  ref: ParentRefModel,
  gw: GatewayModel,
  namespaces: Namespaces,
): Array<{ listener: ListenerModel; hostnames: string[] | null }> {
  const o = route.obj;
  const candidates = gw.listeners.filter((l) => (ref.sectionName === undefined || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port));
  if (candidates.length === 0) {
    const what = [ref.sectionName !== undefined ? `named ${ref.sectionName}` : '', ref.port !== undefined ? `on port ${ref.port}` : ''].filter(Boolean).join(' and ');
    ctx.warn(
      o,
      ref.at,
      'GL_W_NO_EFFECT',
      `Gateway ${gw.key} has no listener ${what}; the route is not attached (Accepted=False, NoMatchingParent)`,
      `its listeners: ${gw.listeners.map((l) => `${l.name} (port ${l.port})`).join(', ') || 'none'}`,
    );
    return [];
  }
  const accepted: Array<{ listener: ListenerModel; hostnames: string[] | null }> = [];
  const refused: string[] = [];
  for (const l of candidates) {
    const refusal = refuse(ctx, route, ref, l, namespaces);
    if (refusal) {
      refused.push(`${l.name}: ${refusal}`);
      continue;
    }
    const hostnames = intersectHostnames(l.hostname, route.hostnames);
    if (hostnames !== null && hostnames.length === 0) {
      refused.push(`${l.name}: no hostname of the route (${route.hostnames.join(', ')}) fits the listener hostname ${l.hostname} (NoMatchingListenerHostname)`);
      continue;
    }
    accepted.push({ listener: l, hostnames });
  }
  if (accepted.length === 0) {
    ctx.warn(o, ref.at, 'GL_W_NO_EFFECT', `Gateway ${gw.key} does not accept ${o.label} (Accepted=False): ${refused.join('; ')}`, 'the route serves nothing through this parent');
  }
  return accepted;
}

/** Why a listener refuses the route (kind, protocol, namespace), or undefined when it allows it. */
function refuse(ctx: AdaptContext, route: RouteModel, ref: ParentRefModel, l: ListenerModel, namespaces: Namespaces): string | undefined {
  if (!isHttp(l)) return `protocol ${l.protocol} does not take HTTPRoutes (NotAllowedByListeners)`;
  if (l.kinds !== null && !l.kinds.some((k) => k.group === GATEWAY_GROUP && k.kind === 'HTTPRoute')) {
    return `allowedRoutes.kinds (${l.kinds.map((k) => k.kind).join(', ') || 'none'}) does not include HTTPRoute (NotAllowedByListeners)`;
  }
  const routeNs = route.obj.namespace;
  const gwNs = l.gateway.namespace;
  if (l.from === 'Same' && routeNs !== gwNs) {
    return `allowedRoutes admits routes from its own namespace ${gwNs} only (from: Same, the default), and the route is in ${routeNs} (NotAllowedByListeners)`;
  }
  if (l.from === 'Selector') {
    if (!namespaces.declared) {
      ctx.warn(
        route.obj,
        ref.at,
        'GL_W_NO_EFFECT',
        `listener ${l.gateway.key}/${l.name} admits namespaces by label selector, and the input has no Namespace documents to read labels from; gatelab assumes ${routeNs} is selected`,
        'add a Namespace document with its labels to decide',
      );
      return undefined;
    }
    if (!selectorMatches(l.selector, namespaces.labelsOf(routeNs))) {
      return `namespace ${routeNs} does not carry the labels allowedRoutes selects (from: Selector) (NotAllowedByListeners)`;
    }
  }
  return undefined;
}
