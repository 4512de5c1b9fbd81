/**
 * A Traefik rule from text to a match function, its default priority and the notes a student needs:
 * parse (traefik-rule-parser.ts), resolve matcher names (any of the four spellings Traefik registers),
 * check argument counts and values, compile. An error here is what Traefik logs when it builds the
 * router: the router is not served and its requests fall through to the next router or to 404.
 *
 * v2 syntax under v3 (the default), as Traefik v3 really treats it:
 * - `Headers(…)`, `HeadersRegexp(…)`, `HostHeader(…)`: unknown functions, the rule does not parse;
 * - several arguments (`Host(`a`, `b`)`, `PathPrefix(`/a`, `/b`)`, `Method(`GET`, `POST`)`): wrong
 *   parameter count, the router is refused;
 * - `Query(`k=v`)`: accepted, but it asks for a parameter literally named "k=v" — it never matches
 *   a normal query string (a warning, since Traefik says nothing);
 * - gorilla templates such as `{id:[0-9]+}` in Path or HostRegexp: accepted as literal text or as a
 *   regular expression, which no longer means what v2 meant (a warning).
 * With `syntax: v2` the v2 matchers run as v2 did (traefik-matchers-v2.ts), with a deprecation note.
 */
import { nearest } from '../core/nearest.ts';
import { resolveMatcherName, V3_MATCHERS, type MatchFn, type MatcherSpec } from './traefik-matchers.ts';
import { V2_MATCHERS } from './traefik-matchers-v2.ts';
import { parseRule, type RuleNode, type Span } from './traefik-rule-parser.ts';
import type { TraefikRequestView } from './traefik-request.ts';

export type RuleSyntax = 'v3' | 'v2';

export interface RuleNote extends Span {
  severity: 'error' | 'warning';
  message: string;
  /** What to write instead. */
  hint?: string;
}

export interface CompiledRule {
  ok: true;
  source: string;
  syntax: RuleSyntax;
  /** Traefik's default priority: the rule's length in bytes, less 2 per `**.` wildcard host. */
  defaultPriority: number;
  /** Why it matched or not, leaf by leaf: the first leaf that decided the outcome. */
  evaluate(req: TraefikRequestView): { matched: boolean; because: string };
  notes: RuleNote[];
}

export type RuleResult = CompiledRule | { ok: false; source: string; error: RuleNote; notes: RuleNote[] };

const V2_ONLY: Record<string, { v3: string; example: string }> = {
  Headers: { v3: 'Header', example: 'Header(`X-Api-Version`, `2`)' },
  HeadersRegexp: { v3: 'HeaderRegexp', example: 'HeaderRegexp(`Content-Type`, `^application/json`)' },
  HostHeader: { v3: 'Host', example: 'Host(`example.com`)' },
};

/** Matchers whose v2 form took several values (any may match); v3 takes exactly one. */
const V2_MULTI = new Set(['Host', 'HostRegexp', 'Path', 'PathPrefix', 'Method', 'ClientIP']);

const TEMPLATE_VAR = /\{[A-Za-z_][A-Za-z0-9_]*(:[^}]*)?\}/;

type Eval = (req: TraefikRequestView) => { matched: boolean; because: string };

export function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function compileRule(rule: string, syntax: RuleSyntax = 'v3'): RuleResult {
  const notes: RuleNote[] = [];
  const parsed = parseRule(rule);
  if (!parsed.ok) return { ok: false, source: rule, error: { severity: 'error', ...parsed.error }, notes };
  if (syntax === 'v2') {
    notes.push({
      severity: 'warning',
      start: 0,
      end: rule.length,
      message: 'syntax: v2 is deprecated in Traefik v3 and will be removed; this rule runs with the v2 matchers',
      hint: 'rewrite the rule in v3 syntax (Header, one value per matcher, Query(`k`, `v`)) and drop syntax: v2',
    });
  }
  const table = syntax === 'v2' ? V2_MATCHERS : V3_MATCHERS;
  const built = build(parsed.tree, table, syntax, notes, rule);
  if ('error' in built) return { ok: false, source: rule, error: built.error, notes };
  return {
    ok: true,
    source: rule,
    syntax,
    defaultPriority: byteLength(rule) - 2 * positiveHosts(parsed.tree).filter((h) => h.startsWith('**.')).length,
    evaluate: built.evaluate,
    notes,
  };
}

function build(node: RuleNode, table: Readonly<Record<string, MatcherSpec>>, syntax: RuleSyntax, notes: RuleNote[], rule: string): { evaluate: Eval } | { error: RuleNote } {
  if (node.kind === 'and' || node.kind === 'or') {
    const l = build(node.left, table, syntax, notes, rule);
    if ('error' in l) return l;
    const r = build(node.right, table, syntax, notes, rule);
    if ('error' in r) return r;
    const isAnd = node.kind === 'and';
    return {
      evaluate: (req) => {
        const a = l.evaluate(req);
        // Short-circuit like Go: the left side alone decides when it can.
        if (isAnd ? !a.matched : a.matched) return a;
        return r.evaluate(req);
      },
    };
  }
  if (node.kind === 'not') {
    const inner = build(node.operand, table, syntax, notes, rule);
    if ('error' in inner) return inner;
    return {
      evaluate: (req) => {
        const r = inner.evaluate(req);
        return { matched: !r.matched, because: `!${r.because}` };
      },
    };
  }
  if (node.kind === 'call') return buildCall(node, table, syntax, notes, rule);
  throw new Error('unreachable rule node');
}

