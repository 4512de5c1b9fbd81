/**
 * What the exercises mode asks the engine worker, and what comes back. Every reply is plain data
 * (the engine's exercise types are structured-clone safe), so grades cross the worker boundary as is.
 */
import type { Diagnostic } from '../../../../engine/core/errors.ts';
import type { Evidence } from '../../../../engine/exercises/exercise-probe.ts';
import type { DesignGrade, QuestionGrade, RequirementGrade } from '../../../../engine/exercises/exercise-grade.ts';
import type { ChoiceRun, DiagnosisGrade } from '../../../../engine/exercises/grade-diagnosis.ts';
import type { RequestTiming, RunSummary } from '../../../../engine/exercises/exercise-metrics.ts';
import type { Exercise } from '../../../../engine/exercises/exercise-types.ts';

export type { ChoiceRun, DesignGrade, Diagnostic, DiagnosisGrade, Evidence, Exercise, QuestionGrade, RequestTiming, RequirementGrade, RunSummary };

/** One card of the exercises list. */
export interface ExerciseSummary {
  id: string;
  title: string;
  kind: Exercise['kind'];
}

/** A run's readings plus the peak memory of its busiest replica (bytes; null without a capacity model). */
export type RunReading = RunSummary & { peakMemoryBytes: number | null };

export type ExerciseRequest =
  | { op: 'list' }
  | { op: 'load'; id: string }
  /** Every answered question at once, so the probe scenario runs once for all of them. */
  | { op: 'grade-questions'; id: string; answers: Record<string, string> }
  | { op: 'grade-design'; id: string; text: string; file: string }
  | { op: 'dashboard'; id: string }
  /** Grades the answered diagnosis questions; each chosen fix's variant is run. */
  | { op: 'grade-diagnosis'; id: string; answers: Record<string, string> };

export interface ExerciseReplies {
  list: ExerciseSummary[];
  load: { exercise?: Exercise; diagnostics: Diagnostic[] };
  'grade-questions': QuestionGrade[];
  'grade-design': DesignGrade;
  dashboard: { base?: RunReading; timings: RequestTiming[]; diagnostics: Diagnostic[] };
  /** `peakMemoryBytes` by variant name, for the base and every variant a chosen fix ran. */
  'grade-diagnosis': DiagnosisGrade & { peakMemoryBytes: Record<string, number | null> };
}

export type ExerciseOp = ExerciseRequest['op'];
