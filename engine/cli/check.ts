/**
 * `gatelab check`: every expectation of every variant of every scenario, and every exercise graded
 * against its reference (check-exercises.ts), with a closing count.
 */
import { resolve } from 'node:path';
import { hasErrors, formatDiagnostic } from '../core/errors.ts';
import { runVariant } from '../runtimes/sim/run-scenario.ts';
import { command } from './args.ts';
import { belongsToExercise, checkExerciseFiles, findExerciseFiles } from './check-exercises.ts';
import { checkFlashcardDecks } from './check-flashcards.ts';
import { displayPath, EXIT, findScenarioFiles, findUnmarkedScenarioFiles, modelineAdvice } from './io.ts';
import { loadScenarioFile } from './load.ts';

export const CHECK_HELP = `Usage: gatelab check [PATH…]

Runs every scenario under the given files or folders (default: scenarios/) and asserts its
expectations in every variant. Folders holding exercise.yaml files (exercises/) are graded too: stored
answers must match their runs, a design's solution must meet every requirement and its starter fail
exactly the stated ones, a diagnosis's right fixes must help and wrong ones must not. Flashcard decks
there (exercises/flashcards/) are checked card by card: each behavioural card's linked moment must show
its answer, each factual card's docs heading must exist. Prints one line per scenario, exercise or deck, each failure with expected vs actual, and last the line "N passed, N failed".

Options:
  -h, --help   show this help

Exit status: 0 all passed, 1 an expectation failed, 2 a scenario or its config did not load.`;

export const checkCommand = command({ name: 'check', help: CHECK_HELP, positionals: 'any', options: {} }, checkPaths);

async function checkPaths({ positionals }: { positionals: string[] }): Promise<number> {
  const roots = positionals.length > 0 ? positionals : ['scenarios'];
  let files: string[];
  let unmarked: string[] = [];
  let exerciseFiles: string[];
  try {
    exerciseFiles = findExerciseFiles(roots);
    // Scenarios inside an exercise's folder (its probe runs, its harness) are checked through it.
    files = findScenarioFiles(roots.map((p) => resolve(p))).filter((f) => !belongsToExercise(f, exerciseFiles));
    // A scenario written without the modeline is still checked, never skipped in silence.
    unmarked = findUnmarkedScenarioFiles(roots.map((p) => resolve(p))).filter((f) => !belongsToExercise(f, exerciseFiles));
    files = [...files, ...unmarked].sort();
  } catch (e) {
    console.error(`gatelab check: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }
  let passed = 0;
  let failed = 0;
  let loadErrors = 0;
  for (const file of files) {
    const name = displayPath(file);
    if (unmarked.includes(file)) console.log(`WARN ${name}: looks like a scenario but has no schema modeline on its first lines; checked anyway — ${modelineAdvice(file)}`);
    const loaded = loadScenarioFile(file);
    if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
      failed++;
      loadErrors++;
      console.log(`FAIL ${name}: does not load`);
      for (const d of loaded.diagnostics) console.log(`  ${formatDiagnostic(d)}`);
      continue;
    }
    const problems: string[] = [];
    let checked = 0;
    for (const variant of loaded.scenario.variants) {
      const run = await runVariant(loaded.scenario, variant.name, { level: 'full' });
      const errors = run.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        loadErrors++;
        problems.push(...errors.map((d) => `[${variant.name}] ${formatDiagnostic(d)}`));
        continue;
      }
      checked += run.expectations.length;
      for (const r of run.expectations) if (!r.pass) problems.push(`[${variant.name}] ${r.message}`);
    }
    const variants = loaded.scenario.variants.length;
    if (problems.length === 0) {
      passed++;
      console.log(`PASS ${name} (${variants} variant${variants === 1 ? '' : 's'}, ${checked} expectations)`);
    } else {
      failed++;
      console.log(`FAIL ${name}`);
      for (const p of problems) console.log(`  ${p}`);
    }
  }
  for (const tally of [await checkExerciseFiles(exerciseFiles), await checkFlashcardDecks(roots)]) {
    passed += tally.passed;
    failed += tally.failed;
    loadErrors += tally.loadErrors;
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (loadErrors > 0) return EXIT.usage;
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
