import { describe, expect, it } from 'vitest';
import type { RouteIR } from '../../config/ir.ts';
import { httpRouteHead } from '../../../test/support/gateway-api-docs.ts';
import { gatewayApiIr, MINIMAL_GATEWAY, send } from '../../config/gateway-api/test-kit.ts';
import type { GwRule } from '../../routing/gateway-api-table.ts';
import { HeaderMap } from '../headers.ts';
import type { RequestContext } from '../types.ts';
import { chooseBackend, createGatewayApiBehaviour } from './gateway-api.ts';

const YAML = `${MINIMAL_GATEWAY}---
${httpRouteHead('r')}  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      backendRefs: [{ name: api, port: 8080 }]
`;

function rule(backends: Array<{ service: string | null; weight: number }>): { route: RouteIR; rule: GwRule } {
  return {
    route: { backends } as RouteIR,
    rule: { routeId: 'x', index: 0, matches: [], backends: backends.map((b, i) => ({ label: `b${i}`, problem: b.service ? null : 'gone' })), invalid: null },
  };
}

describe('gateway-api dialect: choosing a backendRef', () => {
  it('picks by cumulative weight; weight 0 never wins', () => {
    const r = rule([
      { service: 'a', weight: 0 },
      { service: 'b', weight: 3 },
      { service: 'c', weight: 1 },
    ]);
    expect(chooseBackend(r.route, r.rule, 0).service).toBe('b');
    expect(chooseBackend(r.route, r.rule, 0.74).service).toBe('b');
    expect(chooseBackend(r.route, r.rule, 0.75).service).toBe('c');
    expect(chooseBackend(r.route, r.rule, 0.9999).service).toBe('c');
  });

  it('an invalid backend keeps its share, which cannot be served', () => {
    const r = rule([
      { service: null, weight: 1 },
      { service: 'ok', weight: 1 },
    ]);
    expect(chooseBackend(r.route, r.rule, 0.2)).toMatchObject({ service: null, problem: 'backendRef b0 is invalid (gone)' });
    expect(chooseBackend(r.route, r.rule, 0.7).service).toBe('ok');
  });

  it('a rollout controller\'s traffic shift replaces the two backends\' weights; other routes keep theirs', () => {
    const r = rule([
      { service: 'stable', weight: 90 },
      { service: 'canary', weight: 10 },
    ]);
    const shift = { primary: 'stable', canary: 'canary', percent: 25, by: 'the rollout controller' };
    expect(chooseBackend(r.route, r.rule, 0.8).service).toBe('stable');
    expect(chooseBackend(r.route, r.rule, 0.8, shift).service).toBe('canary');
    expect(chooseBackend(r.route, r.rule, 0.74, shift).service).toBe('stable');
    expect(chooseBackend(r.route, r.rule, 0.99, { ...shift, percent: 0 }).service).toBe('stable');
    const other = rule([{ service: 'a', weight: 1 }, { service: 'b', weight: 1 }]);
    expect(chooseBackend(other.route, other.rule, 0.2, shift).service).toBe('a');
  });

  it('no backends, or all weights 0, cannot be served', () => {
    expect(chooseBackend(rule([]).route, rule([]).rule, 0.5).problem).toBe('the rule has no backendRefs');
    const zero = rule([{ service: 'a', weight: 0 }]);
    expect(chooseBackend(zero.route, zero.rule, 0.5).problem).toBe('every backendRef of the rule has weight 0');
  });
});

describe('gateway-api dialect: what Envoy Gateway sends and answers', () => {
  const ir = gatewayApiIr(YAML);

  it('appends the peer to X-Forwarded-For, sets X-Forwarded-Proto, drops hop-by-hop headers, adds no Via', async () => {
    const r = await send(ir, 'GET http://a.example/api/x?y=1', {
      headers: { 'X-Forwarded-For': '203.0.113.9', Connection: 'keep-alive, X-Secret', 'X-Secret': 's', 'Keep-Alive': 'timeout=5' },
      clientIp: '198.51.100.7',
    });
    expect(r.upstream).toMatchObject({ method: 'GET', host: 'a.example', path: '/api/x?y=1' });
    expect(r.upstream?.headers).toEqual({
      host: 'a.example',
      'x-forwarded-for': '203.0.113.9,198.51.100.7',
      'x-forwarded-proto': 'http',
    });
    expect(r.response.headers).toEqual({});
  });

  it('the Host header reaches the backend as the client sent it', async () => {
    const r = await send(ir, 'GET http://a.example/api', { headers: { Host: 'A.Example:80' } });
    expect(r.upstream?.host).toBe('A.Example:80');
  });

  it('no matching rule: 404 with an empty body and the reason in the decision', async () => {
    const r = await send(ir, 'GET http://a.example/other');
    expect(r).toMatchObject({ status: 404, route: null, backend: null, upstream: null });
    expect(r.response.body).toBe('');
    expect(r.decisions[0]?.reason).toBe('no HTTPRoute rule matches GET /other on listener default/gw/http (port 80, HTTP)');
  });

  it('answers upstream failures as Envoy does', () => {
    const behaviour = createGatewayApiBehaviour(ir);
    const ctx = { request: { id: 'r', headers: new HeaderMap() }, vars: {} } as unknown as RequestContext;
    expect(behaviour.upstreamFailed(ctx, { ok: false, failure: 'timeout', message: 't' })).toMatchObject({ status: 504, body: 'upstream request timeout' });
    expect(behaviour.upstreamFailed(ctx, { ok: false, failure: 'connect', message: 'c' })).toMatchObject({
      status: 503,
      body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    });
    expect(behaviour.noTarget(ctx, ir.services[0]!)).toMatchObject({ status: 503, body: 'no healthy upstream' });
  });
});
