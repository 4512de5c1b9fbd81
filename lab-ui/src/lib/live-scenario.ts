/** The catalog-shaped description of a live proxy, so the scenario view can show it like a run. */
import type { ScenarioInfo } from '../worker/protocol.ts';

export const LIVE_VARIANT = 'live';

export function liveScenario(admin: string, start: number): ScenarioInfo {
  return {
    file: 'live',
    id: 'live',
    title: `Live: ${admin}`,
    topic: 'live',
    // A student who has only seen scenarios takes a live view for one: say what is not there.
    summary:
      'Traffic through a running gatelab serve, as its admin listener streams the trace. New requests appear as they happen; scrub back to look at one, drag to the end to follow again. ' +
      'Nothing here is simulated: times are the proxy’s clock, each client is whoever sent the request (named by its address), and there is no narration, no variant to compare, no expectation and no trace hash. ' +
      'The proxy replays only its recent trace events (--trace-ring) to a lab that attaches late, so older requests are missing.',
    tags: ['live'],
    seed: 0,
    start,
    durationMs: 0,
    variants: [{ name: LIVE_VARIANT, title: 'Live proxy' }],
    narration: [],
    diagnostics: [],
  };
}
