/**
 * One gateway replica's request handling: rewrite → route → access → balance → upstream → response →
 * log. The stages are dialect-neutral; what differs per vendor (how routes are chosen, how the upstream
 * path is built, what the gateway's own answers look like) comes from the IR and the dialect module.
 */
import type { GatewayIR, PluginInstanceIR, ServiceIR } from '../config/ir.ts';
import { findPlugin } from '../plugins/index.ts';
import { HeaderMap } from './headers.ts';
import { runChain, type ChainHost, type ChainStage, type ReplyVerdict } from './chain.ts';
import { applicablePlugins, globalPlugins, hasConsumerScopedPlugins, runAccessPhase } from './plugin-resolution.ts';
import type { PipelineHost, UpstreamAnswer } from './host.ts';
import type { Effect, EffectResult, GatewayResponse, IncomingRequest, MachineTransition, PluginHooks, RequestContext, Verdict } from './types.ts';
import { createDialect, type DialectBehaviour } from './dialect.ts';
import { UpstreamCluster } from '../upstream/cluster.ts';
import { dispatch } from '../upstream/dispatch.ts';
import { emitTransition } from './transition.ts';
import { BASE_PROXY_CPU_US } from './proxy-cost.ts';
import type { TraceEvent } from '../trace/events.ts';
import { confineConnectionTokens, refuseHeaders, refusalVerdict, REQUEST_GUARD_STAGE } from './request-guard.ts';

/** What runs for one (route, service): computed once per config, not per request. */
interface RouteStages {
  access: ChainStage[];
  response: ChainStage[];
  all: ChainStage[];
  plugins: LoadedPlugin[];
  /** CPU µs per request (base proxying + these plugins' declared costs), computed on first use. */
  cpuUs?: number;
}

interface LoadedPlugin {
  ir: PluginInstanceIR;
  hooks: PluginHooks;
  priority: number;
}

/** The trace names of the gateway's own steps; `decided` reads only plugin and phase, so one object each serves every request. */
const ROUTER_STAGE: ChainStage = { plugin: 'router', phase: 'access', run: () => ({ kind: 'next', reason: '' }) };
const BALANCER_STAGE: ChainStage = { plugin: 'balancer', phase: 'access', run: () => ({ kind: 'next', reason: '' }) };

export interface HandledRequest {
  ctx: RequestContext;
  response: GatewayResponse;
  /** Time the request spent waiting for the upstream, in ms (null when none was called). */
  upstreamMs: number | null;
}

export class Gateway {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly dialect: DialectBehaviour;
  private readonly stageCache = new Map<string, RouteStages>();
  private rewriteStages?: ChainStage[];
  /** Whether any plugin instance is scoped to a consumer (then auth re-resolves the chain). */
  private readonly consumerScoped: boolean;
  private readonly clusters = new Map<ServiceIR, UpstreamCluster>();
  /** Which loaded plugin instance a stage runs (for the needsBody question). */
  private readonly stageInstance = new WeakMap<ChainStage, LoadedPlugin>();
  /** bodyNeeded's answer per stage list (the lists are cached per route, so this is per route too). */
  private readonly bodyNeededByStages = new WeakMap<readonly ChainStage[], ((status: number, headers: HeaderMap) => boolean) | undefined>();
  /** runAccessPhase's options: the same for every request of this replica. */
  private accessOptions?: Parameters<typeof runAccessPhase>[3];
  /** forRoute's answer per route object → service object → consumer id, so a request builds no key string. */
  private readonly stageByRoute = new Map<object, Map<object | undefined, Map<string | undefined, RouteStages>>>();

