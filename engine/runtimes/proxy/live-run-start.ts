/**
 * The `run.start` event the admin listener's `/trace` sends each subscriber before anything else, so a
 * reader of a live proxy gets the start a simulated trace begins with (engine/trace/events.ts) instead
 * of guessing it from the newest event. It is built when asked, never emitted into the sink: the
 * ring, the access log, /metrics, verify and every trace hash see exactly the events they saw before.
 */
import type { RunStartEvent } from '../../trace/events.ts';

/**
 * A proxy runs no scenario and no variant. These are the ids the lab already gives a live proxy
 * (lab-ui/src/lib/live-scenario.ts), so a trace read off `/trace` never claims a scenario it is not.
 */
export const LIVE_SCENARIO_ID = 'live';
export const LIVE_VARIANT_ID = 'live';

/**
 * `startedAtMs`: the wall-clock instant the proxy's trace time counts from (its `t` is ms since
 * then, so this event's `t` is 0). `seed`: the seed the proxy's keyed draws use (`serve --seed`).
 */
export function liveRunStart(startedAtMs: number, seed: number): RunStartEvent {
  return { type: 'run.start', t: 0, scenario: LIVE_SCENARIO_ID, variant: LIVE_VARIANT_ID, seed, start: new Date(startedAtMs).toISOString() };
}
