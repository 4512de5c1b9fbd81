/**
 * The nginx flavour of forward-auth: ingress-nginx's external auth (`auth-url` and friends), which the
 * controller renders as nginx's `auth_request` (ngx_http_auth_request_module) pointing at an internal
 * location that proxies to the auth URL. The ingress-nginx adapter builds this config from the
 * annotations; in the native IR form it is `plugin: forward-auth` with `flavour: nginx`. Field names
 * follow the annotations (camelCase), not Traefik's, because the behaviour differs: see
 * nginx-auth-request.ts.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import type { ForwardAuthConfig } from './config.ts';

/** What only the nginx flavour reads; the shared fields (address, authResponseHeaders) stay on ForwardAuthConfig. */
export interface NginxAuthRequest {
  /** auth-method: the subrequest's method (proxy_method); unset, nginx's subrequest is a GET. */
  method?: string;
  /** auth-signin: a 401 from the auth service becomes a 302 here, with the original URL in `signinRedirectParam`. */
  signinUrl?: string;
  /** auth-signin-redirect-param: the query parameter carrying the original URL; `rd` by default. */
  signinRedirectParam: string;
  /** auth-request-redirect: the X-Auth-Request-Redirect sent to the auth service; unset, $request_uri. */
  requestRedirect?: string;
  /** auth-always-set-cookie: the auth answer's Set-Cookie goes on every response, not only on 2xx/3xx ones. */
  alwaysSetCookie: boolean;
}

/** authreq.go's method list; auth-method must be exactly one of them (ValidMethod, case-sensitive). */
export const NGINX_AUTH_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'] as const;

const NGINX_FIELDS = ['flavour', 'address', 'authResponseHeaders', 'method', 'signinUrl', 'signinRedirectParam', 'requestRedirect', 'alwaysSetCookie'];

/** authreq.go headerRegexp: an auth-response-headers entry is letters, digits, - and _ only. */
const HEADER_NAME = /^[a-zA-Z\d\-_]+$/;

export function parseNginxAuthRequestConfig(raw: unknown, report: ConfigReporter): ForwardAuthConfig {
  const r = new ConfigReader(raw, report, NGINX_FIELDS, [], 'forward-auth (nginx)');
  const address = r.str('address', '');
  if (!/^https?:\/\/[^/]+/.test(address)) r.error('address', 'address must be an absolute http(s) URL of the auth service (auth-url)', 'e.g. http://oauth2-proxy.auth.svc:4180/oauth2/auth');
  const headers = r.strList('authResponseHeaders', []);
  headers.forEach((h, i) => {
    if (!HEADER_NAME.test(h)) r.error(['authResponseHeaders', i], `'${h}' is not a header name ingress-nginx accepts (letters, digits, - and _)`);
  });
  const nginx: NginxAuthRequest = {
    signinRedirectParam: r.str('signinRedirectParam', 'rd'),
    alwaysSetCookie: r.bool('alwaysSetCookie', false),
  };
  const method = r.str('method');
  if (method !== undefined) {
    if ((NGINX_AUTH_METHODS as readonly string[]).includes(method)) nginx.method = method;
    else r.error('method', `method must be one of ${NGINX_AUTH_METHODS.join(', ')} (upper case), not '${method}'`);
  }
  const signin = r.str('signinUrl');
  if (signin !== undefined) nginx.signinUrl = signin;
  const redirect = r.str('requestRedirect');
  if (redirect !== undefined) nginx.requestRedirect = redirect;
  // The Traefik fields keep their neutral defaults: the nginx hooks never read them.
  return {
    address,
    authResponseHeaders: headers,
    authRequestHeaders: [],
    preserveRequestMethod: false,
    forwardBody: false,
    maxBodySize: -1,
    maxResponseBodySize: -1,
    preserveLocationHeader: false,
    addAuthCookiesToResponse: [],
    nginx,
  };
}