function buildCall(
  node: Extract<RuleNode, { kind: 'call' }>,
  table: Readonly<Record<string, MatcherSpec>>,
  syntax: RuleSyntax,
  notes: RuleNote[],
  rule: string,
): { evaluate: Eval } | { error: RuleNote } {
  const name = resolveMatcherName(node.name, Object.keys(table));
  const at = node.nameSpan;
  if (!name) {
    const v2 = syntax === 'v3' ? V2_ONLY[resolveMatcherName(node.name, Object.keys(V2_ONLY)) ?? ''] : undefined;
    if (v2) {
      return {
        error: {
          severity: 'error',
          ...at,
          message: `${node.name}() is Traefik v2 syntax; Traefik v3 does not know it, so the rule does not parse and the router is not served`,
          hint: `v3 expects ${v2.example}${node.name === 'Headers' || node.name === 'HeadersRegexp' ? ' (one name/value pair per matcher, combined with &&)' : ''}, or set syntax: v2 on the route`,
        },
      };
    }
    const known = Object.keys(table);
    const near = nearest(node.name, known);
    return {
      error: {
        severity: 'error',
        ...at,
        message: `unknown matcher ${node.name}(); Traefik ${syntax} knows ${known.join(', ')}`,
        ...(near ? { hint: `did you mean ${near}? (names are accepted as written, lower case, UPPER CASE or Title case)` } : {}),
      },
    };
  }
  const spec = table[name] as MatcherSpec;
  const args = node.args.map((a) => a.value);
  if (!spec.arity.includes(args.length)) {
    const multi = syntax === 'v3' && args.length > 1 && V2_MULTI.has(name);
    return {
      error: {
        severity: 'error',
        start: node.start,
        end: node.end,
        message: `${name} takes ${spec.arity.join(' or ')} argument${spec.arity.length === 1 && spec.arity[0] === 1 ? '' : 's'}, not ${args.length}${multi ? ': several values in one matcher is Traefik v2 syntax, which v3 refuses' : ''}`,
        hint: multi ? `v3 expects one value per matcher, combined with ||: ${args.map((a) => `${name}(\`${a}\`)`).join(' || ')}` : `write ${spec.usage}`,
      },
    };
  }
  const empty = args.findIndex((a) => a === '');
  if (empty >= 0) {
    const arg = node.args[empty] as Span;
    return { error: { severity: 'error', start: arg.start, end: arg.end, message: `empty argument for matcher ${name}: Traefik refuses empty values`, hint: `write ${spec.usage}` } };
  }
  v2Hints(node, name, syntax, notes);
  const fn = spec.build(args);
  if (typeof fn !== 'function') {
    const arg = fn.arg !== undefined ? node.args[fn.arg] : undefined;
    return { error: { severity: 'error', start: arg?.start ?? node.start, end: arg?.end ?? node.end, message: fn.message, hint: `write ${spec.usage}` } };
  }
  const text = rule.slice(node.start, node.end);
  const match: MatchFn = fn;
  return { evaluate: (req) => ({ matched: match(req), because: text }) };
}

/** Warnings for v2 habits that v3 accepts with another meaning. */
function v2Hints(node: Extract<RuleNode, { kind: 'call' }>, name: string, syntax: RuleSyntax, notes: RuleNote[]): void {
  if (syntax !== 'v3') return;
  const first = node.args[0];
  if (name === 'Query' && node.args.length === 1 && first && first.value.includes('=')) {
    const [k, ...v] = first.value.split('=');
    notes.push({
      severity: 'warning',
      start: first.start,
      end: first.end,
      message: `Query(\`${first.value}\`) is v2 syntax; v3 reads it as a parameter literally named "${first.value}" with an empty value, so it never matches ?${first.value}`,
      hint: `v3 expects Query(\`${k ?? ''}\`, \`${v.join('=')}\`)`,
    });
  }
  for (const a of node.args) {
    if (!TEMPLATE_VAR.test(a.value) || !['Path', 'PathPrefix', 'HostRegexp', 'PathRegexp', 'HeaderRegexp', 'QueryRegexp', 'Host'].includes(name)) continue;
    notes.push({
      severity: 'warning',
      start: a.start,
      end: a.end,
      message: `${name}(\`${a.value}\`) contains a v2 template variable; v3 ${name === 'Path' || name === 'PathPrefix' || name === 'Host' ? 'compares it as literal text' : 'reads it as a plain regular expression in which {…} is literal'}`,
      hint: name === 'Path' || name === 'PathPrefix' ? 'v3 expects PathRegexp(`^/users/[0-9]+$`) for a variable segment' : 'v3 expects a plain regular expression, e.g. HostRegexp(`^[a-z]+\\.example\\.com$`)',
    });
  }
}

/** Values of Host matchers that are not negated (pkg/rules ParsePositiveMatchers), lower-cased. */
export function positiveHosts(node: RuleNode, negated = false): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...positiveHosts(node.left, negated), ...positiveHosts(node.right, negated)];
    case 'not':
      return positiveHosts(node.operand, !negated);
    case 'call':
      return !negated && resolveMatcherName(node.name, ['Host']) === 'Host' ? node.args.map((a) => a.value.toLowerCase()) : [];
  }
}
