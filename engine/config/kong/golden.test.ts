/**
 * Golden tests (design.md, "Configs: many dialects, one IR"): each golden/*.txt holds Kong YAML, then
 * optional overlays, then the expected IR as JSON (null when loading fails), then the diagnostics as
 * `file:line:col: severity CODE: message (hint)` lines. Run with UPDATE_GOLDEN=1 to rewrite the
 * expected parts after an intended change, and read the diff.
 *
 *   <input YAML, read as file "<name>.yaml" (the part of the golden's name before any "@")>
 *   --- overlay <file name> ---       (any number)
 *   <overlay YAML>
 *   --- expected IR ---
 *   <JSON>
 *   --- diagnostics ---
 *   <one per line>
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { mergeOverlays } from '../overlay.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptKong } from './adapt.ts';
import { goldenPluginLookup } from './golden-plugins.ts';
import { LESSON_SNIPPETS } from '../../../test/support/lesson.ts';

const DIR = join(import.meta.dirname, 'golden');
const IR_SEP = '--- expected IR ---';
const DIAG_SEP = '--- diagnostics ---';
const OVERLAY_SEP = /^--- overlay (\S+) ---$/;
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

interface Golden {
  inputs: Array<{ file: string; text: string }>;
  ir: string;
  diagnostics: string;
}

function parseGolden(name: string, text: string): Golden {
  const lines = text.split('\n');
  const irAt = lines.indexOf(IR_SEP);
  const diagAt = lines.indexOf(DIAG_SEP);
  if (irAt < 0 || diagAt < irAt) throw new Error(`${name}: needs "${IR_SEP}" then "${DIAG_SEP}"`);
  const inputs: Golden['inputs'] = [{ file: `${name.split('@')[0]}.yaml`, text: '' }];
  const buf: string[] = [];
  for (const line of lines.slice(0, irAt)) {
    const m = OVERLAY_SEP.exec(line);
    if (m) {
      (inputs[inputs.length - 1] as { text: string }).text = `${buf.splice(0).join('\n')}\n`;
      inputs.push({ file: m[1] ?? 'overlay.yaml', text: '' });
    } else buf.push(line);
  }
  (inputs[inputs.length - 1] as { text: string }).text = `${buf.join('\n')}\n`;
  return {
    inputs,
    ir: lines.slice(irAt + 1, diagAt).join('\n').trim(),
    diagnostics: lines.slice(diagAt + 1).join('\n').trim(),
  };
}

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const yamlDiagnostics = parsed.flatMap((p) => p.diagnostics);
  const docs = parsed.map((p) => p.docs[0]).filter((d) => d !== undefined);
  const [base, ...overlays] = docs;
  const result = base ? adaptKong([mergeOverlays(base, overlays)], { plugins: goldenPluginLookup }) : { diagnostics: [] };
  return {
    ir: JSON.stringify(result.ir ?? null, null, 2),
    diagnostics: [...yamlDiagnostics, ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

describe('Kong adapter goldens', () => {
  it('has golden files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const name = file.replace(/\.txt$/, '');
    it(`golden ${name}`, () => {
      const path = join(DIR, file);
      const text = readFileSync(path, 'utf8');
      const golden = parseGolden(name, text);
      const actual = run(golden);
      if (UPDATE) {
        const head = text.slice(0, text.indexOf(`${IR_SEP}\n`));
        writeFileSync(path, `${head}${IR_SEP}\n${actual.ir}\n${DIAG_SEP}\n${actual.diagnostics ? `${actual.diagnostics}\n` : ''}`);
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
      const golden = parseGolden(name, readFileSync(join(DIR, file), 'utf8'));
      const first = golden.inputs[0];
      expect(first).toBeDefined();
      expect(first?.text).toBe(readFileSync(join(SNIPPETS, first?.file ?? ''), 'utf8'));
    });
  }
});
