/**
 * Builds the copy of a request that a detached effect asks for (a RequestMirror), at the instant the
 * request itself goes upstream to the host the balancer picked: the same method, path, headers and body the backend gets, rebuilt by
 * the dialect for the copy's target (hop-by-hop headers stripped, forwarding headers added, as for the
 * main request), then with the Host name marked the way Envoy marks a shadow.
 */
import type { DialectBehaviour } from './dialect.ts';
import type { CopyEndEvent } from '../trace/events.ts';
import type { DetachedCall, UpstreamAnswer } from './host.ts';
import type { RequestContext, RequestCopy, UpstreamRequest, Verdict } from './types.ts';

/**
 * The copy for `copy`, as the host is handed it: built from `source` (the request as the filters left
 * it, before the main request was built for its own host) and sent beside `main` (the request going
 * upstream now, whose streamed body the host may share).
 */
export function buildDetachedCall(ctx: RequestContext, dialect: DialectBehaviour, copy: RequestCopy, plugin: string, source: UpstreamRequest, main: UpstreamRequest): DetachedCall {
  const upstream: UpstreamRequest = { ...source, headers: source.headers.clone() };
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
    call: { requestId: ctx.request.id, service: copy.service, target: copy.target, request: upstream, scheme: copy.service.protocol, timeoutMs: copy.timeoutMs, detached: true },
  };
}

/** The decision for a copy that stayed home: its request reached no upstream host. */
export function copyNotSent(copy: RequestCopy): Verdict {
  const reason = `${copy.purpose} copy to ${copy.service.name} not sent: the request reached no upstream host (Envoy starts a shadow only once it has picked one)`;
  return { kind: 'next', reason, data: { mirrored: false, skipped: 'no-host' } };
}

/**
 * The key of a modelled backend's per-request draws (its error draw) for a copy of `requestId`:
 * derived, so the copy and the request it copies fail independently, as two requests to two
 * services do; a keyed draw, so no other draw moves. The simulation (backend-model.ts) and the
 * proxy's fake backends (verify/fake-backends.ts) both use it, so they fail the same copies.
 */
export function copyDrawKey(requestId: string, backend: string): string {
  return `${requestId}>copy:${backend}`;
}

/** True when a Host carries the shadow suffix on its name (`api.example.com-shadow`, `10.0.0.5-shadow:8080`). */
export function isShadowHost(host: string | undefined, suffix: string): boolean {
  if (host === undefined || suffix === '') return false;
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  const name = colon > close ? host.slice(0, colon) : host;
  return name.endsWith(suffix);
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

/** The `copy.end` event of a copy that ended with `answer` (both hosts emit it; the metrics count it). */
export function copyEnd(copy: DetachedCall, answer: UpstreamAnswer, t: number, ms: number): CopyEndEvent {
  const { call } = copy;
  const event: CopyEndEvent = {
    type: 'copy.end',
    t,
    req: copy.requestId,
    plugin: copy.plugin,
    service: call.service.name,
    target: `${call.target.host}:${call.target.port}`,
    status: answer.ok ? answer.status : 0,
    ms,
  };
  if (!answer.ok) event.error = answer.failure;
  return event;
}
