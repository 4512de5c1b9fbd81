/**
 * The scenario JSON Schema and its compiled validator. The schema file is the single source: editors
 * autocomplete from it (yaml-language-server) and the loader validates with it, so they cannot disagree.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from './scenario.schema.json' with { type: 'json' };

export const SCENARIO_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

let compiled: ValidateFunction | undefined;

/** Compiled on first use and kept: compiling costs far more than validating. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({
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
    });
    compiled = ajv.compile(schemaJson);
  }
  return compiled;
}

/** Raw ajv errors for a parsed scenario value (empty when it fits). */
export function validateAgainstSchema(value: unknown): ErrorObject[] {
  const validate = validator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}
