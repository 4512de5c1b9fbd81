/**
 * The proxy's trace sink: events go to subscribers as they happen (the access log, the admin
 * listener's live stream for the lab) and the last ones are kept in a bounded ring for late joiners.
 */
import { TRACE_EVENT_TYPES, LEVEL_RANK, type TraceEvent, type TraceEventType, type TraceLevel } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';

export class LiveSink implements TraceSink {
  private readonly subscribers = new Set<(e: TraceEvent) => void>();
  /** The subscribers as an array, rebuilt when they change: emit runs ≈ 8 times per request. */
  private listeners: Array<(e: TraceEvent) => void> = [];
  // A circular buffer: once full, the oldest slot is overwritten in place. (Trimming an array with
  // splice moved all 10,000 kept events on every emit, a quarter of the proxy's CPU under load.)
  private readonly ring: TraceEvent[] = [];
  private next = 0;
  private readonly kept: Record<string, boolean> = {};
  /** Applied before an event is kept or sent: the proxy hides credentials here (observe/redact.ts). */
  redact?: (e: TraceEvent) => TraceEvent;

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
    if (this.redact) event = this.redact(event);
    if (this.ring.length < this.ringSize) this.ring.push(event);
    else this.ring[this.next] = event;
    this.next = (this.next + 1) % this.ringSize;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) (listeners[i] as (e: TraceEvent) => void)(event);
  }

  subscribe(fn: (e: TraceEvent) => void): () => void {
    this.subscribers.add(fn);
    this.listeners = [...this.subscribers];
    return () => {
      const removed = this.subscribers.delete(fn);
      this.listeners = [...this.subscribers];
      return removed;
    };
  }

  recent(): TraceEvent[] {
    if (this.ring.length < this.ringSize) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
