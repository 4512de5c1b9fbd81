import { TraceCollector, type TraceSink } from '../../trace/sink.ts';
import { TraceHasher } from '../../trace/hash.ts';
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';

/**
 * A sink that hashes every kept event (unless told not to) and optionally keeps it. The hash is the
 * run's `traceHash` at every level: TraceHasher, the structural compact form (engine/trace/hash.ts;
 * issue #9), written as each event is emitted, while its fields are still in the CPU's caches.
 */
export class HashingSink implements TraceSink {
  readonly hasher = new TraceHasher();
  private readonly filter: TraceCollector;
  readonly events: TraceEvent[] = [];

  constructor(
    readonly level: TraceLevel,
    private readonly keep: boolean,
    /** false: the events are not hashed here (the caller hashes the kept ones later, or never). */
    protected readonly hashing = true,
  ) {
    this.filter = new TraceCollector(level);
  }

  /** Without `keep` an event is hashed (or not) and dropped inside emit: hosts may refill one object (trace/sink.ts). */
  get retainsEvents(): boolean { return this.keep; }

  wants(type: TraceEvent['type']): boolean {
    return this.filter.wants(type);
  }

  emit(event: TraceEvent): void {
    if (!this.filter.wants(event.type)) return;
    if (this.hashing) this.hasher.add(event);
    if (this.keep) this.events.push(event);
  }
}

