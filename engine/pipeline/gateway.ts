/**
 * One gateway replica's request handling: rewrite → route → access → balance → upstream → response →
 * log. The stages are dialect-neutral; what differs per vendor (how routes are chosen, how the upstream
 * path is built, what the gateway's own answers look like) comes from the IR and the dialect module.
 */
import type { GatewayIR, PluginInstanceIR, ServiceIR } from '../config/ir.ts';
import { findPlugin } from '../plugins/index.ts';
import type { HeaderMap } from './headers.ts';
import type { ChainHost, ChainStage, ReplyVerdict } from './chain.ts';
import { applicablePlugins, globalPlugins, hasConsumerScopedPlugins, type runAccessPhase } from './plugin-resolution.ts';
import type { PipelineHost } from './host.ts';
import type { Effect, GatewayResponse, IncomingRequest, PluginHooks, RequestContext, Verdict } from './types.ts';
import { scopeLabel } from './scope-label.ts';
import { createDialect, type DialectBehaviour } from './dialect.ts';
import { UpstreamCluster } from '../upstream/cluster.ts';
import { BASE_PROXY_CPU_US } from './proxy-cost.ts';
import { gatewayResponse, RequestRun } from './request-run.ts';
import { splitAtRetry, type RetrySplit } from './retry-rerun.ts';

type AccessOptions = Parameters<typeof runAccessPhase>[3];

/** What runs for one (route, service): computed once per config, not per request. */
export interface RouteStages {
  access: ChainStage[];
  response: ChainStage[];
  all: ChainStage[];
  plugins: LoadedPlugin[];
  /** Where Traefik's retry cuts `access`, when middlewares follow it in declared order (they re-run per try). */
  retrySplit?: RetrySplit;
  /** CPU µs per request (base proxying + these plugins' declared costs), computed on first use. */
  cpuUs?: number;
  /** That work as the effect a request performs (with a capacity model), made on first use. */
  compute?: Effect;
}

export interface LoadedPlugin {
  ir: PluginInstanceIR;
  hooks: PluginHooks;
  priority: number;
}

/** The trace name of the router step; `decided` reads only plugin and phase, so one object each serves every request. */
const ROUTER_STAGE: ChainStage = { plugin: 'router', phase: 'access', run: () => ({ kind: 'next', reason: '' }) };

export interface HandledRequest {
  ctx: RequestContext;
  response: GatewayResponse;
  /** Time the request spent waiting for the upstream, in ms (null when none was called). */
  upstreamMs: number | null;
}

/**
 * Who hears that a request was handled, as a method call: a host that has an object per request
 * already (the simulation's client try) passes it instead of a closure made for the request.
 */
export interface HandledListener {
  requestHandled(result: HandledRequest): void;
}

/** One remembered forRoute answer and the (route, service, consumer) it is for. */
class StagesSlot {
  route: object | undefined = undefined;
  service: object | undefined = undefined;
  consumer: string | undefined = undefined;
  stages: RouteStages | undefined = undefined;
}

export class Gateway {
  private readonly plugins = new Map<string, LoadedPlugin>();
  /** The vendor's behaviour (RequestRun reads it). */
  readonly dialect: DialectBehaviour;
  private readonly stageCache = new Map<string, RouteStages>();
  private rewriteStages?: ChainStage[];
  /** Whether any plugin instance is scoped to a consumer (then auth re-resolves the chain). */
  private readonly consumerScoped: boolean;
  private readonly clusters = new Map<ServiceIR, UpstreamCluster>();
  /** The one cluster of each upstream several services may share (ServiceIR.upstreamKey), by key. */
  private readonly upstreamClusterByKey = new Map<string, UpstreamCluster>();
  /** Which loaded plugin instance a stage runs (for the needsBody question). */
  private readonly stageInstance = new WeakMap<ChainStage, LoadedPlugin>();
  /** bodyNeeded's answer per stage list (the lists are cached per route, so this is per route too); null = no plugin reads the body. */
  private readonly bodyNeededByStages = new WeakMap<readonly ChainStage[], ((status: number, headers: HeaderMap) => boolean) | null>();
  private accessOptionsMemo?: AccessOptions;
  /** forRoute's answer per route object → service object → consumer id, so a request builds no key string. */
  private readonly stageByRoute = new Map<object, Map<object | undefined, Map<string | undefined, RouteStages>>>();
  /**
   * forRoute's last answers: a request asks three or four times — once before auth names a consumer,
   * then with it — and back-to-back requests mostly share route and consumer, so two slots (no
   * consumer, a consumer) answer with identity checks instead of three Map lookups per call.
   */
  private readonly anonymousSlot = new StagesSlot();
  private readonly consumerSlot = new StagesSlot();

