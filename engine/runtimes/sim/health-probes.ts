/**
 * Active health checks in the simulation: every `interval` from the config's load, each replica probes
 * each host of a service that has them. A probe fails when the host's backend is down, answers with
 * an unhealthy status (its error rate, drawn per probe) or takes longer than the probe timeout. The
 * proxy host sends real probes on the same schedule (runtimes/proxy/health-prober.ts).
 */
import { EventQueue, PRIORITY } from '../../core/event-queue.ts';
import { keyedDraw } from '../../core/rng.ts';
import type { Gateway } from '../../pipeline/gateway.ts';
import type { PipelineHost } from '../../pipeline/host.ts';
import { emitTransition } from '../../pipeline/transition.ts';
import type { Scenario } from '../../scenario/types.ts';
import { findBackend } from './backends.ts';
import type { BackendModels } from './backend-model.ts';
import { sampleLatency } from './latency.ts';
import type { ProbeOutcome } from '../../upstream/health/probe.ts';

export interface ProbeDeps {
  queue: EventQueue;
  scenario: Scenario;
  seed: number;
  models: BackendModels;
  /** Whether this gateway still serves (a config change replaces every replica's gateway). */
  live: (gateway: Gateway) => boolean;
}

export function scheduleProbes(gateway: Gateway, host: PipelineHost, deps: ProbeDeps): void {
  const { queue, scenario, seed, models } = deps;
  for (const cluster of gateway.upstreamClusters()) {
    const spec = cluster.policy.activeHealth;
    if (!spec || spec.intervalMs <= 0) continue;
    const active = cluster.active;
    const tick = (): void => {
      if (!deps.live(gateway) || !active) return;
      // Only the targets whose state's round falls on this tick (Kong: healthy.interval and
      // unhealthy.interval), as `gatelab serve` does.
      for (const i of active.dueTargets(active.roundAt(host.now()))) {
        const target = cluster.targets[i];
        if (!target) continue;
        const backend = findBackend(scenario.backends, cluster.service, target);
        const key = `${target.host}:${target.port}`;
        const t = queue.now;
        const model = models.modelAt(backend, t);
        const down = models.isDown(backend.name, t);
        const slow = !down && sampleLatency(model.latency, models.stream(`${backend.name}/probe`)) > spec.timeoutMs;
        const errored = !down && model.errorRate > 0 && keyedDraw(seed, 'probe-error', `${key}@${t}`) < model.errorRate;
        const status = errored ? model.errorStatus : backend.status;
        // The full outcome, as in `gatelab serve`: a down backend refuses the connection, a slow one
        // times out, and otherwise the status decides (classifyProbe).
        const outcome: ProbeOutcome = down ? { failure: 'connect' } : slow ? { failure: 'timeout' } : { status };
        for (const change of cluster.probed(i, outcome, host.now())) emitTransition(host, change);
      }
      if (queue.now + spec.intervalMs <= scenario.durationMs) queue.schedule(queue.now + spec.intervalMs, PRIORITY.control, tick, undefined);
    };
    if (queue.now + spec.intervalMs <= scenario.durationMs) queue.schedule(queue.now + spec.intervalMs, PRIORITY.control, tick, undefined);
  }
}
