/**
 * The syntax tree Go's parser would build for a circuit-breaker expression, before any meaning is
 * given to it. Precedence is Go's (`||` < `&&` < comparisons < `+ - | ^` < `* / % << >> & &^`), and
 * comparisons chain left to right as in Go, so `a > 1 > 2` parses and only the checker rejects it —
 * which is where Traefik (vulcand/predicate) rejects it too.
 */
import { ExpressionSyntaxError, tokenize, type Token } from './lexer.ts';

export type SyntaxNode =
  | { t: 'lit'; kind: 'int' | 'float' | 'string'; text: string; start: number; end: number }
  | { t: 'ident'; name: string; start: number; end: number }
  | { t: 'call'; name: string; args: SyntaxNode[]; start: number; end: number }
  | { t: 'paren'; inner: SyntaxNode; start: number; end: number }
  | { t: 'unary'; op: string; operand: SyntaxNode; start: number; end: number }
  /** `start` is where the left operand begins; `opOffset` is where the operator is. */
  | { t: 'binary'; op: string; left: SyntaxNode; right: SyntaxNode; opOffset: number; start: number; end: number };

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
};

const UNARY = new Set(['+', '-', '!', '^', '*', '&']);

export function parseSyntax(text: string): SyntaxNode {
  const p = new Parser(tokenize(text));
  const node = p.binary(1);
  const rest = p.peek();
  if (rest.kind !== 'eof') throw new ExpressionSyntaxError(rest.offset, `expected the end of the expression, found ${describe(rest)}`);
  return node;
}

function describe(tok: Token): string {
  return tok.kind === 'eof' ? 'the end of the expression' : `'${tok.text}'`;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos] as Token;
  }

  private take(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.pos++;
    return tok;
  }

  /** Precedence climbing, left-associative at every level (Go's binary expressions). */
  binary(minPrec: number): SyntaxNode {
    let left = this.unary();
    for (;;) {
      const tok = this.peek();
      const prec = tok.kind === 'op' ? PRECEDENCE[tok.text] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.take();
      const right = this.binary(prec + 1);
      left = { t: 'binary', op: tok.text, left, right, opOffset: tok.offset, start: left.start, end: right.end };
    }
  }

  private unary(): SyntaxNode {
    const tok = this.peek();
    if (tok.kind === 'op' && UNARY.has(tok.text)) {
      this.take();
      const operand = this.unary();
      return { t: 'unary', op: tok.text, operand, start: tok.offset, end: operand.end };
    }
    return this.primary();
  }

  private primary(): SyntaxNode {
    const tok = this.take();
    const end = tok.offset + tok.text.length;
    if (tok.kind === 'int' || tok.kind === 'float' || tok.kind === 'string') return { t: 'lit', kind: tok.kind, text: tok.text, start: tok.offset, end };
    if (tok.kind === 'ident') {
      if (!(this.peek().kind === 'op' && this.peek().text === '(')) return { t: 'ident', name: tok.text, start: tok.offset, end };
      this.take();
      const args = this.arguments();
      return { t: 'call', name: tok.text, args, start: tok.offset, end: this.closeParen('function call') };
    }
    if (tok.kind === 'op' && tok.text === '(') {
      const inner = this.binary(1);
      return { t: 'paren', inner, start: tok.offset, end: this.closeParen('parenthesis') };
    }
    throw new ExpressionSyntaxError(tok.offset, `expected an operand (a metric such as NetworkErrorRatio(), or a number), found ${describe(tok)}`);
  }

  /** Arguments up to, not including, the closing parenthesis; Go allows a trailing comma. */
  private arguments(): SyntaxNode[] {
    const args: SyntaxNode[] = [];
    while (!this.atCloseParen()) {
      args.push(this.binary(1));
      if (this.peek().kind === 'op' && this.peek().text === ',') this.take();
      else break;
    }
    return args;
  }

  private atCloseParen(): boolean {
    const tok = this.peek();
    return tok.kind === 'op' && tok.text === ')';
  }

  /** Consumes `)` and returns the offset just past it. */
  private closeParen(what: string): number {
    const tok = this.peek();
    if (!this.atCloseParen()) throw new ExpressionSyntaxError(tok.offset, `expected ')' to close the ${what}, found ${describe(tok)}`);
    this.take();
    return tok.offset + 1;
  }
}
