/**
 * Grading typed answers and designed configs by running them. Pure functions of their inputs that
 * return plain data, so the lab can call them in its Web Worker; the CLI and the tests call the same.
 */
import type { Diagnostic } from '../core/errors.ts';
import { dirnameOf, joinPath } from '../scenario/paths.ts';
import { withoutUnit } from './answer-units.ts';
import { runExerciseScenario } from './exercise-run.ts';
import { describeCheckMatcher, judge, measureSubject, type Evidence } from './exercise-probe.ts';
import type { Exercise, QuestionInput } from './exercise-types.ts';

export interface QuestionGrade {
  questionId: string;
  correct: boolean;
  /** The value the run produced, as text. */
  expected: string;
  /** The student's value after normalising (trimmed; a number without its question's unit or separators). */
  given: string;
  /** Set when the typed value could not be read as the input type asks. */
  note?: string;
  evidence: Evidence;
  explanation: string;
  diagnostics: Diagnostic[];
}

export interface CheckOutcome {
  met: boolean;
  expected: string;
  evidence: Evidence;
}

export interface RequirementGrade {
  id: string;
  text: string;
  met: boolean;
  /** The deciding evidence: the first check that failed, or every check's words when all passed. */
  evidence: Evidence;
  checks: CheckOutcome[];
}

export interface DesignGrade {
  requirements: RequirementGrade[];
  /** Problems with the config, at line:column in its own text (the file named by `file`). */
  diagnostics: Diagnostic[];
}

/**
 * Reads a typed value the way its input type compares: paths and choices as text, numbers exactly,
 * after the question's own unit is read off ("600 requests per minute" is 600; "600 per second" is not).
 */
export function normaliseAnswer(input: QuestionInput, value: string | number): { value: string; note?: string } {
  const text = (typeof value === 'string' ? withoutUnit(input, value) : String(value)).trim();
  if (input.type === 'choice') return { value: text.toLowerCase() };
  // A path as people type it: "123" for "/123". The backend receives an absolute path, so a missing
  // leading slash is read as one rather than graded wrong; the student sees the path as read.
  if (input.type === 'path') return { value: text === '' || text.startsWith('/') ? text : `/${text}` };
  // Thousands separators are how people type 1,000; anything else must be a plain number.
  const digits = text.replace(/(\d)[,_ ](?=\d{3}\b)/g, '$1');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(digits)) return { value: text, note: `'${text}' is not a number${input.unit ? ` of ${input.unit}` : ''}` };
  return { value: String(Number(digits)) };
}

export async function gradeQuestion(exercise: Exercise, questionId: string, value: string | number): Promise<QuestionGrade> {
  if (exercise.kind !== 'questions') throw new Error(`exercise ${exercise.id} has no typed questions (it is a ${exercise.kind} exercise)`);
  const question = exercise.questions.find((q) => q.id === questionId);
  if (!question) throw new Error(`exercise ${exercise.id} has no question '${questionId}'; its questions: ${exercise.questions.map((q) => q.id).join(', ')}`);
  const given = normaliseAnswer(question.input, value);
  const base = { questionId, given: given.value, ...(given.note ? { note: given.note } : {}), explanation: question.explanation };
  const ran = await runExerciseScenario(exercise.files, question.probe.scenario, question.probe.variant, 'full');
  if (!ran.run) {
    return { ...base, correct: false, expected: '', evidence: { text: 'the probe scenario did not run' }, diagnostics: ran.diagnostics };
  }
  const measured = measureSubject(question.probe.subject, ran.run.events);
  if ('missing' in measured) return { ...base, correct: false, expected: '', evidence: measured.evidence, diagnostics: ran.diagnostics };
  const expected = normaliseAnswer(question.input, measured.value).value;
  return { ...base, correct: !given.note && given.value === expected, expected, evidence: measured.evidence, diagnostics: ran.diagnostics };
}

/**
 * Runs the design's harness with `configText` in place of the solution and reports each requirement.
 * `file` names the config in diagnostics (default: your-config.yaml beside the exercise).
 */
export async function gradeDesign(exercise: Exercise, configText: string, opts: { file?: string } = {}): Promise<DesignGrade> {
  if (exercise.kind !== 'design') throw new Error(`exercise ${exercise.id} has no design part (it is a ${exercise.kind} exercise)`);
  const { design } = exercise;
  const file = opts.file ?? joinPath(dirnameOf(exercise.file), 'your-config.yaml');
  const ran = await runExerciseScenario(exercise.files, design.harness, 'base', 'full', { [design.solution]: configText });
  // The harness reads the config as the solution's path; the student should see their own file name.
  const diagnostics = ran.diagnostics.map((d) => (d.loc?.file === design.solution ? { ...d, loc: { ...d.loc, file } } : d));
  const run = ran.run;
  const requirements = design.requirements.map((r): RequirementGrade => {
    if (!run) {
      const evidence = { text: 'the config did not load, so nothing ran: fix the errors first' };
      return { id: r.id, text: r.text, met: false, evidence, checks: r.checks.map((c) => ({ met: false, expected: describeCheckMatcher(c.subject, c.matcher), evidence })) };
    }
    const checks = r.checks.map((c): CheckOutcome => {
      const measured = measureSubject(c.subject, run.events, run.expectations);
      return { met: judge(c.subject, c.matcher, measured, run.events), expected: describeCheckMatcher(c.subject, c.matcher), evidence: measured.evidence };
    });
    const failing = checks.find((c) => !c.met);
    return { id: r.id, text: r.text, met: !failing, evidence: failing ? failing.evidence : allEvidence(checks), checks };
  });
  return { requirements, diagnostics };
}

/** A met requirement shows all its evidence; the first request or count named stands for it. */
function allEvidence(checks: CheckOutcome[]): Evidence {
  const request = checks.find((c) => c.evidence.request !== undefined)?.evidence.request;
  const count = checks.find((c) => c.evidence.count !== undefined)?.evidence.count;
  return { ...(request !== undefined ? { request } : {}), ...(count !== undefined ? { count } : {}), text: checks.map((c) => c.evidence.text).join('; ') };
}
