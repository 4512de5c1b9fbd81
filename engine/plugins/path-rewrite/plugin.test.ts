/**
 * Traefik's path middlewares (pkg/middlewares/stripprefix, stripprefixregex, addprefix, replacepath,
 * replacepathregex and their tests): what reaches the backend and the header each adds.
 */
import { describe, expect, it } from 'vitest';
import { collecting, context, hooksOf, host } from '../kit/test-kit.ts';
import type { Verdict } from '../../pipeline/types.ts';
import { pathRewritePlugin } from './plugin.ts';
import { parseUpstreamPath } from './path.ts';

function run(raw: unknown, path: string, query = ''): { path: string; headers: Record<string, string | string[]>; verdict: Verdict } {
  const ctx = context({ path, query });
  const verdict = hooksOf(pathRewritePlugin, raw).access?.(ctx, host()) as Verdict;
  return { path: ctx.upstream.path, headers: ctx.upstream.headers.toJSON(), verdict };
}

describe('stripPrefix (strip_prefix_test.go)', () => {
  const cases: Array<[string, string[], string, string, string | undefined]> = [
    ['wildcard (.*) requests', ['/'], '/', '/', '/'],
    ['prefix and path matching', ['/stat'], '/stat', '/', '/stat'],
    ['path prefix on exactly matching path', ['/stat/'], '/stat/', '/', '/stat/'],
    ['path prefix on matching longer path', ['/stat'], '/stat/us', '/us', '/stat'],
    ['path prefix on mismatching path', ['/stat/'], '/status', '/status', undefined],
    ['general prefix on matching path', ['/'], '/stat/', '/stat/', '/'],
    ['earlier prefix matching', ['/stat', '/stat/us'], '/stat/us', '/us', '/stat'],
    ['later prefix matching', ['/mismatch', '/stat'], '/stat', '/', '/stat'],
    ['prefix matching within slash boundaries', ['/stat'], '/status', '/us', '/stat'],
    ['raw path is also stripped', ['/stat'], '/stat/a%2Fb', '/a%2Fb', '/stat'],
    ['a prefix of the whole path leaves /', ['/api'], '/api', '/', '/api'],
  ];
  for (const [desc, prefixes, path, want, prefix] of cases) {
    it(desc, () => {
      const r = run({ stripPrefix: { prefixes } }, path);
      expect(r.path).toBe(want);
      expect(r.headers['x-forwarded-prefix']).toBe(prefix);
    });
  }

  it('keeps the query', () => {
    expect(run({ stripPrefix: { prefixes: ['/api/v1/orders'] } }, '/api/v1/orders/123', 'x=1').path).toBe('/123?x=1');
  });

  it('forceSlash (deprecated) always leaves one leading slash', () => {
    expect(run({ stripPrefix: { prefixes: ['/stat/'], forceSlash: true } }, '/stat/').path).toBe('/');
    const r = collecting();
    pathRewritePlugin.parse({ stripPrefix: { prefixes: ['/a'], forceSlash: true } }, r);
    expect(r.items.map((i) => i.code)).toEqual(['GL_W_DEPRECATED']);
  });
});

describe('stripPrefixRegex (strip_prefix_regex_test.go)', () => {
  const regex = ['/a/api/', '/b/([a-z0-9]+)/', '/c/[a-z0-9]+/[0-9]+/'];
  const cases: Array<[string, string, string | undefined]> = [
    ['/a/test', '/a/test', undefined],
    ['/a/test/', '/a/test/', undefined],
    ['/a/api/', '/', '/a/api/'],
    ['/a/api/test', '/test', '/a/api/'],
    ['/a/api/test/', '/test/', '/a/api/'],
    ['/b/api/', '/', '/b/api/'],
    ['/b/api', '/b/api', undefined],
    ['/b/api/test1', '/test1', '/b/api/'],
    ['/c/api/123/', '/', '/c/api/123/'],
    ['/c/api/123/test3', '/test3', '/c/api/123/'],
    ['/c/api/abc/test4', '/c/api/abc/test4', undefined],
    ['/a/api/a%2Fb', '/a%2Fb', '/a/api/'],
  ];
  for (const [path, want, prefix] of cases) {
    it(`${path} → ${want}`, () => {
      const r = run({ stripPrefixRegex: { regex } }, path);
      expect(r.path).toBe(want);
      expect(r.headers['x-forwarded-prefix']).toBe(prefix);
    });
  }
});

