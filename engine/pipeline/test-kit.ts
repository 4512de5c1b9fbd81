/**
 * Helpers the pipeline tests share: a fresh request context for chain tests, a pipeline host stub
 * with quiet defaults (each test overrides what it watches), and the Gateway API route with a
 * RequestMirror filter that the copy tests send through; Kong configs through the real loader; and
 * the explain session's GET to api.example.com/orders.
 */
import { httpRouteHead } from '../../test/support/gateway-api-docs.ts';
import { MINIMAL_GATEWAY } from '../config/gateway-api/test-kit.ts';
import type { GatewayIR } from '../config/ir.ts';
import { loadGateway } from '../config/load-gateway.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { HeaderMap } from './headers.ts';
import type { PipelineHost } from './host.ts';
import type { RequestContext } from './types.ts';
import type { ExplainInput } from '../runtimes/sim/explain.ts';

/** A GET / for host `x` from 10.0.0.1, as it stands before any stage ran. */
export function requestContext(): RequestContext {
  const headers = new HeaderMap([['Host', 'x']]);
  return {
    request: { id: 'r1', method: 'GET', scheme: 'http', host: 'x', port: 80, path: '/', query: '', headers, peerIp: '10.0.0.1' },
    clientIp: '10.0.0.1',
    upstream: { method: 'GET', host: 'x', path: '/', headers: headers.clone() },
    vars: {},
  };
}

/**
 * A host on replica gw-0 at a frozen instant, with a sink that keeps nothing, an even draw and
 * effects that never answer; `parts` replaces any of these and adds the rest (callUpstream, say).
 * Typed loosely so a test can pass narrower callbacks than the full PipelineHost signatures.
 */
export function stubPipelineHost(parts: Partial<Record<keyof PipelineHost, unknown>>): PipelineHost {
  return {
    replica: 'gw-0',
    sink: { level: 'decisions', wants: () => false, emit: () => undefined },
    now: () => 1_000,
    traceTime: () => 0,
    draw: () => 0.5,
    perform: () => undefined,
    ...parts,
  } as unknown as PipelineHost;
}

/** Gateway `gw`; HTTPRoute `api`: /api goes to service api:8080 and a copy of each request to api-v2:8080. */
export const MIRROR_ROUTE_CONFIG = `${MINIMAL_GATEWAY}---
${httpRouteHead('api')}  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      filters:
        - type: RequestMirror
          requestMirror: { backendRef: { name: api-v2, port: 8080 } }
      backendRefs: [{ name: api, port: 8080 }]
`;

/** A Kong declarative text's IR through the real loader (dialect detected), or a thrown error listing its diagnostics. */
export function kongIr(yaml: string, file = 'k.yaml'): GatewayIR {
  const loaded = loadGateway({ sources: [{ file, docs: parseYaml(yaml, file).docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

/** Kong's format line and service `name` at `url`, down to its `routes:` key: the route entries follow at 6 spaces. */
export const kongServiceHead = (name: string, url: string): string => `_format_version: "3.0"
services:
  - name: ${name}
    url: ${url}
    routes:
`;

/** Service `orders` at orders.internal:8080 with route `orders` on /orders; plugins or consumers may follow. */
export const KONG_ORDERS = `${kongServiceHead('orders', 'http://orders.internal:8080')}      - name: orders
        paths: [/orders]
`;

/**
 * The explain session's GET http://api.example.com/orders from 127.0.0.1 at 12:00:05, seed 1, the
 * upstream answering an empty 200; `parts` replaces any of these (upstreamByTarget, say).
 */
export function explainGet(parts: Partial<ExplainInput> = {}): ExplainInput {
  return {
    method: 'GET',
    url: 'http://api.example.com/orders',
    headers: [],
    clientIp: '127.0.0.1',
    now: 1_767_268_805_000, // 2026-01-01T12:00:05Z
    seed: 1,
    repeat: 0,
    upstreamStatus: 200,
    upstreamHeaders: [],
    ...parts,
  };
}
