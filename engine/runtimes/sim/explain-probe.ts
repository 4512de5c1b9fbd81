/**
 * The simulation side of `gatelab explain --scenario`: what the run does for the request being
 * explained, and when the run may stop.
 *
 * - A probe: at `atMs`, after everything else at that instant, `count` requests enter the first live
 *   replica (the last one is explained). With a capacity model each goes through it like a client's
 *   request: it takes a slot (or waits for one, or is refused), its memory counts, the front balancer's
 *   timeout runs, and an OOM kill takes it down with the rest. Without one it goes straight to the
 *   pipeline, as every request of such a run does.
 * - A watch: nothing is added; the run stops once the request `requestId` (a client's own) has
 *   ended for its client, so the trace holds its whole story.
 *
 * Only explain passes either: a scenario run has neither, and its trace is untouched.
 */
import { PRIORITY, type EventQueue } from '../../core/event-queue.ts';
import type { HandledRequest } from '../../pipeline/gateway.ts';
import type { PipelineHost } from '../../pipeline/host.ts';
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { TraceEvent } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { CapacityModel, FrontCall } from './capacity/model.ts';
import type { Replica } from './sim-types.ts';

/** How the explained probe ended for its client. */
export type ProbeOutcome =
  | { kind: 'handled'; handled: HandledRequest }
  /** The front balancer (or the replica, without the pipeline) answered: `reason` in the model's words. */
  | { kind: 'front'; status: number; source: 'front' | 'gateway'; reason: string };

export interface ProbeOptions {
  kind?: 'probe';
  atMs: number;
  /** Requests sent at atMs, one after the other in the queue; the last is explained (default 1). */
  count?: number;
  /** The request with id `probe-<n>`. */
  request: (id: string) => IncomingRequest;
  done: (outcome: ProbeOutcome) => void;
}

export interface WatchOptions {
  kind: 'watch';
  /** A client's request id (`<client>-<n>`): the run stops once its request.end is in the trace. */
  requestId: string;
}

export type ExplainRunOptions = ProbeOptions | WatchOptions;

/** What the run lends the probe. */
export interface ProbeEnv {
  queue: EventQueue;
  sink: TraceSink & { readonly events: readonly TraceEvent[] };
  capacity: CapacityModel | undefined;
  replicas: () => readonly Replica[];
  hostFor: (replica: Replica) => PipelineHost;
}

/** The run's check, once per step of its loop: whether explain has what it came for. */
export interface ExplainStop {
  finished(): boolean;
}

/** The id of the explained probe when `count` are sent (ids probe-1 … probe-count). */
export function probeId(count = 1): string {
  return `probe-${Math.max(1, count)}`;
}

export function startExplainRun(opts: ExplainRunOptions, env: ProbeEnv): ExplainStop {
  return opts.kind === 'watch' ? watchRequest(opts, env) : startProbe(opts, env);
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

function startProbe(opts: ProbeOptions, env: ProbeEnv): ExplainStop {
  let ended = false;
  const count = Math.max(1, opts.count ?? 1);
  const last = probeId(count);
  env.queue.schedule(opts.atMs, PRIORITY.observe, () => {
    for (let n = 1; n <= count; n++) {
      const id = `probe-${n}`;
      const finish = (outcome: ProbeOutcome): void => {
        if (id !== last || ended) return;
        ended = true;
        opts.done(outcome);
      };
      sendProbe(opts.request(id), env, finish);
    }
  }, undefined);
  return { finished: () => ended };
}

function sendProbe(request: IncomingRequest, env: ProbeEnv, finish: (o: ProbeOutcome) => void): void {
  const { capacity, queue, sink } = env;
  const all = env.replicas();
  // The first replica, or with a capacity model the first one alive (an OOM-killed one is out of the endpoints).
  const replica = capacity ? all.find((r) => capacity.alive(r.name)) : all[0];
  if (!replica) {
    finish({ kind: 'front', status: 503, source: 'front', reason: 'no live replica: every gateway replica is down' });
    return;
  }
  const host = env.hostFor(replica);
  if (sink.wants('request.start')) {
    // Names the replica in the wait lines (wait-story.ts reads it from here), as for a client's request.
    sink.emit({ type: 'request.start', t: queue.now, req: request.id, client: 'explain', replica: replica.name, method: request.method, url: traceUrl(request), peerIp: request.peerIp });
  }
  if (!capacity) {
    replica.gateway.handle(request, host, (handled) => finish({ kind: 'handled', handled }));
    return;
  }
  capacity.enter(new ProbeCall(request, replica, host, finish));
}

/** The probe as the capacity model sees a request the front balancer forwards. */
class ProbeCall implements FrontCall {
  readonly requestId: string;
  readonly replica: string;
  frontAnswered = false;

  constructor(
    private readonly request: IncomingRequest,
    private readonly target: Replica,
    private readonly host: PipelineHost,
    private readonly finish: (o: ProbeOutcome) => void,
  ) {
    this.requestId = request.id;
    this.replica = target.name;
  }

  run(done: (handled: HandledRequest) => void): void {
    this.target.gateway.handle(this.request, this.host, done);
  }

  answer(handled: HandledRequest): void {
    this.finish({ kind: 'handled', handled });
  }

  fail(status: number, source: 'front' | 'gateway', reason: string): void {
    this.finish({ kind: 'front', status, source, reason });
  }
}

function traceUrl(r: IncomingRequest): string {
  return `${r.scheme}://${r.host}${r.path}${r.query ? `?${r.query}` : ''}`;
}
