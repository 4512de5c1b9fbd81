/**
 * The exercise JSON Schema and its compiled validator. Like the scenario schema it is the single
 * source: editors autocomplete exercise.yaml from it and the loader validates with it.
 */
import type { ValidateFunction } from 'ajv';
import type { Diagnostic } from '../core/errors.ts';
import type { SourceMap } from '../config/yaml-source.ts';
import { explainSchemaErrors } from '../scenario/schema-errors.ts';
import { schemaAjv } from '../scenario/schema-ajv.ts';
import schemaJson from './exercise.schema.json' with { type: 'json' };

export const EXERCISE_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // The same settings as the scenario validator, so both explain their errors the same way.
    compiled = schemaAjv().compile(schemaJson);
  }
  return compiled;
}

/** Schema problems of a parsed exercise, each at its line and column (empty when it fits). */
export function exerciseSchemaDiagnostics(value: unknown, map: SourceMap): Diagnostic[] {
  const validate = validator();
  if (validate(value)) return [];
  return explainSchemaErrors([...(validate.errors ?? [])], map);
}
