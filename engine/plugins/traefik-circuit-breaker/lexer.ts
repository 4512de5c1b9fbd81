/**
 * Tokens of a Traefik circuit-breaker expression. Traefik hands the text to vulcand/predicate, which
 * runs Go's own `go/parser.ParseExpr`, so the lexical rules are Go's: identifiers, Go number literals
 * (an octal `0500` is valid Go and reads as 500; `08` is a syntax error), strings, and every Go
 * operator — the unsupported ones (`+`, `*`, ...) still lex, so the checker can say "+ is not
 * supported" at the right column, as Traefik does.
 */

export type TokenKind = 'ident' | 'int' | 'float' | 'string' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based offset of the first character in the expression text. */
  offset: number;
}

export class ExpressionSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Longest first, so `&&` wins over `&` and `&^` over `&`. */
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '&^', '<', '>', '!', '(', ')', ',', '+', '-', '*', '/', '%', '&', '|', '^'];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (isIdentPart(text[i])) i++;
      out.push({ kind: 'ident', text: text.slice(start, i), offset: start });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      const n = scanNumber(text, start);
      out.push({ kind: n.kind, text: text.slice(start, n.end), offset: start });
      i = n.end;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw new ExpressionSyntaxError(start, 'string literal not terminated');
      i++;
      out.push({ kind: 'string', text: text.slice(start, i), offset: start });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, offset: start });
      i += op.length;
      continue;
    }
    const hint = c === '=' ? ' (comparisons use ==)' : c === "'" ? ' (strings use double quotes, and no function takes one)' : '';
    throw new ExpressionSyntaxError(start, `unexpected character ${JSON.stringify(c)}${hint}`);
  }
  out.push({ kind: 'eof', text: '', offset: text.length });
  return out;
}

/** Go's number grammar, close enough to tell ints from floats and to reject what go/scanner rejects. */
function scanNumber(text: string, start: number): { kind: 'int' | 'float'; end: number } {
  let i = start;
  const prefix = text.slice(i, i + 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
    i += 2;
    while (/[0-9a-fA-F_]/.test(text[i] ?? '')) i++;
    if (text[i] === '.' || text[i] === 'p' || text[i] === 'P') {
      throw new ExpressionSyntaxError(start, 'hexadecimal floating-point literals are not modelled by gatelab; write the number in decimal');
    }
    return { kind: 'int', end: i };
  }
  let float = false;
  while (isDigit(text[i]) || text[i] === '_') i++;
  if (text[i] === '.') {
    float = true;
    i++;
    while (isDigit(text[i]) || text[i] === '_') i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    const save = i;
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) throw new ExpressionSyntaxError(save, 'exponent has no digits');
    while (isDigit(text[i]) || text[i] === '_') i++;
    float = true;
  }
  if (isIdentPart(text[i])) throw new ExpressionSyntaxError(i, `invalid character ${JSON.stringify(text[i])} in number literal`);
  const literal = text.slice(start, i);
  // go/scanner: a leading 0 makes an integer octal, so 8 and 9 are not digits of it.
  const bad = !float && /^0[0-9_]+$/.test(literal) ? /[89]/.exec(literal) : null;
  if (bad) throw new ExpressionSyntaxError(start + bad.index, `invalid digit '${bad[0]}' in octal literal`);
  return { kind: float ? 'float' : 'int', end: i };
}
