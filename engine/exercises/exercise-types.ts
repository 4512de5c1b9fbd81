/**
 * The shape of a loaded exercise. Everything here is plain data (no functions, no class instances)
 * so an exercise can cross into the lab's Web Worker and back unchanged: the files a grade needs are
 * read once at load time and travel inside the exercise.
 */
import type { SourceLoc } from '../core/errors.ts';

/** One value read from a run: the evidence a grade shows beside the answer. */
export type ProbeSubject =
  | { kind: 'upstream'; request: string; field: 'path' | 'host' | 'method' | 'service' }
  | { kind: 'status'; request: string }
  | { kind: 'outcome'; request: string; plugin?: string }
  /**
   * client: one client id, or several that stand for one partner (its addresses). minute: only the
   * requests sent in that minute of the run (1 = the first), so a per-minute limit is checked per minute.
   */
  | { kind: 'admitted'; client?: string | string[]; minute?: number }
  | { kind: 'refused'; client?: string | string[]; status?: number; minute?: number }
  | { kind: 'header-reached-client'; name: string; client?: string }
  | { kind: 'canary-share'; backend: string; percent: number; sigmas: number }
  /** An expectation of the design's harness scenario, by name. */
  | { kind: 'expectation'; name: string };

export type CheckMatcher = { equals: number | string } | { between: [number, number] } | { builtIn: true };

export interface ProbeCheck {
  subject: ProbeSubject;
  matcher: CheckMatcher;
  loc: SourceLoc;
}

export interface QuestionInput {
  type: 'path' | 'number' | 'choice';
  unit?: string;
  choices?: string[];
}

export interface Question {
  id: string;
  prompt: string;
  input: QuestionInput;
  /** Scenario path (normalised, relative to the working directory or absolute) and variant to run. */
  probe: { scenario: string; variant: string; subject: ProbeSubject };
  answer: string | number;
  explanation: string;
  loc: SourceLoc;
}

export interface Requirement {
  id: string;
  text: string;
  checks: ProbeCheck[];
  loc: SourceLoc;
}

export interface DesignSpec {
  starter: string;
  solution: string;
  format: 'kong' | 'ir';
  harness: string;
  requirements: Requirement[];
  starterFails: Array<{ id: string; reason: string; loc: SourceLoc }>;
}

export type PlaceMeasure = 'gateway-p99' | 'upstream-p99' | 'network-p99';
export type DiagnosisMetric = 'largest-share' | 'request-time-p99' | 'gateway-p99' | 'cpu-per-request';

export interface DiagnosisChoice {
  id: string;
  text: string;
  variant?: string;
  measure?: PlaceMeasure;
}

export interface DiagnosisQuestion {
  id: string;
  prompt: string;
  choices: DiagnosisChoice[];
  answer: string;
  metric: DiagnosisMetric;
  /** A fix helps when it lowers the metric by at least this fraction of the base value. */
  improveBy: number;
  explanation: string;
  loc: SourceLoc;
}

interface ExerciseCommon {
  id: string;
  title: string;
  prompt: string;
  /** The exercise.yaml path as given to loadExercise. */
  file: string;
  /** A config file shown beside the prompt, when the exercise names one (path into `files`). */
  config?: string;
  /** Every file a grade reads, by normalised path, captured at load time. */
  files: Record<string, string>;
}

export type Exercise =
  | (ExerciseCommon & { kind: 'questions'; questions: Question[] })
  | (ExerciseCommon & { kind: 'design'; design: DesignSpec })
  | (ExerciseCommon & { kind: 'diagnose'; diagnose: { scenario: string; questions: DiagnosisQuestion[] } });
