/**
 * Golden tests for the ingress-nginx adapter: each golden/*.txt holds Kubernetes YAML (and further
 * files), the expected IR and the diagnostics (format in golden-kit.ts). UPDATE_GOLDEN=1 rewrites the
 * expected parts after an intended change; read the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptIngressNginx } from './adapt.ts';
import { type Golden, parseGolden, rewriteGolden } from './golden-kit.ts';
import { LESSON_SNIPPETS } from '../../../test/support/lesson.ts';

const DIR = join(import.meta.dirname, 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const result = adaptIngressNginx(parsed.flatMap((p) => p.docs));
  return {
    ir: JSON.stringify(result.ir ?? null, null, 2),
    diagnostics: [...parsed.flatMap((p) => p.diagnostics), ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

describe('ingress-nginx adapter goldens', () => {
  it('has golden files', () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    const name = file.replace(/\.txt$/, '');
    it(`golden ${name}`, () => {
      const path = join(DIR, file);
      const text = readFileSync(path, 'utf8');
      const golden = parseGolden(name, text);
      const actual = run(golden);
      if (UPDATE) {
        writeFileSync(path, rewriteGolden(text, actual));
        return;
      }
      expect(actual.ir).toBe(golden.ir);
      expect(actual.diagnostics).toBe(golden.diagnostics);
    });
  }
});

// The lesson's snippets are fixtures used verbatim; a golden named after a snippet must hold it unchanged.
const SNIPPETS = LESSON_SNIPPETS;
describe.skipIf(!existsSync(SNIPPETS))('golden inputs equal the lesson snippets (skipped where the shared lesson folder is absent)', () => {
  for (const file of files.filter((f) => /^\d\d-/.test(f))) {
    const name = file.replace(/\.txt$/, '');
    it(`${name} holds its snippet verbatim`, () => {
      const first = parseGolden(name, readFileSync(join(DIR, file), 'utf8')).inputs[0];
      expect(first?.text).toBe(readFileSync(join(SNIPPETS, first?.file ?? ''), 'utf8'));
    });
  }
});

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
