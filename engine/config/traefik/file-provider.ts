/**
 * Traefik's file provider (dynamic configuration in YAML): `http.routers`, `http.services`,
 * `http.middlewares`. Traefik's own tests and docs mostly write routing this way, so gatelab reads it
 * next to the CRDs: routers become `<name>@file`, services list their servers' URLs directly, and a
 * reference without `@provider` means this provider. Same rules, same middlewares, same answers.
 *
 *   http:
 *     routers:
 *       api: { rule: "Host(`example.com`) && PathPrefix(`/api`)", service: api, entryPoints: [web],
 *              middlewares: [strip], priority: 10 }
 *     services:
 *       api: { loadBalancer: { servers: [{ url: "http://10.0.0.1:8080" }], passHostHeader: true } }
 *       split: { weighted: { services: [{ name: api, weight: 3 }, { name: canary, weight: 1 }] } }
 *     middlewares:
 *       strip: { stripPrefix: { prefixes: [/api] } }
 */
import type { PluginInstanceIR, RouteIR, ServiceIR } from '../ir.ts';
import { uuidFrom } from '../native/adapt.ts';
import { isObj, type Node, type TraefikContext } from './context.ts';
import { checkRule, instance } from './ingressroutes.ts';
import type { MiddlewareRegistry } from './middlewares.ts';
import { readHealthCheck, warnWeightedHealthCheck } from './active-health.ts';
import { readPassiveHealthCheck } from './passive-health.ts';
import type { PluginStep } from './middleware-types.ts';
import type { ServiceRegistry } from './services.ts';
import type { TraefikStatic } from './static.ts';
import type { TraefikRouterIR } from './table.ts';

const ROUTER_FIELDS = ['entryPoints', 'middlewares', 'service', 'rule', 'ruleSyntax', 'priority', 'tls', 'observability', 'parentRefs'];
const LB_FIELDS = ['servers', 'passHostHeader', 'sticky', 'healthCheck', 'serversTransport', 'responseForwarding', 'strategy', 'passiveHealthCheck'];

type Weighted = Array<{ service: ServiceIR; weight: number }>;

export function isFileProviderDoc(v: Record<string, unknown>): boolean {
  return v['kind'] === undefined && v['apiVersion'] === undefined && ['http', 'tcp', 'udp', 'tls'].some((k) => Object.hasOwn(v, k));
}

export class FileProvider {
  private readonly services = new Map<string, Node>();
  private readonly resolved = new Map<string, Weighted | string>();

  constructor(
    private readonly ctx: TraefikContext,
    private readonly st: TraefikStatic,
    private readonly registry: ServiceRegistry,
    private readonly mws: MiddlewareRegistry,
  ) {
    // IngressRoutes refer to these services as `name@file` (kind: TraefikService), as in Traefik.
    registry.crossProvider = (ref) => (this.services.has(ref.replace(/@file$/, '')) ? this.resolve(ref, []) : `the service "${ref}" does not exist: the input has no file-provider service named ${ref.replace(/@file$/, '')} (add it under http.services of a dynamic-configuration document)`);
  }

  /** Reads middlewares and services first; routers are built by `routes` once every document is in. */
  add(doc: Node): Node | undefined {
    const ctx = this.ctx;
    ctx.unknownFields(doc, ['http', 'tcp', 'udp', 'tls'], 'the dynamic configuration');
    for (const k of ['tcp', 'udp', 'tls']) if (doc.value[k] !== undefined) ctx.warn(doc.doc, [...doc.path, k], 'GL_W_NO_EFFECT', `gatelab reads only the http part of the dynamic configuration; ${k} is ignored`, undefined, true);
    const http = ctx.child(doc, 'http', 'http');
    if (!http) return undefined;
    ctx.unknownFields(http, ['routers', 'services', 'middlewares', 'serversTransports', 'models'], 'http');
    const mws = ctx.child(http, 'middlewares', 'http.middlewares');
    for (const name of Object.keys(mws?.value ?? {})) {
      const node = mws ? ctx.child(mws, name, `middleware ${name}@file`) : undefined;
      if (node) this.mws.addFile(name, node);
    }
    const services = ctx.child(http, 'services', 'http.services');
    for (const name of Object.keys(services?.value ?? {})) {
      const node = services ? ctx.child(services, name, `service ${name}@file`) : undefined;
      if (node) this.services.set(name, node);
    }
    return ctx.child(http, 'routers', 'http.routers');
  }

