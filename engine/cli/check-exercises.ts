/**
 * `gatelab check` for exercises: each exercise's reference must hold when run. Stored answers must
 * match what the run produces; a design's solution must meet every requirement and its starter must
 * fail exactly the stated ones (then the starter counts as passed); a diagnosis's right choices must
 * help on the judged metric and the wrong ones must not.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { formatDiagnostic, hasErrors } from '../core/errors.ts';
import { loadExercise } from '../exercises/exercise-load.ts';
import { gradeDesign, gradeQuestion } from '../exercises/exercise-grade.ts';
import type { Exercise } from '../exercises/exercise-types.ts';
import { diagnosisChoiceRuns } from '../exercises/grade-diagnosis.ts';
import { displayPath, readText } from './io.ts';
import { readFileFor } from './load.ts';

export const EXERCISE_FILE = 'exercise.yaml';

/**
 * Every exercise.yaml under the given files and folders, sorted. The flashcard decks have their own
 * checker (engine/exercises/flashcards-node.ts), so their folder is not walked here.
 */
export function findExerciseFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'node_modules' || name === 'flashcards' || name.startsWith('.')) continue;
        visit(join(p, name));
      }
    } else if (basename(p) === EXERCISE_FILE) out.push(p);
  };
  for (const p of paths) visit(resolve(p));
  return out;
}

/** True for a file inside an exercise's folder: it is checked through its exercise, not on its own. */
export function belongsToExercise(file: string, exerciseFiles: readonly string[]): boolean {
  return exerciseFiles.some((e) => dirname(resolve(file)) === dirname(e));
}

export interface ExerciseCheckTally {
  passed: number;
  failed: number;
  loadErrors: number;
}

export async function checkExerciseFiles(files: readonly string[], log: (line: string) => void = console.log): Promise<ExerciseCheckTally> {
  const tally: ExerciseCheckTally = { passed: 0, failed: 0, loadErrors: 0 };
  for (const file of files) {
    const name = displayPath(file);
    let loaded;
    try {
      loaded = loadExercise(readText(file), name, readFileFor);
    } catch (e) {
      loaded = { diagnostics: [{ severity: 'error' as const, code: 'GL_E_FILE' as const, message: `cannot read ${name}: ${e instanceof Error ? e.message : String(e)}` }] };
    }
    if (!loaded.exercise || hasErrors(loaded.diagnostics)) {
      tally.failed++;
      tally.loadErrors++;
      log(`FAIL ${name}: does not load`);
      for (const d of loaded.diagnostics) log(`  ${formatDiagnostic(d)}`);
      continue;
    }
    const { problems, summary } = await checkExercise(loaded.exercise);
    if (problems.length === 0) {
      tally.passed++;
      log(`PASS ${name} (${summary})`);
    } else {
      tally.failed++;
      log(`FAIL ${name}`);
      for (const p of problems) log(`  ${p}`);
    }
  }
  return tally;
}

async function checkExercise(exercise: Exercise): Promise<{ problems: string[]; summary: string }> {
  if (exercise.kind === 'questions') return checkQuestions(exercise);
  if (exercise.kind === 'design') return checkDesign(exercise);
  return checkDiagnosis(exercise);
}

async function checkQuestions(exercise: Extract<Exercise, { kind: 'questions' }>): Promise<{ problems: string[]; summary: string }> {
  const problems: string[] = [];
  for (const q of exercise.questions) {
    const grade = await gradeQuestion(exercise, q.id, q.answer);
    if (grade.correct) continue;
    const where = `${q.loc.file}:${q.loc.line}:${q.loc.col}`;
    problems.push(`${where}: question ${q.id}: the stored answer is '${String(q.answer)}', the run gives '${grade.expected}' (${grade.evidence.text})`);
    for (const d of grade.diagnostics.filter((x) => x.severity === 'error')) problems.push(`  ${formatDiagnostic(d)}`);
  }
  return { problems, summary: `${exercise.questions.length} stored answers match their runs` };
}

async function checkDesign(exercise: Extract<Exercise, { kind: 'design' }>): Promise<{ problems: string[]; summary: string }> {
  const { design } = exercise;
  const problems: string[] = [];
  const solution = await gradeDesign(exercise, exercise.files[design.solution] ?? '', { file: displayPath(design.solution) });
  for (const d of solution.diagnostics.filter((x) => x.severity === 'error')) problems.push(`solution: ${formatDiagnostic(d)}`);
  for (const r of solution.requirements) if (!r.met) problems.push(`solution fails ${r.id} (${r.text}): ${r.evidence.text}`);
  const starter = await gradeDesign(exercise, exercise.files[design.starter] ?? '', { file: displayPath(design.starter) });
  for (const d of starter.diagnostics.filter((x) => x.severity === 'error')) problems.push(`starter: ${formatDiagnostic(d)}`);
  const stated = new Set(design.starterFails.map((f) => f.id));
  for (const r of starter.requirements) {
    if (stated.has(r.id) && r.met) {
      const f = design.starterFails.find((x) => x.id === r.id);
      problems.push(`${f?.loc.file}:${f?.loc.line}:${f?.loc.col}: the starter should fail ${r.id} (${f?.reason}) but meets it: ${r.evidence.text}`);
    }
    if (!stated.has(r.id) && !r.met) problems.push(`the starter fails ${r.id}, which starterFails does not state: ${r.evidence.text}`);
  }
  const fails = design.starterFails.map((f) => f.id).join(', ');
  return { problems, summary: `solution meets ${solution.requirements.length} requirements; starter fails ${fails} as stated` };
}

async function checkDiagnosis(exercise: Extract<Exercise, { kind: 'diagnose' }>): Promise<{ problems: string[]; summary: string }> {
  const problems: string[] = [];
  const parts: string[] = [];
  for (const q of exercise.diagnose.questions) {
    const { runs, diagnostics } = await diagnosisChoiceRuns(exercise, q.id);
    for (const d of diagnostics.filter((x) => x.severity === 'error')) problems.push(`${q.id}: ${formatDiagnostic(d)}`);
    const where = `${q.loc.file}:${q.loc.line}:${q.loc.col}: ${q.id}`;
    for (const r of runs) {
      const right = r.choice === q.answer;
      const reading = `${r.summary.variant}: ${r.value ?? 'nothing'}`;
      if (right && !r.helped) problems.push(`${where}: the answer ${r.choice} does not hold up (${reading})`);
      if (!right && r.helped) problems.push(`${where}: the wrong choice ${r.choice} would count as right (${reading})`);
    }
    const answer = runs.find((r) => r.choice === q.answer);
    parts.push(`${q.id} ${q.answer} ${answer?.value ?? '?'}`);
  }
  return { problems, summary: `right choices help, wrong ones do not: ${parts.join('; ')}` };
}
