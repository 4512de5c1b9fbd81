/**
 * Grading a diagnosis by running it: a place is right when the most of request_time p99 is spent
 * there in the base run; a fix is right when its variant, run, lowers the judged metric by the
 * stated fraction. Wrong fixes are run too, so the student sees that they do not help.
 */
import type { Diagnostic } from '../core/errors.ts';
import { runExerciseScenario } from './exercise-run.ts';
import { metricValue, placeValue, requestTimings, summarizeRun, type RequestTiming, type RunSummary } from './exercise-metrics.ts';
import type { DiagnosisChoice, DiagnosisQuestion, Exercise } from './exercise-types.ts';

export interface ChoiceRun {
  choice: string;
  text: string;
  /** The run of the choice's variant (a fix), or the base run (a place). */
  summary: RunSummary;
  /** The judged reading: the place's part of request_time p99, or the fix's metric. */
  value: number | null;
  /** For a fix: whether it lowered the metric enough; for a place: whether it is the largest share. */
  helped: boolean;
}

export interface DiagnosisQuestionGrade {
  questionId: string;
  chosen: string;
  correct: boolean;
  metric: DiagnosisQuestion['metric'];
  /** The metric in the base run (for a place: request_time p99). */
  baseValue: number | null;
  chosenRun?: ChoiceRun;
  /** One sentence: what the run shows about the choice. */
  verdict: string;
  explanation: string;
}

export interface DiagnosisGrade {
  base: RunSummary;
  questions: DiagnosisQuestionGrade[];
  diagnostics: Diagnostic[];
}

type DiagnoseExercise = Extract<Exercise, { kind: 'diagnose' }>;

function asDiagnose(exercise: Exercise): DiagnoseExercise {
  if (exercise.kind !== 'diagnose') throw new Error(`exercise ${exercise.id} has no diagnosis (it is a ${exercise.kind} exercise)`);
  return exercise;
}

async function summaryOf(exercise: DiagnoseExercise, variant: string): Promise<{ summary?: RunSummary; timings?: RequestTiming[]; diagnostics: Diagnostic[] }> {
  // The summary level keeps request.end and replica.queue, all the readings need, at a fraction of the cost.
  const ran = await runExerciseScenario(exercise.files, exercise.diagnose.scenario, variant, 'summary');
  if (!ran.run || !ran.scenario) return { diagnostics: ran.diagnostics };
  return { summary: summarizeRun(ran.run.events, ran.scenario, variant), timings: requestTimings(ran.run.events), diagnostics: ran.diagnostics };
}

/** The base run's dashboard: the exercise's readings and every request's gateway share. */
export async function diagnosisDashboard(exercise: Exercise): Promise<{ base?: RunSummary; timings: RequestTiming[]; diagnostics: Diagnostic[] }> {
  const got = await summaryOf(asDiagnose(exercise), 'base');
  return { ...(got.summary ? { base: got.summary } : {}), timings: got.timings ?? [], diagnostics: got.diagnostics };
}

/** Every choice of one question, judged by its run. */
export async function diagnosisChoiceRuns(exercise: Exercise, questionId: string): Promise<{ base?: RunSummary; runs: ChoiceRun[]; diagnostics: Diagnostic[] }> {
  const ex = asDiagnose(exercise);
  const question = findQuestion(ex, questionId);
  const base = await summaryOf(ex, 'base');
  if (!base.summary) return { runs: [], diagnostics: base.diagnostics };
  const diagnostics = [...base.diagnostics];
  const runs: ChoiceRun[] = [];
  if (question.metric === 'largest-share') {
    const values = question.choices.map((c) => placeValue(base.summary as RunSummary, c.measure ?? 'gateway-p99') ?? -1);
    const top = Math.max(...values);
    question.choices.forEach((c, i) => runs.push({ choice: c.id, text: c.text, summary: base.summary as RunSummary, value: values[i] as number, helped: values[i] === top }));
    return { base: base.summary, runs, diagnostics };
  }
  for (const c of question.choices) {
    const run = await fixRun(ex, question, c, base.summary);
    diagnostics.push(...run.diagnostics);
    if (run.choice) runs.push(run.choice);
  }
  return { base: base.summary, runs, diagnostics };
}

