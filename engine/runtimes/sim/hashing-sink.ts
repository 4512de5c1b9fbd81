import { TraceCollector, type TraceSink } from '../../trace/sink.ts';
import { TraceHasher } from '../../trace/hash.ts';
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';

/** A sink that hashes every kept event and optionally keeps it. */
export class HashingSink implements TraceSink {
  readonly hasher = new TraceHasher();
  private readonly filter: TraceCollector;
  readonly events: TraceEvent[] = [];

  constructor(
    readonly level: TraceLevel,
    private readonly keep: boolean,
  ) {
    this.filter = new TraceCollector(level);
  }

  wants(type: TraceEvent['type']): boolean {
    return this.filter.wants(type);
  }

  emit(event: TraceEvent): void {
    if (!this.filter.wants(event.type)) return;
    this.hasher.add(event);
    if (this.keep) this.events.push(event);
  }
}

