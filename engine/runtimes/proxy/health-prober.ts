/**
 * Active health checks on real sockets: every `interval` each host of a service that has them gets a
 * GET of the check path through the proxy's upstream client; the result feeds the same cluster state
 * the simulation feeds (runtimes/sim/health-probes.ts). Timers live here, in the proxy host only.
 */
import type { Gateway } from '../../pipeline/gateway.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { PipelineHost } from '../../pipeline/host.ts';
import { emitTransition } from '../../pipeline/transition.ts';
import { probePassed } from '../../upstream/health/active.ts';
import type { UpstreamClient } from './upstream-client.ts';

export function startHealthProbes(gateway: Gateway, host: PipelineHost, upstream: UpstreamClient): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (const cluster of gateway.upstreamClusters()) {
    const spec = cluster.policy.activeHealth;
    if (!spec || spec.intervalMs <= 0) continue;
    const probe = (): void => {
      cluster.targets.forEach((target, i) => {
        upstream.call(
          {
            requestId: `health-probe-${target.host}:${target.port}`,
            service: cluster.service,
            target,
            request: { method: 'GET', host: target.host, path: spec.path, headers: new HeaderMap([['user-agent', 'gatelab-health-check']]) },
            scheme: cluster.service.protocol,
            timeoutMs: spec.timeoutMs,
          },
          (answer) => {
            if (answer.ok) answer.discard?.();
            // probePassed, as in the simulator: an empty list of healthy statuses means any 2xx or 3xx.
            const ok = answer.ok && probePassed(spec, { status: answer.status });
            for (const change of cluster.probed(i, ok, host.now())) emitTransition(host, change);
          },
        );
      });
    };
    const timer = setInterval(probe, spec.intervalMs);
    timer.unref();
    timers.push(timer);
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
