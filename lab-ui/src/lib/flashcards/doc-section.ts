/**
 * The lab is static files with no docs server, so a fact card shows the docs section it links to
 * inline: the page is bundled as text (lazily, one chunk per page) and cut at the linked heading.
 */
import { headingAnchors } from '../../../../engine/exercises/flashcards-docs.ts';

export interface DocSection {
  heading: string;
  /** The section's Markdown, up to the next heading of the same or a higher level. */
  body: string;
}

interface Heading {
  line: number;
  level: number;
  text: string;
}

/** Headings outside fenced blocks, in order: the same ones the engine's anchor list is built from. */
function headings(lines: readonly string[]): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) out.push({ line: i, level: (m[1] as string).length, text: m[2] as string });
  });
  return out;
}

/** The section under `anchor`, or the page's first section without one; null when it is not there. */
export function docSection(markdown: string, anchor: string | null): DocSection | null {
  const lines = markdown.split('\n');
  const found = headings(lines);
  const anchors = headingAnchors(markdown);
  const at = anchor === null ? 0 : anchors.indexOf(anchor);
  const head = found[at];
  if (at < 0 || !head) return null;
  const next = found.slice(at + 1).find((h) => h.level <= head.level);
  const body = lines.slice(head.line + 1, next ? next.line : lines.length).join('\n').trim();
  return { heading: head.text.replace(/`/g, ''), body };
}

// Lazy: each page is its own small chunk, fetched only when a fact card is revealed.
const pages = import.meta.glob<string>('../../../../docs/**/*.md', { query: '?raw', import: 'default' });

/** Loads a bundled docs page by its repository path (`docs/flashcards.md`); null when not bundled. */
export async function loadDocPage(path: string): Promise<string | null> {
  const key = Object.keys(pages).find((k) => k.replace(/^(\.\.\/)+/, '') === path);
  const load = key ? pages[key] : undefined;
  return load ? load() : null;
}
