/**
 * Active health checks on real sockets. The timer wakes every `interval` (tick k = 1, 2, …) and
 * probes only the targets the cluster says are due on that tick (each state's round on its own
 * clock, as Kong runs healthy.interval and unhealthy.interval); the full outcome — status, refused
 * connection, timeout — feeds the same cluster state the simulation feeds
 * (runtimes/sim/health-probes.ts). An http or https probe is a GET of the check path through the
 * proxy's upstream client; a tcp probe only opens a connection and closes it. Timers live here, in
 * the proxy host only.
 */
import { connect } from 'node:net';
import type { Gateway } from '../../pipeline/gateway.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { PipelineHost } from '../../pipeline/host.ts';
import { emitTransition } from '../../pipeline/transition.ts';
import type { TargetIR } from '../../config/ir.ts';
import type { ProbeOutcome } from '../../upstream/health/probe.ts';
import type { ActiveHealthIR } from '../../upstream/policy.ts';
import type { UpstreamClient } from './upstream-client.ts';

export function startHealthProbes(gateway: Gateway, host: PipelineHost, upstream: UpstreamClient): () => void {
  const timers: NodeJS.Timeout[] = [];
  const sockets = new Set<{ destroy(): void }>();
  for (const cluster of gateway.upstreamClusters()) {
    const spec = cluster.policy.activeHealth;
    const active = cluster.active;
    if (!spec || !active || spec.intervalMs <= 0) continue;
    let tick = 0;
    const probe = (): void => {
      tick += 1;
      for (const i of active.dueTargets(tick)) {
        const target = cluster.targets[i];
        if (!target) continue;
        const report = (outcome: ProbeOutcome): void => {
          for (const change of cluster.probed(i, outcome, host.now())) emitTransition(host, change);
        };
        if (spec.probe === 'tcp') {
          tcpProbe(target, spec, sockets, report);
          continue;
        }
        upstream.call(
          {
            requestId: `health-probe-${target.host}:${target.port}`,
            service: cluster.service,
            target,
            request: { method: 'GET', host: target.host, path: spec.path, headers: new HeaderMap([['user-agent', 'gatelab-health-check']]) },
            // Kong's probe type says http or https whatever the service speaks; other dialects probe
            // the way the service is reached.
            scheme: spec.probe ?? cluster.service.protocol,
            timeoutMs: spec.timeoutMs,
          },
          (answer) => {
            if (answer.ok) answer.discard?.();
            report(answer.ok ? { status: answer.status } : { failure: answer.failure });
          },
        );
      }
    };
    const timer = setInterval(probe, spec.intervalMs);
    timer.unref();
    timers.push(timer);
  }
  return () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
}

/** A TCP probe: connected within the timeout passes; refused fails; no answer in time is a timeout. */
function tcpProbe(target: TargetIR, spec: ActiveHealthIR, sockets: Set<{ destroy(): void }>, report: (o: ProbeOutcome) => void): void {
  const socket = connect({ host: target.host, port: target.port });
  sockets.add(socket);
  let settled = false;
  const settle = (outcome: ProbeOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    sockets.delete(socket);
    socket.destroy();
    report(outcome);
  };
  const timer = setTimeout(() => settle({ failure: 'timeout' }), spec.timeoutMs > 0 ? spec.timeoutMs : 1_000);
  timer.unref();
  // Kong closes the socket as soon as it is connected (run_single_check for type tcp).
  socket.once('connect', () => settle({}));
  socket.once('error', () => settle({ failure: 'connect' }));
}
