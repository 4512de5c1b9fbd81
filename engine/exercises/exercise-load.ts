/**
 * Loading an exercise: YAML with source positions → the exercise JSON Schema → cross-checks against
 * the scenarios it runs (variants, clients, harness expectations). Bad input never throws; every
 * problem comes back as a diagnostic at file:line:column. Files are read through the injected reader
 * and captured, so grading needs nothing but the returned exercise.
 */
import { hasErrors, type Diagnostic } from '../core/errors.ts';
import { parseYaml, type JsonPath } from '../config/yaml-source.ts';
import type { ReadFile } from '../scenario/load.ts';
import { checkClient, checkVariant, exerciseContext, type ExerciseContext } from './exercise-context.ts';
import { exerciseSchemaDiagnostics } from './exercise-schema.ts';
import { clientsOf, convertSubject } from './exercise-subject.ts';
import { convertDesign, convertDiagnose } from './exercise-load-kinds.ts';
import type { Exercise, Question } from './exercise-types.ts';

export interface ExerciseLoadResult {
  /** Present exactly when there are no errors. */
  exercise?: Exercise;
  diagnostics: Diagnostic[];
}

export function loadExercise(text: string, file: string, readFile: ReadFile): ExerciseLoadResult {
  const parsed = parseYaml(text, file);
  if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  const doc = parsed.docs[0];
  if (parsed.docs.length !== 1 || !doc || doc.value == null) {
    const message = parsed.docs.length > 1 ? `an exercise file holds one YAML document, found ${parsed.docs.length}` : 'the exercise file is empty';
    return { diagnostics: [{ severity: 'error', code: 'GL_E_SCHEMA', message, hint: 'write id, title, prompt and one of questions, design, diagnose', loc: { file, line: 1, col: 1 } }] };
  }
  const schema = exerciseSchemaDiagnostics(doc.value, doc.map);
  if (schema.length > 0) return { diagnostics: schema };
  const ctx = exerciseContext(file, doc.map, readFile);
  const raw = doc.value as Record<string, unknown>;
  const common = {
    id: raw.id as string,
    title: raw.title as string,
    prompt: raw.prompt as string,
    file,
    files: ctx.files,
  };
  if (typeof raw.config === 'string') {
    const config = ctx.resolve(raw.config);
    if (ctx.text(config, ['config']) !== undefined) Object.assign(common, { config });
  }
  let exercise: Exercise | undefined;
  if (Array.isArray(raw.questions)) {
    exercise = { ...common, kind: 'questions', questions: raw.questions.map((q, i) => convertQuestion(ctx, q as Record<string, unknown>, ['questions', i])) };
  } else if (raw.design) {
    const design = convertDesign(ctx, raw.design as Record<string, unknown>);
    if (design) exercise = { ...common, kind: 'design', design };
  } else {
    const diagnose = convertDiagnose(ctx, raw.diagnose as Record<string, unknown>);
    if (diagnose) exercise = { ...common, kind: 'diagnose', diagnose };
  }
  const diagnostics = [...parsed.diagnostics, ...ctx.diagnostics];
  return hasErrors(diagnostics) || !exercise ? { diagnostics } : { exercise, diagnostics };
}

function convertQuestion(ctx: ExerciseContext, raw: Record<string, unknown>, path: JsonPath): Question {
  const probe = raw.probe as { scenario: string; variant?: string; subject: unknown };
  const input = raw.input as Question['input'];
  const scenarioPath = ctx.resolve(probe.scenario);
  const variant = probe.variant ?? 'base';
  const subject = convertSubject(probe.subject);
  const scenario = ctx.scenario(scenarioPath, [...path, 'probe', 'scenario']);
  if (scenario) {
    checkVariant(ctx, scenario, variant, [...path, 'probe', 'variant']);
    const key = Object.keys(probe.subject as object)[0] as string;
    const named = (probe.subject as Record<string, Record<string, unknown>>)[key]?.client;
    for (const [k, client] of clientsOf(subject).entries()) checkClient(ctx, scenario, client, [...path, 'probe', 'subject', key, 'client', ...(Array.isArray(named) ? [k] : [])]);
  }
  if (subject.kind === 'canary-share' || subject.kind === 'expectation') {
    ctx.report('GL_E_SCHEMA', [...path, 'probe', 'subject'], `a question reads one value; '${subject.kind}' is a design check`, 'use upstream, status, outcome, admitted, refused or headerReachedClient');
  }
  const answer = raw.answer as string | number;
  if (input.type === 'choice' && !(input.choices ?? []).includes(String(answer))) {
    const hint = input.choices ? `choose one of: ${input.choices.join(', ')}` : 'list the choices under input.choices';
    ctx.report('GL_E_SCHEMA', [...path, input.choices ? 'answer' : 'input'], `the answer '${String(answer)}' is not one of the question's choices`, hint);
  }
  if (input.type === 'number' && typeof answer !== 'number') ctx.report('GL_E_TYPE', [...path, 'answer'], `a number question needs a number answer, got '${String(answer)}'`, 'write the number without quotes or units');
  return {
    id: raw.id as string,
    prompt: raw.prompt as string,
    input,
    probe: { scenario: scenarioPath, variant, subject },
    answer,
    explanation: raw.explanation as string,
    loc: ctx.map.locate(path),
  };
}

