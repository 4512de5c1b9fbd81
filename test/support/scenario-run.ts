/** A scenario written inline in a test, loaded (files it names read from the repository) and run. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { runVariant, type RunOptions } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { RequestEndEvent } from '../../engine/trace/events.ts';

/**
 * Loads `text` as the scenario file `file` (asserting it has no errors), runs its base variant at
 * `level` and returns every request's end event, in trace order.
 */
export async function baseRequestEnds(text: string, file: string, level: RunOptions['level']): Promise<RequestEndEvent[]> {
  const loaded = loadScenarioText(text, file, (p) => readFileSync(resolve(p), 'utf8'));
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const run = await runVariant(loaded.scenario!, 'base', { level });
  return run.events.filter((e): e is RequestEndEvent => e.type === 'request.end');
}
