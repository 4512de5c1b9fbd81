/**
 * Semantics §8 (ingress-nginx rate-limit annotations and canary Ingresses), the rules the coverage
 * audit found unpinned: after the burst, limit-rps refills one request per 1/N s and limit-rpm one per
 * 60/N s; the key is the client address; a canary keeps its own upstream-hash-by / load-balance; a
 * second canary for the same upstream is said to get nothing.
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { baseRequestEnds } from '../../../test/support/scenario-run.ts';
import { docs, ingress, ingressIr } from './test-kit.ts';

const T0 = 1_767_225_600_000;

/** One replica's session; each call sends one request at `at` ms after T0 from `clientIp`. */
function limited(annotations: Record<string, string>): (at: number, clientIp?: string) => Promise<number> {
  const { ir } = ingressIr(ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], annotations));
  const s = createExplainSession(ir, 1);
  return async (at, clientIp = '198.51.100.7') =>
    (await s.send({ method: 'GET', url: 'http://api.example.com/x', headers: [], clientIp, now: T0 + at, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] })).status;
}

async function drain(send: (at: number, ip?: string) => Promise<number>, count: number, at = 0): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await send(at));
  return out;
}

describe('semantics §8 limit-rps / limit-rpm after the burst', () => {
  it('§8 limit-rps 5: 26 at once, then exactly one more per 200 ms (rate=5r/s, nodelay)', async () => {
    const send = limited({ 'limit-rps': '5' });
    expect((await drain(send, 27)).filter((s) => s === 200)).toHaveLength(26);
    // 199 ms later nothing has drained yet; at 200 ms one slot has.
    expect(await send(199)).toBe(503);
    expect(await send(200)).toBe(200);
    expect(await send(200)).toBe(503);
    expect(await send(400)).toBe(200);
  });

  it('§8 limit-rpm 60 (rate=60r/m, burst 300): after the 301 at once, one more per second', async () => {
    const send = limited({ 'limit-rpm': '60' });
    expect((await drain(send, 302)).filter((s) => s === 200)).toHaveLength(301);
    expect(await send(999)).toBe(503);
    expect(await send(1000)).toBe(200);
    expect(await send(1000)).toBe(503);
  });

  it('§8 the key is the client address ($binary_remote_addr): another client has its own bucket', async () => {
    const send = limited({ 'limit-rps': '1', 'limit-burst-multiplier': '1' });
    expect([await send(0), await send(0), await send(0)]).toEqual([200, 200, 503]);
    expect([await send(0, '198.51.100.8'), await send(0, '198.51.100.8'), await send(0, '198.51.100.8')]).toEqual([200, 200, 503]);
  });
});

describe('semantics §8 limits are per controller replica', () => {
  it('§8 two replicas behind a round-robin balancer: each has its own zone, so 2 × 26 of a burst pass', async () => {
    // The limit-rps: "5" config of scenarios/routing/ingress-limit-rps.yaml, on two replicas.
    const text = `id: limit-rps-two-replicas
title: limit-rps on two replicas
topic: routing
summary: one burst of 60 spread over two ingress-nginx replicas
start: 2026-01-01T12:00:00Z
seed: 5
duration: 1s
replicas: 2
frontBalancer: round-robin
gateway:
  format: ingress-nginx
  files: [configs/ingress-limit-rps.yaml]
clients:
  - id: client
    ip: 198.51.100.50
    request: { url: http://api.example.com/v1/catalog/items }
    traffic: [{ burst: { at: 0s, count: 60 } }]
backends:
  - name: catalog
    latency: 0s
`;
    const ends = await baseRequestEnds(text, 'scenarios/routing/limit-rps-two-replicas.yaml', 'decisions');
    expect(ends).toHaveLength(60);
    expect(ends.filter((e) => e.status === 200)).toHaveLength(52);
    expect(new Set(ends.filter((e) => e.status === 200).map((e) => e.replica)).size).toBe(2);
  });
});

describe('semantics §8 canary Ingress: per-upstream annotations are its own', () => {
  const main = (anns: Record<string, string> = {}) => ingress('foo', 'foo', [['/', 'Prefix', 'http-svc']], anns);
  const canary = (anns: Record<string, string>) => ingress('foo-canary', 'foo', [['/', 'Prefix', 'http-svc-canary']], { canary: 'true', 'canary-weight': '50', ...anns });
  const balancerOf = (yaml: string, service: string) => ingressIr(yaml).ir.services.find((s) => s.name === service)?.policy?.balancer;

  it('§8 upstream-hash-by on the canary balances the canary upstream; the main one keeps round robin', () => {
    const yaml = docs(main(), canary({ 'upstream-hash-by': '$http_x_user' }));
    expect(balancerOf(yaml, 'http-svc-canary')).toMatchObject({ kind: 'nginx-chash', variable: 'http_x_user' });
    expect(balancerOf(yaml, 'http-svc')).toEqual({ kind: 'weighted-round-robin' });
  });

  it('§8 load-balance on the canary is read too (ewma for the canary upstream only)', () => {
    const yaml = docs(main(), canary({ 'load-balance': 'ewma' }));
    expect(balancerOf(yaml, 'http-svc-canary')).toEqual({ kind: 'ewma', decayMs: 10_000 });
    expect(balancerOf(yaml, 'http-svc')).toEqual({ kind: 'weighted-round-robin' });
  });

  it('§8 at most one canary per rule: a second canary Ingress for the same upstream is warned to get no traffic', () => {
    const second = ingress('foo-canary-2', 'foo', [['/', 'Prefix', 'http-svc-canary-2']], { canary: 'true', 'canary-weight': '100' });
    const { diagnostics } = ingressIr(docs(main(), canary({}), second));
    expect(diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/already has canary .*balancer\.lua only ever uses the first/));
  });
});

describe('semantics §8 annotations-risk-level (gatelab differs: documented in docs/dialects/ingress-nginx.md)', () => {
  it('§8 a Critical-risk snippet is refused by ingress-nginx under the default High; gatelab says so and loads the rest', () => {
    const { ir, diagnostics } = ingressIr(ingress('api', 'api.example.com', [['/', 'Prefix', 'api']], { 'configuration-snippet': 'return 418;' }));
    expect(diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('annotations-risk-level: High) the admission webhook refuses this Ingress'));
    expect(ir.routes).toHaveLength(1);
  });
});
