/**
 * Query strings as nginx's `ngx.req.get_uri_args` reads them: `&`-separated pairs, names and values
 * percent-decoded with `+` as a space, a name without `=` standing for the boolean true, a repeated
 * name collecting every value. The upstream path keeps the query it was given, so removing one
 * argument leaves the others exactly as the client wrote them.
 */

export interface QueryArg {
  name: string;
  /** undefined for a bare `name` without `=` (a boolean in Kong, never a key). */
  value: string | undefined;
  /** The text of the pair as written. */
  raw: string;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export function splitPathQuery(pathWithQuery: string): { path: string; query: string } {
  const at = pathWithQuery.indexOf('?');
  return at < 0 ? { path: pathWithQuery, query: '' } : { path: pathWithQuery.slice(0, at), query: pathWithQuery.slice(at + 1) };
}

export function parseQuery(query: string): QueryArg[] {
  if (query === '') return [];
  return query
    .split('&')
    .filter((raw) => raw !== '')
    .map((raw) => {
      const eq = raw.indexOf('=');
      return eq < 0 ? { name: decode(raw), value: undefined, raw } : { name: decode(raw.slice(0, eq)), value: decode(raw.slice(eq + 1)), raw };
    });
}

/** Every value of one argument, in order (Kong's table when there are several). */
export function queryValues(pathWithQuery: string, name: string): Array<string | undefined> {
  // Most paths carry no query: skip the split, the filter and the map.
  if (!pathWithQuery.includes('?')) return [];
  return parseQuery(splitPathQuery(pathWithQuery).query)
    .filter((a) => a.name === name)
    .map((a) => a.value);
}

/** The path with every occurrence of one argument removed (Kong's hide_credentials on a query key). */
export function withoutQueryArg(pathWithQuery: string, name: string): string {
  const { path, query } = splitPathQuery(pathWithQuery);
  const kept = parseQuery(query).filter((a) => a.name !== name);
  return kept.length === 0 ? path : `${path}?${kept.map((a) => a.raw).join('&')}`;
}

/** Cookie header values as nginx's `$cookie_<name>` reads them: the first cookie of that name. */
export function cookieValue(cookieHeaders: readonly string[], name: string): string | undefined {
  for (const header of cookieHeaders) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}
