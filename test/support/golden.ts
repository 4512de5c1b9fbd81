/**
 * The golden-file suite every config adapter shares (design.md, "Configs: many dialects, one IR").
 * A golden is input YAML, any number of further files, the expected IR as JSON (null when loading
 * fails), then the diagnostics as `file:line:col: severity CODE: message (hint)` lines:
 *
 *   <YAML, read as "<name>.yaml" (the golden's name before any "@")>
 *   --- overlay <file> ---   (or `--- file <file> ---`; any number, given to the adapter in order)
 *   <YAML>
 *   --- expected IR ---
 *   <JSON>
 *   --- diagnostics ---
 *   <one per line>
 *
 * UPDATE_GOLDEN=1 rewrites the expected parts after an intended change; read the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LESSON_SNIPPETS } from './lesson.ts';

export const IR_SEP = '--- expected IR ---';
export const DIAG_SEP = '--- diagnostics ---';
const FILE_SEP = /^--- (?:file|overlay) (\S+) ---$/;

export interface Golden {
  inputs: Array<{ file: string; text: string }>;
  ir: string;
  diagnostics: string;
}

export interface GoldenOutcome {
  ir: string;
  diagnostics: string;
}

export function parseGolden(name: string, text: string): Golden {
  const lines = text.split('\n');
  const irAt = lines.indexOf(IR_SEP);
  const diagAt = lines.indexOf(DIAG_SEP);
  if (irAt < 0 || diagAt < irAt) throw new Error(`${name}: needs "${IR_SEP}" then "${DIAG_SEP}"`);
  const inputs: Golden['inputs'] = [{ file: `${name.split('@')[0]}.yaml`, text: '' }];
  const buf: string[] = [];
  for (const line of lines.slice(0, irAt)) {
    const m = FILE_SEP.exec(line);
    if (m) {
      (inputs[inputs.length - 1] as { text: string }).text = `${buf.splice(0).join('\n')}\n`;
      inputs.push({ file: m[1] ?? 'more.yaml', text: '' });
    } else buf.push(line);
  }
  (inputs[inputs.length - 1] as { text: string }).text = `${buf.join('\n')}\n`;
  return { inputs, ir: lines.slice(irAt + 1, diagAt).join('\n').trim(), diagnostics: lines.slice(diagAt + 1).join('\n').trim() };
}

/** The golden text with its expected parts replaced. */
export function rewriteGolden(text: string, actual: GoldenOutcome): string {
  const head = text.slice(0, text.indexOf(`${IR_SEP}\n`));
  return `${head}${IR_SEP}\n${actual.ir}\n${DIAG_SEP}\n${actual.diagnostics ? `${actual.diagnostics}\n` : ''}`;
}

/**
 * Declares the goldens under `dir` as tests, and checks that a golden named after a lesson snippet
 * (`NN-…`) holds that snippet verbatim — the lesson's YAML is a fixture, never edited.
 */
export function goldenSuite(title: string, dir: string, run: (g: Golden) => GoldenOutcome, opts: { minFiles?: number } = {}): string[] {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.txt')).sort() : [];
  const update = process.env['UPDATE_GOLDEN'] === '1';
  describe(title, () => {
    it('has golden files', () => expect(files.length).toBeGreaterThanOrEqual(opts.minFiles ?? 1));
    for (const file of files) {
      const name = file.replace(/\.txt$/, '');
      it(`golden ${name}`, () => {
        const path = join(dir, file);
        const text = readFileSync(path, 'utf8');
        const golden = parseGolden(name, text);
        const actual = run(golden);
        if (update) {
          writeFileSync(path, rewriteGolden(text, actual));
          return;
        }
        expect(actual.ir).toBe(golden.ir);
        expect(actual.diagnostics).toBe(golden.diagnostics);
      });
    }
  });
  describe.skipIf(!existsSync(LESSON_SNIPPETS))(`${title}: inputs named after a lesson snippet hold it verbatim`, () => {
    for (const file of files.filter((f) => /^\d\d-/.test(f))) {
      const name = file.replace(/\.txt$/, '');
      it(`${name} holds its snippet verbatim`, () => {
        const first = parseGolden(name, readFileSync(join(dir, file), 'utf8')).inputs[0];
        expect(first?.text).toBe(readFileSync(join(LESSON_SNIPPETS, first?.file ?? ''), 'utf8'));
      });
    }
  });
  return files;
}
