/**
 * Helpers the pipeline tests share: a fresh request context for chain tests, a pipeline host stub
 * with quiet defaults (each test overrides what it watches), and the Gateway API route with a
 * RequestMirror filter that the copy tests send through.
 */
import { MINIMAL_GATEWAY } from '../config/gateway-api/test-kit.ts';
import { HeaderMap } from './headers.ts';
import type { PipelineHost } from './host.ts';
import type { RequestContext } from './types.ts';

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
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      filters:
        - type: RequestMirror
          requestMirror: { backendRef: { name: api-v2, port: 8080 } }
      backendRefs: [{ name: api, port: 8080 }]
`;
