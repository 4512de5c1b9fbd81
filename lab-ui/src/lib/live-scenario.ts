/** The catalog-shaped description of a live proxy, so the scenario view can show it like a run. */
import type { ScenarioInfo } from '../worker/protocol.ts';

export const LIVE_VARIANT = 'live';

export function liveScenario(admin: string, start: number): ScenarioInfo {
  return {
    file: 'live',
    id: 'live',
    title: `Live: ${admin}`,
    topic: 'live',
    summary: 'Traffic through a running gatelab serve, as its admin listener streams the trace. New requests appear as they happen; scrub back to look at one, drag to the end to follow again.',
    tags: ['live'],
    seed: 0,
    start,
    durationMs: 0,
    variants: [{ name: LIVE_VARIANT, title: 'Live proxy' }],
    narration: [],
    diagnostics: [],
  };
}