  constructor(
    readonly ir: GatewayIR,
    readonly replica: string,
    /** When the config took effect (host clock): outlier sweeps and probes are timed from it. */
    private readonly loadedAt?: number,
  ) {
    for (const p of ir.plugins) {
      const def = findPlugin(p.plugin);
      if (!def) continue;
      const hooks = def.create(p.config, { instanceId: p.instanceId, scope: p.scope, consumers: ir.consumers, services: ir.services });
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

  handle(request: IncomingRequest, host: PipelineHost, done: (result: HandledRequest) => void): void {
    // Header rules both hosts apply before any vendor logic; confining first so ctx sees the result.
    confineConnectionTokens(request.headers);
    const refusal = refuseHeaders(request.headers);
    const ctx: RequestContext = {
      request,
      clientIp: request.peerIp,
      upstream: {
        method: request.method,
        host: request.host,
        path: request.query ? `${request.path}?${request.query}` : request.path,
        headers: request.headers.clone(),
        body: request.body,
        stream: request.stream,
      },
      vars: {},
    };
    const chainHost = this.chainHost(host, request.id);
    const startedAt = host.now();
    let upstreamMs: number | null = null;

    const finish = (response: GatewayResponse, stages: readonly ChainStage[]): void => {
      ctx.response = response;
      runChain(stages, ctx, chainHost, (reply) => {
        if (reply) ctx.response = this.gatewayResponse(ctx, reply);
        this.dialect.decorateResponse(ctx, { upstreamMs, gatewayMs: host.now() - startedAt - (upstreamMs ?? 0) });
        for (const p of this.pluginsFor(ctx)) p.hooks.log?.(ctx, chainHost);
        done({ ctx, response: ctx.response as GatewayResponse, upstreamMs });
      });
    };

    if (refusal) {
      const verdict = refusalVerdict(refusal, request.id);
      chainHost.decided(REQUEST_GUARD_STAGE, verdict);
      return finish(this.gatewayResponse(ctx, verdict), []);
    }
    // Real client address first: nginx's realip module runs before any Lua phase (semantics §6).
    this.dialect.resolveClient(ctx, chainHost);
    // rewrite: global plugins only — the router has not run yet (semantics §6, "Phases").
    this.rewriteStages ??= this.stages(globalPlugins(this.ir, (id) => this.priorityOf(id)), 'rewrite');
    runChain(this.rewriteStages, ctx, chainHost, (reply) => {
      if (reply) return finish(this.gatewayResponse(ctx, reply), []);
      const routed = this.route(ctx, chainHost);
      if (routed) return finish(routed, []);
      this.accessOptions ??= {
        restage: (c: RequestContext) => this.forRoute(c).access,
        priorityOf: (id: string) => this.priorityOf(id),
        reResolve: this.consumerScoped,
      };
      const access = (): void => runAccessPhase(this.forRoute(ctx).access, ctx, chainHost, this.accessOptions as Parameters<typeof runAccessPhase>[3], (accessReply) => {
        // Response plugins are the ones chosen for the consumer the access phase settled on (Kong
        // collects them while access runs).
        const applicable = this.forRoute(ctx);
        if (accessReply) return finish(this.gatewayResponse(ctx, accessReply), applicable.response);
        this.proxy(ctx, host, chainHost, applicable.all, (response, ms) => {
          upstreamMs = ms;
          finish(response, applicable.response);
        });
      });
      // With a capacity model the request's CPU work runs on the replica's CPU first (Effect 'compute').
      if (!host.wantsCompute) return access();
      const cpuUs = this.cpuCost(this.forRoute(ctx));
      host.perform({ type: 'compute', purpose: `gateway work: ${cpuUs} µs CPU`, cpuUs }, request.id, 'gateway', access);
    });
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

  private route(ctx: RequestContext, host: ChainHost): GatewayResponse | undefined {
    const stage = ROUTER_STAGE;
    const outcome = this.dialect.route(ctx, host);
    if ('route' in outcome) {
      ctx.match = outcome;
      this.dialect.afterRoute(ctx);
      host.decided(stage, {
        kind: 'next',
        reason: outcome.reason,
        data: { route: outcome.route.name, service: outcome.service?.name ?? null },
      });
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
    return this.gatewayResponse(ctx, verdict);
  }

  private forRoute(ctx: RequestContext): RouteStages {
    const route = ctx.match?.route;
    if (!route) return this.computeForRoute(ctx);
    const service = ctx.match?.service;
    const consumer = ctx.consumer?.id;
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
      const stage: ChainStage = { plugin: inst.plugin, phase, run: (ctx, host) => hook.call(loaded.hooks, ctx, host) };
      this.stageInstance.set(stage, loaded);
      out.push(stage);
    }
    return out;
  }

  /**
   * Whether a response plugin will read the upstream body (response-transformer on a JSON answer): the
   * proxy host then buffers the stream before the response phase (PluginDefinition.needsBody).
   */
  private bodyNeeded(stages: readonly ChainStage[]): ((status: number, headers: HeaderMap) => boolean) | undefined {
    // The answer depends only on the stage list, which is cached per route: compute it once per list
    // instead of three arrays per request.
    if (this.bodyNeededByStages.has(stages)) return this.bodyNeededByStages.get(stages);
    const answer = this.computeBodyNeeded(stages);
    this.bodyNeededByStages.set(stages, answer);
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

  /** Balance, build the upstream request, call it, and turn failures into the gateway's own answers. */
  private proxy(
    ctx: RequestContext,
    host: PipelineHost,
    chainHost: ChainHost,
    responseStages: readonly ChainStage[],
    done: (response: GatewayResponse, upstreamMs: number | null) => void,
  ): void {
    const service = ctx.match?.service;
    const balancer = BALANCER_STAGE;
    if (!service) {
      const verdict = this.dialect.noService(ctx);
      chainHost.decided(balancer, verdict);
      done(this.gatewayResponse(ctx, verdict), null);
      return;
    }
    dispatch(
      ctx,
      service,
      this.clusterFor(service, host.now()),
      {
        host,
        chain: chainHost,
        dialect: this.dialect,
        needsBody: this.bodyNeeded(responseStages),
        transition: (change) => emitTransition(host, change),
      },
      (result) => {
        if (result.reply) return done(this.gatewayResponse(ctx, result.reply), result.upstreamMs);
        const answer = result.answer as Extract<UpstreamAnswer, { ok: true }>;
        done({ status: answer.status, headers: answer.headers, body: answer.body, stream: answer.stream, source: 'upstream' }, result.upstreamMs);
      },
    );
  }

  /** The replica's view of one service's hosts, made on first use (or at config load when told). */
  private clusterFor(service: ServiceIR, now: number): UpstreamCluster {
    let cluster = this.clusters.get(service);
    if (!cluster) this.clusters.set(service, (cluster = new UpstreamCluster(service, this.loadedAt ?? now)));
    return cluster;
  }

  /** Every service's cluster that exists so far (the hosts drive active health probes through it). */
  upstreamClusters(): UpstreamCluster[] {
    return this.ir.services.map((s) => this.clusterFor(s, this.loadedAt ?? 0));
  }

  private gatewayResponse(ctx: RequestContext, verdict: ReplyVerdict): GatewayResponse {
    return {
      status: verdict.status,
      headers: new HeaderMap(verdict.headers ?? []),
      body: verdict.body,
      source: 'gateway',
    };
  }

  private chainHost(host: PipelineHost, requestId: string): ChainHost {
    return new RequestChainHost(host, requestId);
  }
}

/** The chain host of one request: methods on a prototype, so a request allocates one small object. */
class RequestChainHost implements ChainHost {
  readonly replica: string;

  constructor(
    private readonly host: PipelineHost,
    private readonly requestId: string,
  ) {
    this.replica = host.replica;
  }

  now(): number {
    return this.host.now();
  }

  draw(purpose: string, id: string, index?: number): number {
    return this.host.draw(purpose, id, index);
  }

  decided(stage: ChainStage, verdict: Verdict): void {
    const sink = this.host.sink;
    if (!sink.wants('plugin.decision')) return;
    // Optional fields are added in place, in the trace's key order (status, then data): spreading
    // `{}` or `{ data }` in cost two objects per decision, and decisions are most of the trace.
    const event: Extract<TraceEvent, { type: 'plugin.decision' }> = {
      type: 'plugin.decision',
      t: this.host.traceTime(),
      req: this.requestId,
      plugin: stage.plugin,
      phase: stage.phase,
      verdict: verdict.kind,
      reason: verdict.reason,
    };
    if (verdict.kind === 'reply') event.status = verdict.status;
    if (verdict.data) event.data = verdict.data;
    sink.emit(event);
  }

  perform(effect: Effect, stage: ChainStage, done: (result: EffectResult) => void): void {
    this.host.perform(effect, this.requestId, stage.plugin, done);
  }

  transition(change: MachineTransition): void {
    emitTransition(this.host, change);
  }
}
