/**
 * Builds the copy of a request that a detached effect asks for (a RequestMirror), at the instant the
 * request itself goes upstream: the same method, path, headers and body the backend gets, rebuilt by
 * the dialect for the copy's target (hop-by-hop headers stripped, forwarding headers added, as for the
 * main request), then with the Host name marked the way Envoy marks a shadow.
 */
import type { DialectBehaviour } from './dialect.ts';
import type { DetachedCall } from './host.ts';
import type { RequestContext, RequestCopy, UpstreamRequest } from './types.ts';

/** The copy of `ctx`'s upstream request for `copy`, as the host is handed it. */
export function buildDetachedCall(ctx: RequestContext, dialect: DialectBehaviour, copy: RequestCopy, plugin: string): DetachedCall {
  const main = ctx.upstream;
  const upstream: UpstreamRequest = { ...main, headers: main.headers.clone() };
  // The dialect edits the request it is given: a context of its own keeps the client's request as it is.
  const copyCtx: RequestContext = { ...ctx, upstream, target: copy.target };
  dialect.buildUpstream(copyCtx, copy.service, copy.target);
  if (copy.hostSuffix !== '') {
    const host = shadowHost(upstream.headers.get('host') ?? upstream.host, copy.hostSuffix);
    upstream.host = host;
    upstream.headers.set('Host', host);
  }
  return {
    requestId: ctx.request.id,
    plugin,
    purpose: copy.purpose,
    main,
    call: { requestId: ctx.request.id, service: copy.service, target: copy.target, request: upstream, scheme: copy.service.protocol, timeoutMs: copy.timeoutMs },
  };
}

/**
 * The Host a shadow carries: the suffix goes on the name, before any port — `api.example.com` →
 * `api.example.com-shadow`, `127.0.0.1:8080` → `127.0.0.1-shadow:8080`, `[::1]:80` → `[::1]-shadow:80`
 * (envoyproxy/envoy test/integration/shadow_policy_integration_test.cc).
 */
export function shadowHost(host: string, suffix: string): string {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  // A colon after the IPv6 literal's bracket (or in a name without one) starts the port.
  const portAt = colon > close ? colon : -1;
  return portAt < 0 ? `${host}${suffix}` : `${host.slice(0, portAt)}${suffix}${host.slice(portAt)}`;
}
