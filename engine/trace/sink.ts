/**
 * Collects trace events at a chosen level. Hosts call `wants(type)` before building an event, so a
 * summary-level run of 300k requests never allocates the events it would throw away.
 */
import { LEVEL_RANK, TRACE_EVENT_TYPES, type TraceEvent, type TraceEventType, type TraceLevel } from './events.ts';

export interface TraceSink {
  readonly level: TraceLevel;
  /**
   * false: the sink is done with an event once `emit` returns (it hashes or counts it and keeps no
   * reference to it or to anything it returned), so a host may hand it one object again and again,
   * refilled. Absent or true: every event must be a fresh object that nobody changes afterwards.
   * Hosts refill `plugin.decision` (engine/pipeline/request-run.ts), and the simulator also
   * effect.start, effect.end, request.start and request.end (runtimes/sim/simulate.ts,
   * capacity/recorded-effect.ts, refilled-ends.ts). So a listener behind such a sink keeps no event:
   * it reads what it needs inside the call (runVariant counts its client summary that way,
   * runtimes/sim/client-tally.ts).
   */
  readonly retainsEvents?: boolean;
  /** The answer for a type is fixed for the sink's life: hosts may ask once and remember it. */
  wants(type: TraceEventType): boolean;
  emit(event: TraceEvent): void;
}

export class TraceCollector implements TraceSink {
  readonly events: TraceEvent[] = [];
  private readonly kept: Record<string, boolean> = {};

  constructor(readonly level: TraceLevel = 'decisions') {
    const rank = LEVEL_RANK[level];
    for (const [type, info] of Object.entries(TRACE_EVENT_TYPES)) this.kept[type] = LEVEL_RANK[info.level] <= rank;
  }

  wants(type: TraceEventType): boolean {
    return this.kept[type] === true;
  }

  emit(event: TraceEvent): void {
    if (this.kept[event.type]) this.events.push(event);
  }
}

/** One JSON object per line. Key order is the order events are built in, which is fixed by code. */
export function toJsonl(events: readonly TraceEvent[]): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}