async function fixRun(ex: DiagnoseExercise, q: DiagnosisQuestion, c: DiagnosisChoice, base: RunSummary): Promise<{ choice?: ChoiceRun; diagnostics: Diagnostic[] }> {
  const got = await summaryOf(ex, c.variant ?? 'base');
  if (!got.summary || q.metric === 'largest-share') return { diagnostics: got.diagnostics };
  const value = metricValue(got.summary, q.metric);
  const before = metricValue(base, q.metric);
  const helped = value !== null && before !== null && value <= before * (1 - q.improveBy);
  return { choice: { choice: c.id, text: c.text, summary: got.summary, value, helped }, diagnostics: got.diagnostics };
}

function findQuestion(ex: DiagnoseExercise, id: string): DiagnosisQuestion {
  const q = ex.diagnose.questions.find((x) => x.id === id);
  if (!q) throw new Error(`exercise ${ex.id} has no question '${id}'; its questions: ${ex.diagnose.questions.map((x) => x.id).join(', ')}`);
  return q;
}

const METRIC_WORDS: Record<DiagnosisQuestion['metric'], string> = {
  'largest-share': 'share of request_time p99',
  'request-time-p99': 'request_time p99',
  'gateway-p99': 'gateway time p99 (request_time − upstream_time)',
  'cpu-per-request': 'CPU per request',
};

const unit = (metric: DiagnosisQuestion['metric']): string => (metric === 'cpu-per-request' ? 'µs' : 'ms');

/** Grades the answered questions (`answers` maps question id → choice id); unanswered ones are skipped. */
export async function gradeDiagnosis(exercise: Exercise, answers: Readonly<Record<string, string>>): Promise<DiagnosisGrade> {
  const ex = asDiagnose(exercise);
  const base = await summaryOf(ex, 'base');
  if (!base.summary) throw new Error(`the diagnosis scenario ${ex.diagnose.scenario} did not run: ${base.diagnostics.map((d) => d.message).join('; ')}`);
  const diagnostics = [...base.diagnostics];
  const questions: DiagnosisQuestionGrade[] = [];
  for (const q of ex.diagnose.questions) {
    const chosen = answers[q.id]?.trim().toLowerCase();
    if (chosen === undefined) continue;
    const choice = q.choices.find((c) => c.id === chosen);
    const common = { questionId: q.id, chosen, metric: q.metric, explanation: q.explanation };
    if (!choice) {
      questions.push({ ...common, correct: false, baseValue: null, verdict: `'${chosen}' is not a choice; choose one of ${q.choices.map((c) => c.id).join(', ')}` });
      continue;
    }
    if (q.metric === 'largest-share') {
      const all = await diagnosisChoiceRuns(ex, q.id);
      const run = all.runs.find((r) => r.choice === chosen);
      const top = all.runs.find((r) => r.helped);
      const verdict = `${choice.text}: ${run?.value ?? '?'} ms of request_time p99 ${base.summary.requestTimeP99} ms; the largest part is ${q.choices.find((c) => c.id === top?.choice)?.text ?? top?.choice} (${top?.value} ms)`;
      questions.push({ ...common, correct: run?.helped ?? false, baseValue: base.summary.requestTimeP99, ...(run ? { chosenRun: run } : {}), verdict });
      continue;
    }
    const got = await fixRun(ex, q, choice, base.summary);
    diagnostics.push(...got.diagnostics);
    const before = metricValue(base.summary, q.metric);
    const run = got.choice;
    const verdict = run
      ? `${choice.text}: ${METRIC_WORDS[q.metric]} ${before} ${unit(q.metric)} before, ${run.value} ${unit(q.metric)} after this change — ${run.helped ? 'it helps' : `it does not help (a fix must take at least ${Math.round(q.improveBy * 100)} % off)`}`
      : `${choice.text}: the run with this change did not finish (variant ${choice.variant})`;
    questions.push({ ...common, correct: run?.helped ?? false, baseValue: before, ...(run ? { chosenRun: run } : {}), verdict });
  }
  return { base: base.summary, questions, diagnostics };
}
