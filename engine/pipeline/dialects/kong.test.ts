/**
 * The answers Kong's runloop writes itself (semantics §1 error bodies, §6 routing), as the Kong dialect
 * builds them: the router's 404 and 426 are `kong.response.error` (kong/runloop/handler.lua), so they
 * follow Accept and carry the request id; a route without a service is `kong.response.exit` with a table
 * (kong/init.lua); the balancer's 503 is `kong.response.error` again; 502 and 504 come from nginx's
 * error_page through kong/error_handlers.lua.
 */
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../config/load-gateway.ts';
import type { GatewayIR, ServiceIR } from '../../config/ir.ts';
import { parseYaml } from '../../config/yaml-source.ts';
import { context } from '../../plugins/kit/test-kit.ts';
import type { RouteMiss } from '../dialect.ts';
import type { ChainHost } from '../chain.ts';
import { createKongBehaviour } from './kong.ts';

const YAML = `_format_version: "3.0"
services:
  - name: orders
    url: http://orders.internal:8080
    routes:
      - name: orders-route
        paths: ["/orders"]
      - name: secure-route
        paths: ["/secure"]
        protocols: [https]
`;

function ir(): GatewayIR {
  const parsed = parseYaml(YAML, 'kong.yaml');
  const loaded = loadGateway({ sources: [{ file: 'kong.yaml', docs: parsed.docs }], overlays: [] });
  if (!loaded.ir) throw new Error('the test config did not load');
  return loaded.ir;
}

const kong = createKongBehaviour(ir());
const host = {} as ChainHost;
const miss = (headers: Array<[string, string]>, path = '/nowhere'): RouteMiss => {
  const outcome = kong.route(context({ id: 'rid-1', path, headers }), host);
  if ('route' in outcome) throw new Error(`${path} matched a route`);
  return outcome;
};
const JSON_TYPE = ['Content-Type', 'application/json; charset=utf-8'];

describe('§6 the router\'s 404 is kong.response.error (kong/runloop/handler.lua)', () => {
  it('no Accept: Kong\'s four-line JSON template with the request id', () => {
    const r = miss([]);
    expect(r.status).toBe(404);
    expect(r.body).toBe('{\n  "message":"no Route matched with those values",\n  "request_id":"rid-1"\n}');
    expect(r.headers).toEqual([JSON_TYPE]);
  });

  it('§1 a browser\'s Accept gets the HTML page', () => {
    const r = miss([['Accept', 'text/html,application/xhtml+xml,*/*;q=0.8']]);
    expect(r.headers).toEqual([['Content-Type', 'text/html; charset=utf-8']]);
    expect(r.body).toContain('<p>no Route matched with those values.</p>\n    <p>request_id: rid-1</p>');
  });

  it('§1 Accept: application/grpc picks Kong\'s empty gRPC entry: no body, no Content-Type', () => {
    const r = miss([['Accept', 'application/grpc']]);
    expect(r.body).toBe('');
    expect(r.headers).toEqual([]);
  });
});

describe('§6 an https-only route over http: 426 through kong.response.error, with Upgrade', () => {
  it('plain text when asked, and Kong\'s Connection/Upgrade headers after the Content-Type', () => {
    const r = miss([['Accept', 'text/plain']], '/secure');
    expect(r.status).toBe(426);
    expect(r.body).toBe('Please use HTTPS protocol\nrequest_id: rid-1\n');
    expect(r.headers).toEqual([
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'TLS/1.2, HTTP/1.1'],
    ]);
  });
});

describe('the upstream stage\'s answers on a Kong gateway', () => {
  const service = { name: 'orders' } as ServiceIR;

  it('kong/init.lua: a route without a service is kong.response.exit with a table — compact JSON, no request_id, Accept ignored', () => {
    const v = kong.noService(context({ id: 'rid-2', headers: [['Accept', 'text/html']] }));
    expect(v).toMatchObject({ status: 503, body: '{"message":"no Service found with those values"}' });
  });

  it('§1 runloop balancer_execute: 503 "failure to get a peer from the ring-balancer" via kong.response.error', () => {
    const v = kong.noTarget(context({ id: 'rid-3', headers: [['Accept', 'application/xml']] }), service, 'every target is unhealthy');
    expect(v.status).toBe(503);
    expect(v.body).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>failure to get a peer from the ring-balancer</message>\n  <requestid>rid-3</requestid>\n</error>\n');
  });

  it('§1 kong/error_handlers.lua: a refused connection is 502 with the handler\'s message; no Accept and no Content-Type is text/plain', () => {
    const v = kong.upstreamFailed(context({ id: 'rid-4' }), { ok: false, failure: 'connect', message: 'ECONNREFUSED' });
    expect(v.status).toBe(502);
    expect(v.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(v.body).toBe('An invalid response was received from the upstream server\nrequest_id: rid-4\n');
  });

  it('§1 kong/error_handlers.lua: a timeout is 504; Accept */* gets the JSON template', () => {
    const v = kong.upstreamFailed(context({ id: 'rid-5', headers: [['Accept', '*/*']] }), { ok: false, failure: 'timeout', message: 'no answer in 60 s' });
    expect(v.status).toBe(504);
    expect(v.body).toBe('{\n  "message":"The upstream server is timing out",\n  "request_id":"rid-5"\n}');
  });
});
