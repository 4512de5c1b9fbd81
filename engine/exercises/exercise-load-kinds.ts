/** The design and diagnose parts of an exercise, converted and checked against their scenarios. */
import type { JsonPath } from '../config/yaml-source.ts';
import { checkClient, checkVariant, type ExerciseContext } from './exercise-context.ts';
import { clientsOf, convertCheck } from './exercise-subject.ts';
import type { DesignSpec, DiagnosisChoice, DiagnosisQuestion, Requirement } from './exercise-types.ts';

/** Without improveBy, a fix must take at least a third off the judged metric to count as helping. */
const DEFAULT_IMPROVE_BY = 1 / 3;

type Raw = Record<string, unknown>;

export function convertDesign(ctx: ExerciseContext, raw: Raw): DesignSpec | undefined {
  const at = (...p: JsonPath): JsonPath => ['design', ...p];
  const starter = ctx.resolve(raw.starter as string);
  const solution = ctx.resolve(raw.solution as string);
  const harness = ctx.resolve(raw.harness as string);
  ctx.text(starter, at('starter'));
  if (ctx.text(solution, at('solution')) === undefined) return undefined;
  const scenario = ctx.scenario(harness, at('harness'));
  if (!scenario) return undefined;
  const configFiles = scenario.gateway.sources.map((s) => s.file);
  if (!configFiles.includes(solution)) {
    ctx.report('GL_E_SCHEMA', at('harness'), `the harness ${harness} does not run the solution ${solution}`, `set its gateway.files to [${raw.solution as string}]: grading reads the student's config in its place`);
  }
  const expectationNames = scenario.expect.map((e) => e.name);
  const requirements: Requirement[] = (raw.requirements as Raw[]).map((r, i) => {
    const checks = (r.checks as Raw[]).map((c, j) => {
      const p = at('requirements', i, 'checks', j);
      const check = convertCheck(c, ctx.map.locate(p));
      const key = Object.keys(c.subject as object)[0] as string;
      const named = (c.subject as Record<string, Record<string, unknown>>)[key]?.client;
      for (const [k, client] of clientsOf(check.subject).entries()) checkClient(ctx, scenario, client, [...p, 'subject', key, 'client', ...(Array.isArray(named) ? [k] : [])]);
      const judgesItself = check.subject.kind === 'canary-share' || check.subject.kind === 'expectation';
      if (judgesItself && !('builtIn' in check.matcher)) ctx.report('GL_E_EXPECT', p, `a ${check.subject.kind} check judges itself`, 'remove equals/between');
      if (!judgesItself && 'builtIn' in check.matcher) ctx.report('GL_E_EXPECT', p, 'this check has no matcher', 'add equals or between');
      if (check.subject.kind === 'expectation' && !expectationNames.includes(check.subject.name)) {
        ctx.report('GL_E_EXPECT', [...p, 'subject', 'expectation'], `the harness has no expectation named '${check.subject.name}'`, 'give the expectation this name in the harness, or fix the name');
      }
      return check;
    });
    return { id: r.id as string, text: r.text as string, checks, loc: ctx.map.locate(at('requirements', i)) };
  });
  const ids = requirements.map((r) => r.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) ctx.report('GL_E_SCHEMA', at('requirements', i, 'id'), `requirement id '${id}' is used twice`, 'give each requirement its own id');
  });
  const starterFails = (raw.starterFails as Raw[]).map((f, i) => {
    const id = f.id as string;
    if (!ids.includes(id)) ctx.report('GL_E_SCHEMA', at('starterFails', i, 'id'), `no requirement has id '${id}'`, `requirement ids: ${ids.join(', ')}`);
    return { id, reason: f.reason as string, loc: ctx.map.locate(at('starterFails', i)) };
  });
  return { starter, solution, format: raw.format as 'kong' | 'ir', harness, requirements, starterFails };
}

export function convertDiagnose(ctx: ExerciseContext, raw: Raw): { scenario: string; questions: DiagnosisQuestion[] } | undefined {
  const path = ctx.resolve(raw.scenario as string);
  const scenario = ctx.scenario(path, ['diagnose', 'scenario']);
  if (!scenario) return undefined;
  const questions = (raw.questions as Raw[]).map((q, i): DiagnosisQuestion => {
    const at = (...p: JsonPath): JsonPath => ['diagnose', 'questions', i, ...p];
    const metric = q.metric as DiagnosisQuestion['metric'];
    const choices = (q.choices as Raw[]).map((c, j): DiagnosisChoice => {
      const choice: DiagnosisChoice = { id: c.id as string, text: c.text as string };
      if (typeof c.variant === 'string') {
        choice.variant = c.variant;
        checkVariant(ctx, scenario, c.variant, at('choices', j, 'variant'));
      }
      if (typeof c.measure === 'string') choice.measure = c.measure as DiagnosisChoice['measure'] & string;
      if (metric === 'largest-share' && !choice.measure) ctx.report('GL_E_SCHEMA', at('choices', j), `choice '${choice.id}' names no measure`, 'a place is judged by the part of request_time spent there: add measure');
      if (metric !== 'largest-share' && !choice.variant) ctx.report('GL_E_SCHEMA', at('choices', j), `choice '${choice.id}' names no variant`, 'a fix is judged by running it: add the variant that applies it');
      return choice;
    });
    const answer = q.answer as string;
    if (!choices.some((c) => c.id === answer)) ctx.report('GL_E_SCHEMA', at('answer'), `the answer '${answer}' is not one of the choices`, `choose one of: ${choices.map((c) => c.id).join(', ')}`);
    return {
      id: q.id as string,
      prompt: q.prompt as string,
      choices,
      answer,
      metric,
      improveBy: typeof q.improveBy === 'number' ? q.improveBy : DEFAULT_IMPROVE_BY,
      explanation: q.explanation as string,
      loc: ctx.map.locate(at()),
    };
  });
  return { scenario: path, questions };
}
