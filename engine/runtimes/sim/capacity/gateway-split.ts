/**
 * Where a request's gateway time went on a replica with a capacity model, from its trace events at
 * the `full` level: waiting for a slot, waiting for the CPU, running on it, and the rest of its
 * effects (I/O round trips and timed delays). Gateway time is request_time − upstream_time (semantics
 * §11), so the backend's time is not in it; what none of these parts explains is `otherMs`.
 *
 * The parts are clipped at the instant the gateway's side answered (request.start + gatewayMs +
 * upstreamMs): a
 * front balancer that gave up (504) stops the clock there while the replica works on. An answer the
 * front made itself carries no upstream time, so the time its request had spent at the backend by
 * then is in its gatewayMs, and here in `upstreamMs`. The invariant the tests check: with no
 * connection-pool limit on the service, the parts add up to gatewayMs within rounding (otherMs ≈ 0),
 * because the pipeline's own steps take no virtual time and a request does one thing at a time.
 */
import type { EffectStartEvent, TraceEvent } from '../../../trace/events.ts';

export interface GatewaySplit {
  gatewayMs: number;
  slotWaitMs: number;
  cpuWaitMs: number;
  cpuMs: number;
  /** The effects' time that is not CPU: Redis and JWKS round trips, callouts, delays (limit_req). */
  effectMs: number;
  /** Only for an answer the front balancer made (its gatewayMs has no upstream time taken out): time at the backend by then. */
  upstreamMs: number;
  /** gatewayMs minus the parts (a connection-pool wait; at the front's 504, the backend's time so far). */
  otherMs: number;
}

/**
 * The split for one request's events in trace order; null until its request.end, for a client that
 * gave up (it carries no gateway time), and for a trace without waits (no capacity model, or a level
 * below full).
 */
export function gatewaySplit(events: readonly TraceEvent[]): GatewaySplit | null {
  let startT: number | undefined;
  let endGatewayMs: number | undefined;
  let upstreamTaken = true;
  let upstreamOut = 0;
  let recorded = false;
  for (const e of events) {
    if (e.type === 'request.start') startT ??= e.t;
    else if (e.type === 'request.end' && e.source !== 'client') {
      endGatewayMs = e.gatewayMs;
      upstreamTaken = e.upstreamMs !== null;
      upstreamOut = e.upstreamMs ?? 0;
    }
    else if (e.type === 'slot.wait' || (e.type === 'effect.end' && e.cpuWaitMs !== undefined)) recorded = true;
  }
  if (startT === undefined || endGatewayMs === undefined || !recorded) return null;
  // The gateway's side answered at arrival + its own time + the backend's time it took out.
  const until = startT + endGatewayMs + upstreamOut;
  const split: GatewaySplit = { gatewayMs: endGatewayMs, slotWaitMs: 0, cpuWaitMs: 0, cpuMs: 0, effectMs: 0, upstreamMs: 0, otherMs: 0 };
  const open = new Map<string, EffectStartEvent[]>();
  // A try still at the backend when the events end was there when the front answered (its end is later).
  let sentAt: number | undefined;
  for (const e of events) {
    if (!upstreamTaken && e.type === 'upstream.send') sentAt = e.t;
    else if (!upstreamTaken && e.type === 'upstream.response' && sentAt !== undefined) {
      split.upstreamMs += clip(sentAt, e.t, until);
      sentAt = undefined;
    }
    if (e.type === 'slot.wait') {
      split.slotWaitMs += clip(e.t - e.ms, e.t, until);
    } else if (e.type === 'effect.start') {
      const list = open.get(e.plugin);
      if (list) list.push(e);
      else open.set(e.plugin, [e]);
    } else if (e.type === 'effect.end') {
      const start = open.get(e.plugin)?.pop();
      if (!start) continue;
      // Within the effect: the CPU wait, then the run, then its I/O (or delay) to the end.
      const waitEnd = start.t + (e.cpuWaitMs ?? 0);
      const runEnd = waitEnd + (e.cpuMs ?? 0);
      split.cpuWaitMs += clip(start.t, waitEnd, until);
      split.cpuMs += clip(waitEnd, runEnd, until);
      split.effectMs += clip(runEnd, e.t, until);
    }
  }
  if (sentAt !== undefined) split.upstreamMs += clip(sentAt, until, until);
  split.otherMs = split.gatewayMs - split.slotWaitMs - split.cpuWaitMs - split.cpuMs - split.effectMs - split.upstreamMs;
  return split;
}

/** The length of [from, to] that lies before `until`. */
function clip(from: number, to: number, until: number): number {
  return Math.max(0, Math.min(to, until) - from);
}
