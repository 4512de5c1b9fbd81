/**
 * Turns ajv's errors into diagnostics an author can act on: each at the line and column of the
 * offending key or value, in the words of the format (durations, rates, "did you mean"), with the
 * noise of oneOf branches and knock-on errors folded away.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic, ErrorCode } from '../core/errors.ts';
import type { SourceMap } from '../config/yaml-source.ts';
import { nearest } from './edit-distance.ts';
import { schemaPointerOf, validateAgainstSchema } from './schema.ts';
import {
  choiceFor,
  describeValue,
  expectedTypes,
  firstSentence,
  kebab,
  KIND_TEXT,
  quote,
  typeHint,
  valueKind,
} from './schema-messages.ts';

export function schemaDiagnostics(value: unknown, map: SourceMap): Diagnostic[] {
  return explainSchemaErrors(validateAgainstSchema(value), map);
}

type Path = string[];

function segments(instancePath: string): Path {
  if (instancePath === '') return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function fieldName(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) if (!/^\d+$/.test(path[i] as string)) return path[i] as string;
  return 'the scenario';
}

function propertiesOf(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function isUnder(e: ErrorObject, parent: ErrorObject): boolean {
  const ip = parent.instancePath;
  return (
    (e.instancePath === ip || e.instancePath.startsWith(`${ip}/`)) && e.schemaPath.startsWith(`${parent.schemaPath}/`)
  );
}

/** A oneOf whose branches only say "this key is present": the shape of every choice in our schema. */
function isKeyChoice(e: ErrorObject): boolean {
  return (
    Array.isArray(e.schema) &&
    e.schema.every((b) => typeof b === 'object' && b !== null && Object.keys(b).join() === 'required')
  );
}

function choiceKeys(e: ErrorObject): string[] {
  if (e.keyword === 'oneOf') return (e.schema as Array<{ required: string[] }>).flatMap((b) => b.required);
  return propertiesOf(e.parentSchema);
}

/** Drops errors that only restate another one, and picks one branch of any non-choice oneOf/anyOf. */
function prune(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const typeAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const e of errors) {
    // Once the type is wrong, every other complaint about the same value is a consequence of it.
    if (e.keyword !== 'type' && typeAt.has(e.instancePath)) drop.add(e);
    if (e.keyword === 'if' || e.keyword === 'propertyNames') drop.add(e);
  }
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') continue;
    const children = errors.filter((c) => c !== e && isUnder(c, e));
    if (isKeyChoice(e)) {
      for (const c of children) drop.add(c);
      continue;
    }
    // A union of shapes: keep the branch that came closest (fewest errors) and explain only that.
    const byBranch = new Map<string, ErrorObject[]>();
    for (const c of children) {
      const branch = c.schemaPath.slice(e.schemaPath.length + 1).split('/')[0] as string;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), c]);
    }
    const best = [...byBranch.values()].sort((a, b) => a.length - b.length)[0];
    for (const c of children) if (!best?.includes(c)) drop.add(c);
    if (best && best.length > 0) drop.add(e);
  }
  return errors.filter((e) => !drop.has(e));
}

/** The error with its schema path made absolute within the schema file (see schemaPointerOf). */
function absolute(e: ErrorObject): ErrorObject {
  const at = schemaPointerOf(e.parentSchema);
  return at === undefined ? e : { ...e, schemaPath: `${at}/${e.keyword}` };
}

export function explainSchemaErrors(errors: ErrorObject[], map: SourceMap): Diagnostic[] {
  const kept = prune(errors.map(absolute));
  // Typos explain missing keys: `clinets` unknown + `clients` missing is one mistake, reported once.
  const typoFixes = new Map<string, Set<string>>();
  for (const e of kept) {
    if (e.keyword !== 'additionalProperties') continue;
    const guess = nearest(String(e.params.additionalProperty), propertiesOf(e.parentSchema));
    if (guess) typoFixes.set(e.instancePath, (typoFixes.get(e.instancePath) ?? new Set()).add(guess));
  }
  const out: Diagnostic[] = [];
  for (const e of kept) {
    const fixes = typoFixes.get(e.instancePath);
    if (e.keyword === 'required' && fixes?.has(String(e.params.missingProperty))) continue;
    if (isChoiceError(e) && fixes && choiceKeys(e).some((k) => fixes.has(k))) continue;
    const d = explain(e, map);
    if (d) out.push(d);
  }
  return out;
}

