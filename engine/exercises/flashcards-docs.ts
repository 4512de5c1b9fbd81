/**
 * Whether a fact card's link lands somewhere: the page must exist and its `#anchor` must be the
 * GitHub-style slug of one of the page's headings, so a renamed heading breaks the check, not the lab.
 */
import { nearest } from '../scenario/edit-distance.ts';

/**
 * GitHub's anchor for a heading: the text as rendered (inline code and link syntax dropped),
 * lower-cased, punctuation removed, each space a hyphen.
 */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every heading anchor of a Markdown page, with GitHub's -1, -2 … for repeated headings, all distinct. */
export function headingAnchors(markdown: string): string[] {
  const anchors: string[] = [];
  const used = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    // A `#` line inside a fenced block is code (a YAML comment, a shell prompt), not a heading.
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    // github-slugger's rule: count repeats of a slug, and skip numbered forms a heading already took.
    const base = headingSlug(m[1] as string);
    let anchor = base;
    while (used.has(anchor)) {
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      anchor = `${base}-${n}`;
    }
    used.set(anchor, 0);
    anchors.push(anchor);
  }
  return anchors;
}

/** Why a `path#anchor` link does not land, or undefined when it does. */
export function docLinkProblem(doc: string, readDoc: (path: string) => string | undefined): string | undefined {
  const hash = doc.indexOf('#');
  const path = hash < 0 ? doc : doc.slice(0, hash);
  const anchor = hash < 0 ? undefined : doc.slice(hash + 1);
  const text = readDoc(path);
  if (text === undefined) return `docs page ${path} does not exist`;
  if (anchor === undefined) return undefined;
  if (!/\.md$/.test(path)) return `${path} is not a Markdown page, so #${anchor} cannot name a heading`;
  const anchors = headingAnchors(text);
  if (anchors.includes(anchor)) return undefined;
  const guess = nearest(anchor, anchors);
  return `${path} has no heading with anchor #${anchor}${guess ? ` (did you mean #${guess}?)` : ''}`;
}
