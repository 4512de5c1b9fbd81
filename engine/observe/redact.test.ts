import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SECRET_NAMES, REDACTED, redactQuery, redactText, type SecretNames } from './redact.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`[fast-check] redact seed=${seed} (replay: FC_SEED=${seed})`);

/** redactQuery before its fast path: split, decode and compare every pair, rebuild when one matched. */
function redactQueryBefore(url: string, names: SecretNames): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const kept = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // as written
    }
    if (!names.params.has(name.toLowerCase())) return pair;
    changed = true;
    return `${rawName}=${REDACTED}`;
  });
  if (!changed) return url;
  return `${url.slice(0, q + 1)}${kept.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

/** redactText before its pre-check: the pattern alone. */
function redactTextBefore(text: string, names: SecretNames): string {
  if (!text.includes('?')) return text;
  return text.replace(/([?&])([^=&\s#?]+)=([^&\s#]*)/g, (whole: string, sep: string, name: string) => (names.params.has(name.toLowerCase()) ? `${sep}${name}=${REDACTED}` : whole));
}

/** Names including an empty one, one with a space and one only a Kelvin sign lower-cases to. */
const NAMES: SecretNames = { headers: DEFAULT_SECRET_NAMES.headers, params: new Set([...DEFAULT_SECRET_NAMES.params, 'key', 'my key', '']) };

/** Strings made of the characters that matter to both functions, and pieces of secret names. */
const piece = fc.constantFrom('?', '&', '=', '#', '%', '+', ' ', '\t', '\u00a0', '/', 'a', 'n', '1', 'apikey', 'APIKEY', 'Key', '\u212Aey', 'api%5Fkey', 'my+key', 'my%20key', '%ZZ', 'jwt', 'access_token', 'é', '😀', '\ud800');
/** Whole pairs too, so secret names often sit right after `?` or `&` and before `=`. */
const pair = fc.tuple(fc.constantFrom('?', '&', ' ', ''), fc.constantFrom('n', 'apikey', 'APIKEY', 'api%5Fkey', 'my+key', '\u212Aey', 'jwt', ''), fc.constantFrom('=', ''), fc.constantFrom('v', '1', '', 's?x')).map((p) => p.join(''));
const text = fc.array(fc.oneof(piece, pair), { maxLength: 30 }).map((parts) => parts.join(''));

describe('redaction fast paths', () => {
  it('redactQuery gives what it gave before the fast path, for any URL-like text', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (url, custom) => {
        const names = custom ? NAMES : DEFAULT_SECRET_NAMES;
        expect(redactQuery(url, names)).toBe(redactQueryBefore(url, names));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('redactText gives what it gave before the pre-check, for any text', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, custom) => {
        const names = custom ? NAMES : DEFAULT_SECRET_NAMES;
        expect(redactText(t, names)).toBe(redactTextBefore(t, names));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('keeps the fixed cases: secrets hidden, everything else byte for byte', () => {
    expect(redactQuery('/bench?n=17')).toBe('/bench?n=17');
    expect(redactQuery('/a?x=1&API%5Fkey=s&y#apikey=frag')).toBe('/a?x=1&API%5Fkey=[redacted]&y#apikey=frag');
    expect(redactQuery('/a?my+key=s', NAMES)).toBe('/a?my+key=[redacted]');
    expect(redactQuery('/a?&=v', NAMES)).toBe('/a?=[redacted]&=[redacted]');
    expect(redactText('GET /bench?n=3 matched route bench')).toBe('GET /bench?n=3 matched route bench');
    expect(redactText('to GET /a?n=1&apikey=s3cret now')).toBe('to GET /a?n=1&apikey=[redacted] now');
    expect(redactText('to /a?b=c?apikey=s')).toBe('to /a?b=c?apikey=s');
  });
});