  routes(routers: Node, out: { routes: RouteIR[]; routers: TraefikRouterIR[]; plugins: PluginInstanceIR[] }, cache: Map<PluginStep, unknown>): void {
    const ctx = this.ctx;
    for (const key of Object.keys(routers.value)) {
      const node = ctx.child(routers, key, `router ${key}@file`);
      if (!node) continue;
      ctx.unknownFields(node, ROUTER_FIELDS, `router ${key}@file`);
      const name = `${key}@file`;
      const rule = ctx.string(node, 'rule') ?? '';
      const syntaxRaw = ctx.string(node, 'ruleSyntax');
      const syntax = syntaxRaw === 'v2' || syntaxRaw === 'v3' ? syntaxRaw : this.st.defaultRuleSyntax;
      const disabled: string[] = [];
      checkRule(ctx, node, [...node.path, 'rule'], rule, syntax, name, disabled);
      const problems: string[] = [];
      const entryPoints = ctx.stringList(node, 'entryPoints') ?? [];
      const known = this.st.entryPoints.map((e) => e.name);
      const usable = entryPoints.filter((e) => known.includes(e));
      if (entryPoints.length > usable.length) problems.push(`entryPoint ${entryPoints.filter((e) => !known.includes(e)).join(', ')} does not exist (Traefik has ${known.join(', ')})`);
      const serviceName = ctx.string(node, 'service');
      let backends: Weighted = [];
      if (!serviceName) problems.push('the service is missing on the router');
      else {
        const r = this.resolve(serviceName, []);
        if (typeof r === 'string') problems.push(r);
        else backends = r;
      }
      const expanded = this.mws.expandKeys(ctx.stringList(node, 'middlewares') ?? [], node);
      if ('problem' in expanded) problems.push(expanded.problem);
      for (const why of problems) ctx.warn(node.doc, node.path, 'GL_W_ROUTE_NOT_SERVED', `router ${name} is not served: ${why}`);
      if (entryPoints.length > 0 && usable.length === 0) disabled.push('none of its entryPoints exists');
      disabled.push(...problems.filter((p) => !p.startsWith('entryPoint ')));
      const id = uuidFrom(`traefik-route:${name}`);
      const single = backends.length === 1 && !this.isWeighted(serviceName ?? '');
      out.routes.push({
        name,
        id,
        service: single ? (backends[0]?.service.name ?? null) : null,
        ...(single ? {} : { backends: backends.map((b) => ({ service: b.service.name, weight: b.weight })) }),
        protocols: ['http', 'https'],
        methods: [],
        hosts: [],
        paths: [],
        headers: {},
        stripPath: false,
        preserveHost: this.registry.settings[backends[0]?.service.name ?? '']?.passHostHeader ?? true,
        pathHandling: 'v0',
        regexPriority: ctx.int(node, 'priority') ?? 0,
        httpsRedirectStatusCode: 426,
        loc: ctx.loc(node.doc, node.path),
      });
      out.routers.push({
        route: name,
        rule,
        syntax,
        priority: ctx.int(node, 'priority') ?? 0,
        entryPoints: usable,
        ...(node.value['tls'] !== undefined && node.value['tls'] !== null ? { tls: true } : {}),
        ...(disabled.length ? { disabled: disabled.join('; ') } : {}),
      });
      if ('steps' in expanded) {
        expanded.steps.forEach((step, i) => {
          const p = instance(ctx, step, cache, `${name}#${i}:${step.middleware.key}`, `${step.middleware.key} (${step.vendorName})`, id);
          if (p) out.plugins.push(p);
        });
      }
    }
  }

  private isWeighted(name: string): boolean {
    const key = name.replace(/@file$/, '');
    return isObj(this.services.get(key)?.value['weighted']);
  }

