/**
 * External auth (`auth-url` and its group), read as ingress-nginx reads it. Sources:
 * internal/ingress/annotations/authreq/main.go (Parse, ValidMethod, ValidHeader, ValidCacheDuration),
 * the group's validators (authReqAnnotations: auth-url and auth-signin URLWithNginxVariableRegex,
 * auth-method the unanchored methods regex, auth-response-headers HeadersVariable, …),
 * parser/validators.go checkAnnotation, parser/main.go StringToURL, and annotations.go Extract.
 *
 * Three outcomes, as in the controller:
 * - a value the group's validator refuses on auth-url is a validation error that Parse returns, and
 *   Extract then rejects the whole Ingress (the admission webhook refuses it);
 * - an auth-url the validator lets through but StringToURL cannot use (no scheme, no host, `..` in
 *   the host), or an auth-method that is not exactly one of authreq.go's methods, is LocationDenied:
 *   every location of the Ingress answers 503;
 * - a refused value on an optional key (auth-signin, auth-response-headers, …) is dropped: Parse reads
 *   those with `value, _ :=` or only logs the error, so the key is as if unset.
 * The last rule and the method case are read from the pre-validation Parse with the v1.9+ validators
 * applied the way checkAnnotation applies them; the newest Parse was not among the sources read.
 */
import { unknownNginxVars } from '../../../plugins/forward-auth/nginx-vars.ts';
import type { AnnotationReader } from './reader.ts';
import { goParseBool, normalizeString } from './values.ts';

export interface ExternalAuthAnnotations {
  url: string;
  method?: string;
  signin?: string;
  signinRedirectParam?: string;
  responseHeaders: string[];
  requestRedirect?: string;
  alwaysSetCookie: boolean;
}

export interface ExternalAuthRead {
  auth?: ExternalAuthAnnotations;
  /** LocationDenied: the Ingress's locations answer 503 with this reason. */
  denied?: string;
  /** A validation error: the whole Ingress is rejected. */
  rejected?: string;
}

/** The keys that only mean something next to auth-url. */
export const AUTH_GROUP_MODELLED = ['auth-method', 'auth-signin', 'auth-signin-redirect-param', 'auth-response-headers', 'auth-request-redirect', 'auth-always-set-cookie'] as const;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
const ALNUM = String.raw`\-\.\_\~a-zA-Z0-9\/:`;
/** validators.go, spaces removed before matching where the group says removeSpace. */
const URL_WITH_NGINX_VARIABLE = new RegExp(`^[${ALNUM}, ,:?&=$]*$`);
const URL_IS_VALID = new RegExp(`^[${ALNUM},:?&=]*$`);
const HEADERS_VARIABLE = /^[A-Za-z0-9\-_, ]*$/;
const METHODS_UNANCHORED = /(GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE)/;
const EXTENDED_CHARS = new RegExp(`^[/${ALNUM}, ]*$`);

const passes = (re: RegExp, value: string, removeSpace = true): boolean => {
  const s = removeSpace ? value.replaceAll(' ', '') : value;
  return re.test(s) && !/[\r\n]/.test(s);
};

