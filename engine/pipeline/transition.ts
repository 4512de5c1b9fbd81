/** Writes a state machine's move (a breaker, an ejection, a rollout step) into the trace. */
import type { PipelineHost } from './host.ts';
import type { MachineTransition } from './types.ts';

export function emitTransition(host: PipelineHost, change: MachineTransition): void {
  if (!host.sink.wants('breaker.transition')) return;
  const t = host.traceTime();
  // `at` arrives on the host clock; the trace counts from the run's start.
  const at = change.at === undefined ? undefined : t - (host.now() - change.at);
  host.sink.emit({
    type: 'breaker.transition',
    t,
    replica: host.replica,
    machine: change.machine,
    subject: change.subject,
    from: change.from,
    to: change.to,
    reason: change.reason,
    ...(change.weight !== undefined ? { weight: change.weight } : {}),
    ...(at !== undefined && at < t ? { at } : {}),
  });
}
