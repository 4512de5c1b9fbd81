/**
 * The scenario JSON Schema and its compiled validator. The schema file is the single source: editors
 * autocomplete from it (yaml-language-server) and the loader validates with it, so they cannot disagree.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import schemaJson from './scenario.schema.json' with { type: 'json' };

export const SCENARIO_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

/**
 * The validator every gatelab file format uses (scenarios, flashcard decks, exercises), so the shared
 * error explainer (schema-errors.ts) always gets errors of the same shape. `overrides` relaxes a
 * strictness option where a format needs it, with the reason at the call site.
 */
export function schemaAjv(overrides: Partial<Options> = {}): Ajv {
  return new Ajv({
    // Every error, not the first: an author fixing a file wants the whole list at once.
    allErrors: true,
    // parentSchema and data on each error let the messages name known keys and quote the bad value.
    verbose: true,
    allowUnionTypes: true,
    strictSchema: true,
    strictTypes: true,
    strictTuples: true,
    // `required` inside oneOf branches names keys declared beside it, which strictRequired cannot see.
    strictRequired: false,
    ...overrides,
  });
}

let compiled: ValidateFunction | undefined;

/** Compiled on first use and kept: compiling costs far more than validating. */
function validator(): ValidateFunction {
  if (!compiled) {
    compiled = schemaAjv().compile(schemaJson);
  }
  return compiled;
}

/** Raw ajv errors for a parsed scenario value (empty when it fits). */
export function validateAgainstSchema(value: unknown): ErrorObject[] {
  const validate = validator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

let pointers: WeakMap<object, string> | undefined;

/**
 * Where a subschema object sits in the schema file ("#/definitions/latency"). ajv reports schema paths
 * relative to each compiled $ref target ("#/oneOf"), which cannot tell a traffic item from a gateway;
 * with `verbose` it hands back the subschema object itself, and this finds it.
 */
export function schemaPointerOf(subschema: unknown): string | undefined {
  if (!pointers) {
    const map = new WeakMap<object, string>();
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (!map.has(node)) map.set(node, at);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    };
    walk(schemaJson, '#');
    pointers = map;
  }
  return typeof subschema === 'object' && subschema !== null ? pointers.get(subschema) : undefined;
}
