/**
 * The proxy's trace sink: events go to subscribers as they happen (the access log, the admin
 * listener's live stream for the lab) and the last ones are kept in a bounded ring for late joiners.
 */
import { TRACE_EVENT_TYPES, LEVEL_RANK, type TraceEvent, type TraceEventType, type TraceLevel } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { WireFacts } from '../../observe/access-log.ts';
import { EncodedEventRing } from './encoded-ring.ts';

/** How many events `/trace` replays to a client that attaches late, unless `serve --trace-ring` says otherwise. */
export const DEFAULT_RING_SIZE = 10_000;

/**
 * A subscriber: the event, and for request.start and request.end the proxy's WireFacts (what the
 * access log needs from the socket), which stay out of the event, the ring and `/trace`.
 */
export type LiveListener = (e: TraceEvent, wire?: WireFacts) => void;

export class LiveSink implements TraceSink {
  /** Each subscriber and the event types it asked for (undefined: all of them). */
  private readonly subscribers = new Map<LiveListener, ReadonlySet<TraceEventType> | undefined>();
  /**
   * Per event type the level keeps, the subscribers that want it, as an array rebuilt when they
   * change; no entry for a type the level leaves out. emit runs ≈ 10 times per request and the access
   * log and the metrics each read 4–5 types: routing by type spares them the other calls (and their
   * own switch on a megamorphic `type`).
   */
  private readonly routes: Record<string, LiveListener[]> = {};
  // Kept as JSON bytes, not objects (encoded-ring.ts): 10,000 live events made every scavenge copy and
  // promote them (under wrk, ≈ 1.5 KB promoted per request with objects, ≈ 0.6 KB with bytes).
  private readonly ring: EncodedEventRing;
  /** Applied before an event is kept or sent: the proxy hides credentials here (observe/redact.ts). */
  redact?: (e: TraceEvent) => TraceEvent;

  constructor(
    readonly level: TraceLevel,
    ringSize = DEFAULT_RING_SIZE,
  ) {
    this.ring = new EncodedEventRing(ringSize);
    this.reroute();
  }

  wants(type: TraceEventType): boolean {
    return this.routes[type] !== undefined;
  }

  emit(event: TraceEvent, wire?: WireFacts): void {
    const listeners = this.routes[event.type];
    if (listeners === undefined) return;
    if (this.redact) event = this.redact(event);
    this.ring.push(event);
    for (let i = 0; i < listeners.length; i++) (listeners[i] as LiveListener)(event, wire);
    // A request's end comes after its answer was written: encoding the batch here (≈ 0.15 ms every
    // eight requests) keeps it off the path between a request's arrival and its answer.
    if (event.type === 'request.end') this.ring.sealIfFull();
  }

  /** `types`: the only event types `fn` is sent (default: every type the level keeps). */
  subscribe(fn: LiveListener, types?: readonly TraceEventType[]): () => void {
    this.subscribers.set(fn, types === undefined ? undefined : new Set(types));
    this.reroute();
    return () => {
      const removed = this.subscribers.delete(fn);
      this.reroute();
      return removed;
    };
  }

  private reroute(): void {
    for (const [type, info] of Object.entries(TRACE_EVENT_TYPES)) {
      if (LEVEL_RANK[info.level] > LEVEL_RANK[this.level]) continue;
      const listeners: LiveListener[] = [];
      for (const [fn, types] of this.subscribers) if (types === undefined || types.has(type as TraceEventType)) listeners.push(fn);
      this.routes[type] = listeners;
    }
  }

  /** The last ring-size events, oldest first, as copies in their JSON form (what `/trace` sends). */
  recent(): TraceEvent[] {
    return this.ring.recent();
  }
}
