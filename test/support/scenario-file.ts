/** Scenario files the explain CLI tests load, and the loader that fails loudly on a broken one. */
import { loadScenarioFile } from '../../engine/cli/load.ts';
import type { Scenario } from '../../engine/scenario/types.ts';

/** One replica with 2 slots and a wait queue of 3, always full: requests (and probes) wait for a slot. */
export const EXPLAIN_SLOTS = 'test/cli/fixtures/explain-slots.yaml';
/** The lesson's war story (kong-bottleneck). */
export const WAR_STORY = 'scenarios/capacity/kong-bottleneck.yaml';

/** The scenario at `path`, or a thrown error carrying the loader's diagnostics. */
export function scenarioFile(path: string): Scenario {
  const loaded = loadScenarioFile(path);
  if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.scenario;
}
