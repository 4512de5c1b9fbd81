/**
 * The Gateway API adapter: Kubernetes documents (several per file, or a `kind: List`) in, GatewayIR and
 * diagnostics out. It reads Gateways, HTTPRoutes, ReferenceGrants, Services, Namespaces, EndpointSlices
 * (the pods behind a Service) and Istio DestinationRules (the Service's upstream policy); rejects
 * what the API server would reject (errors at file:line:column); and resolves what a controller
 * resolves — attachment, hostname intersection, backend references — the way Envoy Gateway does,
 * with a warning wherever a route, a listener or a backend ends up not doing what the file seems to say.
 */
import type { Diagnostic } from '../../core/errors.ts';
import type { GatewayIR } from '../ir.ts';
import type { SourceMap } from '../yaml-source.ts';
import { adaptDestinationRules, attachTrafficPolicies } from '../istio/index.ts';
import { EndpointSlices } from '../k8s/endpoint-slices.ts';
import { attachRoutes } from './attach.ts';
import { BackendResolver } from './backends.ts';
import { buildIr } from './build-ir.ts';
import { collect } from './collect.ts';
import { AdaptContext } from './context.ts';
import { checkFields, SHAPES } from './fields.ts';
import { readGateways } from './gateways.ts';
import { Namespaces } from './namespaces.ts';
import { readRoute } from './routes.ts';
import { UpstreamBuilder } from './upstream.ts';
import { sortByPlace } from '../../core/errors.ts';

export interface GatewayApiAdaptResult {
  /** Present only when there are no errors. */
  ir?: GatewayIR;
  diagnostics: Diagnostic[];
}

export function adaptGatewayApi(docs: ReadonlyArray<{ value: unknown; map: SourceMap }>): GatewayApiAdaptResult {
  const ctx = new AdaptContext();
  const collected = collect(ctx, docs);
  for (const o of [...collected.gateways, ...collected.routes, ...collected.grants]) {
    const shape = SHAPES[o.kind];
    if (shape) checkFields(ctx, o, shape);
  }
  const gateways = readGateways(ctx, collected.gateways);
  const resolver = new BackendResolver(ctx, collected);
  const routes = collected.routes.map((o) => readRoute(ctx, o, resolver));
  if (routes.length === 0) {
    ctx.warnAt(docs[0]?.map.locate([]), 'GL_W_NO_EFFECT', 'the input has no HTTPRoute, so every request gets 404', 'add an HTTPRoute that attaches to a Gateway');
  }
  const attached = attachRoutes(ctx, gateways, routes, new Namespaces(collected.namespaces));
  const slices = new EndpointSlices(collected.endpointSlices, {
    invalid: (o, rel, message, hint) => ctx.error(o, rel, 'GL_E_CONFIG_INVALID', `${message}; the API server rejects this EndpointSlice`, hint),
    unknownField: (o, rel, message, hint) => ctx.warn(o, rel, 'GL_W_UNKNOWN_FIELD', message, hint, true),
    warn: (o, rel, message, hint) => ctx.warn(o, rel, 'GL_W_NO_EFFECT', message, hint),
  });
  const ir = buildIr(ctx, routes, attached, new UpstreamBuilder(resolver, slices));
  const istio = adaptDestinationRules(collected.destinationRules);
  ctx.diagnostics.push(...istio.diagnostics);
  if (istio.policies.length > 0) ir.trafficPolicies = istio.policies;
  attachTrafficPolicies(ir, (d) => ctx.diagnostics.push(d));
  const diagnostics = sortByPlace(ctx.diagnostics);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { ir, diagnostics };
}

