/**
 * Kong's request-URI normalisation (kong/tools/uri.lua), applied before routing: percent-decoding of
 * every character that is not reserved, dot-segment removal, and `//` → `/`. Routing on the normalised
 * path is what makes `/foo/../admin` and `/%61dmin` reach the route for `/admin`.
 */

/** RFC 3986 reserved characters plus `%`: Kong keeps these percent-encoded (upper-cased) when decoding. */
const RESERVED = new Set('!*\'();:@&=+$,/?%#[]');

/** Characters Kong sends upstream as they are; anything else is percent-encoded (uri.lua, escape()). */
const SAFE_UPSTREAM = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/gu;
/** The same class without `g` (a global regex's test() would carry lastIndex between calls). */
const UNSAFE_UPSTREAM_CHAR = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/u;

/**
 * Decodes %XX triplets of unreserved and "other" characters and upper-cases the ones it keeps.
 * Kong works on bytes; JavaScript strings are UTF-16, so a run of encoded bytes ≥ 0x80 is decoded only
 * when it forms valid UTF-8 and is otherwise kept encoded (a request Kong would pass on as raw bytes).
 */
export function percentDecodeUnreserved(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    let out = '';
    let high: number[] = [];
    const flush = (): void => {
      if (high.length === 0) return;
      const bytes = Uint8Array.from(high);
      try {
        out += new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        out += high.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      }
      high = [];
    };
    for (let i = 0; i < run.length; i += 3) {
      const byte = parseInt(run.slice(i + 1, i + 3), 16);
      if (byte >= 0x80) {
        high.push(byte);
        continue;
      }
      flush();
      const ch = String.fromCharCode(byte);
      out += RESERVED.has(ch) ? run.slice(i, i + 3).toUpperCase() : ch;
    }
    flush();
    return out;
  });
}

/** RFC 3986 §5.2.4 dot-segment removal, with `//` merged, exactly as Kong's loop does it. */
export function removeDotSegments(input: string, mergeSlashes = true): string {
  let uri = input;
  const out: string[] = [];
  while (uri.length > 0) {
    if (uri === '/.') uri = '/';
    else if (uri === '/..') {
      uri = '/';
      out.pop();
    } else if (uri === '.' || uri === '..') uri = '';
    else if (uri.startsWith('../')) uri = uri.slice(3);
    else if (uri.startsWith('./')) uri = uri.slice(2);
    else if (uri.startsWith('/./')) uri = uri.slice(2);
    else if (uri.startsWith('/../')) {
      uri = uri.slice(3);
      out.pop();
    } else if (mergeSlashes && uri.startsWith('//')) uri = uri.slice(1);
    else {
      const i = uri.indexOf('/', 1);
      if (i >= 0) {
        out.push(uri.slice(0, i));
        uri = uri.slice(i);
      } else {
        out.push(uri);
        uri = '';
      }
    }
  }
  return out.join('');
}

/** The path Kong routes on: query removed by the caller, then decoded and cleaned. */
export function normalizeKongPath(path: string): string {
  if (path === '' || path === '/') return path;
  const decoded = percentDecodeUnreserved(path);
  if (!decoded.includes('.') && !decoded.includes('//')) return decoded;
  return removeDotSegments(decoded);
}

/** What Kong does to the path it sends upstream: characters outside the safe set are percent-encoded. */
export function escapeUpstreamPath(path: string): string {
  // Nearly every path is already safe: one test instead of a replace with a callback per request.
  if (!UNSAFE_UPSTREAM_CHAR.test(path)) return path;
  return path.replace(SAFE_UPSTREAM, (ch) =>
    Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
