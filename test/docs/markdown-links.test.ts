/**
 * The link reader behind docs-links.test.ts: what counts as a link, and GitHub's heading anchors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractLinks, headingSlugs, headingText, isRelative, slug } from './markdown-links.ts';

const seed = Number(process.env['FC_SEED'] ?? 0x0d0c5);
console.log(`markdown-links seed: ${seed} (set FC_SEED=${seed} to replay)`);

describe('extractLinks', () => {
  it('reads inline links, images, titles, <> destinations, reference definitions and hrefs', () => {
    const md = [
      'See [the CLI](cli.md) and ![a chart](img/c.png "Chart").',
      'A [**bold** [nested] text](a%20b.md#x) and [spaced](<with space.md>).',
      '[ref]: ../README.md',
      '<a href="proxy.md#admin">admin</a>',
    ].join('\n');
    expect(extractLinks(md)).toEqual([
      { target: 'cli.md', line: 1 },
      { target: 'img/c.png', line: 1 },
      { target: 'a%20b.md#x', line: 2 },
      { target: 'with space.md', line: 2 },
      { target: '../README.md', line: 3 },
      { target: 'proxy.md#admin', line: 4 },
    ]);
  });

  it('ignores code blocks and code spans but keeps line numbers', () => {
    const md = ['```md', '[no](a.md)', '```', '`[no](b.md)` then [yes](c.md)', '~~~~', '[no](d.md)', '~~~', '~~~~', '[yes](e.md)'].join('\n');
    expect(extractLinks(md)).toEqual([
      { target: 'c.md', line: 4 },
      { target: 'e.md', line: 9 },
    ]);
  });

  it('tells repository links from external ones', () => {
    expect(['docs/cli.md', '#x', '../a.md', '/engine/index.ts'].every(isRelative)).toBe(true);
    expect(['https://x.dev', 'mailto:a@b.c', '//cdn.example/x'].some(isRelative)).toBe(false);
  });
});

describe('GitHub heading anchors', () => {
  it.each([
    ['How nginx decides (and so Kong)', 'how-nginx-decides-and-so-kong'],
    ['`rate-limit`: how gateways count requests', 'rate-limit-how-gateways-count-requests'],
    ['**Bold** and [a link](x.md) — § 7', 'bold-and-a-link---7'],
    ['engine/plugins/&lt;id&gt;', 'engineplugins'.concat('id')],
    ['snake_case_name stays', 'snake_case_name-stays'],
    ['Ünïcode Wörds 2', 'ünïcode-wörds-2'],
  ])('%s → #%s', (text, want) => {
    expect(slug(headingText(text))).toBe(want);
  });

  it('numbers repeated headings, ignores headings in code, reads setext headings', () => {
    const md = ['# Notes', '## Notes', '```', '# Notes', '```', 'Notes', '-----', 'Title', '=====', '## Notes 1'].join('\n');
    expect([...headingSlugs(md)]).toEqual(['notes', 'notes-1', 'notes-2', 'title', 'notes-1-1']);
  });

  it('a slug has only letters (no ASCII capitals), numbers, marks, _ and -, and slugging it again changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const s = slug(text);
        expect(s).toMatch(/^[\p{L}\p{M}\p{N}\p{Pc}-]*$/u);
        expect(s).not.toMatch(/[A-Z]/);
        expect(slug(s)).toBe(s);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('every heading of a page gets a distinct anchor', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('A', 'a', 'A 1', 'a-1', 'B'), { maxLength: 12 }), (titles) => {
        expect(headingSlugs(titles.map((t) => `## ${t}`).join('\n')).size).toBe(titles.length);
      }),
      { seed, numRuns: 200 },
    );
  });
});