/** parser.StringToURL on top of Go's url.Parse: the reasons it gives, or undefined when it accepts. */
export function stringToUrlError(input: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(input);
  if (!scheme) return 'url scheme is empty';
  const rest = scheme[2] ?? '';
  if (!rest.startsWith('//')) return 'url host is empty';
  const authority = rest.slice(2).split(/[/?#]/)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host === '') return 'url host is empty';
  if (host.includes('..')) return 'invalid url host';
  return undefined;
}

/** authreq.go ValidCacheDuration: status codes, then at least one nginx time; nothing after a time but times. */
function validCacheDuration(d: string): boolean {
  let seenDuration = false;
  for (const e of d.split(' ')) {
    if (e === '') continue;
    if (/^\d{3}$/.test(e)) {
      if (seenDuration) return false;
      continue;
    }
    if (/^\d+(ms|s|m|h|d|w|M|y)$/.test(e)) seenDuration = true;
  }
  return seenDuration;
}

export function readExternalAuth(r: AnnotationReader): ExternalAuthRead {
  const rawUrl = r.raw('auth-url');
  if (rawUrl === undefined || rawUrl === '') {
    // Parse stops at the missing auth-url: the rest of the group is never read.
    for (const key of AUTH_GROUP_MODELLED) if (r.has(key)) r.warn(key, `nginx.ingress.kubernetes.io/${key} has no effect without nginx.ingress.kubernetes.io/auth-url (authreq.go returns before reading it)`);
    return {};
  }
  if (!passes(URL_WITH_NGINX_VARIABLE, rawUrl)) {
    r.warn('auth-url', `nginx.ingress.kubernetes.io/auth-url: "${rawUrl}" has characters the annotation validator refuses (only letters, digits, - . _ ~ / : , ? & = $): the validation error rejects the whole Ingress (the admission webhook refuses it; without the webhook the controller skips it)`, 'percent-escapes, #, @ and quotes are not allowed in auth-url');
    return { rejected: 'auth-url fails validation' };
  }
  const url = normalizeString(rawUrl);
  const urlError = stringToUrlError(url);
  if (urlError !== undefined) {
    const reason = `could not parse auth-url annotation: ${urlError}`;
    r.warn('auth-url', `nginx.ingress.kubernetes.io/auth-url: "${url}" — ${reason}: ingress-nginx denies every location of this Ingress, which then answers 503`, 'write an absolute URL such as http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth');
    return { denied: reason };
  }
  if (!/^https?:/i.test(url)) {
    r.warn('auth-url', `nginx.ingress.kubernetes.io/auth-url: "${url}" is not http or https: nginx refuses the rendered proxy_pass ("invalid URL prefix"), so the admission webhook rejects this Ingress`);
    return { rejected: 'auth-url is not http(s)' };
  }
  const auth: ExternalAuthAnnotations = { url, responseHeaders: [], alwaysSetCookie: false };
  const dropped = (key: string, value: string, expected: string): void =>
    r.warn(key, `nginx.ingress.kubernetes.io/${key}: "${value}" is not ${expected}; the validator refuses it and authreq.go reads the key as unset`);

  const method = r.raw('auth-method');
  if (method !== undefined && method !== '') {
    if (!passes(METHODS_UNANCHORED, method)) dropped('auth-method', method, 'an upper-case HTTP method, so the subrequest stays GET');
    else if (!METHODS.includes(normalizeString(method))) {
      r.warn('auth-method', `nginx.ingress.kubernetes.io/auth-method: "${method}" — invalid HTTP method (authreq.go ValidMethod wants exactly one of ${METHODS.join(', ')}): ingress-nginx denies every location of this Ingress, which then answers 503`);
      return { denied: 'invalid HTTP method' };
    } else auth.method = normalizeString(method);
  }
  const duration = r.raw('auth-cache-duration');
  if (duration !== undefined && duration !== '' && passes(EXTENDED_CHARS, duration, false)) {
    const bad = normalizeString(duration).split(',').map((d) => d.trim()).find((d) => d !== '' && !validCacheDuration(d));
    if (bad !== undefined) {
      r.warn('auth-cache-duration', `nginx.ingress.kubernetes.io/auth-cache-duration: "${bad}" — invalid cache duration (codes first, then a time such as 5m): ingress-nginx denies every location of this Ingress, which then answers 503`);
      return { denied: `invalid cache duration: ${bad}` };
    }
  }
  const optional: Array<[key: string, re: RegExp, expected: string, set: (v: string) => void]> = [
    ['auth-signin', URL_WITH_NGINX_VARIABLE, 'a URL of letters, digits, - . _ ~ / : , ? & = $', (v) => (auth.signin = v)],
    ['auth-signin-redirect-param', URL_IS_VALID, 'a parameter name of letters, digits, - . _ ~ / :', (v) => (auth.signinRedirectParam = v)],
    ['auth-request-redirect', URL_IS_VALID, 'a URL of letters, digits, - . _ ~ / : , ? & =', (v) => (auth.requestRedirect = v)],
    ['auth-response-headers', HEADERS_VARIABLE, 'a comma-separated list of header names (letters, digits, - _)', (v) => (auth.responseHeaders = v.split(',').map((h) => h.trim()).filter((h) => h !== ''))],
  ];
  for (const [key, re, expected, set] of optional) {
    const value = r.raw(key);
    if (value === undefined || value === '') continue;
    if (passes(re, value)) set(normalizeString(value));
    else dropped(key, value, expected);
  }
  for (const [key, value] of [['auth-url', auth.url], ['auth-signin', auth.signin ?? '']] as const) {
    const unknown = unknownNginxVars(value);
    if (unknown.length > 0) r.warn(key, `nginx expands ${unknown.map((n) => `$${n}`).join(', ')} per request; gatelab expands only $host, $http_host, $scheme, $request_uri, $escaped_request_uri and a few more, so it sends this part as written`);
  }
  const cookie = r.raw('auth-always-set-cookie');
  if (cookie !== undefined && cookie !== '') {
    const b = goParseBool(cookie);
    if (b === undefined) dropped('auth-always-set-cookie', cookie, 'true or false');
    else auth.alwaysSetCookie = b;
  }
  return { auth };
}
