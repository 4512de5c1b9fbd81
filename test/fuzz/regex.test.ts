/**
 * User-supplied regexes run on RE2 (re2js), whose running time is linear in the input: no pattern can
 * stall routing. These tests pin the *result* on the classic catastrophic patterns (never a time), name
 * the PCRE-only constructs in errors, and fuzz every vendor's compile-and-match path: a bad pattern comes
 * back as an error value, never as an exception.
 */
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileKongRegex, kongPathPattern, matchAtStart } from '../../engine/routing/kong-regex.ts';
import { compileGoRegex, goMatch, goReplaceAll } from '../../engine/routing/traefik-regex.ts';
import { compileNginxRegex, locationPattern, searchRegex } from '../../engine/routing/ingress-nginx-regex.ts';
import { RegexCache, re2Problem } from '../../engine/routing/gateway-api-match.ts';
import { unsupportedConstruct } from '../../engine/routing/re2-constructs.ts';
import { fuzzSeed, loadConfigText, runs } from './fuzz-kit.ts';

const seed = fuzzSeed('route regexes', 0x2e2);
const EVIL_INPUT = `${'a'.repeat(30)}!`;

describe('catastrophic-backtracking patterns on RE2', () => {
  it('^(a+)+$ against 30 a and a "!" is compiled by RE2 and does not match, in every dialect', () => {
    const kong = compileKongRegex(kongPathPattern('~/(a+)+$'));
    const go = compileGoRegex('^(a+)+$');
    const nginx = compileNginxRegex(locationPattern('(a+)+$'));
    if (!kong.ok || !go.ok || !nginx.ok) throw new Error('the patterns must compile');
    // The matcher is re2js's, the linear-time engine; a JS RegExp would backtrack 2^30 times here.
    for (const re of [kong.re, go.re, nginx.re]) expect(re).toBeInstanceOf(RE2JS);
    expect(matchAtStart(kong.re, `/${EVIL_INPUT}`)).toBeUndefined();
    expect(goMatch(go.re, EVIL_INPUT)).toBe(false);
    expect(searchRegex(nginx.re, EVIL_INPUT)).toBeUndefined();
    expect(new RegexCache().fullMatch('(a|aa)+', EVIL_INPUT)).toBe(false);
    // …and the same patterns still match what they should.
    expect(matchAtStart(kong.re, `/${'a'.repeat(30)}`)).toBe(`/${'a'.repeat(30)}`);
    expect(goMatch(go.re, 'a'.repeat(30))).toBe(true);
  });

  it('a Kong route with a catastrophic regex path loads and its IR keeps the pattern', () => {
    const text = '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://a:1\n    routes:\n      - name: r\n        paths: ["~/(a+)+$"]\n';
    const { loaded } = loadConfigText(text, 'kong');
    expect(loaded?.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(JSON.stringify(loaded?.ir)).toContain('(a+)+$');
  });
});

describe('constructs RE2 does not have are named, at their line', () => {
  it.each([
    ['/(?=x)y', 'look-ahead `(?=`'],
    ['/(?!x)y', 'negative look-ahead `(?!`'],
    ['(?<=a)b', 'look-behind `(?<=`'],
    ['(?<!a)b', 'negative look-behind `(?<!`'],
    ['(a)\\1', 'backreference `\\1`'],
    ['(?<n>a)\\k<n>', 'backreference `\\k<n>`'],
    ['(?>a+)b', 'atomic group `(?>`'],
    ['a++', 'possessive quantifier `++`'],
    ['a\\Kb', 'match-reset `\\K`'],
    ['(a(?R)?b)', 'recursion `(?R)`'],
  ])('%s → %s', (pattern, construct) => {
    expect(unsupportedConstruct(pattern)).toBe(construct);
    expect(re2Problem(pattern)).toContain(construct);
  });

  it('escaped and bracketed look-alikes are not constructs', () => {
    for (const p of ['\\(?=x\\)', '[(?=]x', '\\\\1', '[\\]]\\(?!', 'a+b*', '(?i)a', '(?P<n>a)', '[]a]']) expect(unsupportedConstruct(p), p).toBeUndefined();
  });

  it('a Kong regex path with a look-ahead is GL_E_REGEX at the path, naming the construct and Kong\'s engine', () => {
    const text = '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://a:1\n    routes:\n      - name: r\n        paths: ["~/(?=x)y"]\n';
    const d = loadConfigText(text, 'kong').loaded?.diagnostics.find((x) => x.code === 'GL_E_REGEX');
    expect(d?.loc).toMatchObject({ file: 'fuzz/config.yaml', line: 7 });
    expect(d?.message).toContain('look-ahead `(?=`');
    expect(d?.hint).toMatch(/Rust's regex crate/);
  });
});

const regexChar = fc.constantFrom('a', 'b', '.', '*', '+', '?', '|', '(', ')', '[', ']', '{', '}', '^', '$', '\\', '1', ',', '-', '<', '>', '=', '!', 'P', 'k', 'i', ':', '/', ' ');
const pattern = fc.oneof(fc.array(regexChar, { maxLength: 16 }).map((cs) => cs.join('')), fc.string({ maxLength: 12 }), fc.constantFrom('(a{1000}){1000}', 'a{1001}', '(?i)\\p{Greek}', '\\C', '(?P<a>x)(?P<a>y)', '[[:alpha:]]', '\\pZ', '\\ud800'));
const subject = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(EVIL_INPUT, '', '/a/b', '\ud800x'));

describe('every dialect\'s compile-and-match path on arbitrary patterns', () => {
  it('never throws: a bad pattern is an error value, a good one matches or not', () => {
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const kong = compileKongRegex(kongPathPattern(`~${p}`));
        if (kong.ok) matchAtStart(kong.re, s);
        else expect(kong.error.length).toBeGreaterThan(0);
        const go = compileGoRegex(p);
        if (go.ok) {
          goMatch(go.re, s);
          goReplaceAll(go.re, s, '$1-${2}');
        } else expect(go.error.length).toBeGreaterThan(0);
        const nginx = compileNginxRegex(locationPattern(p));
        if (nginx.ok) searchRegex(nginx.re, s);
        else expect(nginx.error.length).toBeGreaterThan(0);
        new RegexCache().fullMatch(p, s);
        re2Problem(p);
      }),
      { seed, numRuns: runs(400) },
    );
  });
});
