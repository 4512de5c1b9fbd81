/**
 * The Gateway API upstream end to end (explain host): EndpointSlices give Envoy Gateway its pods
 * (LeastRequest by default), rules[].retry (GEP-1731) and rules[].timeouts (GEP-1742, semantics §7)
 * become the service's policy, and a DestinationRule beside them adds Istio's outlier detection
 * (semantics §9).
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession, type ExplainInput, type ExplainResult } from '../../runtimes/sim/explain.ts';
import { endpointSlice, httpRouteHead } from '../../../test/support/gateway-api-docs.ts';
import { gatewayApiIr, loadGatewayApi } from './test-kit.ts';

const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec:
  gatewayClassName: eg
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
${endpointSlice('catalog-1', 'shop', 'catalog', '[{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }]')}`;

function route(extra: string): string {
  return `${BASE}---
${httpRouteHead('catalog', { namespace: 'shop', gateway: 'web' })}  rules:
    - backendRefs: [{ name: catalog, port: 80 }]
${extra.replace(/^/gm, '      ')}
`;
}

type Answer = NonNullable<ExplainInput['upstreamByTarget']>[string];

function session(yaml: string): (by?: Record<string, Answer>) => Promise<ExplainResult> {
  const s = createExplainSession(gatewayApiIr(yaml), 1);
  return (by) =>
    s.send({ method: 'GET', url: 'http://shop.example.com/', headers: [], clientIp: '198.51.100.10', now: 0, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], ...(by ? { upstreamByTarget: by } : {}) });
}

const targets = (r: ExplainResult): string[] => r.decisions.flatMap((d) => (d.plugin === 'balancer' && d.data?.['target'] ? [String(d.data['target'])] : []));

describe('Gateway API upstream: pods, retry, timeouts (semantics §7)', () => {
  it('EndpointSlices: the ready pods are the targets, balanced with LeastRequest (Envoy Gateway default)', () => {
    const svc = gatewayApiIr(route('')).services[0];
    expect(svc?.targets.map((t) => `${t.host}:${t.port}`)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(svc?.policy?.balancer).toEqual({ kind: 'least-request', choiceCount: 2, activeRequestBias: 1 });
  });

  it('without a retry stanza a refused pod is not retried: 503', async () => {
    const by = { '10.0.0.1:8080': 'refused', '10.0.0.2:8080': 'refused' } as const;
    const r = await session(route(''))(by);
    expect(targets(r)).toHaveLength(1);
    expect(r.status).toBe(503);
  });

  it('retry codes [503] (GEP-1731): a 503 from one pod is retried on the other', async () => {
    const r = await session(route('retry: { codes: [503], attempts: 2, backoff: 10ms }'))({ '10.0.0.1:8080': 503, '10.0.0.2:8080': 503 });
    expect(targets(r)).toHaveLength(3);
    expect(new Set(targets(r).slice(0, 2)).size).toBe(2);
    expect(r.decisions.find((d) => d.plugin === 'retry')?.reason).toContain('retry-on retriable-status-codes');
  });

  it('a code not listed is not retried; connection failures always are (the spec: SHOULD retry when no connection)', async () => {
    const yaml = route('retry: { codes: [503], attempts: 1 }');
    expect(targets(await session(yaml)({ '10.0.0.1:8080': 500, '10.0.0.2:8080': 500 }))).toHaveLength(1);
    const refused = await session(yaml)({ '10.0.0.1:8080': 'refused', '10.0.0.2:8080': 'refused' });
    expect(targets(refused)).toHaveLength(2);
  });

  it('attempts: 0 disables retries ("An explicit zero value MUST disable retries")', async () => {
    const yaml = route('retry: { codes: [503], attempts: 0 }');
    expect(gatewayApiIr(yaml).services[0]?.policy?.retry).toBeUndefined();
    expect(targets(await session(yaml)({ '10.0.0.1:8080': 503, '10.0.0.2:8080': 503 }))).toHaveLength(1);
  });

  it('timeouts: backendRequest is per try, request the whole exchange; "0s" disables (GEP-1742)', () => {
    const t = (extra: string) => gatewayApiIr(route(extra)).services[0]?.policy?.timeouts;
    expect(t('timeouts: { request: 10s, backendRequest: 2s }')).toEqual({ connectMs: 10_000, perTryMs: 2000, overallMs: 10_000, flavour: 'generic' });
    expect(t('timeouts: { request: 0s }')).toEqual({ connectMs: 10_000, perTryMs: 0, overallMs: 0, flavour: 'generic' });
    // Unset request: Envoy's route timeout of 15 s still bounds the retries.
    expect(t('timeouts: { backendRequest: 1s }')).toEqual({ connectMs: 10_000, perTryMs: 1000, overallMs: 15_000, flavour: 'generic' });
  });

  it('an invalid duration is an error at its line:column and nothing loads', () => {
    const { ir, diagnostics } = loadGatewayApi(route('timeouts: { request: 1.5s }'));
    expect(ir).toBeUndefined();
    expect(diagnostics.find((d) => d.severity === 'error')).toMatchObject({ code: 'GL_E_DURATION', loc: { file: 'test.yaml', line: 23, col: 28 } });
  });
});

describe('a DestinationRule beside the routes (semantics §9)', () => {
  const dr = (od: string) => `${route('')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: catalog, namespace: shop }
spec:
  host: catalog
  trafficPolicy:
    outlierDetection: ${od}
`;

  it('consecutive 5xx eject the pod when max_ejection_percent allows one of two hosts', async () => {
    const send = session(dr('{ consecutive5xxErrors: 1, maxEjectionPercent: 50 }'));
    const by = { '10.0.0.1:8080': 500 } as const;
    // Until LeastRequest's two random choices first land on the failing pod, which answers 500 once.
    let hit = false;
    for (let i = 0; i < 10 && !hit; i++) hit = targets(await send(by)).includes('10.0.0.1:8080');
    expect(hit).toBe(true);
    const after = [];
    for (let i = 0; i < 4; i++) after.push(...targets(await send(by)));
    expect(after).not.toContain('10.0.0.1:8080');
  });

  it("with Istio's default max 10 % two hosts eject nothing (Envoy ≥ 1.27 rule)", async () => {
    const send = session(dr('{ consecutive5xxErrors: 1 }'));
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) for (const t of targets(await send({ '10.0.0.1:8080': 500 }))) seen.add(t);
    expect(seen.has('10.0.0.1:8080')).toBe(true);
  });
});
