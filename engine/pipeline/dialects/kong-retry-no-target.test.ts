/**
 * A balancer failure on a retry (semantics §1 error bodies, §6/§10 Kong balancing). The first pick
 * runs in the access phase (kong/runloop/handler.lua → balancer.execute), whose failure is
 * `kong.response.error(503, "failure to get a peer from the ring-balancer")`. A retry asks the
 * balancer again inside nginx's balancer phase (kong/init.lua Kong.balancer, `try_count > 1`), where a
 * failure is `ngx.exit(errcode)` with the same 503 — and nginx's `error_page 500 502 503 504
 * /kong_error_handler` hands it to kong/error_handlers.lua: "The upstream server is currently
 * unavailable", negotiated by the handler's rules (first Accept, else Content-Type, else text/plain).
 */
import { describe, expect, it } from 'vitest';
import type { ServiceIR } from '../../config/ir.ts';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { context } from '../../plugins/kit/test-kit.ts';
import { kongOneTargetPassive } from '../../../test/support/kong-pool.ts';
import { explainGet, kongIr } from '../test-kit.ts';
import { createKongBehaviour } from './kong.ts';

/** One target behind an upstream whose passive check takes it out after one TCP failure. */
const ONE_TARGET = kongOneTargetPassive('{target: "10.0.0.1:80"}');

describe('the Kong dialect\'s no-target answer depends on which try asked', () => {
  const kong = createKongBehaviour(kongIr(ONE_TARGET, 'kong.yaml'));
  const service = { name: 'orders' } as ServiceIR;

  it('first pick (0 tries sent): kong.response.error, JSON without an Accept', () => {
    const v = kong.noTarget(context({ id: 'rid-1' }), service, 'no healthy host for orders', 0);
    expect(v.status).toBe(503);
    expect(v.body).toBe('{\n  "message":"failure to get a peer from the ring-balancer",\n  "request_id":"rid-1"\n}');
  });

  it('a retry (1 try sent): the error handler — its message, and plain text without Accept or Content-Type', () => {
    const v = kong.noTarget(context({ id: 'rid-2' }), service, 'no healthy host for orders', 1);
    expect(v.status).toBe(503);
    expect(v.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(v.body).toBe('The upstream server is currently unavailable\nrequest_id: rid-2\n');
    expect(v.reason).toBe("try 2: no healthy host for orders; Kong's balancer phase ends the retry with 503, answered by its error handler");
  });

  it('a retry with curl\'s Accept: */* gets the handler\'s JSON template', () => {
    const v = kong.noTarget(context({ id: 'rid-3', headers: [['Accept', '*/*']] }), service, undefined, 2);
    expect(v.body).toBe('{\n  "message":"The upstream server is currently unavailable",\n  "request_id":"rid-3"\n}');
  });
});

describe('through the simulation: refused, taken out by the passive check, and the retry finds no target', () => {
  it('semantics §6: request 1 ends in the error handler\'s 503, request 2 (first pick) in the ring-balancer 503', async () => {
    const session = createExplainSession(kongIr(ONE_TARGET, 'kong.yaml'), 1);
    const send = (id: string) =>
      session.send(explainGet({ upstreamByTarget: { '10.0.0.1:80': 'refused' } }), id);
    const first = await send('r-1');
    expect(first.status).toBe(503);
    expect(first.response.body).toBe('The upstream server is currently unavailable\nrequest_id: r-1\n');
    const stages = first.decisions.filter((d) => d.plugin === 'retry' || d.plugin === 'balancer').map((d) => `${d.plugin}: ${d.reason}`);
    expect(stages[1]).toBe('retry: connection refused matches retry-on connect-failure: retry 1 of 5');
    expect(stages[2]).toMatch(/^balancer: try 2: no healthy host for orders: 10\.0\.0\.1:80 marked down by passive checks; Kong's balancer phase ends the retry with 503/);

    const second = await send('r-2');
    expect(second.status).toBe(503);
    expect(second.response.body).toEqual({ message: 'failure to get a peer from the ring-balancer', request_id: 'r-2' });
  });
});
