/** The simulation's options and result, and the small records it keeps per replica and request. */
import type { GatewayIR } from '../../config/ir.ts';
import type { Gateway } from '../../pipeline/gateway.ts';
import type { GatewaySpec } from '../../scenario/types.ts';
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';
import type { TraceStream } from './streaming-sink.ts';
import type { ExplainRunOptions } from './explain-probe.ts';

export interface SimOptions {
  variant: string;
  level: TraceLevel;
  /** Turns a gateway spec (the initial one, or one from a config event) into the IR. */
  adapt: (spec: GatewaySpec) => GatewayIR;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Keep events in memory (default true); the hash is computed either way, unless `hash` is false. */
  keepEvents?: boolean;
  /** false: no trace hash (the result's `traceHash` is ''); see RunOptions.hash. */
  hash?: boolean;
  /** Hands the events to a listener while the run goes (implies keepEvents, see streamOnly); the trace is unchanged. */
  stream?: TraceStream;
  /**
   * With `stream`: keep none of the streamed events, so `events` is only the tail the sink had not
   * handed over when the run ended (the caller hands it over itself). The hash is unchanged.
   */
  streamOnly?: boolean;
  /**
   * `gatelab explain --scenario` only (explain-probe.ts): the request explain follows (a client's
   * own, or the probe client's); the run stops once that request has ended.
   */
  probe?: ExplainRunOptions;
}

export interface SimResult {
  events: TraceEvent[];
  traceHash: string;
  requests: number;
}

/** What a client knows about one of its requests: whether it ended (answered or given up) and was retried. */
export interface ClientOutcome {
  ended: boolean;
  retried: boolean;
  replica?: string;
  /** Its pod was killed with it in flight: the front answered 502 and the pod's late answer is dropped. */
  cut?: boolean;
}

export interface Replica {
  name: string;
  gateway: Gateway;
}
