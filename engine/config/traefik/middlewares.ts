/**
 * Middleware objects and references to them. Each Middleware has exactly one type; the types gatelab
 * runs become plugin steps (path-rewrite, headers, redirect, rate-limit, forward-auth, ip-restriction,
 * in-flight-limit, request-size-limit, basic-auth), `chain`
 * expands into the steps of the middlewares it lists, and the rest are parsed and warned about.
 *
 * A route refers to middlewares by `name` (+ `namespace`, default the IngressRoute's) or by the
 * provider form `<namespace>-<name>@kubernetescrd`. Another namespace, and the `@kubernetescrd` form
 * at all, need allowCrossNamespace. A reference to another provider passes as written (Traefik
 * resolves it across providers): `name@file` is the file provider's middleware when the input holds
 * its dynamic configuration (file-provider.ts); anything else (`@docker`) does not exist here.
 * Traefik builds a router's middlewares when it builds the router: a missing or broken one means that
 * router is not served. Source: traefik/traefik pkg/provider/kubernetes/crd/kubernetes.go
 * (resolveReference, makeID), pkg/server/middleware/middlewares.go (one type per middleware).
 */
import { nearest } from '../../core/nearest.ts';
import { findPlugin } from '../../plugins/index.ts';
import { type Node, type TraefikContext } from './context.ts';
import type { K8sObject } from './collect.ts';
import { HEADERS_FIELDS } from '../../plugins/headers/config.ts';
import { basicAuthStep, bufferingStep, circuitBreakerStep, forwardAuthStep, inFlightReqStep, ipAllowListStep, rateLimitStep, retryStep, type PluginStep } from './middleware-types.ts';
import { objectKey, PROVIDER } from './names.ts';
import type { TraefikStatic } from './static.ts';

/** Every middleware type of the traefik.io/v1alpha1 Middleware CRD. */
export const MIDDLEWARE_TYPES = [
  'addPrefix', 'stripPrefix', 'stripPrefixRegex', 'replacePath', 'replacePathRegex', 'chain', 'ipWhiteList', 'ipAllowList', 'headers',
  'errors', 'rateLimit', 'redirectRegex', 'redirectScheme', 'basicAuth', 'digestAuth', 'forwardAuth', 'inFlightReq', 'buffering',
  'circuitBreaker', 'compress', 'passTLSClientCert', 'retry', 'contentType', 'grpcWeb', 'plugin', 'encodedCharacters',
] as const;

const PATH_TYPES = ['addPrefix', 'stripPrefix', 'stripPrefixRegex', 'replacePath', 'replacePathRegex'];

/** The fields of the types gatelab runs; anything else is pruned by the CRD schema (a warning). */
const FIELDS: Record<string, readonly string[]> = {
  addPrefix: ['prefix'],
  stripPrefix: ['prefixes', 'forceSlash'],
  stripPrefixRegex: ['regex'],
  replacePath: ['path'],
  replacePathRegex: ['regex', 'replacement'],
  headers: HEADERS_FIELDS,
  redirectScheme: ['scheme', 'port', 'permanent'],
  redirectRegex: ['regex', 'replacement', 'permanent'],
};

function known(ctx: TraefikContext, body: Node, type: string): Record<string, unknown> {
  const fields = FIELDS[type] ?? [];
  ctx.unknownFields(body, fields, type);
  return Object.fromEntries(Object.entries(body.value).filter(([k]) => fields.includes(k)));
}

export interface MiddlewareDef {
  key: string;
  name: string;
  namespace: string;
  node: Node;
  type?: string;
  steps: PluginStep[];
  /** chain: the references it lists, resolved when a route uses it. */
  chain?: Node[];
  /** chain in the file provider: plain names (this provider) or `name@provider`. */
  chainKeys?: string[];
  /** Traefik cannot build it (no type, two types, a bad chain): routers that use it are not served. */
  problem?: string;
}

/**
 * Why `name@provider` from another provider does not exist here. gatelab reads the file provider's
 * dynamic configuration from the same input, so for `@file` the fix is to add the definition there.
 */
function missingOtherProvider(name: string, provider: string): string {
  const base = name.slice(0, name.lastIndexOf('@'));
  if (provider === 'file') {
    return `middleware "${name}" does not exist: the input has no file-provider middleware named ${base} (add it under http.middlewares of a dynamic-configuration document in the input, or refer to a Middleware object without @file)`;
  }
  return `middleware "${name}" does not exist here: it belongs to the ${provider} provider, and gatelab reads only Kubernetes CRDs and the file provider's dynamic configuration (define it as a Middleware object or under http.middlewares)`;
}

export type Expanded = { steps: Array<PluginStep & { middleware: MiddlewareDef }> } | { problem: string; at: Node };

