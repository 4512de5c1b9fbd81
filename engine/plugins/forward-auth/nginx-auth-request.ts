/**
 * forward-auth's nginx flavour: ingress-nginx's `auth-url`, rendered by nginx.tmpl as `auth_request`
 * to an internal location that proxies to the auth URL. The rules differ from Traefik's forwardAuth
 * (semantics §4) where it matters most in an outage:
 *
 * - ngx_http_auth_request_module (ngx_http_auth_request_handler): a 2xx lets the request through; 401
 *   and 403 go back to the client as nginx's own pages (the subrequest is header-only, so the auth
 *   service's body is never passed on), a 401 with the auth service's WWW-Authenticate; ANY other
 *   status — a 3xx, a 404, a 503 — is "auth request unexpected status" and a 500. An auth service that
 *   cannot be reached or times out fails the subrequest (502/504 inside it), which is a 500 as well.
 *   Traefik instead hands the auth service's own answer to the client, status and body.
 * - The auth location (nginx.tmpl): no body (`proxy_pass_request_body off`, Content-Length ""), the
 *   client's headers plus X-Original-URL, X-Original-Method, X-Sent-From, X-Real-IP, X-Forwarded-For
 *   ($remote_addr), X-Auth-Request-Redirect, X-Request-ID; X-Forwarded-Proto blanked; Host set to the
 *   auth URL's host name. With auth-method also X-Original-URI and X-Scheme.
 * - auth-response-headers: `auth_request_set $authHeaderN $upstream_http_<name>` and
 *   `proxy_set_header <name> $authHeaderN` (template.go buildAuthResponseHeaders): the backend gets the
 *   auth answer's value, and none when the answer had none — a value the client sent is never kept.
 * - auth-signin: `error_page 401 = @signin`, which answers `302 <signin>?rd=<scheme>://<host><escaped uri>`
 *   (template.go buildAuthSignURL) and adds the auth answer's Set-Cookie.
 * - The auth answer's Set-Cookie: `add_header Set-Cookie $auth_cookie` — only on 200, 201, 204, 206,
 *   301, 302, 303, 304, 307, 308 responses, unless auth-always-set-cookie adds `always`.
 */