describe('addPrefix (add_prefix_test.go)', () => {
  it('puts the prefix in front', () => {
    expect(run({ addPrefix: { prefix: '/foo' } }, '/bar').path).toBe('/foo/bar');
    expect(run({ addPrefix: { prefix: '/foo' } }, '/').path).toBe('/foo/');
    expect(run({ addPrefix: { prefix: 'foo' } }, '/bar').path).toBe('/foo/bar');
    expect(run({ addPrefix: { prefix: '/foo' } }, '/bar%2Fbaz').path).toBe('/foo/bar%2Fbaz');
  });

  it('refuses an empty prefix, as Traefik refuses the middleware', () => {
    const r = collecting();
    pathRewritePlugin.parse({ addPrefix: { prefix: '' } }, r);
    expect(r.items[0]).toMatchObject({ severity: 'error', path: 'addPrefix.prefix' });
  });
});

describe('replacePath (replace_path_test.go)', () => {
  it('replaces the whole path and records the old one', () => {
    const r = run({ replacePath: { path: '/foo' } }, '/api/v1', 'q=1');
    expect(r.path).toBe('/foo?q=1');
    expect(r.headers['x-replaced-path']).toBe('/api/v1');
  });

  it('keeps an escaped replacement escaped and records the raw old path', () => {
    const r = run({ replacePath: { path: '/foo%2Fbar' } }, '/a%2Fb');
    expect(r.path).toBe('/foo%2Fbar');
    expect(r.headers['x-replaced-path']).toBe('/a%2Fb');
  });

  it('a replacement that does not unescape is a 500, as Traefik answers it', () => {
    const r = run({ replacePath: { path: '/bad%zz' } }, '/x');
    expect(r.verdict).toMatchObject({ kind: 'reply', status: 500 });
  });
});

describe('replacePathRegex (replace_path_regex_test.go)', () => {
  const cases: Array<[string, string, string, string, string | undefined]> = [
    ['/whoami/and/whoami', '/whoami/(.*)', '/who-am-i/$1', '/who-am-i/and/whoami', '/whoami/and/whoami'],
    ['/whoami/and/whoami', '/whoami', '/who-am-i', '/who-am-i/and/who-am-i', '/whoami/and/whoami'],
    ['/whoami/and/whoami', '^/api/(.*)', '/$1', '/whoami/and/whoami', undefined],
    ['/downloads/src/source.go', '^(?P<dir>/downloads/)(?P<section>[^/]+)/(?P<file>.*)', '${dir}${file}', '/downloads/source.go', '/downloads/src/source.go'],
    ['/aaa/bbb', '/aaa/bbb', '/foo%2Fbar', '/foo%2Fbar', '/aaa/bbb'],
    ['/aaa/bbb', '/aaa/(.*)', '/$1x', '/', '/aaa/bbb'],
  ];
  for (const [path, regex, replacement, want, header] of cases) {
    it(`${path} with ${regex} → ${want}`, () => {
      const r = run({ replacePathRegex: { regex, replacement } }, path);
      expect(r.path).toBe(want);
      expect(r.headers['x-replaced-path']).toBe(header);
    });
  }
});

describe('config', () => {
  it('takes exactly one middleware type', () => {
    const r = collecting();
    pathRewritePlugin.parse({ stripPrefix: { prefixes: ['/a'] }, addPrefix: { prefix: '/b' } }, r);
    expect(r.items[0]?.message).toMatch(/not several/);
  });

  it('checks regular expressions with Go (RE2) syntax', () => {
    const r = collecting();
    pathRewritePlugin.parse({ stripPrefixRegex: { regex: ['(?<=a)b'] } }, r);
    expect(r.items[0]).toMatchObject({ severity: 'error', path: 'stripPrefixRegex.regex.0' });
  });

  it('reads an escaped upstream path the way Go does', () => {
    expect(parseUpstreamPath('/a%2Fb?x=1')).toEqual({ url: { path: '/a/b', rawPath: '/a%2Fb' }, query: '?x=1' });
    expect(parseUpstreamPath('/a%20b')).toEqual({ url: { path: '/a b', rawPath: '' }, query: '' });
  });
});