  /** A service by reference: its servers (one IR service) or a flattened weighted round robin. */
  private resolve(ref: string, seen: readonly string[]): Weighted | string {
    if (ref.includes('@') && !ref.endsWith('@file')) return `service "${ref}" belongs to another provider, which gatelab does not read with the file provider`;
    const key = ref.replace(/@file$/, '');
    const cached = this.resolved.get(key);
    if (cached) return cached;
    if (seen.includes(key)) return `service ${key}@file refers to itself`;
    const node = this.services.get(key);
    if (!node) return `the service "${key}@file" does not exist`;
    const ctx = this.ctx;
    let result: Weighted | string;
    const lb = ctx.child(node, 'loadBalancer', `loadBalancer of ${key}@file`);
    const weighted = ctx.child(node, 'weighted', `weighted of ${key}@file`);
    const mirroring = ctx.child(node, 'mirroring', `mirroring of ${key}@file`);
    if (lb) result = this.loadBalancer(key, lb);
    else if (weighted) {
      const children = ctx.list(weighted, 'services', (i) => `weighted.services[${i}] of ${key}@file`);
      warnWeightedHealthCheck(ctx, weighted, `${key}@file`);
      const parts: Array<{ w: number; b: Weighted }> = [];
      result = [];
      for (const c of children) {
        const w = typeof c.value['weight'] === 'number' ? c.value['weight'] : 1;
        const r = this.resolve(String(c.value['name'] ?? ''), [...seen, key]);
        if (typeof r === 'string') {
          result = r;
          break;
        }
        if (w > 0) parts.push({ w, b: r });
      }
      if (typeof result !== 'string') {
        const flat: Weighted = [];
        for (const p of parts) {
          const total = p.b.reduce((s, x) => s + x.weight, 0) || 1;
          for (const x of p.b) flat.push({ service: x.service, weight: p.b.length === 1 ? p.w : (p.w * x.weight) / total });
        }
        result = flat;
      }
    } else if (mirroring) {
      ctx.warn(mirroring.doc, mirroring.path, 'GL_W_NO_EFFECT', `service ${key}@file mirrors traffic; gatelab sends every request to the main service and does not model the mirrors`, undefined, true);
      result = this.resolve(String(mirroring.value['service'] ?? ''), [...seen, key]);
    } else result = `service ${key}@file has no loadBalancer, weighted or mirroring`;
    this.resolved.set(key, result);
    return result;
  }

  private loadBalancer(key: string, lb: Node): Weighted | string {
    const ctx = this.ctx;
    ctx.unknownFields(lb, LB_FIELDS, `loadBalancer of ${key}@file`);
    for (const k of ['sticky', 'serversTransport', 'responseForwarding']) {
      if (lb.value[k] !== undefined) ctx.warn(lb.doc, [...lb.path, k], 'GL_W_NO_EFFECT', `${k} is not modelled`, undefined, true);
    }
    const passive = readPassiveHealthCheck(ctx, lb, `${key}@file`, false);
    const active = readHealthCheck(ctx, lb, `${key}@file`, false);
    const targets: ServiceIR['targets'] = [];
    let protocol: 'http' | 'https' = 'http';
    for (const s of ctx.list(lb, 'servers', (i) => `servers[${i}] of ${key}@file`)) {
      const url = ctx.string(s, 'url');
      const m = url ? /^(https?|h2c):\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?(\/.*)?$/.exec(url) : null;
      if (!m) {
        ctx.error(s.doc, [...s.path, 'url'], 'GL_E_CONFIG_INVALID', `server url ${JSON.stringify(url)} is not http(s)://host[:port]`);
        continue;
      }
      protocol = m[1] === 'https' ? 'https' : 'http';
      const weight = typeof s.value['weight'] === 'number' ? s.value['weight'] : 1;
      targets.push({ host: (m[2] as string).replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : protocol === 'https' ? 443 : 80, weight });
    }
    const name = `${key}@file`;
    const service: ServiceIR = {
      name,
      id: uuidFrom(`traefik-service:${name}`),
      protocol,
      host: targets[0]?.host ?? key,
      port: targets[0]?.port ?? 80,
      targets,
      retries: 0,
      connectTimeoutMs: 30_000,
      readTimeoutMs: 0,
      writeTimeoutMs: 0,
      loc: ctx.loc(lb.doc, lb.path),
      ...(passive || active ? { policy: { ...(passive ? { passiveHealth: passive } : {}), ...(active ? { activeHealth: active } : {}) } } : {}),
    };
    this.registry.services.set(name, service);
    this.registry.settings[name] = { passHostHeader: ctx.bool(lb, 'passHostHeader') ?? true, kubernetes: name };
    if (targets.length === 0 && !this.st.allowEmptyServices) return `service ${name} has no servers`;
    return [{ service, weight: 1 }];
  }
}
