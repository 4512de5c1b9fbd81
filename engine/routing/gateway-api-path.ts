/**
 * Gateway API path semantics (semantics §7): `Exact` compares whole, case-sensitive paths; `PathPrefix`
 * compares `/`-separated segments, so `/abc` matches `/abc`, `/abc/` and `/abc/def` but not `/abcd`, and
 * a trailing `/` on the prefix changes nothing; `ReplacePrefixMatch` swaps the matched segments for the
 * replacement without ever doubling or dropping the `/` between them.
 */

/** A prefix as segments see it: without its trailing `/` (so `/` itself becomes ``). */
function trimTrailingSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix.replace(/\/+$/, '') : prefix;
}

export function pathPrefixMatches(prefix: string, path: string): boolean {
  const p = trimTrailingSlash(prefix);
  if (p === '') return path.startsWith('/');
  if (!path.startsWith(p)) return false;
  // The prefix must end on a segment boundary of the path.
  return path.length === p.length || path[p.length] === '/';
}

/**
 * ReplacePrefixMatch: `path` (without query) matched `prefix`; the matched segments become
 * `replacement`. The spec's table: /foo/bar with /foo → /xyz gives /xyz/bar, → /xyz/ gives /xyz/bar,
 * → "" or / gives /bar; /foo/ → /xyz/; /foo → /xyz, and an empty result is `/`.
 */
export function replacePrefixMatch(path: string, prefix: string, replacement: string): string {
  const p = trimTrailingSlash(prefix);
  const rest = path.startsWith(p) ? path.slice(p.length) : path;
  const out = trimTrailingSlash(replacement) + rest;
  return out === '' ? '/' : out;
}

/**
 * What the API server's CEL rules reject in a path value (httproute_types.go): it must start with `/`
 * and may not hold `//`, `/./`, `/../`, `%2f`, `%2F` or `#`, nor end in `/.` or `/..`. Returns the
 * problem, or undefined when the value is acceptable.
 */
export function pathValueProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must be an absolute path starting with /';
  if (value.includes('//')) return "must not contain '//'";
  if (value.includes('/./') || value.endsWith('/.')) return "must not contain '/./' or end with '/.'";
  if (value.includes('/../') || value.endsWith('/..')) return "must not contain '/../' or end with '/..'";
  if (/%2f/i.test(value)) return "must not contain '%2f' or '%2F'";
  if (value.includes('#')) return "must not contain '#'";
  return undefined;
}

/** Splits a raw query into (name, value) pairs in order, percent-decoding both where valid. */
export function parseQuery(query: string): Array<[string, string]> {
  if (query === '') return [];
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [decode(name), decode(value)] as [string, string];
    });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
