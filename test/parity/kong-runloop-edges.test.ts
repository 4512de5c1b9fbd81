/**
 * Two Kong retry edges and Kong's https redirect, run through the simulation (explain session) and the real proxy (real
 * upstreams on 127.0.0.1: a closed port refuses — nothing written; a `reset` upstream reads the request
 * and drops the connection — written), which must agree on statuses, hosts tried, headers and reasons.
 *
 * - `request_buffering: false` (Kong's routes schema): kong/runloop/handler.lua sends the request to
 *   nginx's `proxy_request_buffering off`, and ngx_http_upstream_next then never passes it to the next
 *   upstream once any of it was sent (`u->request_sent && r->request_body_no_buffering`) — any method.
 * - A balancer failure on a retry: kong/init.lua Kong.balancer ends it with `ngx.exit(503)`, which
 *   nginx's error_page hands to kong/error_handlers.lua ("The upstream server is currently
 *   unavailable"); the first pick's failure is kong.response.error's "failure to get a peer from the
 *   ring-balancer" (semantics §1, §6).
 * - An https-only route over http with https_redirect_status_code 301/308: `kong.response.exit(code)`
 *   without a body, so nginx's own page (engine/routing/nginx-redirect-page.ts).
 */
import { describe, expect, it } from 'vitest';
import { kongOneTargetPassive, kongPool } from '../support/kong-pool.ts';
import { brief, expectParity, get, post, target, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';

const upstreams = upstreamsPerTest();

/** Pool a, b; route /stream streams its request body, route /buffered does not (Kong's default). */
const streamedAndBuffered = (u: Upstreams): string =>
  kongPool([target(u.a!), target(u.b!)], ['{name: stream, paths: [/stream], request_buffering: false}', '{name: buffered, paths: [/buffered]}']);

/** One target, taken out by the passive check after a single TCP failure. */
const oneTarget = (u: Upstreams): string => kongOneTargetPassive(target(u.a!));

describe('Kong request_buffering false: no retry once anything was sent, whatever the method (nginx request_body_no_buffering)', () => {
  it('semantics §6: a reset GET on the streaming route is not retried; on a buffered route it is; a refused POST still is', async () => {
    const u = await upstreams.start(['a', 'b']);
    // Round robin a, b: steps 1, 3 and 4 start on a (step 3's retry went to b, so a is next again).
    const steps = [get('/stream', { reset: ['a'] }), get('/stream'), get('/buffered'), post('/stream', { down: ['a'] })];
    const out = await expectParity('kong', streamedAndBuffered(u), 'kong-stream', steps, u, { reasonsOf: ['retry'] });
    expect(brief(out)).toEqual(['502 a', '200 b', '200 a,b', '200 a,b']);
    expect(out[0]?.reasons).toEqual([
      'retry: not retried: connection reset would be retried, but the route streams the request body (request_buffering off): nginx never passes such a request to the next upstream once any of it was sent, whatever the method',
    ]);
    expect(out[2]?.reasons).toEqual(['retry: connection reset matches retry-on reset: retry 1 of 5']);
    expect(out[3]?.reasons).toEqual(['retry: connection refused matches retry-on connect-failure: retry 1 of 5, POST too: nothing of it was sent']);
  });
});

describe('Kong: a retry that finds no healthy target ends in the error handler (kong/init.lua, kong/error_handlers.lua)', () => {
  it('semantics §6: refused, marked down, retry → 503 "currently unavailable" as plain text; the next first pick → the ring-balancer JSON', async () => {
    const u = await upstreams.start([], ['a']);
    const out = await expectParity('kong', oneTarget(u), 'kong-no-peer', [get('/orders'), get('/orders')], u, {
      // The simulation leaves Content-Length to the host that writes the bytes; the bodies themselves
      // are pinned in engine/pipeline/dialects/kong-retry-no-target.test.ts.
      headers: ['content-type'],
      reasonsOf: ['retry'],
    });
    expect(brief(out)).toEqual(['503 a', '503 ']);
    // The error handler without Accept or Content-Type: kong.conf's error_default_type, text/plain.
    expect(out[0]?.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8' });
    expect(out[0]?.reasons).toEqual(['retry: connection refused matches retry-on connect-failure: retry 1 of 5']);
    // kong.response.error without Accept: JSON.
    expect(out[1]?.headers).toEqual({ 'content-type': 'application/json; charset=utf-8' });
  });
});

describe('Kong https-only route over http: the redirect both hosts send (semantics §6, kong/runloop/handler.lua)', () => {
  it('semantics §6: 301 and 308 carry nginx\'s page length, its Content-Type and a Location without the Host\'s port', async () => {
    const u = await upstreams.start(['a']);
    const config = `_format_version: "3.0"
services:
  - name: s
    url: http://${u.a!.target}
    routes:
      - {name: moved, paths: [/moved], protocols: [https], https_redirect_status_code: 301}
      - {name: kept, paths: [/kept], protocols: [https], https_redirect_status_code: 308}
`;
    const steps = [get('/moved/x?y=1', { headers: { host: 'api.example.com:8000' } }), get('/kept')];
    const out = await expectParity('kong', config, 'kong-redirect', steps, u, { headers: ['content-type', 'content-length', 'location'] });
    expect(out.map((o) => [o.status, o.headers])).toEqual([
      [301, { 'content-type': 'text/html', 'content-length': '134', location: 'https://api.example.com/moved/x?y=1' }],
      [308, { 'content-type': 'text/html; charset=UTF-8', 'content-length': '136', location: 'https://api.example.com/kept' }],
    ]);
  });
});
