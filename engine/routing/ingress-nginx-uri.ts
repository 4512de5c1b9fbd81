/**
 * nginx's view of a request URI. Locations and rewrites match `$uri`: the path percent-decoded, with
 * `//` merged and `.`/`..` segments resolved (ngx_http_parse_complex_uri; a `..` above the root or a
 * broken %-escape is a 400). Without a rewrite, proxy_pass sends the request line's URI unchanged
 * (`$request_uri`); after one, it sends the new `$uri` re-escaped (ngx_escape_uri, NGX_ESCAPE_URI)
 * followed by the original query.
 */

export type NormalizedUri = { ok: true; uri: string } | { ok: false; reason: string };

const UTF8 = new TextDecoder('utf-8');

export function normalizeUri(path: string): NormalizedUri {
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === '%') {
      const hex = path.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: `"${path.slice(i, i + 3)}" is not a valid %-escape` };
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else {
      for (const b of new TextEncoder().encode(String.fromCodePoint(code))) bytes.push(b);
      if (code > 0xffff) i++;
    }
  }
  if (bytes.includes(0)) return { ok: false, reason: 'a %00 byte in the path' };
  const decoded = UTF8.decode(new Uint8Array(bytes));
  if (!decoded.startsWith('/')) return { ok: false, reason: 'the path does not start with /' };
  const out: string[] = [];
  const segments = decoded.split('/');
  // The first element is the empty string before the leading slash.
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    if (seg === '' && !last) continue; // merge_slashes on
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length === 0) return { ok: false, reason: 'the path climbs above the root with ..' };
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return { ok: true, uri: `/${out.join('/')}` };
}

/** Characters NGX_ESCAPE_URI escapes: controls, space, `#`, `%`, `?`, DEL and every non-ASCII byte. */
export function escapeUri(uri: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(uri)) {
    const escape = b <= 0x20 || b === 0x23 || b === 0x25 || b === 0x3f || b >= 0x7f;
    out += escape ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** `$request_uri`: the path as received plus `?query` when there is one. */
export function requestUri(path: string, query: string): string {
  return query ? `${path}?${query}` : path;
}

/** The host part of a Host header (nginx `$host`): lower-case, without port and trailing dot. */
export function hostOnly(hostHeader: string): string {
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end >= 0 ? h.slice(0, end + 1) : h;
  } else {
    const colon = h.lastIndexOf(':');
    if (colon >= 0 && /^\d*$/.test(h.slice(colon + 1))) h = h.slice(0, colon);
  }
  return h.endsWith('.') ? h.slice(0, -1) : h;
}
