/**
 * Traefik's path middlewares as pure functions over Go's two views of a URL path: `path` (decoded)
 * and `rawPath` (the escaped form the client sent, kept when it is not the default encoding). Each
 * returns the new URL and the header it adds. Ported from traefik/traefik pkg/middlewares/
 * stripprefix, stripprefixregex, replacepath, replacepathregex and addprefix.
 */
import { compileGoRegex, goFindSubmatch, goMatch, goReplaceAll } from '../../routing/traefik-regex.ts';

export interface GoUrlPath {
  /** URL.Path: decoded. */
  path: string;
  /** URL.RawPath: the escaped form, '' when it is the default encoding of `path`. */
  rawPath: string;
}

export interface Rewrite {
  url: GoUrlPath;
  /** A header the middleware adds to the request (X-Forwarded-Prefix, X-Replaced-Path). */
  header?: [string, string];
  /** An error Traefik answers with 500 (an escape that does not decode). */
  error?: string;
}

const PATH_KEEP = /[A-Za-z0-9\-._~$&+,/:;=@]/;
const VALID_RAW = /[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%/]/;

/** url.PathUnescape: undefined on a malformed escape. */
export function pathUnescape(text: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(text[i] as string));
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/** Go's escape(path, encodePath). */
export function escapePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (PATH_KEEP.test(ch)) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function validEncoded(raw: string): boolean {
  for (const ch of raw) if (!VALID_RAW.test(ch)) return false;
  return true;
}

/** Splits what travels upstream (escaped path, maybe with a query) into Go's view, and the query. */
export function parseUpstreamPath(pathWithQuery: string): { url: GoUrlPath; query: string } {
  const q = pathWithQuery.indexOf('?');
  const escaped = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
  const decoded = pathUnescape(escaped) ?? escaped;
  return { url: { path: decoded, rawPath: escaped === escapePath(decoded) ? '' : escaped }, query: q < 0 ? '' : pathWithQuery.slice(q) };
}

/** URL.EscapedPath(), then the request-URI rule that an empty path is sent as "/". */
export function formatUpstreamPath(url: GoUrlPath, query: string): string {
  const escaped = url.rawPath !== '' && validEncoded(url.rawPath) && pathUnescape(url.rawPath) === url.path ? url.rawPath : escapePath(url.path);
  return `${escaped === '' ? '/' : escaped}${query}`;
}

function ensureLeadingSlash(s: string): string {
  return s === '' || s.startsWith('/') ? s : `/${s}`;
}

function trimPrefix(s: string, prefix: string): string {
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/** stripPrefix: the first prefix the path starts with is removed; X-Forwarded-Prefix records it. */
export function stripPrefix(url: GoUrlPath, prefixes: readonly string[], forceSlash: boolean): Rewrite | undefined {
  const strip = (s: string, prefix: string): string =>
    forceSlash ? `/${trimPrefix(trimPrefix(s, prefix), '/')}` : ensureLeadingSlash(trimPrefix(s, prefix));
  for (const prefix of prefixes) {
    if (!url.path.startsWith(prefix)) continue;
    return {
      url: { path: strip(url.path, prefix), rawPath: url.rawPath === '' ? '' : strip(url.rawPath, prefix) },
      header: ['X-Forwarded-Prefix', prefix.trim()],
    };
  }
  return undefined;
}

/** stripPrefixRegex: the first regex whose leftmost match is a non-empty prefix of the path. */
export function stripPrefixRegex(url: GoUrlPath, patterns: readonly string[]): Rewrite | undefined {
  for (const pattern of patterns) {
    const c = compileGoRegex(pattern.trim());
    if (!c.ok) continue;
    const prefix = goFindSubmatch(c.re, url.path)?.[0];
    if (!prefix || !url.path.startsWith(prefix)) continue;
    return {
      url: { path: ensureLeadingSlash(url.path.replace(prefix, '')), rawPath: url.rawPath === '' ? '' : ensureLeadingSlash(url.rawPath.slice(prefix.length)) },
      header: ['X-Forwarded-Prefix', prefix],
    };
  }
  return undefined;
}

/** replacePath: the whole path becomes `path`; X-Replaced-Path keeps the old one. */
export function replacePath(url: GoUrlPath, path: string): Rewrite {
  const header: [string, string] = ['X-Replaced-Path', url.rawPath === '' ? url.path : url.rawPath];
  const decoded = pathUnescape(path);
  if (decoded === undefined) return { url, header, error: `invalid URL escape in "${path}"` };
  return { url: { path: decoded, rawPath: path }, header };
}

/** replacePathRegex: on a match, the escaped path is rewritten with Go's $1 / ${name} expansion. */
export function replacePathRegex(url: GoUrlPath, pattern: string, replacement: string): Rewrite | undefined {
  const c = compileGoRegex(pattern.trim());
  if (!c.ok) return undefined;
  const current = url.rawPath !== '' ? url.rawPath : escapePath(url.path);
  if (!goMatch(c.re, current)) return undefined;
  const raw = goReplaceAll(c.re, current, replacement.trim());
  const decoded = pathUnescape(raw);
  const header: [string, string] = ['X-Replaced-Path', current];
  if (decoded === undefined) return { url, header, error: `Unable to unescape url raw path "${raw}"` };
  return { url: { path: decoded, rawPath: raw }, header };
}

/** addPrefix: `prefix` goes in front of the path. */
export function addPrefix(url: GoUrlPath, prefix: string): Rewrite {
  return {
    url: { path: ensureLeadingSlash(prefix + url.path), rawPath: url.rawPath === '' ? '' : ensureLeadingSlash(prefix + url.rawPath) },
  };
}