function isChoiceError(e: ErrorObject): boolean {
  if (e.keyword === 'oneOf') return isKeyChoice(e);
  return (e.keyword === 'minProperties' || e.keyword === 'maxProperties') && choiceFor(e.schemaPath) !== undefined;
}

function diag(code: ErrorCode, message: string, hint: string | undefined, map: SourceMap, path: Path, key = false): Diagnostic {
  return { severity: 'error', code, message, ...(hint ? { hint } : {}), loc: map.locate(path, { key }) };
}

function explain(e: ErrorObject, map: SourceMap): Diagnostic | undefined {
  const path = segments(e.instancePath);
  const field = fieldName(path);
  const kind = valueKind(e);
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  if (isChoiceError(e)) return explainChoice(e, map, path);
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const known = propertiesOf(e.parentSchema);
      const guess = nearest(name, known);
      const hint = guess ? `did you mean '${guess}'?` : `fields allowed here: ${known.join(', ')}`;
      return diag('GL_E_UNKNOWN_FIELD', `unknown field '${name}'`, hint, map, [...path, name], true);
    }
    case 'required': {
      const missing = String(e.params.missingProperty);
      const props = (e.parentSchema as { properties?: Record<string, { description?: string }> }).properties;
      const what = firstSentence(props?.[missing]?.description);
      const where = path.length === 0 ? '' : ` in ${field}`;
      // A variant's `null` that deleted the field is the better place to point, when there is one.
      const deleted = map.has([...path, missing]);
      const hint = deleted ? `this patch deletes ${missing}, which is required` : `add ${missing}${what ? `: ${what}` : ''}`;
      return diag('GL_E_SCHEMA', `missing required field '${missing}'${where}`, hint, map, deleted ? [...path, missing] : path, deleted);
    }
    case 'type': {
      const expected =
        e.schemaPath === '#/definitions/latency/type'
          ? 'a duration, or a mapping with one of uniform, normal, lognormal'
          : kind === 'other' || kind === 'kebab' || kind === 'url'
            ? expectedTypes(e.params.type)
            : KIND_TEXT[kind].noun;
      const hint = kind === 'other' ? typeHint(expected, e.data, description, field) : KIND_TEXT[kind as 'rate'].hint;
      return diag('GL_E_TYPE', `expected ${expected}, got ${describeValue(e.data)}`, hint, map, path);
    }
    case 'pattern': {
      if (e.propertyName !== undefined) {
        const name = e.propertyName;
        const fix = kebab(name);
        return diag('GL_E_VARIANT', `variant name '${name}' is not kebab-case`, fix ? `rename it to '${fix}'` : KIND_TEXT.kebab.hint, map, [...path, name], true);
      }
      if (kind === 'other') return diag('GL_E_SCHEMA', `${quote(e.data)} does not have the form ${field} needs`, firstSentence(description), map, path);
      const text = KIND_TEXT[kind];
      if (kind === 'kebab') {
        const fix = kebab(String(e.data));
        return diag(text.code, `${quote(e.data)} is not kebab-case`, fix ? `write it as '${fix}'` : text.hint, map, path);
      }
      if (kind === 'instant') return explainInstant(e.data, map, path);
      return diag(text.code, `${quote(e.data)} is not ${text.noun}`, text.hint, map, path);
    }
    case 'minimum':
    case 'maximum':
      return explainBound(e, map, path, field, kind, description);
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? nearest(e.data, allowed) : undefined;
      const hint = guess ? `did you mean '${guess}'?` : `use one of: ${allowed.join(', ')}`;
      return diag('GL_E_SCHEMA', `${quote(e.data)} is not a valid ${field}; expected one of ${allowed.join(', ')}`, hint, map, path);
    }
    case 'dependencies': {
      const has = String(e.params.property);
      const needs = String(e.params.missingProperty);
      const hint =
        has === 'approx'
          ? 'add tolerance: an absolute number such as 5, or a percentage such as "5%"'
          : `${has} only means something beside ${needs}; add ${needs}, or remove ${has}`;
      return diag('GL_E_EXPECT', `${has} needs ${needs} beside it`, hint, map, [...path, has], true);
    }
    case 'minItems':
    case 'maxItems': {
      const n = Number(e.params.limit);
      const exact = (e.parentSchema as { minItems?: number; maxItems?: number }).minItems === (e.parentSchema as { maxItems?: number }).maxItems;
      const got = Array.isArray(e.data) ? e.data.length : 0;
      const need = exact ? `exactly ${n}` : e.keyword === 'minItems' ? `at least ${n}` : `at most ${n}`;
      return diag('GL_E_SCHEMA', `${field} needs ${need} item${n === 1 ? '' : 's'}, got ${got}`, firstSentence(description), map, path);
    }
    case 'minLength':
      return diag('GL_E_SCHEMA', `${field} must not be empty`, firstSentence(description), map, path);
    case 'oneOf':
    case 'anyOf':
      return diag('GL_E_SCHEMA', `${field} fits more than one of its allowed forms`, firstSentence(description), map, path);
    default:
      return diag('GL_E_SCHEMA', `${field} ${e.message ?? 'is not valid'}`, firstSentence(description), map, path);
  }
}

