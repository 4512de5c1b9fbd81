/**
 * Pure pieces of the exercises mode, kept apart from the worker and the views so they are tested on
 * plain strings and arrays: which bundled files are exercises, how a reader finds a file in either
 * bundle, the peak memory of a run, and when an exercise counts as passed.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import type { DesignGrade, DiagnosisGrade, ExerciseSummary, QuestionGrade } from './exercise-protocol.ts';

const EXERCISE_FILE = /^exercises\/(\d\d-[a-z0-9-]+)\/exercise\.ya?ml$/;

/** Glob keys ('../../../../exercises/…') → repository paths ('exercises/…'), the paths the CLI uses. */
export function repositoryPaths(raw: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(raw).map(([path, text]) => [path.replace(/^(\.\.\/)+/, ''), text]));
}

/** The exercise.yaml path of an exercise id, or undefined when no such exercise is bundled. */
export function exerciseFileOf(id: string, files: ReadonlyMap<string, string>): string | undefined {
  for (const path of files.keys()) if (EXERCISE_FILE.exec(path)?.[1] === id) return path;
  return undefined;
}

function scalar(text: string, key: string): string | undefined {
  const raw = new RegExp(`^${key}:[ \\t]*(.+)$`, 'm').exec(text)?.[1]?.trim();
  if (raw === undefined) return undefined;
  // Titles are often quoted because they hold a colon; the list shows them without the quotes.
  return /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
}

/**
 * The list of exercises read straight from their files' top-level keys. Loading an exercise also
 * cross-checks what it runs (for a design, that the harness passes the reference), which is too much
 * work just to show a list.
 */
export function listExercises(files: ReadonlyMap<string, string>): ExerciseSummary[] {
  const out: ExerciseSummary[] = [];
  for (const [path, text] of files) {
    const folder = EXERCISE_FILE.exec(path)?.[1];
    if (!folder) continue;
    const kind = (['questions', 'design', 'diagnose'] as const).find((k) => new RegExp(`^${k}:`, 'm').test(text));
    if (!kind) continue;
    out.push({ id: scalar(text, 'id') ?? folder, title: scalar(text, 'title') ?? folder, kind });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** A reader over several bundles, first one first; a missing file names the bundles it looked in. */
export function bundleReader(...bundles: ReadonlyArray<ReadonlyMap<string, string>>): (path: string) => string {
  return (path) => {
    const clean = path.replace(/^\.\//, '');
    for (const files of bundles) {
      const text = files.get(clean);
      if (text !== undefined) return text;
    }
    throw new Error(`'${path}' is not bundled with the lab (only files under scenarios/ and exercises/ are)`);
  };
}

/** The most memory any one replica held during the run, bytes; null when the run had no capacity model. */
export function peakMemoryBytes(events: readonly TraceEvent[]): number | null {
  let peak: number | null = null;
  for (const e of events) if (e.type === 'replica.queue' && (peak === null || e.memory > peak)) peak = e.memory;
  return peak;
}

/** Passed when every question of the exercise was graded correct (a later wrong answer un-passes it). */
export function questionsPassed(questionIds: readonly string[], grades: readonly QuestionGrade[]): boolean {
  return questionIds.length > 0 && questionIds.every((id) => grades.find((g) => g.questionId === id)?.correct === true);
}

export function designPassed(grade: DesignGrade): boolean {
  return grade.requirements.length > 0 && grade.requirements.every((r) => r.met);
}

export function diagnosisPassed(questionIds: readonly string[], grade: DiagnosisGrade): boolean {
  return questionIds.length > 0 && questionIds.every((id) => grade.questions.find((q) => q.questionId === id)?.correct === true);
}

/** Bytes as the dashboard shows them: MiB with one decimal. */
export function formatMemory(bytes: number | null): string {
  return bytes === null ? '—' : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
