/**
 * gorilla/mux route templates, which Traefik's v2 rule syntax uses: `/users/{id:[0-9]+}`,
 * `{subdomain:[a-z]+}.example.com`, `key={value}`. A `{name}` or `{name:pattern}` variable becomes a
 * named group; the text around it is literal. Defaults: `[^/]+` in paths, `[^.]+` in hosts, `.*` in
 * queries. Path templates are anchored at both ends, prefix templates at the start only. Ported from
 * gorilla/mux regexp.go (newRouteRegexp, braceIndices), which Traefik's v2 matchers call.
 */
import { compileGoRegex, type CompiledRegex } from './traefik-regex.ts';

export type TemplateKind = 'path' | 'prefix' | 'host' | 'query';

/** Go's regexp.QuoteMeta. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function braceIndices(tpl: string): number[] | string {
  let level = 0;
  let idx = 0;
  const out: number[] = [];
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === '{') {
      if (level++ === 0) idx = i;
    } else if (tpl[i] === '}') {
      if (--level === 0) out.push(idx, i + 1);
      else if (level < 0) return `unbalanced braces in "${tpl}"`;
    }
  }
  return level !== 0 ? `unbalanced braces in "${tpl}"` : out;
}

/** The regular expression gorilla/mux builds for a template, or an error sentence. */
export function templatePattern(tpl: string, kind: TemplateKind): { pattern: string; vars: number } | { error: string } {
  const idxs = braceIndices(tpl);
  if (typeof idxs === 'string') return { error: idxs };
  if ((kind === 'path' || kind === 'prefix') && !tpl.startsWith('/')) return { error: `path must start with a slash, got "${tpl}"` };
  const dflt = kind === 'query' ? '.*' : kind === 'host' ? '[^.]+' : '[^/]+';
  let pattern = '^';
  let end = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = tpl.slice(end, idxs[i]);
    end = idxs[i + 1] as number;
    const inner = tpl.slice((idxs[i] as number) + 1, end - 1);
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const patt = colon < 0 ? dflt : inner.slice(colon + 1);
    if (name === '' || patt === '') return { error: `missing name or pattern in "${tpl.slice(idxs[i], end)}"` };
    const check = compileGoRegex(`^${patt}$`);
    if (!check.ok) return { error: `variable ${name}: ${check.error}` };
    pattern += `${quoteMeta(raw)}(?P<v${i / 2}>${patt})`;
  }
  pattern += quoteMeta(tpl.slice(end));
  if (kind === 'query' && (tpl.split('=')[1] ?? '') === '') pattern += dflt;
  if (kind !== 'prefix') pattern += '$';
  return { pattern, vars: idxs.length / 2 };
}

/**
 * Compiles a template. Traefik's fork of gorilla/mux accepts capturing groups inside a variable's
 * pattern (`{sub:(foo\\.)?bar\\.com}` works in Traefik's own tests), so they are not refused here.
 */
export function compileTemplate(tpl: string, kind: TemplateKind): CompiledRegex {
  const built = templatePattern(tpl, kind);
  if ('error' in built) return { ok: false, error: built.error };
  return compileGoRegex(built.pattern);
}
