/**
 * Running the scenarios an exercise grades against. Runs are a pure function of (scenario text,
 * files, variant), so one run is kept per exercise and reused by every question that reads it.
 */
import type { Diagnostic } from '../core/errors.ts';
import { applyVariant, loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { TraceLevel } from '../trace/events.ts';
import { runVariant, type VariantRun } from '../runtimes/sim/run-scenario.ts';
import { capturedReader } from './exercise-files.ts';

export interface ExerciseRun {
  /** The scenario as run (the variant applied), when it loaded. */
  scenario?: Scenario;
  run?: VariantRun;
  /** Load and run errors; empty when the run happened. */
  diagnostics: Diagnostic[];
}

const cache = new WeakMap<object, Map<string, Promise<ExerciseRun>>>();

/**
 * Loads `path` from the captured files (with `replace` standing in for some of them) and runs one
 * variant. Only runs without replacements are cached: a student's config is new every time.
 */
export function runExerciseScenario(
  files: Readonly<Record<string, string>>,
  path: string,
  variant: string,
  level: TraceLevel,
  replace: Readonly<Record<string, string>> = {},
): Promise<ExerciseRun> {
  const cacheable = Object.keys(replace).length === 0;
  const key = `${path}\u0000${variant}\u0000${level}`;
  let perFiles = cache.get(files);
  if (cacheable) {
    const hit = perFiles?.get(key);
    if (hit) return hit;
  }
  const pending = run(files, path, variant, level, replace);
  if (cacheable) {
    if (!perFiles) cache.set(files, (perFiles = new Map()));
    perFiles.set(key, pending);
  }
  return pending;
}

async function run(files: Readonly<Record<string, string>>, path: string, variant: string, level: TraceLevel, replace: Readonly<Record<string, string>>): Promise<ExerciseRun> {
  const loaded = loadScenario(path, capturedReader(files, replace));
  const loadDiagnostics = loaded.diagnostics;
  if (!loaded.scenario) return { diagnostics: loadDiagnostics };
  const result = await runVariant(loaded.scenario, variant, { level });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = [...loadDiagnostics, ...result.diagnostics].filter((d) => d.severity === 'warning');
  if (errors.length > 0) return { scenario: loaded.scenario, diagnostics: [...errors, ...warnings] };
  // The variant's own scenario (replicas, capacity) is what its metrics are read against.
  const patched = variant === 'base' ? loaded.scenario : applyVariant(loaded.scenario, variant).scenario;
  return { scenario: patched ?? loaded.scenario, run: result, diagnostics: warnings };
}
