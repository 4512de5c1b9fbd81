/**
 * Semantics §11 (Kong latencies as response headers, Kong's default `headers` setting): a proxied
 * response carries X-Kong-Upstream-Latency (upstream time to headers) and X-Kong-Proxy-Latency (Kong's
 * own time before the request went upstream); a response Kong made itself carries
 * X-Kong-Response-Latency instead. Values are whole milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../config/load-gateway.ts';
import { parseYaml } from '../../config/yaml-source.ts';
import { context } from '../../plugins/kit/test-kit.ts';
import { HeaderMap } from '../headers.ts';
import { createKongBehaviour } from './kong.ts';

const YAML = `_format_version: "3.0"
services:
  - name: orders
    url: http://orders.internal:8080
    routes: [{ name: orders-route, paths: ["/orders"] }]
`;

function kong(): ReturnType<typeof createKongBehaviour> {
  const loaded = loadGateway({ sources: [{ file: 'kong.yaml', docs: parseYaml(YAML, 'kong.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error('the test config did not load');
  return createKongBehaviour(loaded.ir);
}

function decorated(source: 'upstream' | 'gateway', timing: { upstreamMs: number | null; gatewayMs: number }): HeaderMap {
  const ctx = context();
  ctx.response = { status: source === 'upstream' ? 200 : 401, headers: new HeaderMap(), source };
  kong().decorateResponse(ctx, timing);
  return ctx.response.headers;
}

describe('semantics §11 Kong latency headers', () => {
  it('§11 proxied: X-Kong-Upstream-Latency and X-Kong-Proxy-Latency in whole ms, no X-Kong-Response-Latency', () => {
    const h = decorated('upstream', { upstreamMs: 40.4, gatewayMs: 2.6 });
    expect(h.get('x-kong-upstream-latency')).toBe('40');
    expect(h.get('x-kong-proxy-latency')).toBe('3');
    expect(h.get('x-kong-response-latency')).toBeUndefined();
  });

  it('§11 short-circuited by Kong: X-Kong-Response-Latency only', () => {
    const h = decorated('gateway', { upstreamMs: null, gatewayMs: 5 });
    expect(h.get('x-kong-response-latency')).toBe('5');
    expect(h.get('x-kong-upstream-latency')).toBeUndefined();
    expect(h.get('x-kong-proxy-latency')).toBeUndefined();
  });
});
