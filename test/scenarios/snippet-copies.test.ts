/**
 * Scenarios use the lesson's snippets as fixtures, unchanged (design.md: "Configs from the lesson are
 * data and are used verbatim"). A scenario config whose first line says it is lesson snippet NN must
 * be byte for byte that snippet; overlays and companions say so in their own words and are not copies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LESSON_SNIPPETS } from '../support/lesson.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function configFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return configFiles(path);
    return dir.endsWith('configs') && e.name.endsWith('.yaml') ? [path] : [];
  });
}

/** Exercises keep their copies beside exercise.yaml (exercises/01-read-a-config/kong.yaml). */
function exerciseFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return exerciseFiles(path);
    return e.name.endsWith('.yaml') ? [path] : [];
  });
}

const copies = [...configFiles(join(ROOT, 'scenarios')), ...exerciseFiles(join(ROOT, 'exercises'))]
  .map((file) => ({ file, number: /^# lesson snippet (\d\d):/.exec(readFileSync(file, 'utf8'))?.[1] }))
  .filter((c): c is { file: string; number: string } => c.number !== undefined);

describe('lesson snippets used by scenarios are unchanged copies', () => {
  it('finds the copies (at least the routing and resilience ones)', () => {
    expect(copies.length).toBeGreaterThanOrEqual(12);
  });

  it("finds exercise 1's copy of snippet 16", () => {
    expect(copies.map((c) => relative(ROOT, c.file))).toContain(join('exercises', '01-read-a-config', 'kong.yaml'));
  });

  it.each(copies.map((c) => [relative(ROOT, c.file), c] as const))('%s is byte for byte its snippet', (_name, c) => {
    const original = readdirSync(LESSON_SNIPPETS).find((f) => f.startsWith(`${c.number}-`));
    expect(original, `no lesson snippet ${c.number}`).toBeDefined();
    expect(readFileSync(c.file, 'utf8')).toBe(readFileSync(join(LESSON_SNIPPETS, original as string), 'utf8'));
  });
});
