/**
 * Just enough Markdown reading to check the docs' links the way GitHub renders them: the links a page
 * makes (code blocks and code spans are not links), and the anchors its headings get (GitHub's slug
 * rules, as github-slugger implements them). Small on purpose: the docs use plain CommonMark links.
 */

export interface MarkdownLink {
  /** The destination as written, e.g. `../cli.md#run` or `https://…`. */
  target: string;
  /** 1-based line of the link, for the failure message. */
  line: number;
}

/** Lines with fenced code blocks blanked out (kept as empty lines so line numbers stay right). */
export function withoutCodeBlocks(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opener !== undefined) {
      fence = opener;
      out.push('');
    } else if (fence !== undefined) {
      // A fence closes with at least as many of the same character and nothing else on the line.
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = undefined;
      out.push('');
    } else out.push(line);
  }
  return out;
}

/** A line with its code spans removed (`` `[a](b)` `` is text, not a link). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, '');
}

/** Inline links and images (`[text](dest "title")`), reference definitions and HTML hrefs. */
export function extractLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCodeBlocks(markdown).forEach((raw, i) => {
    const line = withoutCodeSpans(raw);
    const found = [
      // `](dest)` whatever the text before it holds; a `<…>` destination may contain spaces.
      ...[...line.matchAll(/\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((m) => m[1] ?? m[2]),
      ...[.../^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(line) ?? []].slice(1),
      ...[...line.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map((m) => m[1]),
    ];
    for (const target of found) if (target !== undefined && target !== '') links.push({ target, line: i + 1 });
  });
  return links;
}

/** Whether a destination points into this repository (not `https:`, `mailto:`, `//host`). */
export function isRelative(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text GitHub renders for a heading's source: markup gone, entities decoded. */
export function headingText(source: string): string {
  return source
    .replace(/\s+#+\s*$/, '') // closing hashes of an ATX heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/(`+)([\s\S]*?)\1/g, '$2') // code spans keep their content
    .replace(/(\*{1,3}|\b_{1,3})(\S[\s\S]*?)\1/g, '$2') // emphasis markers
    .replace(/&(#\d+|[a-z]+);/gi, (whole, name: string) =>
      name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name.toLowerCase()] ?? whole),
    )
    .trim();
}

/**
 * github-slugger's rule: lower-case, drop everything but letters, marks, numbers, `_`, `-` and
 * spaces, then spaces become `-`. Repeats of a slug on one page get `-1`, `-2`, … (see `headingSlugs`).
 */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a page offers: its ATX and setext headings' slugs, and explicit HTML ids/names. */
export function headingSlugs(markdown: string): Set<string> {
  const lines = withoutCodeBlocks(markdown);
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const add = (base: string): void => {
    let candidate = base;
    let n = seen.get(base) ?? 0;
    // github-slugger keeps counting until the suffixed slug is itself unused.
    while (out.has(candidate)) candidate = `${base}-${++n}`;
    seen.set(base, n);
    out.add(candidate);
  };
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*))?$/.exec(line);
    if (atx) return add(slug(headingText(atx[1] ?? '')));
    const next = lines[i + 1] ?? '';
    if (line.trim() !== '' && !/^\s*[-*+|>]/.test(line) && /^ {0,3}(=+|-+)\s*$/.test(next)) add(slug(headingText(line)));
    for (const m of line.matchAll(/<[a-z]+\s[^>]*(?:id|name)="([^"]+)"/gi)) out.add(m[1] as string);
  });
  return out;
}
