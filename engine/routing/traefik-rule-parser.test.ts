/**
 * The Traefik rule language (shared/semantics.md §4; traefik/traefik pkg/rules/parser.go over Go's
 * expression parser): && binds tighter than ||, ! tighter than both, parentheses group, and every
 * error carries the offset of the character at fault.
 */
import { describe, expect, it } from 'vitest';
import { parseRule, printRule } from './traefik-rule-parser.ts';
import { tokenize } from './traefik-rule-lexer.ts';

const shape = (rule: string): string => {
  const p = parseRule(rule);
  if (!p.ok) throw new Error(p.error.message);
  return printRule(p.tree);
};
const error = (rule: string) => {
  const p = parseRule(rule);
  if (p.ok) throw new Error(`expected an error for ${rule}`);
  return p.error;
};

describe('precedence', () => {
  it('&& binds tighter than || (Host OR (Host AND Path))', () => {
    expect(shape('Host(`a`) || Host(`b`) && Path(`/c`)')).toBe('(Host(`a`) || (Host(`b`) && Path(`/c`)))');
    expect(shape('Host(`a`) && Path(`/c`) || Host(`b`)')).toBe('((Host(`a`) && Path(`/c`)) || Host(`b`))');
  });

  it('both operators associate to the left', () => {
    expect(shape('A(`1`) || B(`2`) || C(`3`)')).toBe('((A(`1`) || B(`2`)) || C(`3`))');
    expect(shape('A(`1`) && B(`2`) && C(`3`)')).toBe('((A(`1`) && B(`2`)) && C(`3`))');
  });

  it('! applies to the next operand only', () => {
    expect(shape('!Host(`a`) && Path(`/b`)')).toBe('(!Host(`a`) && Path(`/b`))');
    expect(shape('!(Host(`a`) && Path(`/b`))')).toBe('!(Host(`a`) && Path(`/b`))');
    expect(shape('!!Host(`a`)')).toBe('!!Host(`a`)');
  });

  it('parentheses override precedence and may nest', () => {
    expect(shape('(Host(`a`) || Host(`b`)) && Path(`/c`)')).toBe('((Host(`a`) || Host(`b`)) && Path(`/c`))');
    expect(shape('(Host(`a`) && Path(`/js`)) || ((Host(`b`)) && Path(`/css`))')).toBe('((Host(`a`) && Path(`/js`)) || (Host(`b`) && Path(`/css`)))');
    expect(shape('!(!(Host(`a`) && Pathprefix(`/css`)))')).toBe('!!(Host(`a`) && Pathprefix(`/css`))');
  });
});

describe('Go string literals', () => {
  it('backticks are raw; double quotes take Go escapes', () => {
    const t = tokenize('Header(`X-A`, "a\\tb\\x41\\u00e9\\101\\"")').tokens;
    expect(t.filter((x) => x.kind === 'string').map((x) => x.value)).toEqual(['X-A', 'a\tbAé A"'.replace(' ', '')]);
  });

  it('a raw string keeps backslashes and may span lines', () => {
    expect(tokenize('HostRegexp(`^[a-z]+\\.com$`)').tokens[2]?.value).toBe('^[a-z]+\\.com$');
  });

  it('rejects unknown escapes and single quotes', () => {
    expect(error('Host("a\\qb")').message).toMatch(/unknown escape sequence \\q/);
    expect(error("Host('example.com')")).toMatchObject({ start: 5, message: expect.stringMatching(/single quotes/) });
  });
});

describe('errors point at the character at fault', () => {
  it('a missing operator between matchers', () => {
    expect(error('Host(`a`) Path(`/`)')).toMatchObject({ start: 10, message: expect.stringMatching(/expected && or \|\|/) });
  });

  it('an unbalanced parenthesis', () => {
    expect(error('(Host(`a`) && Path(`/`)').start).toBe(23);
    expect(error('Host(`a`))').start).toBe(9);
    expect(error('Host(`a`').message).toMatch(/"\)" is missing/);
  });

  it('an operator without a left side, or at the end', () => {
    expect(error('&& Host(`a`)').start).toBe(0);
    expect(error('Host(`a`) &&').message).toMatch(/the rule ends where a matcher was expected/);
  });

  it('an unquoted argument (Traefik: "Rule without quote")', () => {
    expect(error('Host(example.com)')).toMatchObject({ start: 5 });
    expect(error('Host(tchouk)').message).toMatch(/quote it with backticks/);
  });

  it('a bare word is not a rule', () => {
    expect(error('rulewithnotmatcher').message).toMatch(/needs its arguments in parentheses/);
    expect(error('').message).toBe('the rule is empty');
  });

  it('unsupported Go operators are named', () => {
    expect(error('Host(`a`) & Path(`/`)')).toMatchObject({ start: 10, message: expect.stringMatching(/only &&, \|\| and ! combine/) });
    expect(error('Host(`a`) == Host(`b`)').start).toBe(10);
  });

  it('a line break before && ends the rule (Go inserts a semicolon)', () => {
    expect(error('Host(`a`)\n  && Path(`/`)')).toMatchObject({ start: 12, message: expect.stringMatching(/semicolon/) });
    expect(shape('Host(`a`) &&\n  Path(`/`)')).toBe('(Host(`a`) && Path(`/`))');
  });

  it('a number is not a string argument', () => {
    expect(error('Method(1)')).toMatchObject({ start: 7, message: expect.stringMatching(/is a number/) });
  });
});

describe('arguments', () => {
  it('keeps each argument with its span', () => {
    const p = parseRule('Header(`X-Api`, `2`)');
    expect(p.ok && p.tree.kind === 'call' ? p.tree.args : []).toEqual([
      { value: 'X-Api', start: 7, end: 14 },
      { value: '2', start: 16, end: 19 },
    ]);
  });

  it('accepts no arguments and a trailing comma (the matcher then decides)', () => {
    expect(shape('Host()')).toBe('Host()');
    expect(shape('Host(`a`,)')).toBe('Host(`a`)');
  });
});
