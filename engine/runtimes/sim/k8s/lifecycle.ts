/**
 * One pod's life as the gateway's traffic sees it, and the timeline questions the simulation asks
 * ("is pod p in the endpoints at t? does its process still accept?"). The rolling deploy, the node
 * drain and HPA scale-downs all end a pod the same way, so the termination sequence lives here once.
 *
 * Termination, as the kubelet runs it (kuberuntime_container.go killContainer):
 *   t            pod-terminating    the API marks the pod; the EndpointSlice controller flips it to
 *                                   not-ready, and the news travels on (watch → kube-proxy / ingress
 *                                   controller / cloud LB) — it takes endpointRemovalLagMs to arrive
 *   t + lag      endpoints-removed  no new request is routed to the pod
 *   t + preStop  process-stops      the preStop hook (bounded by the grace period) ends, SIGTERM: the
 *                                   process closes its listeners; in-flight requests may still finish
 *   t + kill     pod-killed         SIGKILL at max(grace, preStop + 2 s): whatever is in flight is cut
 * Requests routed to the pod between process-stops and endpoints-removed meet a closed port
 * (connection refused → 502 at the front). So a preStop sleep ≥ the lag closes that window by timing.
 */

export type PodEventKind = 'pod-created' | 'pod-ready' | 'pod-terminating' | 'endpoints-removed' | 'process-stops' | 'pod-killed';

export interface PodEvent {
  /** Milliseconds on the simulation's clock. */
  t: number;
  kind: PodEventKind;
  pod: string;
  /** One human sentence: why this happens now (what a student reads in the trace). */
  detail: string;
}

export interface PodLifecycle {
  /** pod-created → pod-ready: scheduling, image pull, start, first passing readiness probe. */
  startupMs: number;
  terminationGracePeriodMs: number;
  /** The preStop sleep (0 without a hook). */
  preStopMs: number;
  /** pod-terminating → no component routes to the pod any more (see DEFAULT_ENDPOINT_REMOVAL_LAG_MS). */
  endpointRemovalLagMs: number;
}

/**
 * An assumption, not a measurement: in-cluster, the EndpointSlice update reaches kube-proxy and
 * controllers that watch slices within about a second, and ingress-nginx's balancer picks up new
 * endpoints on a 1 s timer (balancer.lua BACKENDS_SYNC_INTERVAL); 2 s covers both. Cloud load balancers
 * that target pod IPs deregister far more slowly (tens of seconds) — pass a larger lag for them.
 */
export const DEFAULT_ENDPOINT_REMOVAL_LAG_MS = 2000;

/** The kubelet never gives SIGTERM less than 2 s before SIGKILL (minimumGracePeriodInSeconds). */
export const MIN_GRACE_AFTER_PRESTOP_MS = 2000;

export const DEFAULT_LIFECYCLE: PodLifecycle = {
  startupMs: 10_000,
  terminationGracePeriodMs: 30_000,
  preStopMs: 0,
  endpointRemovalLagMs: DEFAULT_ENDPOINT_REMOVAL_LAG_MS,
};

export function startEvents(pod: string, t: number, lc: PodLifecycle, why: string): PodEvent[] {
  return [
    { t, kind: 'pod-created', pod, detail: why },
    { t: t + lc.startupMs, kind: 'pod-ready', pod, detail: `passes its readiness probe ${lc.startupMs} ms after creation and joins the endpoints` },
  ];
}

export function terminationEvents(pod: string, t: number, lc: PodLifecycle, why: string): PodEvent[] {
  const hook = Math.min(lc.preStopMs, lc.terminationGracePeriodMs);
  const kill = hook + Math.max(lc.terminationGracePeriodMs - hook, MIN_GRACE_AFTER_PRESTOP_MS);
  const removed: PodEvent = { t: t + lc.endpointRemovalLagMs, kind: 'endpoints-removed', pod, detail: `${lc.endpointRemovalLagMs} ms after termination began, the gateway and kube-proxy stop routing to it` };
  const stops: PodEvent = {
    t: t + hook,
    kind: 'process-stops',
    pod,
    detail: hook > 0 ? `the ${hook} ms preStop sleep ends; SIGTERM: the process stops accepting connections` : 'no preStop hook: SIGTERM at once, the process stops accepting connections',
  };
  // At a tie the endpoint removal goes first: preStop == lag leaves no window for refused connections.
  const middle = removed.t <= stops.t ? [removed, stops] : [stops, removed];
  return [
    { t, kind: 'pod-terminating', pod, detail: why },
    ...middle,
    { t: t + kill, kind: 'pod-killed', pod, detail: `SIGKILL ${kill} ms after termination began (grace period ${lc.terminationGracePeriodMs} ms): in-flight requests are cut` },
  ];
}

/** Events in time order; events at the same instant keep the order they were produced in. */
export function sortEvents(events: readonly PodEvent[]): PodEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.t - b.e.t || a.i - b.i)
    .map((x) => x.e);
}

export interface PodState {
  /** Created and not yet killed. */
  alive: boolean;
  /** In the endpoints: ready and not yet removed. New requests are routed here. */
  routable: boolean;
  /** The process accepts new connections (false once SIGTERM closed its listeners). */
  accepting: boolean;
  terminating: boolean;
}

/**
 * Every pod's state at time t (an event at t has already happened): the `initial` pods (running and
 * ready before the plan began) and every pod the events mention.
 */
export function podStatesAt(events: readonly PodEvent[], t: number, initial: readonly string[] = []): Map<string, PodState> {
  const out = new Map<string, PodState>();
  for (const pod of initial) out.set(pod, { alive: true, routable: true, accepting: true, terminating: false });
  for (const e of events) {
    if (e.t > t) continue;
    const s = out.get(e.pod) ?? { alive: false, routable: false, accepting: false, terminating: false };
    if (e.kind === 'pod-created') Object.assign(s, { alive: true, accepting: true });
    else if (e.kind === 'pod-ready') s.routable = !s.terminating;
    else if (e.kind === 'pod-terminating') s.terminating = true;
    else if (e.kind === 'endpoints-removed') s.routable = false;
    else if (e.kind === 'process-stops') s.accepting = false;
    else Object.assign(s, { alive: false, routable: false, accepting: false });
    out.set(e.pod, s);
  }
  return out;
}

export interface RefusalWindow {
  pod: string;
  from: number;
  to: number;
}

/**
 * Where requests get connection refused (→ 502): the pod is still in the endpoints after its process
 * stopped accepting. Empty when every preStop sleep covers the endpoint-removal lag.
 */
export function refusalWindows(events: readonly PodEvent[]): RefusalWindow[] {
  const stops = new Map<string, number>();
  const out: RefusalWindow[] = [];
  for (const e of sortEvents(events)) {
    if (e.kind === 'process-stops') stops.set(e.pod, e.t);
    if (e.kind === 'endpoints-removed') {
      const s = stops.get(e.pod);
      if (s !== undefined && s < e.t) out.push({ pod: e.pod, from: s, to: e.t });
    }
  }
  return out;
}
