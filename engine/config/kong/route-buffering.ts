/**
 * A Kong route's `request_buffering` and `response_buffering` (both default true, Kong's routes
 * schema). When the route turns either off, kong/runloop/handler.lua (the router step of `access`)
 * `exec`s the request into an internal location of kong/templates/nginx_kong.lua — `@unbuffered`,
 * `@unbuffered_request` or `@unbuffered_response` — where nginx's `proxy_request_buffering` or
 * `proxy_buffering` is off.
 *
 * Only the request side changes anything gatelab models: nginx streams such a body to the upstream
 * as it arrives, and `ngx_http_upstream_next` then refuses to pass the request to another upstream
 * once any of it was sent (`u->request_sent && r->request_body_no_buffering`). The IR carries that as
 * `RouteIR.requestBuffering: false`, and the upstream stage's retry rule reads it.
 */
import type { RouteIR } from '../ir.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import { readBool } from './read.ts';

/** The IR's share of the two fields: `{ requestBuffering: false }`, or nothing for Kong's default. */
export function readRouteBuffering(ctx: AdaptContext, node: EntityNode): Pick<RouteIR, 'requestBuffering'> {
  const request = readBool(ctx, node, 'request_buffering', true);
  if (!readBool(ctx, node, 'response_buffering', true)) {
    // Said rather than dropped silently: a student may expect it to change what the lab shows.
    ctx.warn(
      node.doc,
      fieldPath(node, 'response_buffering'),
      'GL_W_NO_EFFECT',
      `response_buffering: false of ${node.label} changes nothing gatelab shows: Kong would stream the upstream's answer to the client as it arrives (proxy_buffering off); gatelab's real proxy streams every answer that way, and the simulation does not model body timing`,
    );
  }
  return request ? {} : { requestBuffering: false };
}