function explainBound(
  e: ErrorObject,
  map: SourceMap,
  path: Path,
  field: string,
  kind: ReturnType<typeof valueKind>,
  description: string | undefined,
): Diagnostic {
  const n = e.data as number;
  if (kind === 'duration' || kind === 'instant') {
    // The schema admits only the number 0 here; any other bare number is a duration without its unit.
    const text = KIND_TEXT[kind];
    return diag(text.code, `${n} has no unit, so it is not ${text.noun}`, `add a unit, such as ${Math.abs(n)}s or ${Math.abs(n)}ms (Go-style durations: 59s, 1m1s, 250ms)`, map, path);
  }
  if (kind === 'rate' || kind === 'tolerance') {
    return diag(KIND_TEXT[kind].code, `${field} cannot be negative, got ${n}`, KIND_TEXT[kind].hint, map, path);
  }
  const limit = Number(e.params.limit);
  const bound = e.keyword === 'minimum' ? `at least ${limit}` : `at most ${limit}`;
  return diag('GL_E_SCHEMA', `${field} must be ${bound}, got ${n}`, firstSentence(description), map, path);
}

/**
 * An instant is either kind of text; answer for the kind the author was evidently writing, so `5 sec`
 * gets the duration advice and `2026-01-01 12:00` the timestamp advice.
 */
function explainInstant(data: unknown, map: SourceMap, path: Path): Diagnostic {
  if (typeof data === 'string' && /^\d{4}-/.test(data)) {
    return diag('GL_E_INSTANT', `${quote(data)} is not an ISO-8601 UTC instant`, KIND_TEXT.isoInstant.hint, map, path);
  }
  return diag(
    'GL_E_DURATION',
    `${quote(data)} is not a duration (an offset from start)`,
    `${KIND_TEXT.duration.hint}, or a UTC time such as 2026-01-01T12:01:30Z`,
    map,
    path,
  );
}

function explainChoice(e: ErrorObject, map: SourceMap, path: Path): Diagnostic {
  const choice = choiceFor(e.schemaPath);
  const keys = choiceKeys(e);
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const present = keys.filter((k) => Object.prototype.hasOwnProperty.call(data, k));
  const noun = choice?.noun ?? `${fieldName(path)}`;
  const what = choice?.what ? ` ${choice.what}` : '';
  const code = choice?.code ?? 'GL_E_SCHEMA';
  if (present.length === 0) {
    const list = keys.join(', ');
    return diag(code, `${noun} needs exactly one${what ? `${what}:` : ' of'} ${list}`, `add one of: ${list}`, map, path);
  }
  const second = present[1] as string;
  return diag(
    code,
    `${noun} has ${present.join(' and ')}, but needs exactly one${what}`,
    choice?.manyHint ?? `keep one of ${present.join(', ')}`,
    map,
    [...path, second],
    true,
  );
}
