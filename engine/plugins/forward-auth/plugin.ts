/**
 * Traefik `forwardAuth` (semantics §4) as an `http` effect: the request's headers (minus hop-by-hop,
 * optionally only authRequestHeaders) plus X-Forwarded-Method/Proto/Host/Uri/For/Port go to the auth
 * server with GET. A 2xx lets the request through, with the authResponseHeaders copied onto it
 * (replacing any the client forged); any other status — 3xx included — goes back to the client with
 * the auth server's body and headers. An unreachable auth server is a 500 with an empty body. The
 * lesson's oauth2-proxy example (snippet 04) is exactly this.
 */
import { RE2JS } from 're2js';
import { HeaderMap } from '../../pipeline/headers.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';
import { next, reply, wait, type EffectResult, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { utf8LengthOver } from '../../config/yaml-limits.ts';
import { replaceReadStream } from '../../pipeline/read-body.ts';
import { parseForwardAuthConfig, type ForwardAuthConfig } from './config.ts';
import { createNginxAuthRequestHooks } from './nginx-auth-request.ts';

/** Auth first in the native form (Traefik itself runs middlewares in declared order). */
export const FORWARD_AUTH_PRIORITY = 1500;

/** Traefik's http.Client timeout for the auth call. */
const AUTH_TIMEOUT_MS = 30_000;

const X = {
  for: 'X-Forwarded-For',
  method: 'X-Forwarded-Method',
  proto: 'X-Forwarded-Proto',
  host: 'X-Forwarded-Host',
  uri: 'X-Forwarded-Uri',
  port: 'X-Forwarded-Port',
} as const;

/** The headers sent to the auth server (forward.go writeHeader, after the April 2026 tri-state fix). */
export function authRequestHeaders(config: ForwardAuthConfig, ctx: RequestContext): HeaderMap {
  const incoming = ctx.upstream.headers;
  let h = incoming.clone();
  stripHopByHop(h);
  if (config.authRequestHeaders.length > 0) {
    const allowed = new Set(config.authRequestHeaders.map((n) => n.toLowerCase()));
    h = new HeaderMap(h.list().filter(([n]) => allowed.has(n.toLowerCase())));
  }
  const trust = config.trustForwardHeader;
  const r = ctx.request;
  const uri = r.query ? `${r.path}?${r.query}` : r.path;
  if (trust === false) for (const name of h.names()) if (name.startsWith('x-forwarded-')) h.delete(name);
  const own: Record<string, string> = { [X.method]: r.method, [X.proto]: r.scheme, [X.host]: r.host, [X.uri]: uri, [X.port]: String(r.port) };
  const prior = incoming.getAll(X.for);
  h.set(X.for, trust === true && prior.length > 0 ? `${prior.join(', ')}, ${r.peerIp}` : r.peerIp);
  for (const [name, value] of Object.entries(own)) {
    const sent = incoming.get(name);
    if (trust === true && sent !== undefined && sent !== '') h.set(name, sent);
    // Legacy (unset) never set X-Forwarded-Port itself; a client's value passes as it came.
    else if (trust === undefined && name === X.port) continue;
    else h.set(name, value);
  }
  return h;
}

function absoluteLocation(location: string, address: string): string {
  try {
    return new URL(location, address).toString();
  } catch {
    return location;
  }
}

export function createForwardAuthHooks(config: ForwardAuthConfig): PluginHooks {
  // ingress-nginx's auth-url: nginx's auth_request rules, not Traefik's (nginx-auth-request.ts).
  if (config.nginx) return createNginxAuthRequestHooks(config, config.nginx);
  // Go's regexp is RE2; header names compare case-insensitively (Go matches canonical names).
  const re = config.authResponseHeadersRegex !== undefined ? RE2JS.compile(config.authResponseHeadersRegex, RE2JS.CASE_INSENSITIVE) : undefined;
  const regex = re ? { test: (name: string) => re.matcher(name).find() } : undefined;

  const onAnswer = (ctx: RequestContext, result: EffectResult): Verdict => {
    if (!result.ok) return reply(500, `calling the auth server ${config.address} failed (${result.error}) — 500, empty body`, { headers: [], body: '' });
    const status = result.status ?? 0;
    // Traefik reads the body before it looks at the status: too long is a 401 whatever the status.
    // The proxy host stops reading at the limit (bodyTooLarge); the simulation hands the whole body.
    const max = config.maxResponseBodySize;
    if (max >= 0 && (result.bodyTooLarge === true || utf8LengthOver(result.body ?? '', max))) {
      return reply(401, `auth server ${config.address} answered ${status} with a body over maxResponseBodySize ${max} bytes — 401, empty body, the backend is never called`, { headers: [], body: '', data: { authStatus: status } });
    }
    const authHeaders = new HeaderMap(result.headers ?? []);
    if (status >= 200 && status < 300) {
      const copied: string[] = [];
      for (const name of config.authResponseHeaders) {
        ctx.upstream.headers.delete(name);
        for (const v of authHeaders.getAll(name)) ctx.upstream.headers.append(name, v);
        if (authHeaders.has(name)) copied.push(name);
      }
      if (regex) {
        for (const name of ctx.upstream.headers.names()) if (regex.test(name)) ctx.upstream.headers.delete(name);
        for (const [n, v] of authHeaders.list()) if (regex.test(n)) {
          ctx.upstream.headers.append(n, v);
          copied.push(n);
        }
      }
      if (config.addAuthCookiesToResponse.length > 0) ctx.vars['forward-auth'] = authHeaders.getAll('set-cookie').filter((c) => config.addAuthCookiesToResponse.includes(c.split('=')[0]?.trim() ?? ''));
      const note = copied.length > 0 ? `; copied ${copied.join(', ')} onto the request (a client-sent value is replaced)` : config.authResponseHeaders.length > 0 ? `; the auth answer had none of ${config.authResponseHeaders.join(', ')}, so the backend gets none` : '';
      return next(`auth server ${config.address} answered ${status}: allowed${note}`, { authStatus: status, copied: copied.join(',') });
    }
    stripHopByHop(authHeaders);
    const location = authHeaders.get('location');
    if (location !== undefined && !config.preserveLocationHeader) authHeaders.set('Location', absoluteLocation(location, config.address));
    if (status === 401 && config.authSigninURL !== undefined) {
      return reply(302, `auth server answered 401 — 302 to authSigninURL ${config.authSigninURL}`, { headers: [['Location', config.authSigninURL]], body: '', data: { authStatus: 401 } });
    }
    return reply(status, `auth server ${config.address} answered ${status}: its answer goes back to the client, the backend is never called`, {
      headers: authHeaders.list(),
      body: result.body ?? '',
      data: { authStatus: status },
    });
  };

  /** The auth call itself: the request's headers (and, with forwardBody, its body) to the auth server. */
  const ask = (ctx: RequestContext, body: string | undefined): Verdict => {
    const headers = authRequestHeaders(config, ctx);
    const method = config.preserveRequestMethod ? ctx.request.method : 'GET';
    const effect = {
      type: 'http' as const,
      purpose: 'forward-auth',
      method,
      url: config.address,
      headers: headers.list(),
      ...(body !== undefined ? { body } : {}),
      timeoutMs: AUTH_TIMEOUT_MS,
      ...(config.maxResponseBodySize >= 0 ? { maxBodyBytes: config.maxResponseBodySize } : {}),
    };
    const trust = config.trustForwardHeader === undefined ? 'legacy (unset)' : String(config.trustForwardHeader);
    return wait(effect, `asking ${config.address} (${method}, trustForwardHeader ${trust})`, (result) => onAnswer(ctx, result));
  };

  return {
    access(ctx: RequestContext): Verdict {
      const source = ctx.upstream.stream ?? ctx.upstream.body;
      if (!config.forwardBody || source === undefined) return ask(ctx, undefined);
      // Traefik reads the whole body (at most maxBodySize + 1 bytes) before it calls the auth server.
      const limit = config.maxBodySize >= 0 ? `, at most maxBodySize ${config.maxBodySize} bytes` : '';
      const read = { type: 'read-body' as const, purpose: 'forward-auth body', maxBytes: config.maxBodySize, source };
      return wait(read, `reading the request body to send it to ${config.address} (forwardBody${limit})`, (result) => {
        if (!result.ok) return reply(500, `forwardBody: ${result.error} — 500, as Traefik answers a body it cannot read`, { headers: [], body: '' });
        if (result.bodyTooLarge) {
          return reply(401, `forwardBody: the request body is over maxBodySize ${config.maxBodySize} bytes — 401, empty body, the auth server is never asked`, { headers: [], body: '' });
        }
        replaceReadStream(ctx, result);
        return ask(ctx, result.body ?? '');
      });
    },

    response(ctx: RequestContext): Verdict {
      const cookies = ctx.vars['forward-auth'] as string[] | undefined;
      if (!cookies?.length || !ctx.response) return next('no auth cookies to add');
      for (const c of cookies) ctx.response.headers.append('Set-Cookie', c);
      return next(`added ${cookies.length} auth cookie(s) to the response`);
    },
  };
}

export const forwardAuthPlugin: PluginDefinition<ForwardAuthConfig> = {
  id: 'forward-auth',
  priority: FORWARD_AUTH_PRIORITY,
  parse: parseForwardAuthConfig,
  create: createForwardAuthHooks,
};
