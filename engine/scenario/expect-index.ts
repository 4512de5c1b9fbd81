/**
 * The index expectations read a run's trace through (expect.ts): the lists and per-request maps each
 * subject needs, built on first use.
 */
import type { BreakerTransitionEvent, PluginDecisionEvent, PluginStateEvent, ReplicaQueueEvent, RequestEndEvent, TraceEvent, UpstreamSendEvent } from '../trace/events.ts';
import type { Span } from '../observe/tracing/span-types.ts';
import { lazySpans } from './expect-span.ts';

/**
 * What the subjects read from the trace. One pass collects the lists; the per-request maps are built
 * only when a subject asks (most scenarios never ask for one, and a 300k-request trace makes each
 * map hundreds of thousands of key strings and entries).
 */
export class TraceIndex {
  /** Spans by request, derived only when a `span` expectation asks. */
  readonly spans: () => Map<string, Span[]>;
  private lists: { ends: RequestEndEvent[]; states: PluginStateEvent[]; transitions: BreakerTransitionEvent[]; samples: ReplicaQueueEvent[] } | undefined;
  private endMap: Map<string, RequestEndEvent> | undefined;
  private sendMap: Map<string, UpstreamSendEvent> | undefined;
  private decisionMap: Map<string, PluginDecisionEvent[]> | undefined;

  constructor(private readonly events: TraceEvent[]) {
    this.spans = lazySpans(events);
  }

  get ends(): RequestEndEvent[] {
    return this.collected().ends;
  }

  get states(): PluginStateEvent[] {
    return this.collected().states;
  }

  get transitions(): BreakerTransitionEvent[] {
    return this.collected().transitions;
  }

  get samples(): ReplicaQueueEvent[] {
    return this.collected().samples;
  }

  /** The four lists in one pass, on first use (a run without expectations never walks its trace). */
  private collected(): NonNullable<TraceIndex['lists']> {
    if (this.lists) return this.lists;
    const lists: NonNullable<TraceIndex['lists']> = { ends: [], states: [], transitions: [], samples: [] };
    const events = this.events;
    // Indexed: this runs once per run, often before it is optimised, and an iterator there
    // allocates a result object per event.
    for (let i = 0; i < events.length; i++) {
      const ev = events[i] as TraceEvent;
      if (ev.type === 'request.end') lists.ends.push(ev);
      else if (ev.type === 'plugin.state') lists.states.push(ev);
      else if (ev.type === 'breaker.transition') lists.transitions.push(ev);
      else if (ev.type === 'replica.queue') lists.samples.push(ev);
    }
    return (this.lists = lists);
  }

  /** The last request.end of a request (a request ends once; last wins if a trace says otherwise). */
  endOf(req: string): RequestEndEvent | undefined {
    if (!this.endMap) {
      const ends = this.ends;
      this.endMap = new Map();
      for (let i = 0; i < ends.length; i++) this.endMap.set((ends[i] as RequestEndEvent).req, ends[i] as RequestEndEvent);
    }
    return this.endMap.get(req);
  }

  /** The last upstream.send of a request: after retries, what the backend finally saw. */
  sendOf(req: string): UpstreamSendEvent | undefined {
    if (!this.sendMap) {
      this.sendMap = new Map();
      for (let i = 0; i < this.events.length; i++) {
        const ev = this.events[i] as TraceEvent;
        if (ev.type === 'upstream.send') this.sendMap.set(ev.req, ev);
      }
    }
    return this.sendMap.get(req);
  }

  /** A plugin's decisions on a request, in trace order. */
  decisionsOf(req: string, plugin: string): PluginDecisionEvent[] {
    return this.decisions().get(`${req}\u0000${plugin}`) ?? [];
  }

  /**
   * The stages that decided on a request, in the order they first did (the map's insertion order is
   * trace order): for a "no such decision" message that names the ids a subject could use.
   */
  decidersOf(req: string): string[] {
    const prefix = `${req}\u0000`;
    const out: string[] = [];
    for (const key of this.decisions().keys()) if (key.startsWith(prefix)) out.push(key.slice(prefix.length));
    return out;
  }

  private decisions(): Map<string, PluginDecisionEvent[]> {
    if (!this.decisionMap) {
      const map = new Map<string, PluginDecisionEvent[]>();
      for (let i = 0; i < this.events.length; i++) {
        const ev = this.events[i] as TraceEvent;
        if (ev.type !== 'plugin.decision') continue;
        const key = `${ev.req}\u0000${ev.plugin}`;
        const list = map.get(key);
        if (list) list.push(ev);
        else map.set(key, [ev]);
      }
      this.decisionMap = map;
    }
    return this.decisionMap;
  }
}
