/**
 * The generated scenario validator (engine/scenario/schema-validator.generated.js, ajv standalone
 * code) against ajv compiling the same schema with the same options at run time, on mutated real
 * scenarios: the same errors in the same order — paths, keyword, params, message, data — with the very
 * same subschema objects (so schemaPointerOf finds the same pointer), and so the same diagnostics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { SCENARIO_SCHEMA, schemaPointerOf, validateAgainstSchema } from '../../engine/scenario/schema.ts';
import { schemaAjv } from '../../engine/scenario/schema-ajv.ts';
import { explainSchemaErrors } from '../../engine/scenario/schema-errors.ts';
import { fuzzSeed, HOSTILE_KEYS, mutated, runs } from './fuzz-kit.ts';

const seed = fuzzSeed('schema validator equivalence', 0x5a7e1d);

/** scenarios/<topic>/*.yaml are scenarios; the folders below them hold gateway configs. */
function scenarioFiles(): string[] {
  return readdirSync('scenarios', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join('scenarios', d.name)).filter((f) => f.endsWith('.yaml')).map((f) => join('scenarios', d.name, f)));
}

const TEXTS = scenarioFiles()
  .sort()
  .map((f) => readFileSync(f, 'utf8'));
const VALUES = TEXTS.map((t) => parseYaml(t, 'fixture.yaml').docs[0]?.value).filter((v) => typeof v === 'object' && v !== null);

// The reference: ajv compiling the very schema object the generated code points into.
const compiled = schemaAjv().compile(SCENARIO_SCHEMA);

function compiledErrors(value: unknown): ErrorObject[] {
  return compiled(value) ? [] : [...(compiled.errors ?? [])];
}

/** What the explainer reads of an error, with the subschemas as their pointers. */
function shape(e: ErrorObject): Record<string, unknown> {
  return {
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    keyword: e.keyword,
    params: e.params,
    message: e.message,
    propertyName: e.propertyName,
    data: e.data,
    pointer: schemaPointerOf(e.parentSchema),
    schemaPointer: schemaPointerOf(e.schema),
  };
}

/** How many cases had errors: a property that only ever saw valid scenarios would prove nothing. */
let casesWithErrors = 0;

function expectSameErrors(text: string): void {
  const doc = parseYaml(text, 'mutated.yaml').docs[0];
  if (!doc) return;
  const fromGenerated = validateAgainstSchema(doc.value);
  const fromCompiled = compiledErrors(doc.value);
  if (fromCompiled.length > 0) casesWithErrors++;
  expect(fromGenerated.map(shape)).toEqual(fromCompiled.map(shape));
  fromGenerated.forEach((e, i) => {
    // The same objects, not equal copies: the explainer's lookups go by identity.
    expect(e.parentSchema).toBe(fromCompiled[i]?.parentSchema);
    expect(e.schema).toBe(fromCompiled[i]?.schema);
  });
  expect(explainSchemaErrors(fromGenerated, doc.map)).toEqual(explainSchemaErrors(fromCompiled, doc.map));
}

/** Every key path in a parsed scenario, so an edit can land anywhere in it. */
function pathsOf(node: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof node !== 'object' || node === null) return [at];
  const children = Object.entries(node).flatMap(([k, v]) => pathsOf(v, [...at, Array.isArray(node) ? Number(k) : k]));
  return [at, ...children];
}

type Edit = { op: 'set'; at: number; value: unknown } | { op: 'delete'; at: number } | { op: 'rename'; at: number; key: string };

// Values each of the explainer's branches words differently: durations, instants, rates, kebab names.
const SCALARS = [
  '1m', '0', '-3s', '5 sec', '2026-01-01 12:00', '2026-01-01T12:00:00Z', '10/s', '-1/s', '5%', 'kong', 'ir',
  'Not-Kebab', 'http://a.test/x', 'ftp://x', '', '\ud800', 'x\u{1F600}',
];
const KEYS = ['name', 'rate', 'at', 'uniform', 'burst', 'equals', 'latency', 'kong', 'approx', 'tolerance'];
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.constantFrom(...SCALARS),
      fc.integer({ min: -5, max: 100_000 }),
      fc.constantFrom(0.5, -0.25, null, true, false),
      fc.string({ maxLength: 4 }),
    ),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS, ...HOSTILE_KEYS), tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: fc.constantFrom('clinets', 'rates', 'latncy', 'x', ...HOSTILE_KEYS) }),
);

function applyEdits(original: unknown, edits: readonly Edit[]): unknown {
  const root = structuredClone(original) as Record<string, unknown>;
  for (const e of edits) {
    const paths = pathsOf(root).filter((p) => p.length > 0);
    const path = paths[e.at % Math.max(1, paths.length)];
    if (!path) continue;
    const parent = path.slice(0, -1).reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    if (e.op === 'set') parent[key] = e.value;
    else if (e.op === 'delete') delete parent[key];
    else if (!Array.isArray(parent)) {
      Object.defineProperty(parent, e.key, { value: parent[key], enumerable: true, writable: true, configurable: true });
      delete parent[key];
    }
  }
  return root;
}

describe('the generated scenario validator equals a freshly compiled ajv', () => {
  it('the real scenarios: no errors from either', () => {
    expect(VALUES.length).toBeGreaterThan(20);
    for (const v of VALUES) {
      expect(validateAgainstSchema(v)).toEqual([]);
      expect(compiledErrors(v)).toEqual([]);
    }
  });

  it('structured edits of real scenarios (values replaced, keys deleted or misspelt)', () => {
    casesWithErrors = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 5 }), (pick, edits) => {
        expectSameErrors(stringify(applyEdits(VALUES[pick % VALUES.length], edits)));
      }),
      { seed, numRuns: runs(300) },
    );
    expect(casesWithErrors).toBeGreaterThan(runs(300) / 2);
  });

  it('text mutations of real scenario files', () => {
    casesWithErrors = 0;
    fc.assert(
      fc.property(mutated(TEXTS), (text) => expectSameErrors(text)),
      { seed, numRuns: runs(150) },
    );
    expect(casesWithErrors).toBeGreaterThan(runs(150) / 10);
  });
});
