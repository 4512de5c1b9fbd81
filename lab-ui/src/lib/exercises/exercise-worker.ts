/**
 * The worker's side of the exercises mode. This module (and the exercise files bundled into it) is
 * imported by the engine worker only when an exercise message arrives, so neither the page's first
 * load nor a plain scenario run carries it.
 */
import { internalError, type FromWorker } from '../../worker/protocol.ts';
import { loadExercise } from '../../../../engine/exercises/exercise-load.ts';
import { gradeDesign, gradeQuestion } from '../../../../engine/exercises/exercise-grade.ts';
import { diagnosisDashboard, gradeDiagnosis } from '../../../../engine/exercises/grade-diagnosis.ts';
import { runExerciseScenario } from '../../../../engine/exercises/exercise-run.ts';
import type { Exercise } from '../../../../engine/exercises/exercise-types.ts';
import { bundleReader, exerciseFileOf, listExercises, peakMemoryBytes, repositoryPaths } from './exercise-helpers.ts';
import type { ExerciseReplies, ExerciseRequest } from './exercise-protocol.ts';

// Relative to lab-ui/src/lib/exercises/: the exercises/ folder at the repository root.
const EXERCISE_FILES = repositoryPaths(
  import.meta.glob<string>(['../../../../exercises/0*/*.yaml', '../../../../exercises/0*/*.yml'], { query: '?raw', import: 'default', eager: true }),
);

type Post = (message: FromWorker) => void;

/**
 * The scenarios the lab ships: what has been fetched so far (a live map), every shipped path, and how
 * to fetch one scenario with the files it names. The worker passes worker/scenario-files.ts's.
 */
export interface ShippedScenarios {
  files: ReadonlyMap<string, string>;
  paths: readonly string[];
  fetchScenario(path: string): Promise<void>;
}

/** Rounds of "load, fetch what was missing": a scenario can name a config that names an overlay. */
const FETCH_ROUNDS = 8;

/**
 * Loads an exercise. The scenarios it runs outside exercises/ (exercise 3's capacity run) are fetched
 * as the loader asks for them: a missing shipped file is fetched and the load tried again, and the
 * round that misses nothing is the load that counts.
 */
async function load(id: string, shippedScenarios: ShippedScenarios): Promise<ExerciseReplies['load']> {
  const file = exerciseFileOf(id, EXERCISE_FILES);
  const text = file ? EXERCISE_FILES.get(file) : undefined;
  if (!file || text === undefined) {
    const known = listExercises(EXERCISE_FILES).map((e) => e.id).join(', ');
    return { diagnostics: [internalError(`no exercise '${id}' in this build of the lab; it has: ${known}`, `exercises/${id}`)] };
  }
  const scenarios = shippedScenarios.files;
  const shipped = new Set(shippedScenarios.paths);
  const read = bundleReader(EXERCISE_FILES, scenarios);
  for (let round = 0; ; round++) {
    const missing = new Set<string>();
    let result: ExerciseReplies['load'] | undefined;
    try {
      result = loadExercise(text, file, (path) => {
        const clean = path.replace(/^\.\//, '');
        if (!EXERCISE_FILES.has(clean) && !scenarios.has(clean) && shipped.has(clean)) missing.add(clean);
        return read(path);
      });
    } catch (e) {
      // A reader's throw may escape the loader; with files still to fetch it is not the last word.
      if (missing.size === 0 || round >= FETCH_ROUNDS) throw e;
    }
    if (result && (missing.size === 0 || round >= FETCH_ROUNDS)) return result;
    for (const path of missing) await shippedScenarios.fetchScenario(path);
  }
}

async function loaded(id: string, scenarios: ShippedScenarios): Promise<Exercise> {
  const got = await load(id, scenarios);
  if (!got.exercise) throw new Error(got.diagnostics.map((d) => d.message).join('; ') || `exercise ${id} did not load`);
  return got.exercise;
}

/** Peak memory of a variant's run; the run is the one the grade just made (the engine caches it). */
async function memoryOf(exercise: Exercise, variant: string): Promise<number | null> {
  if (exercise.kind !== 'diagnose') return null;
  const ran = await runExerciseScenario(exercise.files, exercise.diagnose.scenario, variant, 'summary');
  return ran.run ? peakMemoryBytes(ran.run.events) : null;
}

async function answer(req: ExerciseRequest, scenarios: ShippedScenarios): Promise<ExerciseReplies[ExerciseRequest['op']]> {
  if (req.op === 'list') return listExercises(EXERCISE_FILES);
  if (req.op === 'load') return load(req.id, scenarios);
  const exercise = await loaded(req.id, scenarios);
  if (req.op === 'grade-questions') {
    const grades = [];
    // One after another: the first grade runs the probe scenario, the rest reuse that run.
    // The grader reads a number's unit off itself, as it does for `gatelab check`.
    for (const [questionId, value] of Object.entries(req.answers)) grades.push(await gradeQuestion(exercise, questionId, value));
    return grades;
  }
  if (req.op === 'grade-design') return gradeDesign(exercise, req.text, { file: req.file });
  if (req.op === 'dashboard') {
    const got = await diagnosisDashboard(exercise);
    const base = got.base ? { ...got.base, peakMemoryBytes: await memoryOf(exercise, 'base') } : undefined;
    return { ...got, ...(base ? { base } : {}) };
  }
  const grade = await gradeDiagnosis(exercise, req.answers);
  const peak: Record<string, number | null> = { base: await memoryOf(exercise, 'base') };
  for (const q of grade.questions) {
    const variant = q.chosenRun?.summary.variant;
    if (variant && !(variant in peak)) peak[variant] = await memoryOf(exercise, variant);
  }
  return { ...grade, peakMemoryBytes: peak };
}

/** Answers one exercise message; a failure comes back as an error message, never as a throw. */
export async function answerExercise(runId: number, req: ExerciseRequest, scenarios: ShippedScenarios, post: Post): Promise<void> {
  try {
    post({ type: 'exercise', runId, reply: await answer(req, scenarios) });
  } catch (e) {
    const where = 'id' in req ? `exercises/${req.id}` : 'exercises';
    post({ type: 'error', runId, diagnostics: [internalError(`the exercise could not be graded: ${e instanceof Error ? e.message : String(e)}`, where)] });
  }
}