export class MiddlewareRegistry {
  readonly byKey = new Map<string, MiddlewareDef>();

  constructor(
    private readonly ctx: TraefikContext,
    private readonly st: TraefikStatic,
    objects: readonly K8sObject[],
  ) {
    for (const o of objects) this.byKey.set(objectKey(o.namespace, o.name), this.define(o));
  }

  /** A middleware of the file provider (`http.middlewares.<name>`), keyed `<name>@file`. */
  addFile(name: string, node: Node): void {
    const key = `${name}@file`;
    const spec: Node = { ...node, label: `middleware ${key}` };
    this.byKey.set(key, this.define({ kind: 'Middleware', name, namespace: '', node: spec, spec }, key));
  }

  private define(o: K8sObject, key = objectKey(o.namespace, o.name)): MiddlewareDef {
    const ctx = this.ctx;
    const def: MiddlewareDef = { key, name: o.name, namespace: o.namespace, node: o.node, steps: [] };
    const spec = o.spec;
    if (!spec) {
      def.problem = `Middleware ${o.namespace}/${o.name} has no spec`;
      return def;
    }
    ctx.unknownFields(spec, MIDDLEWARE_TYPES, `Middleware ${o.namespace}/${o.name} (middleware types)`);
    const types = MIDDLEWARE_TYPES.filter((t) => spec.value[t] !== undefined && spec.value[t] !== null);
    if (types.length === 0) {
      def.problem = `Middleware ${o.namespace}/${o.name} has no middleware type Traefik knows`;
      ctx.warn(spec.doc, spec.path, 'GL_W_ROUTE_NOT_SERVED', `${def.problem}; Traefik logs "invalid middleware" and every router that uses it is not served`);
      return def;
    }
    if (types.length > 1) {
      def.problem = `Middleware ${o.namespace}/${o.name} sets ${types.join(' and ')}`;
      ctx.warn(spec.doc, [...spec.path, types[1] as string], 'GL_W_ROUTE_NOT_SERVED', `${def.problem}: one Middleware holds one type, Traefik refuses it and every router that uses it is not served`, 'declare two Middlewares and list both on the route', true);
      return def;
    }
    const type = types[0] as string;
    def.type = type;
    const body = ctx.child(spec, type, `${type} of Middleware ${o.namespace}/${o.name}`);
    if (!body) {
      def.problem = `${type} of Middleware ${o.namespace}/${o.name} is not a mapping`;
      return def;
    }
    const here = `${type} of Middleware ${o.namespace}/${o.name}`;
    if (PATH_TYPES.includes(type)) def.steps.push({ plugin: 'path-rewrite', config: { [type]: known(ctx, body, type) }, at: spec, vendorName: type });
    else if (type === 'headers') def.steps.push({ plugin: 'headers', config: known(ctx, body, type), at: body, vendorName: type });
    else if (type === 'redirectScheme' || type === 'redirectRegex') def.steps.push({ plugin: 'redirect', config: { [type]: known(ctx, body, type) }, at: spec, vendorName: type });
    else if (type === 'rateLimit') {
      const step = rateLimitStep(ctx, body);
      if (typeof step === 'string') {
        def.problem = `${here}: ${step}`;
        ctx.warn(body.doc, body.path, 'GL_W_ROUTE_NOT_SERVED', `${def.problem}; Traefik refuses the middleware`);
      } else def.steps.push(step);
    } else if (type === 'forwardAuth') {
      const step = forwardAuthStep(ctx, body, findPlugin('forward-auth') !== undefined);
      if (step) def.steps.push(step);
    } else if (type === 'basicAuth') {
      // The file provider carries users inline, the CRD only a Secret reference (middleware-types.ts).
      const step = basicAuthStep(ctx, body, key.endsWith('@file'));
      if (step && 'problem' in step) def.problem = `${here}: ${step.problem}`;
      else if (step) def.steps.push(step);
    } else if (type === 'chain') {
      ctx.unknownFields(body, ['middlewares'], 'chain');
      const items = body.value['middlewares'];
      if (Array.isArray(items) && items.every((x) => typeof x === 'string')) def.chainKeys = items as string[];
      else def.chain = ctx.list(body, 'middlewares', (i) => `chain.middlewares[${i}] of Middleware ${o.namespace}/${o.name}`);
    } else if (type === 'circuitBreaker') {
      const step = circuitBreakerStep(ctx, body);
      if (step) def.steps.push(step);
    } else if (type === 'retry') def.steps.push(retryStep(ctx, body));
    else if (type === 'ipAllowList' || type === 'ipWhiteList' || type === 'inFlightReq' || type === 'buffering') {
      const step = type === 'inFlightReq' ? inFlightReqStep(ctx, body) : type === 'buffering' ? bufferingStep(ctx, body) : ipAllowListStep(ctx, body, type);
      if (typeof step === 'string') {
        def.problem = `${here}: ${step}`;
        ctx.warn(body.doc, body.path, 'GL_W_ROUTE_NOT_SERVED', `${def.problem}; Traefik refuses the middleware`);
      } else def.steps.push(step);
    } else ctx.warn(body.doc, body.path, 'GL_W_NO_EFFECT', `gatelab does not model the ${type} middleware yet: requests pass through it unchanged`);
    return def;
  }

