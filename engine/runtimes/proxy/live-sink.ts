/**
 * The proxy's trace sink: events go to subscribers as they happen (the access log, the admin
 * listener's live stream for the lab) and the last ones are kept in a bounded ring for late joiners.
 */
import { TRACE_EVENT_TYPES, LEVEL_RANK, type TraceEvent, type TraceEventType, type TraceLevel } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';

export class LiveSink implements TraceSink {
  private readonly subscribers = new Set<(e: TraceEvent) => void>();
  private readonly ring: TraceEvent[] = [];
  private readonly kept: Record<string, boolean> = {};

  constructor(
    readonly level: TraceLevel,
    private readonly ringSize = 10_000,
  ) {
    for (const [type, info] of Object.entries(TRACE_EVENT_TYPES)) this.kept[type] = LEVEL_RANK[info.level] <= LEVEL_RANK[level];
  }

  wants(type: TraceEventType): boolean {
    return this.kept[type] === true;
  }

  emit(event: TraceEvent): void {
    if (!this.kept[event.type]) return;
    this.ring.push(event);
    if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
    for (const s of this.subscribers) s(event);
  }

  subscribe(fn: (e: TraceEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  recent(): TraceEvent[] {
    return [...this.ring];
  }
}
