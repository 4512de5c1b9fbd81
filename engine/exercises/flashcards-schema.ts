/**
 * The flashcard deck's JSON Schema and its validator. A card's `shows` entries are expectations of the
 * scenario format, so the deck schema refers into the scenario schema instead of restating it, and
 * the scenario loader's error wording (durations, instants, "did you mean") explains both.
 */
import type { ValidateFunction } from 'ajv';
import type { Diagnostic } from '../core/errors.ts';
import type { SourceMap } from '../config/yaml-source.ts';
import { SCENARIO_SCHEMA } from '../scenario/schema.ts';
import { schemaAjv } from '../scenario/schema-ajv.ts';
import { explainSchemaErrors } from '../scenario/schema-errors.ts';
import deckSchemaJson from './flashcards.schema.json' with { type: 'json' };

export const FLASHCARD_SCHEMA: Readonly<Record<string, unknown>> = deckSchemaJson;

/** The key under which the deck schema's relative `$ref`s find the scenario schema. */
const SCENARIO_SCHEMA_REF = '../scenario/scenario.schema.json';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // The scenario validator's options (every error at once, with the data and subschema the shared
    // error explainer reads), except strictTypes: the `shows` entries reuse the expectation's "exactly
    // one subject, one matcher" branches by $ref, and a referenced branch is compiled on its own,
    // away from the `type: object` beside it, which strictTypes would take for a missing type.
    const ajv = schemaAjv({ strictTypes: false });
    // The very object the scenario loader uses, so the explainer recognises its definitions.
    ajv.addSchema(SCENARIO_SCHEMA, SCENARIO_SCHEMA_REF);
    compiled = ajv.compile(deckSchemaJson);
  }
  return compiled;
}

export function deckSchemaDiagnostics(value: unknown, map: SourceMap): Diagnostic[] {
  let validate: ValidateFunction;
  try {
    validate = validator();
  } catch (e) {
    // The deck schema refers into the scenario schema; if the two drift apart, say so instead of crashing.
    const why = e instanceof Error ? e.message : String(e);
    return [{ severity: 'error', code: 'GL_E_SCHEMA', message: `the flashcard schema does not compile (a gatelab bug, please report it): ${why}`, loc: map.locate([]) }];
  }
  if (validate(value)) return [];
  return explainSchemaErrors([...(validate.errors ?? [])], map);
}
