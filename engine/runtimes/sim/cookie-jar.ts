/**
 * A scenario client's cookie jar (`cookies: keep`): the small part of RFC 6265 a gateway lesson
 * needs, on the virtual clock.
 * - Stored from Set-Cookie: name=value (a line without `=` or with an empty name is ignored), Path
 *   (default: the request path up to its last `/`), Max-Age (wins over Expires; 0 or less removes
 *   the cookie), Expires (RFC 6265 §5.1.1 dates, so nginx's two-digit years read as 20xx), Secure.
 *   A cookie replaces the one with the same name and path and keeps its creation order.
 * - Sent: every unexpired cookie whose path matches (§5.1.4), Secure ones only over HTTPS, longer
 *   paths first, then older first (§5.4), as one `name=value; …` string.
 * - Ignored: Domain (a client talks to the one host of its template), HttpOnly and SameSite (no
 *   scripts, no cross-site requests), the size and count limits of browsers.
 */
import { daysFromCivil } from '../../core/calendar.ts';

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** Epoch ms after which the cookie is gone; Infinity for a session cookie. */
  expiresAt: number;
  secure: boolean;
  /** Creation order, kept when a cookie is replaced. */
  order: number;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];
  private created = 0;

  /** Stores the Set-Cookie lines of an answer to a request for `requestPath`, at `nowMs`. */
  store(lines: readonly string[], requestPath: string, nowMs: number): void {
    for (const line of lines) this.storeOne(line, requestPath, nowMs);
  }

  /** The Cookie header value for a request to `requestPath`, or undefined when nothing matches. */
  header(requestPath: string, https: boolean, nowMs: number): string | undefined {
    const sent = this.cookies
      .filter((c) => c.expiresAt > nowMs && (!c.secure || https) && pathMatches(requestPath, c.path))
      .sort((a, b) => b.path.length - a.path.length || a.order - b.order);
    return sent.length === 0 ? undefined : sent.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  private storeOne(line: string, requestPath: string, nowMs: number): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return;
    const name = pair.slice(0, eq).trim();
    if (name === '') return;
    const value = pair.slice(eq + 1).trim();
    let path: string | undefined;
    let maxAge: number | undefined;
    let expires: number | undefined;
    let secure = false;
    for (const attribute of attributes) {
      const at = attribute.indexOf('=');
      const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const v = at < 0 ? '' : attribute.slice(at + 1).trim();
      if (key === 'path') path = v.startsWith('/') ? v : undefined;
      else if (key === 'secure') secure = true;
      else if (key === 'max-age' && /^-?\d+$/.test(v)) maxAge = Number(v);
      else if (key === 'expires') expires = parseCookieDate(v) ?? expires;
    }
    const expiresAt = maxAge !== undefined ? (maxAge <= 0 ? -Infinity : nowMs + maxAge * 1000) : (expires ?? Infinity);
    const cookiePath = path ?? defaultPath(requestPath);
    const old = this.cookies.findIndex((c) => c.name === name && c.path === cookiePath);
    const order = old >= 0 ? (this.cookies[old] as StoredCookie).order : this.created++;
    if (old >= 0) this.cookies.splice(old, 1);
    if (expiresAt <= nowMs) return;
    this.cookies.push({ name, value, path: cookiePath, expiresAt, secure, order });
  }
}

/** RFC 6265 §5.1.4 default-path: the directory of the request path. */
export function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}

/** RFC 6265 §5.1.4 path-match. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 6265 §5.1.1 cookie-date, epoch ms; undefined when it is not a date. */
export function parseCookieDate(text: string): number | undefined {
  let time: number[] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  // Delimiters: tab, space to '/', ';' to '@', '[' to '`', '{' to '~' — so ':' stays inside a time.
  for (const token of text.split(/[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+/)) {
    if (token === '') continue;
    const t = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/.exec(token);
    if (!time && t) {
      time = [Number(t[1]), Number(t[2]), Number(t[3])];
      continue;
    }
    const d = /^(\d{1,2})(?:\D.*)?$/.exec(token);
    if (day === undefined && d) {
      day = Number(d[1]);
      continue;
    }
    const m = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
    if (month === undefined && m >= 0) {
      month = m;
      continue;
    }
    const y = /^(\d{2,4})(?:\D.*)?$/.exec(token);
    if (year === undefined && y) year = Number(y[1]);
  }
  if (!time || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const [h = 0, mi = 0, s = 0] = time;
  if (day < 1 || day > 31 || year < 1601 || h > 23 || mi > 59 || s > 59) return undefined;
  return daysFromCivil(year, month + 1, day) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000;
}
