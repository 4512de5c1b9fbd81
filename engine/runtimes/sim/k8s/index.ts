/**
 * Kubernetes operations around the gateway's replicas, as pure functions of time (ms on the
 * simulation clock). They never schedule anything: each returns a plan (PodEvent[] in time order)
 * that the simulation turns into queue events. Docs: docs/kubernetes-ops.md.
 *
 * Interface for engine/runtimes/sim/simulate.ts
 *
 *   type PodEventKind = 'pod-created' | 'pod-ready' | 'pod-terminating'
 *                     | 'endpoints-removed' | 'process-stops' | 'pod-killed'
 *   interface PodEvent { t: number; kind: PodEventKind; pod: string; detail: string }
 *   interface PodLifecycle { startupMs; terminationGracePeriodMs; preStopMs; endpointRemovalLagMs }
 *
 *   planRollingDeploy({ at, replicas, maxSurge, maxUnavailable, lifecycle, oldPrefix?, newPrefix? })
 *     → { initialPods, events, completeAt, quietAt }
 *   planDrain({ at, pods: [{ name, node }], node, minHealthy?, lifecycle, until, retryMs? })
 *     → { events, evictions, drainedAt?, blocked? }
 *   evaluateHpa(params, state, t, readyUtilizations) → { state, decision }   (call every HPA_SYNC_PERIOD_MS)
 *   runHpa(params, { from, to, initialReplicas, startupMs, utilization(t, { replicas, ready }) }) → HpaDecision[]
 *   terminationEvents(pod, t, lifecycle, why) / startEvents(...)  — for HPA scale changes
 *   podStatesAt(events, t, initialPods) → Map<pod, { alive, routable, accepting, terminating }>
 *   refusalWindows(events) → [{ pod, from, to }]   (where requests meet a closed port → 502)
 *   lifecycleFromDeployment(spec, opts) / rolloutBounds(spec) / hpaParams(spec)  — from the config readers
 *
 * How the simulation plays a plan: keep a replica per pod name; on
 *   pod-created        create the replica (it accepts connections but is not routed to yet);
 *   pod-ready          add it to the balancer's endpoints;
 *   pod-terminating    nothing visible yet (the preStop hook runs; the pod is still routed to);
 *   endpoints-removed  take it out of the endpoints (no new request goes there);
 *   process-stops      a request that still reaches it fails to connect → 502 at the front;
 *                      requests already in flight go on;
 *   pod-killed         cut the requests still in flight on it, and forget the replica.
 * With no routable replica left the gateway has no upstream (503 at the front).
 */
export * from './lifecycle.ts';
export * from './rolling-deploy.ts';
export * from './drain.ts';
export * from './hpa.ts';
export * from './from-spec.ts';