import { HeaderMap } from '../../pipeline/headers.ts';
import { nginxPage } from '../../net/nginx-pages.ts';
import { next, reply, wait, type EffectResult, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { ForwardAuthConfig } from './config.ts';
import type { NginxAuthRequest } from './nginx-config.ts';
import { expandNginxVars, requestUri } from './nginx-vars.ts';

/**
 * The auth location sets no proxy timeouts of its own, so it inherits; nginx's defaults are 60 s
 * (proxy_connect_timeout, proxy_read_timeout). Whether a ConfigMap value reaches it was not settled
 * from the sources read; gatelab uses 60 s.
 */
export const NGINX_AUTH_TIMEOUT_MS = 60_000;

/** add_header's status list (ngx_http_headers_filter): without `always`, only these get the cookie. */
const ADD_HEADER_STATUSES = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/** Dropped by nginx's proxy module or blanked by the auth location (an empty proxy_set_header is not sent). */
const NOT_SENT = new Set(['connection', 'keep-alive', 'te', 'expect', 'upgrade', 'transfer-encoding', 'content-length', 'x-forwarded-proto', 'proxy-connection']);

const HTML: [string, string] = ['Content-Type', 'text/html'];

/** nginx's 401 page: its phrase is "Authorization Required" (ngx_http_special_response.c). */
const PAGE_401 = nginxPage(401).replaceAll('<title>401</title>', '<title>401 Authorization Required</title>').replace('<h1>401</h1>', '<h1>401 Authorization Required</h1>');

/** The scratch the access hook leaves for the response hook. */
interface CookieNote {
  cookie: string;
  always: boolean;
}

const VARS = 'forward-auth:nginx';

/** The auth URL's host name, as the controller stores it (authreq.go: authURL.Hostname(), no port). */
function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The headers of the auth subrequest (nginx.tmpl's auth location). */
export function nginxAuthHeaders(nginx: NginxAuthRequest, ctx: RequestContext, url: string): HeaderMap {
  const r = ctx.request;
  const uri = requestUri(ctx);
  const httpHost = r.headers.get('host') ?? r.host;
  const h = new HeaderMap(r.headers.list().filter(([n]) => !NOT_SENT.has(n.toLowerCase())));
  // $req_id: the client's X-Request-ID, else nginx's $request_id, which the ingress-nginx dialect
  // drew at routing time (its per-request vars); outside that dialect only a client's value is sent.
  const dialectId = (ctx.vars['ingress-nginx'] as { requestId?: string } | undefined)?.requestId;
  const requestId = r.headers.get('x-request-id') ?? dialectId;
  const set: Array<[string, string | undefined]> = [
    ['Host', hostnameOf(url)],
    ['X-Request-ID', requestId],
    ...(nginx.method !== undefined ? ([['X-Original-URI', uri], ['X-Scheme', r.scheme]] as Array<[string, string]>) : []),
    ['X-Original-URL', `${r.scheme}://${httpHost}${uri}`],
    ['X-Original-Method', r.method],
    ['X-Sent-From', 'nginx-ingress-controller'],
    ['X-Real-IP', ctx.clientIp],
    ['X-Forwarded-For', ctx.clientIp],
    ['X-Auth-Request-Redirect', nginx.requestRedirect !== undefined ? expandNginxVars(nginx.requestRedirect, ctx) : uri],
  ];
  for (const [name, value] of set) if (value !== undefined && value !== '') h.set(name, value);
  return h;
}

/** template.go buildAuthSignURL: the original URL goes in `param` unless the signin URL already has it. */
export function signinLocation(signinUrl: string, param: string, ctx: RequestContext): string {
  const query = signinUrl.includes('?') ? signinUrl.slice(signinUrl.indexOf('?') + 1).split('#')[0] ?? '' : '';
  const has = query.split('&').some((kv) => {
    const [k, v = ''] = kv.split('=');
    return k === param && v !== '';
  });
  const withParam = has ? signinUrl : `${signinUrl}${query === '' ? '?' : '&'}${param}=$pass_access_scheme://$http_host$escaped_request_uri`;
  return expandNginxVars(withParam, ctx);
}

/** $upstream_http_<name>: several lines of one header come joined with ", " (nginx 1.23+). */
function joined(headers: HeaderMap, name: string): string {
  return headers.getAll(name).join(', ');
}

export function createNginxAuthRequestHooks(config: ForwardAuthConfig, nginx: NginxAuthRequest): PluginHooks {
  const method = nginx.method ?? 'GET';

  /** A page nginx makes itself, with the auth cookie only when auth-always-set-cookie says `always`. */
  const page = (status: number, reason: string, cookie: string, extra: Array<[string, string]>, authStatus: number | null): Verdict => {
    const headers: Array<[string, string]> = [HTML, ...extra];
    if (cookie !== '' && (nginx.alwaysSetCookie || ADD_HEADER_STATUSES.has(status))) headers.push(['Set-Cookie', cookie]);
    return reply(status, reason, { headers, body: status === 401 ? PAGE_401 : nginxPage(status), data: { authStatus } });
  };

  const onAnswer = (ctx: RequestContext, url: string, result: EffectResult): Verdict => {
    if (!result.ok) {
      return page(500, `calling the auth service ${url} failed (${result.error}) → the auth subrequest fails (502/504 inside it), and nginx auth_request turns any status other than 2xx/401/403 into 500`, '', [], null);
    }
    const status = result.status ?? 0;
    const answer = new HeaderMap(result.headers ?? []);
    const cookie = joined(answer, 'set-cookie');
    if (status >= 200 && status < 300) {
      const copied: string[] = [];
      const setHeaders: Array<[string, string]> = [];
      for (const name of config.authResponseHeaders) {
        // proxy_set_header with an empty value sends nothing: the client's own value never survives.
        ctx.upstream.headers.delete(name);
        const value = joined(answer, name);
        setHeaders.push([name, value]);
        if (value !== '') {
          ctx.upstream.headers.set(name, value);
          copied.push(name);
        }
      }
      // The ingress-nginx dialect rebuilds the upstream request from the client's headers after the
      // access phase; it applies these on top (its per-request vars), as the location's proxy_set_header does.
      if (setHeaders.length > 0) ((ctx.vars['ingress-nginx'] ??= {}) as { proxySetHeaders?: Array<[string, string]> }).proxySetHeaders = setHeaders;
      if (cookie !== '') ctx.vars[VARS] = { cookie, always: nginx.alwaysSetCookie } satisfies CookieNote;
      const missing = config.authResponseHeaders.filter((n) => !copied.includes(n));
      const note = `${copied.length > 0 ? `; copied ${copied.join(', ')} onto the request` : ''}${missing.length > 0 ? `; the answer had no ${missing.join(', ')}, so the backend gets none (a client-sent value is dropped)` : ''}`;
      return next(`auth service ${url} answered ${status} → nginx auth_request lets any 2xx through${note}`, { authStatus: status, copied: copied.join(',') });
    }
    if (status === 401 && nginx.signinUrl !== undefined) {
      const location = signinLocation(nginx.signinUrl, nginx.signinRedirectParam, ctx);
      return page(302, `auth service ${url} answered 401 → error_page 401 sends the client to auth-signin: 302 to ${location}`, cookie, [['Location', location]], 401);
    }
    if (status === 401) {
      const challenges: Array<[string, string]> = answer.getAll('www-authenticate').map((v) => ['WWW-Authenticate', v]);
      return page(401, `auth service ${url} answered 401 → nginx auth_request returns 401 with the auth service's WWW-Authenticate${challenges.length ? '' : ' (it sent none)'}; its body is not passed on`, cookie, challenges, 401);
    }
    if (status === 403) return page(403, `auth service ${url} answered 403 → nginx auth_request returns 403 (nginx's page; the auth service's body is not passed on)`, cookie, [], 403);
    return page(500, `auth service ${url} answered ${status} → nginx auth_request turns any status other than 2xx/401/403 into 500`, cookie, [], status);
  };

  return {
    access(ctx: RequestContext): Verdict {
      // The ingress-nginx dialect matches a source-range 403 with no service: nginx's access module runs
      // before auth_request (access-phase handlers run in reverse module order), so no auth call is made.
      if (ctx.match && ctx.match.service === undefined) return next('this location answers before auth_request (no upstream; an allowlist/denylist-source-range 403): the auth service is not asked');
      const url = expandNginxVars(config.address, ctx);
      const effect = {
        type: 'http' as const,
        purpose: 'forward-auth',
        method,
        url,
        headers: nginxAuthHeaders(nginx, ctx, url).list(),
        timeoutMs: NGINX_AUTH_TIMEOUT_MS,
      };
      return wait(effect, `auth_request: asking ${url} (${method}, no body)`, (result) => onAnswer(ctx, url, result));
    },

    response(ctx: RequestContext): Verdict {
      const note = ctx.vars[VARS] as CookieNote | undefined;
      if (!note || !ctx.response) return next('no auth cookie to add');
      if (!note.always && !ADD_HEADER_STATUSES.has(ctx.response.status)) {
        return next(`the auth cookie is not added to a ${ctx.response.status} (add_header without always; auth-always-set-cookie would)`);
      }
      ctx.response.headers.append('Set-Cookie', note.cookie);
      return next(`added the auth service's Set-Cookie to the ${ctx.response.status} response`);
    },
  };
}
