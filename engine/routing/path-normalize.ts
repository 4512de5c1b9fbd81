/**
 * Request-path normalisation for routers that have none of their own (the gateway-api dialect, run
 * the way Envoy Gateway configures Envoy: `normalize_path` on, `merge_slashes` on). Kong, Traefik and
 * ingress-nginx keep their own vendor-exact normalisers (kong-uri.ts, traefik-request.ts,
 * ingress-nginx-uri.ts); this one is the generic RFC 3986 reading, written so routing can never be
 * fooled by spelling:
 *
 * 1. %XX of an unreserved character (RFC 3986 §2.3: ALPHA DIGIT - . _ ~) is decoded, so `%2e%2E`
 *    is a real `..` segment and `/%61dmin` is `/admin`; every other escape is kept, upper-cased.
 *    Decoding happens once: `%252e` becomes `%252E`, never `.` (double encoding stays literal).
 * 2. An escaped `/` or `\` (`%2F`, `%5C`) is refused: the router would see one segment where a
 *    backend that decodes sees two. (Envoy Gateway's default redirects to the unescaped path; gatelab
 *    answers 400 instead, the stricter of Envoy's documented choices.)
 * 3. `%00`, a bare `%` or a broken escape is refused.
 * 4. Runs of `/` are merged (nginx `merge_slashes on`, Envoy `merge_slashes`).
 * 5. `.` and `..` segments are removed (RFC 3986 §5.2.4); `..` at the root stays at the root.
 * Case is left alone: paths are case-sensitive in every dialect.
 */

export type NormalizedPath = { ok: true; path: string } | { ok: false; code: PathRefusalCode; reason: string };

export type PathRefusalCode = 'GL_E_PATH_ENCODED_SLASH' | 'GL_E_PATH_BAD_ESCAPE' | 'GL_E_PATH_NUL' | 'GL_E_PATH_NOT_ABSOLUTE';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function refuse(code: PathRefusalCode, reason: string): NormalizedPath {
  return { ok: false, code, reason };
}

/** Step 1–3: decode unreserved escapes once, upper-case the rest, refuse the dangerous ones. */
export function decodeUnreservedOnce(path: string): NormalizedPath {
  if (!path.includes('%')) return { ok: true, path };
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return refuse('GL_E_PATH_BAD_ESCAPE', `"${path.slice(i, i + 3)}" is not a %XX escape`);
    const upper = hex.toUpperCase();
    if (upper === '2F' || upper === '5C') {
      return refuse('GL_E_PATH_ENCODED_SLASH', `the path holds an encoded ${upper === '2F' ? 'slash' : 'backslash'} (%${upper}); send the real character or remove it`);
    }
    if (upper === '00') return refuse('GL_E_PATH_NUL', 'the path holds %00 (a NUL byte)');
    const decoded = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(decoded) ? decoded : `%${upper}`;
    i += 2;
  }
  return { ok: true, path: out };
}

/** Steps 4–5 on an already decoded path: merge `//`, resolve `.` and `..`, keep a trailing slash. */
export function cleanSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  // segments[0] is the empty string before the leading slash.
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    if (seg === '.' || seg === '..') {
      if (seg === '..') out.pop();
      // A dot segment at the end leaves a directory: `/a/b/..` is `/a/`.
      if (last) out.push('');
      continue;
    }
    if (seg === '' && !last) continue;
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** The path a router should compare (no query). Refusals carry a code and a sentence for the 400. */
export function normalizeRequestPath(path: string): NormalizedPath {
  if (path === '/') return { ok: true, path };
  if (!path.startsWith('/')) return refuse('GL_E_PATH_NOT_ABSOLUTE', `the path "${path}" does not start with /`);
  const decoded = decodeUnreservedOnce(path);
  if (!decoded.ok) return decoded;
  const p = decoded.path;
  // Most paths have nothing to clean: skip the split.
  if (!p.includes('//') && !p.includes('/.')) return decoded;
  return { ok: true, path: cleanSegments(p) };
}
