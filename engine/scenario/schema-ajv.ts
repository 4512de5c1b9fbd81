/**
 * The ajv settings every gatelab file format is validated with. Kept apart from schema.ts so the
 * build-time generator (scripts/gen-schema-validator.ts) can compile with them without importing the
 * validator it is about to write.
 */
import { Ajv, type Options } from 'ajv';

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
