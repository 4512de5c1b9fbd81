/**
 * Tokens of a Traefik router rule. Traefik hands the rule to vulcand/predicate, which parses it with
 * Go's own expression parser (go/parser.ParseExpr), so the lexical rules are Go's: identifiers,
 * string literals in backticks (raw) or double quotes (with Go escapes), `&&`, `||`, `!`, parentheses
 * and commas. Single quotes make a rune literal, which a matcher never accepts. Go inserts a semicolon
 * at a line break after an identifier, a literal or `)`, so a rule broken *before* `&&` does not
 * parse; each token remembers whether a line break preceded it so the parser can say so.
 *
 * Offsets are UTF-16 indices into the rule string, for error positions.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'rune' | '(' | ')' | ',' | '&&' | '||' | '!' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** For `string`: the decoded value. */
  value?: string;
  start: number;
  end: number;
  /** A line break (or a `//` comment) came between the previous token and this one. */
  newlineBefore: boolean;
}

export interface LexError {
  message: string;
  start: number;
  end: number;
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{Nd}_]/u;

export function tokenize(rule: string): { tokens: Token[]; error?: LexError } {
  const tokens: Token[] = [];
  let i = 0;
  let newline = false;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    tokens.push({ kind, text: rule.slice(start, end), start, end, newlineBefore: newline, ...(value !== undefined ? { value } : {}) });
    newline = false;
  };
  while (i < rule.length) {
    const c = rule[i] as string;
    if (c === '\n') {
      newline = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && rule[i + 1] === '/') {
      const end = rule.indexOf('\n', i);
      i = end < 0 ? rule.length : end;
      newline = true;
      continue;
    }
    if (c === '/' && rule[i + 1] === '*') {
      const end = rule.indexOf('*/', i + 2);
      if (end < 0) return { tokens, error: { message: 'comment not terminated', start: i, end: rule.length } };
      if (rule.slice(i, end).includes('\n')) newline = true;
      i = end + 2;
      continue;
    }
    const start = i;
    if (IDENT_START.test(c)) {
      i++;
      while (i < rule.length && IDENT_PART.test(rule[i] as string)) i++;
      push('ident', start, i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(rule[i + 1] ?? ''))) {
      i++;
      while (i < rule.length && /[0-9A-Za-z_.]/.test(rule[i] as string)) i++;
      push('number', start, i);
      continue;
    }
    if (c === '`') {
      const end = rule.indexOf('`', i + 1);
      if (end < 0) return { tokens, error: { message: 'raw string literal not terminated (a backtick is missing)', start, end: rule.length } };
      // Go drops carriage returns from raw strings.
      push('string', start, end + 1, rule.slice(i + 1, end).replace(/\r/g, ''));
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const decoded = decodeInterpreted(rule, i);
      if ('error' in decoded) return { tokens, error: decoded.error };
      push('string', start, decoded.end, decoded.value);
      i = decoded.end;
      continue;
    }
    if (c === "'") {
      const end = rule.indexOf("'", i + 1);
      const stop = end < 0 ? rule.length : end + 1;
      push('rune', start, stop);
      i = stop;
      continue;
    }
    const two = rule.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      push(two, start, i + 2);
      i += 2;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      push(c, start, i + 1);
      i++;
      continue;
    }
    if (c === '!' && rule[i + 1] !== '=') {
      push('!', start, i + 1);
      i++;
      continue;
    }
    // Any other Go operator (==, &, |, +, ., [ …): the parser reports it as unsupported.
    const op = /^(==|!=|<=|>=|<<|>>|&\^|[&|^+\-*/%<>=.[\]{}:;~?@#$\\])/.exec(rule.slice(i));
    const len = op ? (op[1] as string).length : 1;
    push('op', start, i + len);
    i += len;
  }
  tokens.push({ kind: 'eof', text: '', start: rule.length, end: rule.length, newlineBefore: newline });
  return { tokens };
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** A double-quoted Go string literal starting at `at`: its value and where it ends (after the quote). */
function decodeInterpreted(rule: string, at: number): { value: string; end: number } | { error: LexError } {
  let out = '';
  let i = at + 1;
  while (i < rule.length) {
    const c = rule[i] as string;
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n') return { error: { message: 'string literal not terminated (a line break inside "…"; use backticks for multi-line values)', start: at, end: i } };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = rule[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const spec = e === 'x' ? { len: 2, radix: 16 } : e === 'u' ? { len: 4, radix: 16 } : e === 'U' ? { len: 8, radix: 16 } : /[0-7]/.test(e) ? { len: 3, radix: 8 } : undefined;
    if (!spec) {
      return { error: { message: `unknown escape sequence \\${e} in a double-quoted string (Go allows \\n \\t \\\\ \\" \\xNN \\uNNNN …; use backticks to avoid escapes)`, start: i, end: i + 2 } };
    }
    const digitsAt = spec.radix === 8 ? i + 1 : i + 2;
    const digits = rule.slice(digitsAt, digitsAt + spec.len);
    const valid = spec.radix === 8 ? /^[0-7]{3}$/ : new RegExp(`^[0-9A-Fa-f]{${spec.len}}$`);
    if (!valid.test(digits)) {
      return { error: { message: `invalid escape \\${e}${digits}: expected ${spec.len} ${spec.radix === 8 ? 'octal' : 'hex'} digits`, start: i, end: digitsAt + spec.len } };
    }
    const code = parseInt(digits, spec.radix);
    if ((spec.radix === 8 && code > 255) || code > 0x10ffff || (code >= 0xd800 && code < 0xe000 && spec.len >= 4)) {
      return { error: { message: `escape \\${e}${digits} is not a valid character`, start: i, end: digitsAt + spec.len } };
    }
    // \x and octal escapes are single bytes in Go; as text they read as that code point (Latin-1).
    out += String.fromCodePoint(code);
    i = digitsAt + spec.len;
  }
  return { error: { message: 'string literal not terminated (a closing " is missing)', start: at, end: rule.length } };
}
