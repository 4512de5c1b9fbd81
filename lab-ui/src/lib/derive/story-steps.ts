/**
 * The inspector's story of one request as one list: its decisions and its waits on a saturated
 * replica (for a slot, for the CPU) in the order the trace tells them, so "waited 780 ms for a slot
 * (37 requests ahead of it)" stands before the router's decision it delayed. The waits' words come
 * from the engine (capacity/wait-story.ts), which `gatelab explain` prints too.
 */
import type { PluginDecisionEvent, TraceEvent } from '../../../../engine/trace/events.ts';
import { requestWaits, type RequestWait } from '../../../../engine/runtimes/sim/capacity/wait-story.ts';
import { gatewaySplit, type GatewaySplit } from '../../../../engine/runtimes/sim/capacity/gateway-split.ts';
import { formatDuration } from './time-format.ts';

export type StoryStep = { kind: 'decision'; decision: PluginDecisionEvent } | { kind: 'wait'; wait: RequestWait };

/** `events`: one request's events in trace order (knownEvents), so the story is as far as the trace has told it. */
export function storySteps(events: readonly TraceEvent[]): StoryStep[] {
  const waits = requestWaits(events);
  const out: StoryStep[] = [];
  let w = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as TraceEvent;
    if (e.type === 'plugin.decision') out.push({ kind: 'decision', decision: e });
    // A wait stands where its event is: a slot wait before the first decision, a CPU wait after the decision that asked for the work.
    while (w < waits.length && (waits[w] as RequestWait).index === i) out.push({ kind: 'wait', wait: waits[w++] as RequestWait });
  }
  return out;
}

export interface GatewayTimeParts {
  split: GatewaySplit;
  /** "waiting for a slot 780 ms · waiting for the CPU 40 ms · on the CPU 2.1 ms · I/O and delays 3.0 ms · at the backend 15 ms" */
  text: string;
}

/** Where the gateway time went, for a request with recorded waits (capacity model, level full); null otherwise. */
export function gatewayTimeParts(events: readonly TraceEvent[]): GatewayTimeParts | null {
  const split = gatewaySplit(events);
  if (!split) return null;
  const parts: string[] = [];
  if (split.slotWaitMs > 0) parts.push(`waiting for a slot ${formatDuration(split.slotWaitMs)}`);
  if (split.cpuWaitMs > 0) parts.push(`waiting for the CPU ${formatDuration(split.cpuWaitMs)}`);
  parts.push(`on the CPU ${formatDuration(split.cpuMs)}`);
  if (split.effectMs > 0) parts.push(`I/O and delays ${formatDuration(split.effectMs)}`);
  // Only in an answer the front made (504, 502): its gateway time has the backend's time in it.
  if (split.upstreamMs > 0) parts.push(`at the backend ${formatDuration(split.upstreamMs)}`);
  // Rounding leaves µs; what is more is time none of the records covers (a pool wait, work not yet told at the cursor).
  if (split.otherMs > 0.01) parts.push(`other ${formatDuration(split.otherMs)}`);
  return { split, text: parts.join(' · ') };
}
