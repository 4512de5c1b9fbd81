/**
 * Scenario words that send a student to a part of the lab must name a part that exists: the
 * trace-propagation narration said "Open the request's Spans tab", and the lab has no such tab (spans
 * are a section of the Request inspector). Every "<Name> tab" must be one of the lab's detail tabs,
 * and every "<Name> section" the first word of a heading in one of its views.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DETAIL_TABS } from '../../lab-ui/src/lib/lab-tabs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    // Gateway configs under configs/ hold no words for the student.
    if (d.isDirectory()) return d.name === 'configs' ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(d.name) ? [path] : [];
  });
}

/** Every string in a parsed document: summaries, narration, captions and notes alike. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The headings the views show, by their first word: "Spans (distributed trace)" → "spans". */
function headingWords(): Set<string> {
  const dir = join(ROOT, 'lab-ui', 'src', 'views');
  const words = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.svelte'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/<h[2-4][^>]*>\s*([A-Za-z]+)/g)) words.add((m[1] as string).toLowerCase());
  }
  return words;
}

/** Where a text names a tab or section that the lab lacks. */
function unknownControls(text: string, tabs: readonly string[], headings: ReadonlySet<string>): string[] {
  const wrong: string[] = [];
  const flat = text.replace(/\s+/g, ' ');
  for (const m of flat.matchAll(/((?:[A-Z][\w-]*)(?: [a-z][\w-]*)?) (tab|section)\b/g)) {
    const [phrase, name = '', kind] = m;
    if (kind === 'tab' ? !tabs.some((t) => name.toLowerCase().endsWith(t.toLowerCase()) || t.toLowerCase() === name.toLowerCase()) : !headings.has((name.split(' ')[0] as string).toLowerCase())) wrong.push(phrase);
  }
  return wrong;
}

describe('scenario words name only tabs and sections the lab has', () => {
  const tabs = DETAIL_TABS.map((t) => t.label);
  const headings = headingWords();

  it('the checker tells a real tab or section from a made-up one', () => {
    expect(headings.has('spans')).toBe(true);
    expect(unknownControls("Open the request's Spans tab to see the waterfall", tabs, headings)).toEqual(['Spans tab']);
    expect(unknownControls('Open the Access log tab, then the Spans section', tabs, headings)).toEqual([]);
    expect(unknownControls('the Timeline section', tabs, headings)).toEqual(['Timeline section']);
  });

  const files = yamlFiles(join(ROOT, 'scenarios'));
  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s', (_name, file) => {
    const texts = strings(parse(readFileSync(file, 'utf8')));
    expect(texts.flatMap((t) => unknownControls(t, tabs, headings))).toEqual([]);
  });
});
