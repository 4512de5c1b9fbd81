/**
 * The simulation evaluator: the whole sim host (client network, front balancer, capacity, pods,
 * config events) for one schedule, read back from the trace. Slower than evaluate-fast.ts; the search
 * uses it when the scenario has parts the fast one does not model, and every counterexample is
 * confirmed with it before it is reported.
 */
import type { TraceEvent } from '../trace/events.ts';
import { simulate } from '../runtimes/sim/simulate.ts';
import { loadGateway } from '../config/load-gateway.ts';
import type { Admissions } from './admissions.ts';
import { scheduleScenario, type AttackTarget } from './target.ts';

export interface SimAdmissions extends Admissions {
  /** The run's events at level `decisions` (the renderer reads response instants from them). */
  events: TraceEvent[];
}

export async function evaluateSim(target: AttackTarget, schedule: readonly number[]): Promise<SimAdmissions> {
  const scenario = scheduleScenario(target, schedule);
  const run = await simulate(scenario, {
    variant: target.variant,
    level: 'decisions',
    // A config event's gateway that does not load keeps the one before, as a search cannot stop to ask.
    adapt: (spec) => (spec === scenario.gateway ? target.ir : (loadGateway(spec).ir ?? target.ir)),
  });
  return { ...admissionsFromTrace(run.events, target.client.id), events: run.events };
}

/** First `upstream.send` of each of the client's requests that ended 2xx (the client's id prefixes its requests'). */
export function admissionsFromTrace(events: readonly TraceEvent[], clientId: string): Admissions {
  const firstSend = new Map<string, number>();
  const admittedMs: number[] = [];
  let sent = 0;
  for (const e of events) {
    if (e.type === 'upstream.send' && !firstSend.has(e.req)) firstSend.set(e.req, e.t);
    if (e.type === 'request.end' && e.client === clientId) {
      sent++;
      const at = firstSend.get(e.req);
      if (at !== undefined && e.status >= 200 && e.status < 300) admittedMs.push(at);
    }
  }
  return { admittedMs: admittedMs.sort((a, b) => a - b), sent };
}
