import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeUpstreamPath, normalizeKongPath, percentDecodeUnreserved, removeDotSegments } from './kong-uri.ts';

describe('Kong request-URI normalisation (semantics §6)', () => {
  it.each([
    ['/%61dmin', '/admin'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a%2fb', '/a%2Fb'],
    ['/%7Euser', '/~user'],
    ['/a%20b', '/a b'],
    ['/caf%C3%A9', '/café'],
    ['/bad%C3', '/bad%C3'],
    ['/%zz', '/%zz'],
  ])('§6 percent-decodes unreserved and other characters, keeps reserved ones encoded: %s → %s', (input, want) => {
    expect(percentDecodeUnreserved(input)).toBe(want);
  });

  it.each([
    ['/foo/../admin', '/admin'],
    ['/foo/./bar', '/foo/bar'],
    ['/../../x', '/x'],
    ['/a/b/..', '/a/'],
    ['/a/.', '/a/'],
    ['//a///b', '/a/b'],
    ['/%2e%2e/admin', '/admin'],
    ['/', '/'],
  ])('§6 removes dot segments and merges slashes: %s → %s', (input, want) => {
    expect(normalizeKongPath(input)).toBe(want);
  });

  it('removeDotSegments follows RFC 3986 §5.2.4 on the examples of the RFC', () => {
    expect(removeDotSegments('/a/b/c/./../../g')).toBe('/a/g');
    expect(removeDotSegments('mid/content=5/../6')).toBe('mid/6');
  });

  it('escapes what Kong does not forward raw', () => {
    expect(escapeUpstreamPath('/a b/é')).toBe('/a%20b/%C3%A9');
    expect(escapeUpstreamPath("/keep!$&'()*+,;=:@[]~-._%2F")).toBe("/keep!$&'()*+,;=:@[]~-._%2F");
  });

  it('§6 decodes in one pass: an escape spelled by a decoded character is not decoded again', () => {
    // Kong's uri.lua runs one gsub over %XX triplets. "%0" is not a triplet; "%30" becomes "0"; the "%00"
    // this leaves behind is routed as those three characters, not as a NUL byte.
    expect(normalizeKongPath('/%0%30')).toBe('/%00');
    expect(normalizeKongPath('/%2%65x')).toBe('/%2ex');
    expect(normalizeKongPath('/%%32%65%%32%65/admin')).toBe('/%2e%2e/admin');
  });

  it('normalisation leaves no dot segment or empty segment behind, and is idempotent when every % starts an escape (property)', () => {
    const seed = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`kong-uri property seed: ${seed} (set FC_SEED to replay)`);
    const segment = fc.oneof(
      fc.constantFrom('.', '..', '', 'a', 'b%2e', '%2E%2E', '%41', '%2F', 'x y', '%C3%A9', '%C3', '%25'),
      fc.stringMatching(/^[a-z0-9%.~-]{0,6}$/),
    );
    const path = fc.array(segment, { maxLength: 8 }).map((segs) => `/${segs.join('/')}`);
    // A stray % can meet a decoded character and spell a new escape (see the one-pass case above), so a
    // second pass may decode more; without stray %, nothing decoded can start a triplet ("%" stays %25).
    const strayPercent = /%(?![0-9A-Fa-f]{2})/;
    let idempotenceChecked = 0;
    fc.assert(
      fc.property(path, (p) => {
        const once = normalizeKongPath(p);
        expect(once.includes('//')).toBe(false);
        expect(/\/\.\.?(\/|$)/.test(once)).toBe(false);
        if (strayPercent.test(p)) return;
        idempotenceChecked += 1;
        expect(normalizeKongPath(once)).toBe(once);
      }),
      { seed, numRuns: 500 },
    );
    expect(idempotenceChecked).toBeGreaterThan(100);
  });
});

describe('escapeUpstreamPath: the safe-path shortcut', () => {
  it('answers what the plain replace answers, for any path', () => {
    const seed = Number(process.env['FC_SEED'] ?? 20_261_126);
    console.log(`kong-uri escape seed: ${seed} (set FC_SEED to replay)`);
    const unsafe = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/gu;
    const reference = (path: string): string =>
      path.replace(unsafe, (ch) => Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
    const path = fc.oneof(fc.stringMatching(/^\/[a-z0-9/._~%-]*$/), fc.string({ unit: 'grapheme' }), fc.string());
    fc.assert(
      fc.property(path, (p) => {
        expect(escapeUpstreamPath(p)).toBe(reference(p));
      }),
      { seed, numRuns: 1000 },
    );
  });
});
