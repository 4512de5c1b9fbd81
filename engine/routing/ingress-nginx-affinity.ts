/**
 * ingress-nginx's affinity cookie outside the balancer itself (semantics §8 rule 1):
 * - is the request affinitized to a backend? balancer/sticky.lua `is_affinitized`: the part of the
 *   cookie after `|` equals the backend's key md5(md5(name) .. name). A backend without affinity
 *   (round robin, ewma, a legacy canary) is never affinitized (balancer/resty.lua). The cookie is read
 *   by exact name, the first one sent (resty.cookie);
 * - may this location set the cookie? sticky.lua `should_set_cookie`: the request's host (`_` on the
 *   catch-all server, else the host, else its `*.` wildcard) must list the location's path;
 * - the Set-Cookie line, as sticky.lua `set_cookie` builds it and lua-resty-cookie `bake` writes it:
 *   `name=<key>|<backend key>`, then Expires (ngx.cookie_time of now + session-cookie-expires),
 *   Max-Age, Path (session-cookie-path, else $location_path), Secure (the annotation, else HTTPS),
 *   HttpOnly always, SameSite.
 */
import type { AffinityEntry, UpstreamEntry } from '../config/ingress-nginx/table.ts';
import { civilFromDays } from '../core/calendar.ts';
import type { HeaderMap } from '../pipeline/headers.ts';

/** resty.cookie get: the first cookie with exactly this name in the Cookie lines. */
export function exactCookie(headers: HeaderMap, name: string): string | undefined {
  for (const line of headers.getAll('cookie')) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** Why the request is affinitized to `upstream` (a sentence), or undefined when it is not. */
export function affinitized(upstream: UpstreamEntry, headers: HeaderMap): string | undefined {
  const aff = upstream.affinity;
  if (!aff) return undefined;
  const value = exactCookie(headers, aff.cookie.name);
  if (value === undefined) return undefined;
  const backend = value.split('|')[1];
  if (backend !== aff.backendKey) return undefined;
  return `cookie ${aff.cookie.name} carries the key of backend ${upstream.name} (${aff.backendKey.slice(0, 8)}…)`;
}

/** sticky.lua should_set_cookie for this server name / request host and location path. */
export function shouldSetCookie(aff: AffinityEntry, serverName: string, host: string, locationPath: string): boolean {
  const key = serverName === '_' ? '_' : host.toLowerCase();
  const locs = aff.locations[key] ?? aff.locations[key.replace(/^[^.]+\./, '*.')];
  return locs?.includes(locationPath) ?? false;
}

const WEEK = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** nginx's ngx_http_cookie_time (src/core/ngx_times.c): a two-digit year up to 2037, then four. */
export function ngxCookieTime(epochSeconds: number): string {
  const days = Math.floor(epochSeconds / 86_400);
  const secs = epochSeconds - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  const y = year > 2037 ? String(year) : two(year % 100);
  // 1970-01-01 was a Thursday (ngx_gmtime: wday = (4 + days) % 7).
  const wday = (((4 + days) % 7) + 7) % 7;
  return `${WEEK[wday]}, ${two(day)}-${MONTHS[month - 1]}-${y} ${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)} GMT`;
}

export interface SetCookieInput {
  key: string;
  /** $location_path: the Ingress path of the location. */
  locationPath: string;
  https: boolean;
  /** ngx.time(), epoch seconds. */
  nowSeconds: number;
}

/** The Set-Cookie value sticky.lua set_cookie makes (lua-resty-cookie's attribute order). */
export function affinitySetCookie(aff: AffinityEntry, input: SetCookieInput): string {
  const c = aff.cookie;
  let out = `${c.name}=${input.key}|${aff.backendKey}`;
  if (c.expires !== undefined) out += `; Expires=${ngxCookieTime(input.nowSeconds + Number(c.expires))}`;
  if (c.maxAge !== undefined) out += `; Max-Age=${Number(c.maxAge)}`;
  out += `; Path=${c.path ?? input.locationPath}`;
  if (c.secure ?? input.https) out += '; Secure';
  out += '; HttpOnly';
  if (c.sameSite) out += `; SameSite=${c.sameSite}`;
  return out;
}
