/**
 * The simulation side of `gatelab explain --scenario`: when the run may stop. Explain watches one
 * request — a client's own (`--client`), or the probe, which explain-scenario.ts adds as one more
 * client of the run — and the run stops once that request has ended for its client, so the trace
 * holds its whole story. Only explain passes a watch: a scenario run has none, and its trace is
 * untouched.
 */
import type { TraceEvent } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';

/** The id of the client that sends explain's probe (its requests are probe-1, probe-2, …). */
export const PROBE_CLIENT = 'probe';

export interface WatchOptions {
  kind: 'watch';
  /** A client's request id (`<client>-<n>`): the run stops once its request.end is in the trace. */
  requestId: string;
}

export type ExplainRunOptions = WatchOptions;

/** What the run lends the watch. */
export interface ProbeEnv {
  sink: TraceSink & { readonly events: readonly TraceEvent[] };
}

/** The run's check, once per step of its loop: whether explain has what it came for. */
export interface ExplainStop {
  finished(): boolean;
}

export function startExplainRun(opts: ExplainRunOptions, env: ProbeEnv): ExplainStop {
  return watchRequest(opts, env);
}

function watchRequest(opts: WatchOptions, env: ProbeEnv): ExplainStop {
  let seen = 0;
  let ended = false;
  return {
    finished() {
      const events = env.sink.events;
      // Only the events added since the last step are read: the whole check costs one pass over the trace.
      for (; !ended && seen < events.length; seen++) {
        const e = events[seen] as TraceEvent;
        if (e.type === 'request.end' && e.req === opts.requestId) ended = true;
      }
      return ended;
    },
  };
}
