/**
 * The committed standalone validator must be what the generator writes today: a schema or ajv-option
 * change without `npm run gen:schema` would otherwise validate scenarios against the old schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_VALIDATOR, generateScenarioValidator } from '../../scripts/schema-validator-codegen.ts';

describe('the generated scenario validator', () => {
  const fresh = generateScenarioValidator();

  it.each([
    ['js', GENERATED_VALIDATOR.js, fresh.js],
    ['d.ts', GENERATED_VALIDATOR.dts, fresh.dts],
  ])('%s matches a fresh generation', (_kind, path, text) => {
    expect(readFileSync(path, 'utf8') === text, `${path} is stale: run npm run gen:schema`).toBe(true);
  });

  it('points its schema constants into the imported JSON instead of inlining copies', () => {
    expect(fresh.js).toContain(`import scenarioSchema from './scenario.schema.json'`);
    expect(fresh.js).not.toMatch(/const schema\d+ = \{/);
    expect(fresh.js).not.toMatch(/\brequire\(/);
  });
});