  constructor(
    readonly ir: GatewayIR,
    readonly replica: string,
    /** When the config took effect (host clock): outlier sweeps and probes are timed from it. */
    private readonly loadedAt?: number,
  ) {
    for (const p of ir.plugins) {
      const def = findPlugin(p.plugin);
      if (!def) continue;
      const label = scopeLabel(ir, p.scope);
      const hooks = def.create(p.config, { instanceId: p.instanceId, scope: p.scope, ...(label !== undefined ? { label } : {}), consumers: ir.consumers, services: ir.services, ...(loadedAt !== undefined ? { loadedAt } : {}) });
      this.plugins.set(p.instanceId, { ir: p, hooks, priority: def.priority });
    }
    this.dialect = createDialect(ir);
    this.consumerScoped = hasConsumerScopedPlugins(ir);
  }

  /** Plugin state snapshots keyed by plugin id (and instance id when one plugin has several). */
  snapshot(host: PipelineHost): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of this.plugins.values()) {
      if (!p.hooks.snapshot) continue;
      const key = out[p.ir.plugin] ? `${p.ir.plugin}#${p.ir.instanceId}` : p.ir.plugin;
      out[key] = p.hooks.snapshot(host);
    }
    for (const [service, cluster] of this.clusters) {
      if (service.policy) out[`upstream/${service.name}`] = cluster.snapshot(host.now());
    }
    return out;
  }

  handle(request: IncomingRequest, host: PipelineHost, done: ((result: HandledRequest) => void) | HandledListener): void {
    new RequestRun(this, request, host, done).start();
  }

  /** The rewrite phase's stages: global plugins only (for RequestRun). */
  rewritePhase(): readonly ChainStage[] {
    this.rewriteStages ??= this.stages(globalPlugins(this.ir, (id) => this.priorityOf(id)), 'rewrite');
    return this.rewriteStages;
  }

  /** runAccessPhase's options: the same for every request of this replica (for RequestRun). */
  accessOptions(): AccessOptions {
    this.accessOptionsMemo ??= {
      restage: (c: RequestContext) => this.forRoute(c).access,
      priorityOf: (id: string) => this.priorityOf(id),
      reResolve: this.consumerScoped,
    };
    return this.accessOptionsMemo;
  }

  /** The stages for the request's route, service and consumer as they are now (for RequestRun). */
  stagesFor(ctx: RequestContext): RouteStages {
    return this.forRoute(ctx);
  }

  /** CPU µs of the request's gateway work under a capacity model (for RequestRun). */
  cpuCostFor(ctx: RequestContext): number {
    return this.cpuCost(this.forRoute(ctx));
  }

  /**
   * The request's CPU work (cpuCostFor) as the `compute` effect it performs: one object per route's
   * stages rather than an object and a purpose text per request, which wait through the replica's
   * CPU backlog. Sharing is safe: nothing changes an effect once it is made (plugins share theirs).
   */
  computeEffectFor(ctx: RequestContext): Effect {
    const stages = this.forRoute(ctx);
    if (stages.compute === undefined) {
      const cpuUs = this.cpuCost(stages);
      stages.compute = { type: 'compute', purpose: `gateway work: ${cpuUs} µs CPU`, cpuUs };
    }
    return stages.compute;
  }

  /** Base proxying plus the declared cost of every plugin on the route (proxy-cost.ts, PluginDefinition.cost). */
  private cpuCost(stages: RouteStages): number {
    if (stages.cpuUs === undefined) {
      let sum = BASE_PROXY_CPU_US;
      for (const p of stages.plugins) sum += findPlugin(p.ir.plugin)?.cost?.(p.ir.config).cpuUs ?? 0;
      stages.cpuUs = Math.round(sum * 10) / 10;
    }
    return stages.cpuUs;
  }

  /** Picks the route (for RequestRun); the router's own answer when none matches. */
  routeRequest(ctx: RequestContext, host: ChainHost): GatewayResponse | undefined {
    const stage = ROUTER_STAGE;
    const outcome = this.dialect.route(ctx, host);
    if ('route' in outcome) {
      ctx.match = outcome;
      this.dialect.afterRoute(ctx);
      host.decided(stage, this.routedVerdict(outcome.route, outcome.service, outcome.reason));
      return undefined;
    }
    const verdict: ReplyVerdict = {
      kind: 'reply',
      status: outcome.status,
      reason: outcome.reason,
      headers: outcome.headers ?? [['content-type', 'application/json; charset=utf-8']],
      body: outcome.body,
    };
    host.decided(stage, verdict);
    return gatewayResponse(verdict);
  }

  /**
   * The router's decision for a match, the same object while requests keep matching one route the same
   * way (its sentence is the router's own, shared): no verdict and data object per request. Frozen, as
   * a decision's data is never changed once handed over (the proxy's /trace ring matches it by identity).
   */
  private routedVerdict(route: { readonly name: string }, service: { readonly name: string } | undefined, reason: string): Verdict {
    const last = this.lastRouted;
    if (last !== undefined && last.route === route && last.service === service && last.verdict.reason === reason) return last.verdict;
    const verdict: Verdict = { kind: 'next', reason, data: Object.freeze({ route: route.name, service: service?.name ?? null }) };
    this.lastRouted = { route, service, verdict };
    return verdict;
  }

  private lastRouted: { route: object; service: object | undefined; verdict: Verdict } | undefined;

  private forRoute(ctx: RequestContext): RouteStages {
    const match = ctx.match;
    const route = match?.route;
    if (!route) return this.computeForRoute(ctx);
    const service = match.service;
    const consumer = ctx.consumer?.id;
    const slot = consumer === undefined ? this.anonymousSlot : this.consumerSlot;
    const known = slot.stages;
    if (known !== undefined && route === slot.route && service === slot.service && consumer === slot.consumer) return known;
    const stages = this.lookUpForRoute(ctx, route, service, consumer);
    slot.route = route;
    slot.service = service;
    slot.consumer = consumer;
    slot.stages = stages;
    return stages;
  }

  private lookUpForRoute(ctx: RequestContext, route: object, service: object | undefined, consumer: string | undefined): RouteStages {
    let byService = this.stageByRoute.get(route);
    if (!byService) this.stageByRoute.set(route, (byService = new Map()));
    let byConsumer = byService.get(service);
    if (!byConsumer) byService.set(service, (byConsumer = new Map()));
    let stages = byConsumer.get(consumer);
    if (!stages) byConsumer.set(consumer, (stages = this.computeForRoute(ctx)));
    return stages;
  }

  private computeForRoute(ctx: RequestContext): RouteStages {
    const route = ctx.match?.route;
    const service = ctx.match?.service;
    const key = route ? `${route.id}|${service?.id ?? '-'}|${ctx.consumer?.id ?? '-'}` : '(global)';
    let cached = this.stageCache.get(key);
    if (!cached) {
      const instances = route
        ? applicablePlugins(this.ir, route, service, (id) => this.priorityOf(id), ctx.consumer)
        : globalPlugins(this.ir, (id) => this.priorityOf(id));
      const access = this.stages(instances, 'access');
      const response = this.stages(instances, 'response');
      const plugins = instances.map((i) => this.plugins.get(i.instanceId)).filter((p): p is LoadedPlugin => !!p);
      cached = { access, response, all: [...access, ...response], plugins };
      const split = this.ir.pluginOrder === 'declared' ? splitAtRetry(access) : undefined;
      if (split) cached.retrySplit = split;
      this.stageCache.set(key, cached);
    }
    return cached;
  }

  private pluginsFor(ctx: RequestContext): LoadedPlugin[] {
    return this.forRoute(ctx).plugins;
  }

  private stages(instances: PluginInstanceIR[], phase: 'rewrite' | 'access' | 'response'): ChainStage[] {
    const out: ChainStage[] = [];
    for (const inst of instances) {
      const loaded = this.plugins.get(inst.instanceId);
      const hook = loaded?.hooks[phase];
      if (!loaded || !hook) continue;
      // Bound rather than wrapped in an arrow: no trampoline frame and `call` per hook (the arrow was ≈ 1.5 % self in pipeline-only.ts).
      const stage: ChainStage = { plugin: inst.plugin, phase, run: hook.bind(loaded.hooks) as ChainStage['run'] };
      this.stageInstance.set(stage, loaded);
      out.push(stage);
    }
    return out;
  }

  /**
   * Whether a response plugin will read the upstream body (response-transformer on a JSON answer): the
   * proxy host then buffers the stream before the response phase (PluginDefinition.needsBody).
   */
  bodyNeeded(stages: readonly ChainStage[]): ((status: number, headers: HeaderMap) => boolean) | undefined {
    // The answer depends only on the stage list, which is cached per route: compute it once per list
    // instead of three arrays per request.
    // One lookup per request: null stands for "none" so a miss is told apart without has().
    const known = this.bodyNeededByStages.get(stages);
    if (known !== undefined) return known ?? undefined;
    const answer = this.computeBodyNeeded(stages);
    this.bodyNeededByStages.set(stages, answer ?? null);
    return answer;
  }

  private computeBodyNeeded(stages: readonly ChainStage[]): ((status: number, headers: HeaderMap) => boolean) | undefined {
    const wanting = stages
      .filter((s) => s.phase === 'response')
      .map((s) => this.stageInstance.get(s))
      .filter((p): p is LoadedPlugin => !!p && !!findPlugin(p.ir.plugin)?.needsBody);
    if (wanting.length === 0) return undefined;
    return (status, headers) => wanting.some((p) => findPlugin(p.ir.plugin)?.needsBody?.(p.ir.config, { status, headers }) === true);
  }

  private priorityOf(pluginId: string): number {
    return findPlugin(pluginId)?.priority ?? 0;
  }

  /**
   * The replica's view of one service's hosts, made on first use (or at config load when told). A
   * service with an upstream key gets the one cluster of that upstream (Kong keeps one balancer and
   * one health checker per upstream entity: balancers.lua get_balancer), the same object for every
   * service that names it.
   */
  clusterFor(service: ServiceIR, now: number): UpstreamCluster {
    let cluster = this.clusters.get(service);
    if (!cluster) this.clusters.set(service, (cluster = this.newCluster(service, this.loadedAt ?? now)));
    return cluster;
  }

  private newCluster(service: ServiceIR, startAt: number): UpstreamCluster {
    const key = service.upstreamKey;
    if (key === undefined) return new UpstreamCluster(service, startAt);
    let cluster = this.upstreamClusterByKey.get(key);
    if (!cluster) {
      // Built from the first service in config order, whichever is asked first, so that a run does
      // not depend on which service's request came first. The upstream's parts (balancer, health)
      // are the same in every sharing service's policy; per-service parts are read from the request's.
      const sharing = this.ir.services.filter((s) => s.upstreamKey === key);
      const first = sharing[0] ?? service;
      cluster = new UpstreamCluster(first, startAt, { name: key, services: sharing.map((s) => s.name) });
      this.upstreamClusterByKey.set(key, cluster);
    }
    return cluster;
  }

  /**
   * Every cluster, each once, in the order of the first service that uses it (the hosts drive active
   * health probes through it, so a shared upstream is probed once per round, as Kong's one checker does).
   */
  upstreamClusters(): UpstreamCluster[] {
    const out = new Set<UpstreamCluster>();
    for (const s of this.ir.services) out.add(this.clusterFor(s, this.loadedAt ?? 0));
    return [...out];
  }
}
