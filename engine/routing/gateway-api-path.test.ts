import { describe, expect, it } from 'vitest';
import { parseQuery, pathPrefixMatches, pathValueProblem, replacePrefixMatch } from './gateway-api-path.ts';
import { hostnameMatches, intersectHostnames, requestHostname, scoreHostnames } from './gateway-api-hostname.ts';

describe('PathPrefix is segment-wise (semantics §7)', () => {
  it.each([
    ['/abc', '/abc', true],
    ['/abc', '/abc/', true],
    ['/abc', '/abc/def', true],
    ['/abc', '/abcd', false],
    ['/abc/', '/abc', true],
    ['/abc/', '/abc/def', true],
    ['/abc/', '/abcd', false],
    ['/', '/anything', true],
    ['/', '/', true],
    ['/abc', '/ABC', false],
    ['/a/b', '/a/bc', false],
  ])('prefix %s vs %s → %s', (prefix, path, want) => {
    expect(pathPrefixMatches(prefix, path)).toBe(want);
  });
});

describe('ReplacePrefixMatch: the spec table', () => {
  it.each([
    ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
    ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
    ['/foo', '/foo', '/xyz', '/xyz'],
    ['/foo/', '/foo', '/xyz', '/xyz/'],
    ['/foo/bar', '/foo', '', '/bar'],
    ['/foo/', '/foo', '', '/'],
    ['/foo', '/foo', '', '/'],
    ['/foo/', '/foo', '/', '/'],
    ['/foo', '/foo', '/', '/'],
    ['/foo/bar', '/foo', '/', '/bar'],
    ['/anything', '/', '/v2', '/v2/anything'],
  ])('%s matched by %s, replaced with %j → %s', (path, prefix, replacement, want) => {
    expect(replacePrefixMatch(path, prefix, replacement)).toBe(want);
  });
});

describe('path values the API server rejects', () => {
  it.each(['no-slash', '/a//b', '/a/./b', '/a/../b', '/a/..', '/a/.', '/a%2fb', '/a%2Fb', '/a#b'])('%s', (v) => {
    expect(pathValueProblem(v)).toBeDefined();
  });
  it('accepts ordinary paths', () => {
    expect(pathValueProblem('/v1/catalog')).toBeUndefined();
    expect(pathValueProblem('/')).toBeUndefined();
  });
});

describe('query parsing', () => {
  it('keeps order and repeats, decodes percent escapes', () => {
    expect(parseQuery('a=1&b=x%20y&a=2&flag')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '2'],
      ['flag', ''],
    ]);
  });
});

describe('hostnames', () => {
  it('drops the port and a trailing dot, lower-cases', () => {
    expect(requestHostname('Very.Specific.com:1234')).toBe('very.specific.com');
    expect(requestHostname('example.com.')).toBe('example.com');
    expect(requestHostname('[::1]:80')).toBe('[::1]');
  });
  it('a wildcard stands for one or more labels, never the bare domain', () => {
    expect(hostnameMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostnameMatches('*.example.com', 'aexample.com')).toBe(false);
  });
  it.each([
    [null, [], null],
    [null, ['a.com'], ['a.com']],
    ['a.com', [], ['a.com']],
    ['very.specific.com', ['*.specific.com'], ['very.specific.com']],
    ['*.wildcard.io', ['wildcard.io', 'foo.wildcard.io'], ['foo.wildcard.io']],
    ['*.example.com', ['*.foo.example.com'], ['*.foo.example.com']],
    ['*.foo.example.com', ['*.example.com'], ['*.foo.example.com']],
    ['*.a.io', ['*.b.io'], []],
  ])('listener %s ∩ route %j = %j', (listener, route, want) => {
    expect(intersectHostnames(listener, route)).toEqual(want);
  });
  it('scores exact above wildcard above any', () => {
    const exact = scoreHostnames(['a.example.com', '*.example.com'], 'a.example.com');
    expect(exact).toMatchObject({ pattern: 'a.example.com' });
    expect(scoreHostnames(['*.example.com'], 'a.example.com')).toMatchObject({ pattern: '*.example.com' });
    expect(scoreHostnames(null, 'x')).toMatchObject({ pattern: null });
    expect(scoreHostnames(['b.com'], 'a.com')).toBeUndefined();
  });
});
