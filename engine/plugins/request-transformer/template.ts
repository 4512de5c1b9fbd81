/**
 * Kong request-transformer templates. Kong compiles `$(…)` as Lua (penlight templates, rendered as
 * `tostring(expr or '')`) in a sandbox that knows four tables: `headers` (names lower-case, `_` read
 * as `-`), `query_params`, `uri_captures` (regex path captures) and `shared` (kong.ctx.shared). gatelab
 * reads the forms Kong documents — `$(headers.x)`, `$(headers["x-y"])`, `$(query_params.n)`,
 * `$(uri_captures[1])`, `$(uri_captures.name)`, `$(shared.k)`, each with an optional `or "default"` —
 * and renders anything else the way Kong does with an unknown name: as an empty string.
 */

export interface TemplateEnv {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  capture(key: string): string | undefined;
  shared(key: string): string | undefined;
}

type Table = 'headers' | 'query_params' | 'uri_captures' | 'shared';

/** `table.name`, `table["name"]`, `table['name']`, `table[1]`, optionally `or "literal"`. */
const EXPR = /^\s*(headers|query_params|uri_captures|shared)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:"([^"]*)"|'([^']*)'|(\d+))\s*\])\s*(?:or\s+(?:"([^"]*)"|'([^']*)'))?\s*$/;

interface Parsed {
  table: Table;
  key: string;
  fallback: string;
}

function parseExpr(expr: string): Parsed | undefined {
  const m = EXPR.exec(expr);
  if (!m) return undefined;
  return { table: m[1] as Table, key: m[2] ?? m[3] ?? m[4] ?? m[5] ?? '', fallback: m[6] ?? m[7] ?? '' };
}

/** `$(`…`)` spans, with Kong's `\$(` escape for a literal. Parentheses nest. */
function spans(template: string): Array<{ start: number; end: number; expr: string }> {
  const out: Array<{ start: number; end: number; expr: string }> = [];
  let i = 0;
  while ((i = template.indexOf('$(', i)) >= 0) {
    if (i > 0 && template[i - 1] === '\\') {
      i += 2;
      continue;
    }
    let depth = 0;
    let j = i + 1;
    for (; j < template.length; j++) {
      if (template[j] === '(') depth++;
      else if (template[j] === ')' && --depth === 0) break;
    }
    if (j >= template.length) break;
    out.push({ start: i, end: j + 1, expr: template.slice(i + 2, j) });
    i = j + 1;
  }
  return out;
}

function lookup(env: TemplateEnv, p: Parsed): string | undefined {
  switch (p.table) {
    case 'headers':
      return env.header(p.key.toLowerCase().replace(/_/g, '-'));
    case 'query_params':
      return env.query(p.key);
    case 'uri_captures':
      return env.capture(p.key);
    case 'shared':
      return env.shared(p.key);
  }
}

export function renderTemplate(template: string, env: TemplateEnv): string {
  // Most values are literals ("x-platform:edge"): without `$(` there is no span and no escape to undo.
  if (!template.includes('$(')) return template;
  let out = '';
  let at = 0;
  for (const s of spans(template)) {
    out += template.slice(at, s.start);
    const p = parseExpr(s.expr);
    out += p ? (lookup(env, p) ?? p.fallback) : '';
    at = s.end;
  }
  return (out + template.slice(at)).replace(/\\\$\(/g, '$(');
}

/** Template expressions Kong cannot resolve (the lesson's `$(uuid)`), for a load-time warning. */
export function templateProblems(template: string): Array<{ text: string; rendered: string; hint: string }> {
  return spans(template)
    .filter((s) => !parseExpr(s.expr))
    .map((s) => ({
      text: `$(${s.expr})`,
      rendered: renderTemplate(template, { header: () => undefined, query: () => undefined, capture: () => undefined, shared: () => undefined }),
      hint: s.expr.trim() === 'uuid' ? 'to give every request an id, use the correlation-id plugin with generator: uuid' : 'use one of $(headers.name), $(query_params.name), $(uri_captures[1]), $(shared.key)',
    }));
}
