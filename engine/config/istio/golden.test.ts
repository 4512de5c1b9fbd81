/**
 * Golden tests for the Istio DestinationRule reader: YAML in, the TrafficPolicyIR list (null when a
 * rule fails Istio's validation) and the diagnostics out. Format: ../ingress-nginx/golden-kit.ts.
 * UPDATE_GOLDEN=1 rewrites the expected parts.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { type Golden, parseGolden, rewriteGolden } from '../ingress-nginx/golden-kit.ts';
import { adaptIstio } from './index.ts';
import { LESSON_SNIPPETS } from '../../../test/support/lesson.ts';

const DIR = join(import.meta.dirname, 'golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const result = adaptIstio(parsed.flatMap((p) => p.docs));
  const diagnostics = [...parsed.flatMap((p) => p.diagnostics), ...result.diagnostics];
  return {
    ir: JSON.stringify(hasErrors(diagnostics) ? null : { trafficPolicies: result.policies }, null, 2),
    diagnostics: diagnostics.map(formatDiagnostic).join('\n'),
  };
}

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

describe('Istio DestinationRule goldens', () => {
  it('has golden files', () => expect(files.length).toBeGreaterThan(2));
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
