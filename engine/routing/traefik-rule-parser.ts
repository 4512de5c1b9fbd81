/**
 * The Traefik rule language as a tree: matcher calls combined with `&&`, `||`, `!` and parentheses,
 * with Go's precedence (`!` binds tightest, then `&&`, then `||`; both binary operators associate to
 * the left). Every node keeps its offsets in the rule string so an error can point at the exact
 * character, which the adapter maps to the YAML file's line and column.
 *
 * Ground truth: traefik/traefik pkg/rules/parser.go (a vulcand/predicate parser over go/parser) and
 * pkg/muxer/http/mux.go; shared/semantics.md §4 for the Traefik version read.
 */
import { tokenize, type Token } from './traefik-rule-lexer.ts';

export interface Span {
  start: number;
  end: number;
}

export interface RuleArg extends Span {
  value: string;
}

export type RuleNode =
  | ({ kind: 'and' | 'or'; left: RuleNode; right: RuleNode } & Span)
  | ({ kind: 'not'; operand: RuleNode } & Span)
  | ({ kind: 'call'; name: string; nameSpan: Span; args: RuleArg[] } & Span);

export interface RuleSyntaxError extends Span {
  message: string;
}

export type ParsedRule = { ok: true; tree: RuleNode } | { ok: false; error: RuleSyntaxError };

/** Tokens after which Go inserts a semicolon at a line break. */
const ENDS_STATEMENT = new Set(['ident', 'string', 'number', 'rune', ')']);

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }

  private prev(): Token | undefined {
    return this.at > 0 ? this.tokens[this.at - 1] : undefined;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.at++;
    return t;
  }

  /** Go's semicolon insertion: a line break after `)`, a name or a literal ends the expression there. */
  private brokenLine(t: Token): boolean {
    const p = this.prev();
    return t.newlineBefore && p !== undefined && ENDS_STATEMENT.has(p.kind);
  }

  private fail(t: Token, message: string): never {
    throw { start: t.start, end: Math.max(t.end, t.start + 1), message } satisfies RuleSyntaxError;
  }

  parse(): RuleNode {
    const tree = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (this.brokenLine(t)) {
        this.fail(t, `a line break after "${this.prev()?.text ?? ''}" ends the rule there (Go inserts a semicolon); put && or || at the end of the line, not at the start of the next`);
      }
      if (t.kind === ')') this.fail(t, 'unexpected ")": there is no "(" to close');
      if (t.kind === 'ident' || t.kind === '(' || t.kind === '!') {
        this.fail(t, `expected && or || before "${t.text}": matchers are combined with operators`);
      }
      this.fail(t, `unexpected ${describe(t)} after a complete rule`);
    }
    return tree;
  }

  private or(): RuleNode {
    let left = this.and();
    while (this.peek().kind === '||' && !this.brokenLine(this.peek())) {
      this.next();
      const right = this.and();
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private and(): RuleNode {
    let left = this.unary();
    while (this.peek().kind === '&&' && !this.brokenLine(this.peek())) {
      this.next();
      const right = this.unary();
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): RuleNode {
    const t = this.peek();
    if (t.kind === '!') {
      this.next();
      const operand = this.unary();
      return { kind: 'not', operand, start: t.start, end: operand.end };
    }
    return this.primary();
  }

  private primary(): RuleNode {
    const t = this.next();
    if (t.kind === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.kind !== ')') {
        if (this.brokenLine(close)) this.fail(close, 'a line break inside the parentheses ends the rule there (Go inserts a semicolon); break lines after && or ||');
        this.fail(close, `expected ")" to close the "(" at offset ${t.start}, found ${describe(close)}`);
      }
      // Parentheses only group; the node keeps the span of the whole group for messages.
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.kind === 'ident') return this.call(t);
    if (t.kind === 'eof') this.fail(t, 'the rule ends where a matcher was expected');
    if (t.kind === 'string') this.fail(t, `a value (${t.text}) where a matcher was expected: write it as an argument, e.g. Host(${t.text})`);
    if (t.kind === 'rune') this.fail(t, "single quotes make a Go rune literal, not a string: use backticks (`…`) or double quotes");
    if (t.kind === '&&' || t.kind === '||') this.fail(t, `"${t.text}" needs a matcher on its left`);
    this.fail(t, `unexpected ${describe(t)} where a matcher was expected`);
  }

  private call(name: Token): RuleNode {
    const open = this.peek();
    if (open.kind !== '(' || this.brokenLine(open)) {
      this.fail(name, `"${name.text}" is a matcher name and needs its arguments in parentheses, e.g. ${name.text}(\`value\`)`);
    }
    this.next();
    const args: RuleArg[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === ')') return { kind: 'call', name: name.text, nameSpan: { start: name.start, end: name.end }, args, start: name.start, end: t.end };
      if (t.kind === 'string') args.push({ value: t.value ?? '', start: t.start, end: t.end });
      else if (t.kind === 'rune') this.fail(t, "single quotes are not accepted: Traefik values are Go string literals, so use backticks (`…`) or double quotes");
      else if (t.kind === 'number') this.fail(t, `${t.text} is a number; matcher arguments are strings: write \`${t.text}\``);
      else if (t.kind === 'ident') this.fail(t, `${t.text} is a name, not a string; quote it with backticks: \`${t.text}\``);
      else if (t.kind === 'eof') this.fail(t, `the rule ends inside ${name.text}(…): a ")" is missing`);
      else this.fail(t, `unexpected ${describe(t)} in the arguments of ${name.text}`);
      const sep = this.next();
      if (sep.kind === ')') {
        return { kind: 'call', name: name.text, nameSpan: { start: name.start, end: name.end }, args, start: name.start, end: sep.end };
      }
      if (sep.kind !== ',') {
        if (sep.kind === 'eof') this.fail(sep, `the rule ends inside ${name.text}(…): a ")" is missing`);
        this.fail(sep, `expected "," or ")" after an argument of ${name.text}, found ${describe(sep)}`);
      }
    }
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the rule';
    case 'string':
      return `the string ${t.text}`;
    case 'ident':
      return `"${t.text}"`;
    case 'op':
      return `"${t.text}" (only &&, || and ! combine matchers)`;
    default:
      return `"${t.text}"`;
  }
}

function isSyntaxError(e: unknown): e is RuleSyntaxError {
  return typeof e === 'object' && e !== null && 'message' in e && 'start' in e && !(e instanceof Error);
}

export function parseRule(rule: string): ParsedRule {
  const lexed = tokenize(rule);
  if (lexed.error) return { ok: false, error: lexed.error };
  if (lexed.tokens.length === 1) return { ok: false, error: { start: 0, end: 0, message: 'the rule is empty' } };
  try {
    return { ok: true, tree: new Parser(lexed.tokens).parse() };
  } catch (e) {
    if (isSyntaxError(e)) return { ok: false, error: e };
    throw e;
  }
}

/** The rule back as text, fully parenthesised: what the parser understood (tests and explanations). */
export function printRule(node: RuleNode): string {
  switch (node.kind) {
    case 'call':
      return `${node.name}(${node.args.map((a) => `\`${a.value}\``).join(', ')})`;
    case 'not':
      return `!${printRule(node.operand)}`;
    default:
      return `(${printRule(node.left)} ${node.kind === 'and' ? '&&' : '||'} ${printRule(node.right)})`;
  }
}
