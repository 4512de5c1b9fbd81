/**
 * Automatic discovery, modelled as data. In Kubernetes a Service selects pods by label; when a pod
 * with the right labels becomes ready, the EndpointSlice changes, the CRD provider's watch sees it,
 * and Traefik applies a new configuration with one more server — no reload, no lost state. Until a
 * Service has a server, the routes that use it are not served (404), unless
 * providers.kubernetesCRD.allowEmptyServices (then 503).
 *
 *   _gatelab:
 *     discovery:
 *       watchLatency: 1s              # pod ready → the provider sees the change (gatelab's assumption)
 *       pods:
 *         - { name: catalog-canary-1, namespace: production, labels: { app: catalog-canary }, ip: 10.0.1.7 }
 *         - { name: catalog-canary-2, namespace: production, labels: { app: catalog-canary }, ip: 10.0.1.8,
 *             port: 8080, appearsAt: 2026-01-01T12:00:10Z }
 *
 * A pod without `appearsAt` is there from the start. Timing: a change reaches Traefik `watchLatency`
 * after the pod appears; Traefik forwards a provider's configuration at once, then waits
 * providers.providersThrottleDuration (default 2s) before the next, which carries every change made
 * meanwhile (traefik/traefik pkg/server/configurationwatcher.go, throttleProviderConfigReload). Pod
 * selection is by `spec.selector` of the `kind: Service` document, as Kubernetes does it.
 */
import { parseIsoInstant } from '../../core/calendar.ts';
import { parseDuration } from '../../core/duration.ts';
import type { TargetIR } from '../ir.ts';
import { isObj, type Node, type TraefikContext } from './context.ts';
import { DEFAULT_NAMESPACE } from './collect.ts';
import type { TraefikDiscoveredServerIR } from './table.ts';

interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  port?: number;
  appearsAtMs?: number;
}

export const DEFAULT_WATCH_LATENCY_MS = 1000;

export class PodTimeline {
  private readonly pods: Pod[] = [];
  readonly discovered: TraefikDiscoveredServerIR[] = [];
  private readonly appliedAt = new Map<Pod, number>();

  constructor(ctx: TraefikContext, block: Node | undefined, throttleMs: number) {
    if (!block) return;
    ctx.unknownFields(block, ['watchLatency', 'pods'], 'discovery');
    let latency = DEFAULT_WATCH_LATENCY_MS;
    const wl = ctx.string(block, 'watchLatency');
    if (wl !== undefined) {
      const ms = parseDuration(wl);
      if (ms === undefined) ctx.error(block.doc, [...block.path, 'watchLatency'], 'GL_E_DURATION', `'${wl}' is not a duration`, 'e.g. 1s');
      else latency = ms;
    }
    for (const p of ctx.list(block, 'pods', (i) => `discovery.pods[${i}]`)) {
      ctx.unknownFields(p, ['name', 'namespace', 'labels', 'ip', 'port', 'appearsAt'], 'a discovery pod');
      const name = ctx.string(p, 'name') ?? `pod-${this.pods.length}`;
      const ip = ctx.string(p, 'ip');
      if (!ip) {
        ctx.error(p.doc, p.path, 'GL_E_CONFIG_INVALID', `pod ${name} needs an ip (the address Traefik sends to)`);
        continue;
      }
      const labels = isObj(p.value['labels']) ? Object.fromEntries(Object.entries(p.value['labels']).map(([k, v]) => [k, String(v)])) : {};
      const at = ctx.string(p, 'appearsAt');
      let appearsAtMs: number | undefined;
      if (at !== undefined) {
        appearsAtMs = parseIsoInstant(at);
        if (appearsAtMs === undefined) ctx.error(p.doc, [...p.path, 'appearsAt'], 'GL_E_INSTANT', `'${at}' is not an ISO-8601 UTC instant`, 'e.g. 2026-01-01T12:00:10Z (the scenario start plus the offset)');
      }
      const port = ctx.int(p, 'port', 1);
      this.pods.push({ name, namespace: ctx.string(p, 'namespace') ?? DEFAULT_NAMESPACE, labels, ip, ...(port !== undefined ? { port } : {}), ...(appearsAtMs !== undefined ? { appearsAtMs } : {}) });
    }
    // Every appearance is one configuration change of the provider; the throttle batches them.
    const timed = this.pods.filter((p) => p.appearsAtMs !== undefined).sort((a, b) => (a.appearsAtMs as number) - (b.appearsAtMs as number));
    const arrivals = timed.map((p) => (p.appearsAtMs as number) + latency);
    let ready = -Infinity;
    for (let i = 0; i < timed.length; ) {
      const t = Math.max(arrivals[i] as number, ready);
      let j = i;
      while (j < timed.length && (arrivals[j] as number) <= t) this.appliedAt.set(timed[j++] as Pod, t);
      ready = t + throttleMs;
      i = j;
    }
  }

  get hasPods(): boolean {
    return this.pods.length > 0;
  }

  private selected(ns: string, selector: Record<string, string> | undefined): Pod[] {
    if (!selector) return [];
    return this.pods.filter((p) => p.namespace === ns && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
  }

  /** The servers a Service has from the start, or undefined when no pods are declared at all. */
  staticServers(ns: string, selector: Record<string, string> | undefined, targetPort: number): TargetIR[] | undefined {
    if (!this.hasPods) return undefined;
    return this.selected(ns, selector)
      .filter((p) => p.appearsAtMs === undefined)
      .map((p) => ({ host: p.ip, port: p.port ?? targetPort, weight: 1 }));
  }

  /** Records the servers that join the service later. */
  attach(service: string, ns: string, selector: Record<string, string> | undefined, targetPort: number): void {
    for (const p of this.selected(ns, selector)) {
      const visible = this.appliedAt.get(p);
      if (visible === undefined || p.appearsAtMs === undefined) continue;
      this.discovered.push({ service, host: p.ip, port: p.port ?? targetPort, visibleFromMs: visible, appearedAtMs: p.appearsAtMs, pod: `${p.namespace}/${p.name}` });
    }
  }
}
