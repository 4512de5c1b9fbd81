// @vitest-environment node
/** Diagnostics → editor marks, checked against what the real scenario loader reports. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../../engine/scenario/load.ts';
import type { Diagnostic } from '../../worker/protocol.ts';
import { countsByFile, foldSyntaxCascades, hangingIndent, lineMessages, markEnd, marksFor, offsetAt, placeOf, uniqueDiagnostics } from './positions.ts';

const FILE = 'scenarios/rate-limiting/boundary-burst.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const read = (p: string): string => readFileSync(p, 'utf8');

describe('offsetAt', () => {
  it('finds 1-based lines and columns and clamps past the end', () => {
    const t = 'ab\ncde\n\nf';
    expect(offsetAt(t, 1, 1)).toBe(0);
    expect(offsetAt(t, 2, 2)).toBe(4);
    expect(t[offsetAt(t, 4, 1)]).toBe('f');
    expect(offsetAt(t, 2, 99)).toBe(6); // end of line 2, not into line 3
    expect(offsetAt(t, 99, 1)).toBe(t.length);
    expect(offsetAt(t, 0, 0)).toBe(0);
  });

  it('lands on the character at (line, col) for any text (fast-check)', () => {
    const seed = Date.now() % 100000;
    console.log(`offsetAt fast-check seed: ${seed}`);
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }).map((s) => s.replace(/\n/g, '')), { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), (lines, li, ci) => {
        const text = lines.join('\n');
        const line = (li % lines.length) + 1;
        const body = lines[line - 1] as string;
        const col = body.length ? (ci % body.length) + 1 : 1;
        const at = offsetAt(text, line, col);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThanOrEqual(text.length);
        if (body.length) expect(text[at]).toBe(body[col - 1]);
      }),
      { seed, numRuns: 300 },
    );
  });
});

describe('marks from the loader', () => {
  it('underlines the misspelt duration the loader points at, in the scenario file only', () => {
    const broken = TEXT.replace('duration: 2m', 'duration: 2 minutes');
    const r = loadScenarioText(broken, FILE, read);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    const d = errors[0] as Diagnostic;
    expect(d.loc?.line).toBe(broken.split('\n').findIndex((l) => l.startsWith('duration:')) + 1);
    const marks = marksFor(broken, FILE, errors);
    expect(marks).toHaveLength(errors.length);
    const m = marks[0];
    expect(broken.slice(m?.from, m?.to)).toBe('2');
    expect(m?.severity).toBe('error');
    expect(m?.message).toContain(d.code);
    expect(marksFor(broken, 'scenarios/rate-limiting/configs/other.yaml', errors)).toEqual([]);
  });

  it('puts a YAML syntax error at its line', () => {
    const lines = TEXT.split('\n');
    const at = lines.findIndex((l) => l.startsWith('seed:'));
    lines[at] = 'seed: [7';
    const broken = lines.join('\n');
    const r = loadScenarioText(broken, FILE, read);
    const syntax = r.diagnostics.find((d) => d.code === 'GL_E_YAML_SYNTAX');
    expect(syntax?.loc?.file).toBe(FILE);
    const [mark] = marksFor(broken, FILE, [syntax as Diagnostic]);
    const lineOf = broken.slice(0, mark?.from).split('\n').length;
    expect(Math.abs(lineOf - (at + 1))).toBeLessThanOrEqual(1);
  });

  it('markEnd takes the token, or the rest of a line that starts on blank space', () => {
    expect(markEnd('key: value\n', 5)).toBe(10);
    expect(markEnd('key: value\n', 0)).toBe(3);
    expect(markEnd('a:   \nb', 2)).toBe(5);
  });
});

describe('lists', () => {
  const w = (file: string, line: number): Diagnostic => ({ severity: 'warning', code: 'GL_W_UNKNOWN_FIELD', message: 'm', loc: { file, line, col: 1 } });
  it('counts per file, places as file:line:col and drops repeats', () => {
    const list = [w('a.yaml', 1), w('a.yaml', 1), w('b.yaml', 3), { severity: 'error' as const, code: 'GL_E_FILE' as const, message: 'crash' }];
    const unique = uniqueDiagnostics(list);
    expect(unique).toHaveLength(3);
    expect(placeOf(unique[1] as Diagnostic)).toBe('b.yaml:3:1');
    expect(placeOf(unique[2] as Diagnostic)).toBe('');
    expect(countsByFile(unique).get('a.yaml')).toEqual({ errors: 0, warnings: 1 });
  });
});

describe('foldSyntaxCascades', () => {
  it('keeps the first YAML syntax error of a broken file and counts the cascade after it', () => {
    // One stray bracket after the title: the real loader reports a syntax error for nearly every token after it.
    const broken = TEXT.replace(/^(title: .*)$/m, '$1 [oops');
    const line = broken.split('\n').findIndex((l) => l.endsWith(' [oops')) + 1;
    const diagnostics = loadScenarioText(broken, FILE, read).diagnostics as Diagnostic[];
    const syntax = diagnostics.filter((d) => d.code === 'GL_E_YAML_SYNTAX');
    expect(syntax.length).toBeGreaterThan(10);
    const { shown, folded } = foldSyntaxCascades(diagnostics);
    const kept = shown.filter((d) => d.code === 'GL_E_YAML_SYNTAX');
    expect(kept).toHaveLength(1);
    expect(kept[0]!.loc?.line).toBe(line);
    expect(folded).toEqual([{ file: FILE, count: syntax.length - 1 }]);
    expect(countsByFile(shown).get(FILE)?.errors).toBe(diagnostics.filter((d) => d.severity === 'error').length - (syntax.length - 1));
  });

  it('leaves other diagnostics and other files alone', () => {
    const d = (code: string, file: string, line: number): Diagnostic => ({ severity: 'error', code, message: code, loc: { file, line, col: 1 } }) as Diagnostic;
    const list = [d('GL_E_YAML_SYNTAX', 'a.yaml', 5), d('GL_E_YAML_SYNTAX', 'a.yaml', 3), d('GL_E_SCHEMA', 'a.yaml', 9), d('GL_E_YAML_SYNTAX', 'b.yaml', 2)];
    const { shown, folded } = foldSyntaxCascades(list);
    expect(shown.map((x) => `${x.code}@${x.loc?.file}:${x.loc?.line}`)).toEqual(['GL_E_YAML_SYNTAX@a.yaml:3', 'GL_E_SCHEMA@a.yaml:9', 'GL_E_YAML_SYNTAX@b.yaml:2']);
    expect(folded).toEqual([{ file: 'a.yaml', count: 1 }]);
  });
});

describe('lineMessages', () => {
  it("writes the loader's error under the line it is on, line:column first", () => {
    const broken = TEXT.replace('duration: 2m', 'duration: 2 minutes');
    const errors = loadScenarioText(broken, FILE, read).diagnostics.filter((d) => d.severity === 'error') as Diagnostic[];
    const messages = lineMessages(broken, marksFor(broken, FILE, errors));
    expect(messages).toHaveLength(1);
    const line = broken.split('\n').findIndex((l) => l.startsWith('duration:')) + 1;
    const m = messages[0];
    // At the end of that line: the box goes under it, not into the middle of the value.
    expect(broken.slice(0, m?.at).split('\n')).toHaveLength(line);
    expect(broken[m?.at ?? 0]).toBe('\n');
    expect(m?.text).toMatch(new RegExp(`^✗ ${line}:11 ${errors[0]?.code}: `));
  });

  it('puts two errors on one line in one box, leaves warnings to the list, and places a last-line error at the end', () => {
    const text = 'a: 1\nb: 2';
    const two = lineMessages(text, [
      { from: 5, to: 6, severity: 'error', message: 'E1' },
      { from: 8, to: 9, severity: 'error', message: 'E2' },
    ]);
    expect(two).toEqual([{ at: 9, text: '✗ 2:1 E1\n✗ 2:4 E2' }]);
    expect(lineMessages(text, [{ from: 0, to: 1, severity: 'warning', message: 'W' }])).toEqual([]);
    expect(lineMessages(text, [{ from: 0, to: 1, severity: 'error', message: 'E' }])).toEqual([{ at: 4, text: '✗ 1:1 E' }]);
  });
});

describe('hangingIndent', () => {
  it("continues a wrapped line two columns past its own indentation, a list item's past its dash", () => {
    expect(hangingIndent('url: http://x')).toBe(2);
    expect(hangingIndent('    url: http://partner-v1.internal:8080')).toBe(6);
    expect(hangingIndent('  - name: partner-route')).toBe(6);
    expect(hangingIndent('\t\tkey: v')).toBe(4);
    expect(hangingIndent('')).toBe(2);
  });
});
