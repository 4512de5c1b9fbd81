/**
 * Go `regexp` as Traefik uses it, on re2js. Go's regexp is RE2, and re2js is RE2 too (linear time,
 * no look-around or backreferences), so patterns compile and match alike. Go spellings re2js lacks
 * are translated: `(?<name>` (Go 1.22+) becomes `(?P<name>`. `MatchString` is an unanchored search;
 * `ReplaceAllString` expands `$1`, `${1}`, `$name`, `${name}` and `$$` exactly as Go's
 * Regexp.Expand does (a `$name` takes the longest run of letters, digits and `_`, so `$1x` is the
 * group named "1x", which does not exist and expands to nothing).
 */
import { RE2JS } from 're2js';
import { explainRegexError } from './re2-constructs.ts';

export type CompiledRegex = { ok: true; re: RE2JS; source: string } | { ok: false; error: string };

export function compileGoRegex(pattern: string): CompiledRegex {
  try {
    return { ok: true, re: RE2JS.compile(pattern.replace(/\(\?<(?=[A-Za-z_])/g, '(?P<')), source: pattern };
  } catch (e) {
    return { ok: false, error: explainRegexError(pattern, e) };
  }
}

/** regexp.MatchString: does the pattern match anywhere in the text? */
export function goMatch(re: RE2JS, text: string): boolean {
  return re.matcher(text).find();
}

/** regexp.FindStringSubmatch: the groups of the leftmost match (null for a group that did not take part). */
export function goFindSubmatch(re: RE2JS, text: string): Array<string | null> | undefined {
  const m = re.matcher(text);
  if (!m.find()) return undefined;
  const out: Array<string | null> = [];
  for (let g = 0; g <= m.groupCount(); g++) out.push(m.group(g));
  return out;
}

interface Match {
  start: number;
  end: number;
  groups: Array<string | null>;
  named: Record<string, string | null>;
}

function allMatches(re: RE2JS, text: string): Match[] {
  const m = re.matcher(text);
  const out: Match[] = [];
  let from = 0;
  let prevEnd = -1;
  while (from <= text.length && m.find(from)) {
    const start = m.start();
    const end = m.end();
    // Go: an empty match right after the previous match is skipped.
    if (!(start === end && start === prevEnd)) {
      const groups: Array<string | null> = [];
      for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
      out.push({ start, end, groups, named: m.getNamedGroups() });
      prevEnd = end;
    }
    from = end > start ? end : end + 1;
  }
  return out;
}

/** regexp.ReplaceAllString with Go's template expansion. */
export function goReplaceAll(re: RE2JS, text: string, template: string): string {
  let out = '';
  let last = 0;
  for (const match of allMatches(re, text)) {
    out += text.slice(last, match.start) + goExpand(template, match.groups, match.named);
    last = match.end;
  }
  return out + text.slice(last);
}

/** Go's Regexp.expand for one match. */
export function goExpand(template: string, groups: ReadonlyArray<string | null>, named: Record<string, string | null> = {}): string {
  let out = '';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('$');
    if (at < 0) break;
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractName(rest);
    if (!ref) {
      // Malformed: the `$` is kept as text.
      out += '$';
      continue;
    }
    rest = ref.rest;
    if (/^[0-9]+$/.test(ref.name) && ref.name.length < 9) {
      out += groups[Number(ref.name)] ?? '';
    } else {
      out += named[ref.name] ?? '';
    }
  }
  return out + rest;
}

function extractName(text: string): { name: string; rest: string } | undefined {
  const braced = text.startsWith('{');
  const body = braced ? text.slice(1) : text;
  const m = /^[\p{L}\p{Nd}_]+/u.exec(body);
  if (!m) return undefined;
  const name = m[0];
  if (braced) {
    if (body[name.length] !== '}') return undefined;
    return { name, rest: body.slice(name.length + 1) };
  }
  return { name, rest: body.slice(name.length) };
}
