/**
 * Golden tests for the ingress-nginx adapter: each golden/*.txt holds Kubernetes YAML (and further
 * files), the expected IR and the diagnostics (format in golden-kit.ts). UPDATE_GOLDEN=1 rewrites the
 * expected parts after an intended change; read the diff.
 */
import { join } from 'node:path';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptIngressNginx } from './adapt.ts';
import { goldenSuite, type Golden } from '../../../test/support/golden.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LESSON_SNIPPETS } from '../../../test/support/lesson.ts';

const DIR = join(import.meta.dirname, 'golden');
function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const result = adaptIngressNginx(parsed.flatMap((p) => p.docs));
  return {
    ir: JSON.stringify(result.ir ?? null, null, 2),
    diagnostics: [...parsed.flatMap((p) => p.diagnostics), ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

goldenSuite('ingress-nginx adapter goldens', DIR, run, { minFiles: 6 });

const SNIPPETS = LESSON_SNIPPETS;
// Scenario configs named after a snippet (scenarios/routing/configs/ingress-NN-*.yaml) are verbatim copies too.
const CONFIGS = join(import.meta.dirname, '../../../scenarios/routing/configs');
const copies = existsSync(CONFIGS) ? readdirSync(CONFIGS).filter((f) => /^ingress-\d\d-/.test(f)) : [];
describe.skipIf(!existsSync(SNIPPETS) || copies.length === 0)('scenario copies of the lesson snippets are verbatim', () => {
  for (const file of copies) {
    const snippet = file.replace(/^ingress-/, '');
    it.skipIf(!existsSync(join(SNIPPETS, snippet)))(`${file} equals ${snippet}`, () => {
      expect(readFileSync(join(CONFIGS, file), 'utf8')).toBe(readFileSync(join(SNIPPETS, snippet), 'utf8'));
    });
  }
});
