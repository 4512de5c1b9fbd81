/**
 * The session affinity annotations, read as internal/ingress/annotations/sessionaffinity/main.go reads
 * them (Parse, cookieAffinityParse) and as balancer.lua / balancer/sticky.lua use them:
 * - `affinity`: only "cookie" makes the backend sticky (get_implementation); any other value leaves
 *   it as it was (nginx supports no other type);
 * - `affinity-mode`: "persistent" → sticky_persistent, anything else (default "balanced") →
 *   sticky_balanced;
 * - `affinity-canary-behavior`: "legacy", or anything else meaning sticky (controller.go
 *   mergeAlternativeBackend copies the main backend's affinity to the canary unless "legacy");
 * - `session-cookie-name` (default INGRESSCOOKIE), `-path`, `-samesite`, `-secure`,
 *   `-change-on-failure`, `-conditional-samesite-none`, and `-max-age` / `-expires` that must match
 *   main.go's unanchored `(^0|-?[1-9]\d*$)` or are dropped.
 */
import type { AnnotationReader } from './reader.ts';

export interface AffinityCookie {
  name: string;
  /** session-cookie-path; unset: the location's path ($location_path). */
  path?: string;
  /** session-cookie-max-age and -expires as the controller passes them (strings; Lua's tonumber reads them). */
  maxAge?: string;
  expires?: string;
  /** SameSite as written; resty.cookie drops anything but Strict, Lax and None. */
  sameSite?: string;
  /** session-cookie-secure; unset: Secure only on HTTPS requests (sticky.lua: ngx.var.https == "on"). */
  secure?: boolean;
  conditionalSameSiteNone: boolean;
  changeOnFailure: boolean;
}

export interface AffinityAnnotations {
  mode: 'balanced' | 'persistent';
  cookie: AffinityCookie;
}

export const DEFAULT_AFFINITY_COOKIE = 'INGRESSCOOKIE';

/** main.go affinityCookieExpiresRegex, unanchored on the left as written: "0abc" and "x5" pass. */
const EXPIRES = /(^0|-?[1-9]\d*$)/;

/** `affinity: cookie` and its session-cookie-* settings, or undefined when the Ingress is not sticky. */
export function readAffinity(r: AnnotationReader): AffinityAnnotations | undefined {
  const type = r.stringOr('affinity', 'cookie');
  if (type === undefined) return undefined;
  if (type !== 'cookie') {
    r.warn('affinity', `affinity "${type}" is not a type ingress-nginx knows (nginx supports only cookie); balancer.lua balances this backend without affinity`);
    return undefined;
  }
  const modeRaw = r.stringOr('affinity-mode', 'balanced or persistent');
  if (modeRaw !== undefined && modeRaw !== 'balanced' && modeRaw !== 'persistent') {
    r.warn('affinity-mode', `affinity-mode "${modeRaw}" is neither balanced nor persistent; balancer.lua takes sticky_balanced for anything but "persistent"`);
  }
  const cookie: AffinityCookie = {
    name: r.stringOr('session-cookie-name', 'a cookie name', undefined, DEFAULT_AFFINITY_COOKIE) ?? DEFAULT_AFFINITY_COOKIE,
    conditionalSameSiteNone: r.boolOr('session-cookie-conditional-samesite-none', false),
    changeOnFailure: r.boolOr('session-cookie-change-on-failure', false),
  };
  for (const [key, field] of [['session-cookie-max-age', 'maxAge'], ['session-cookie-expires', 'expires']] as const) {
    const value = r.stringOr(key, 'a number of seconds');
    if (value === undefined) continue;
    if (!EXPIRES.test(value)) {
      r.warn(key, `${key} "${value}" does not match the controller's (^0|-?[1-9]\\d*$): ingress-nginx drops it, the cookie has no ${field === 'maxAge' ? 'Max-Age' : 'Expires'}`);
      continue;
    }
    if (!/^-?\d+$/.test(value)) {
      r.warn(key, `${key} "${value}" passes the controller's unanchored check, but Lua's tonumber cannot read it; gatelab leaves the attribute out (sticky.lua would fail or omit it)`);
      continue;
    }
    cookie[field] = value;
  }
  const path = r.stringOr('session-cookie-path', 'a path');
  if (path !== undefined) cookie.path = path;
  const sameSite = r.stringOr('session-cookie-samesite', 'Strict, Lax or None');
  if (sameSite !== undefined) {
    if (sameSite === 'Strict' || sameSite === 'Lax' || sameSite === 'None') cookie.sameSite = sameSite;
    else r.warn('session-cookie-samesite', `session-cookie-samesite "${sameSite}" is not Strict, Lax or None (case matters): lua-resty-cookie logs a warning and leaves SameSite out`);
  }
  if (cookie.conditionalSameSiteNone && cookie.sameSite === 'None') {
    r.warn('session-cookie-conditional-samesite-none', 'session-cookie-conditional-samesite-none: ingress-nginx leaves SameSite=None out for User-Agents util/same_site.lua calls incompatible; gatelab does not read User-Agents and always sends SameSite=None');
  }
  const secure = r.bool('session-cookie-secure');
  if (secure.status === 'ok') cookie.secure = secure.value;
  else if (secure.status === 'invalid') r.invalid('session-cookie-secure', r.raw('session-cookie-secure') ?? '', 'true or false', 'Secure on HTTPS requests only');
  return { mode: modeRaw === 'persistent' ? 'persistent' : 'balanced', cookie };
}

/** affinity-canary-behavior, read on the canary Ingress (controller.go mergeAlternativeBackend). */
export function readCanaryBehavior(r: AnnotationReader): 'sticky' | 'legacy' {
  const value = r.stringOr('affinity-canary-behavior', 'sticky or legacy', undefined, 'sticky');
  if (value !== undefined && value !== 'sticky' && value !== 'legacy') {
    r.warn('affinity-canary-behavior', `affinity-canary-behavior "${value}" is neither sticky nor legacy; the controller treats anything but "legacy" as sticky`);
  }
  return value === 'legacy' ? 'legacy' : 'sticky';
}
