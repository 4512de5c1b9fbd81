/**
 * `npm run gen:schema`: writes engine/scenario/schema-validator.generated.{js,d.ts} from the scenario
 * schema (see schema-validator-codegen.ts). `--check` writes nothing and fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_VALIDATOR, generateScenarioValidator } from './schema-validator-codegen.ts';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const generated = generateScenarioValidator();
const files = [
  { path: GENERATED_VALIDATOR.js, text: generated.js },
  { path: GENERATED_VALIDATOR.dts, text: generated.dts },
];
const stale = files.filter((f) => readOrEmpty(f.path) !== f.text);

if (process.argv.includes('--check')) {
  for (const f of stale) console.error(`${f.path} is stale: run npm run gen:schema`);
  process.exitCode = stale.length === 0 ? 0 : 1;
} else {
  for (const f of stale) writeFileSync(f.path, f.text);
  console.log(stale.length === 0 ? 'schema validator up to date' : `wrote ${stale.map((f) => f.path).join(', ')}`);
}
