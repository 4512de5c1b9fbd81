/**
 * The request as Traefik's router sees it. Before any router runs, the entryPoint normalises the
 * path (decodes percent-encoded unreserved characters, upper-cases the other escapes) and sanitises
 * it (removes `.`, `..` and duplicate slashes, keeps a trailing slash) — what the backend receives
 * too. The muxer then matches Path/PathPrefix/PathRegexp against a *routing path*: the escaped path
 * with every escape decoded except the reserved characters of RFC 3986 §2.2 and `%25`, so
 * PathPrefix(`/foo bar`) matches /foo%20bar while /a%2Fb stays distinct from /a/b. Host matchers see
 * the Host header without its port, lower-cased.
 *
 * Sources: traefik/traefik pkg/muxer/http/mux.go (withRoutingPath, reservedCharacters),
 * pkg/middlewares/requestdecorator (canonical host), docs/content/security/request-path.md
 * (normalisation and sanitizePath, on by default).
 */
import type { HeaderMap } from '../pipeline/headers.ts';

export interface TraefikRequestView {
  method: string;
  /** The Host header as received (the request line's authority for an absolute-form request). */
  host: string;
  /** Host without port, trimmed and lower-cased; '' when there is none. */
  canonicalHost: string;
  /** The path matchers compare against (see the module comment). */
  routingPath: string;
  /** The raw query without `?`. */
  rawQuery: string;
  headers: HeaderMap;
  /** The TCP peer address (ClientIP never reads X-Forwarded-For). */
  remoteAddr: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Escapes the muxer keeps encoded while routing (upper-case only, as Traefik's table lists them). */
const RESERVED_ESCAPES = new Set([
  '%3A', '%2F', '%3F', '%23', '%5B', '%5D', '%40', '%21', '%24', '%26', '%27', '%28', '%29', '%2A', '%2B', '%2C', '%3B', '%3D', '%25',
]);

/**
 * The entryPoint's normalisation: %XX of an unreserved character becomes the character, every other
 * escape is upper-cased. Undefined for a malformed escape (Go's server answers 400 before routing).
 */
export function normalizePathEscapes(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const ch = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/**
 * sanitizePath: Go's path.Clean on the (escaped) path — `.` and `..` segments resolved, repeated
 * slashes collapsed — keeping a trailing slash the request had. `/./foo/../bar//` → `/bar/`.
 */
export function sanitizePath(path: string): string {
  if (path === '') return '/';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  let cleaned = (rooted ? '/' : '') + out.join('/');
  if (cleaned === '') cleaned = rooted ? '/' : '.';
  // Traefik keeps the trailing slash that path.Clean drops ("/foo/bar//" → "/foo/bar/").
  if (path.endsWith('/') && !cleaned.endsWith('/')) cleaned += '/';
  // A relative request path ("./foo") is made absolute, as the documented example shows.
  if (!cleaned.startsWith('/')) cleaned = `/${cleaned.replace(/^\.\/?/, '')}`;
  return cleaned;
}

/** The muxer's routing path: every escape decoded except the reserved ones (mux.go withRoutingPath). */
export function routingPathOf(escapedPath: string): string {
  let out = '';
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length === 0) return;
    out += new TextDecoder('utf-8').decode(new Uint8Array(bytes));
    bytes.length = 0;
  };
  for (let i = 0; i < escapedPath.length; i++) {
    const c = escapedPath[i] as string;
    const esc = escapedPath.slice(i, i + 3);
    if (c === '%' && /^%[0-9A-Fa-f]{2}$/.test(esc) && !RESERVED_ESCAPES.has(esc)) {
      bytes.push(parseInt(esc.slice(1), 16));
      i += 2;
      continue;
    }
    flush();
    out += c;
  }
  flush();
  return out;
}

/** Go's net.SplitHostPort host part, or the input unchanged when it has no port (requestdecorator). */
export function hostWithoutPort(hostHeader: string): string {
  if (!hostHeader.includes(':')) return hostHeader;
  if (hostHeader.startsWith('[')) {
    const close = hostHeader.indexOf(']');
    if (close < 0) return hostHeader;
    const rest = hostHeader.slice(close + 1);
    if (!rest.startsWith(':') || rest.slice(1).includes(':')) return hostHeader;
    return hostHeader.slice(1, close);
  }
  const colon = hostHeader.indexOf(':');
  // More than one colon without brackets: SplitHostPort fails ("too many colons"), the host stays.
  if (hostHeader.indexOf(':', colon + 1) >= 0) return hostHeader;
  return hostHeader.slice(0, colon);
}

export function canonicalHost(hostHeader: string): string {
  return hostWithoutPort(hostHeader).trim().toLowerCase();
}

/**
 * Go's url.Values from a raw query (URL.Query()): pairs split on `&`, a pair containing `;` dropped,
 * `+` and %XX decoded, a pair that does not decode dropped, a key without `=` has the value ''.
 */
export function parseGoQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = goQueryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = goQueryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

export function goQueryUnescape(text: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '+') bytes.push(0x20);
    else if (c === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(c));
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/** The sanitised path a request travels with (what routers and the backend see), or undefined (400). */
export function traefikRequestPath(rawPath: string, sanitize = true): string | undefined {
  const normalized = normalizePathEscapes(rawPath);
  if (normalized === undefined) return undefined;
  return sanitize ? sanitizePath(normalized) : normalized;
}
