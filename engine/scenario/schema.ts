/**
 * The scenario JSON Schema and its validator, generated from it (scripts/gen-schema-validator.ts). The
 * schema file is the single source: editors autocomplete from it (yaml-language-server) and the loader
 * validates with it, so they cannot disagree.
 */
import type { ErrorObject } from 'ajv';
import schemaJson from './scenario.schema.json' with { type: 'json' };
// Generated at build time (npm run gen:schema): loading a scenario compiles nothing, which saved
// ~0.5 s per CLI process and 1–1.5 s per lab worker. Its errors carry subschemas of schemaJson itself.
import { validate } from './schema-validator.generated.js';

// schemaAjv (the flashcard and exercise schemas still compile theirs) lives in schema-ajv.ts and is
// imported from there: re-exported here, it pulled ajv's compiler into every bundle that loads scenarios.

export const SCENARIO_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

/** Raw ajv errors for a parsed scenario value (empty when it fits). */
export function validateAgainstSchema(value: unknown): ErrorObject[] {
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
