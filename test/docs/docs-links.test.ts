/**
 * Every relative link in README.md and docs/**\/*.md leads somewhere: the file (or folder) exists and,
 * when the link names a `#fragment` in a Markdown file, that file has a heading with that anchor
 * under GitHub's slug rules. A renamed page or heading breaks the build here, not a reader's click.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractLinks, headingSlugs, isRelative } from './markdown-links.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', ...docs.sort()];
}

const anchorsByFile = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let anchors = anchorsByFile.get(file);
  if (!anchors) anchorsByFile.set(file, (anchors = headingSlugs(readFileSync(file, 'utf8'))));
  return anchors;
}

/** Why a link from `from` (repo-relative) to `target` is broken, or undefined when it resolves. */
function brokenBecause(from: string, target: string): string | undefined {
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
  const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  // GitHub resolves a leading `/` from the repository root.
  const file = pathPart === '' ? join(ROOT, from) : pathPart.startsWith('/') ? join(ROOT, pathPart) : resolve(ROOT, dirname(from), pathPart);
  if (!existsSync(file)) return `${relative(ROOT, file)} does not exist`;
  if (fragment === undefined || fragment === '' || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
  if (/^L\d+/.test(fragment)) return undefined;
  return anchorsOf(file).has(fragment.toLowerCase()) ? undefined : `${relative(ROOT, file)} has no heading with anchor #${fragment}`;
}

describe('links in the docs', () => {
  const files = markdownFiles();

  it('finds the pages to check', () => {
    expect(files).toContain('README.md');
    expect(files).toContain(join('docs', 'architecture.md'));
  });

  it.each(files)('every relative link in %s resolves', (from) => {
    const broken = extractLinks(readFileSync(join(ROOT, from), 'utf8'))
      .filter((l) => isRelative(l.target))
      .map((l) => ({ ...l, why: brokenBecause(from, l.target) }))
      .filter((l) => l.why !== undefined)
      .map((l) => `${from}:${l.line}: (${l.target}) — ${l.why}`);
    expect(broken).toEqual([]);
  });

  it('reports a missing file and a missing heading', () => {
    expect(brokenBecause('README.md', 'docs/no-such-page.md')).toMatch(/does not exist/);
    expect(brokenBecause('README.md', 'docs/architecture.md#no-such-heading')).toMatch(/no heading with anchor/);
    expect(brokenBecause('docs/cli.md', 'architecture.md#pipeline-order')).toBeUndefined();
  });
});