  /**
   * The key a route's middleware reference resolves to, or why it does not (Traefik: "invalid
   * reference to middleware …" or "middleware … does not exist").
   */
  resolve(ref: Node, parentNs: string): { def: MiddlewareDef } | { problem: string; at: Node } {
    const ctx = this.ctx;
    ctx.unknownFields(ref, ['name', 'namespace'], 'a middleware reference');
    const name = ctx.string(ref, 'name');
    if (!name) return { problem: 'a middleware reference needs a name', at: ref };
    const ns = ctx.string(ref, 'namespace');
    let key: string;
    if (name.includes('@')) {
      const provider = name.slice(name.lastIndexOf('@') + 1);
      if (provider === PROVIDER && !this.st.allowCrossNamespace) {
        return { problem: `invalid reference to middleware ${name}: the namespace-name@kubernetescrd form is not allowed while allowCrossNamespace is false`, at: ref };
      }
      // A cross-provider reference goes to Traefik as written; the namespace field plays no part.
      if (ns !== undefined && ns !== '') {
        ctx.warn(ref.doc, [...ref.path, 'namespace'], 'GL_W_NO_EFFECT', `namespace "${ns}" is ignored in cross-provider context: "${name}" already names its provider`, undefined, true);
      }
      key = name;
      if (provider !== PROVIDER && !this.byKey.has(key)) return { problem: missingOtherProvider(name, provider), at: ref };
    } else {
      const target = ns ?? parentNs;
      if (target !== parentNs && !this.st.allowCrossNamespace) {
        return { problem: `invalid reference to middleware ${target}/${name}: it is not in the IngressRoute's namespace ${parentNs} and allowCrossNamespace is false`, at: ref };
      }
      key = objectKey(target, name);
    }
    const def = this.byKey.get(key);
    if (!def) {
      const near = nearest(key, [...this.byKey.keys()]);
      return { problem: `middleware "${key}" does not exist${near ? ` (did you mean "${near}"?)` : ''}`, at: ref };
    }
    return { def };
  }

  /** The plugin steps a list of references runs, in order, chains expanded; or the first problem. */
  expand(refs: readonly Node[], parentNs: string, seen: readonly string[] = []): Expanded {
    const out: Array<PluginStep & { middleware: MiddlewareDef }> = [];
    for (const ref of refs) {
      const r = this.resolve(ref, parentNs);
      if ('problem' in r) return r;
      const def = r.def;
      if (def.problem) return { problem: def.problem, at: ref };
      if (seen.includes(def.key)) return { problem: `middleware chain loops: ${[...seen, def.key].join(' → ')}`, at: ref };
      const inner = this.inner(def, ref, seen);
      if ('problem' in inner) return inner;
      out.push(...inner.steps);
    }
    return { steps: out };
  }

  private inner(def: MiddlewareDef, at: Node, seen: readonly string[]): Expanded {
    if (def.chain) return this.expand(def.chain, def.namespace, [...seen, def.key]);
    if (def.chainKeys) return this.expandKeys(def.chainKeys, at, [...seen, def.key]);
    return { steps: def.steps.map((s) => ({ ...s, middleware: def })) };
  }

  /**
   * File-provider references: a plain name is `<name>@file`; `name@kubernetescrd` and other providers
   * are looked up as written (the file provider may name another provider's middleware).
   */
  expandKeys(names: readonly string[], at: Node, seen: readonly string[] = []): Expanded {
    const out: Expanded & { steps: Array<PluginStep & { middleware: MiddlewareDef }> } = { steps: [] };
    for (const name of names) {
      const key = name.includes('@') ? name : `${name}@file`;
      const def = this.byKey.get(key);
      if (!def) {
        const near = nearest(key, [...this.byKey.keys()]);
        return { problem: `middleware "${key}" does not exist${near ? ` (did you mean "${near}"?)` : ''}`, at };
      }
      if (def.problem) return { problem: def.problem, at };
      if (seen.includes(def.key)) return { problem: `middleware chain loops: ${[...seen, def.key].join(' → ')}`, at };
      const inner = this.inner(def, at, seen);
      if ('problem' in inner) return inner;
      out.steps.push(...inner.steps);
    }
    return out;
  }
}
