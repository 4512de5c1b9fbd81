/**
 * How ingress-nginx talks to a backend, end to end through the explain host (semantics §8, §10):
 * EndpointSlices give balancer.lua its pods; proxy-next-upstream decides retries (default
 * "error timeout", 3 tries, never a POST once sent); load-balance / upstream-hash-by pick the pod.
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession, type ExplainInput, type ExplainResult } from '../../runtimes/sim/explain.ts';
import { docs, ingress, ingressIr } from './test-kit.ts';

const SLICE = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: default, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [{ port: 8080 }]
endpoints: [{ addresses: ["10.1.0.1"] }, { addresses: ["10.1.0.2"] }, { addresses: ["10.1.0.3"], conditions: { ready: false } }]`;

type Answer = NonNullable<ExplainInput['upstreamByTarget']>[string];

function session(yaml: string): (opts?: { method?: string; url?: string; headers?: Array<[string, string]>; by?: Record<string, Answer> }) => Promise<ExplainResult> {
  const s = createExplainSession(ingressIr(yaml).ir, 1);
  return (opts = {}) =>
    s.send({
      method: opts.method ?? 'GET',
      url: opts.url ?? 'http://shop.example.com/',
      headers: opts.headers ?? [],
      clientIp: '198.51.100.10',
      now: 0,
      seed: 1,
      repeat: 0,
      upstreamStatus: 200,
      upstreamHeaders: [],
      ...(opts.by ? { upstreamByTarget: opts.by } : {}),
    });
}

const targets = (r: ExplainResult): string[] => r.decisions.flatMap((d) => (d.plugin === 'balancer' && d.data?.['target'] ? [String(d.data['target'])] : []));
const shop = (annotations: Record<string, string> = {}): string => docs(SLICE, ingress('shop', 'shop.example.com', [['/', 'Prefix', 'web']], annotations));

describe('EndpointSlices: balancer.lua balances over the ready pods (semantics §10)', () => {
  it('round_robin (the default) alternates over the ready pods; the not-ready one gets nothing', async () => {
    const send = session(shop());
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(...targets(await send()));
    expect(seen).toEqual(['10.1.0.1:8080', '10.1.0.2:8080', '10.1.0.1:8080', '10.1.0.2:8080']);
  });

  it('no ready pod: 503 before proxying (semantics §7 "no ready endpoints")', async () => {
    const none = SLICE.replace(/endpoints: .*/, 'endpoints: [{ addresses: ["10.1.0.1"], conditions: { ready: false } }]');
    const r = await session(docs(none, ingress('shop', 'shop.example.com', [['/', 'Prefix', 'web']])))();
    expect(r.status).toBe(503);
    expect(targets(r)).toEqual([]);
  });
});

describe('proxy-next-upstream (semantics §8; nginx proxy_next_upstream)', () => {
  it('default "error timeout": a refused connection is retried on the other pod', async () => {
    const r = await session(shop())({ by: { '10.1.0.1:8080': 'refused' } });
    expect(r.status).toBe(200);
    expect(targets(r)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
  });

  it('a timeout is retried for GET but never for POST once sent (non-idempotent)', async () => {
    const by = { '10.1.0.1:8080': 'timeout', '10.1.0.2:8080': 'timeout' } as const;
    const get = await session(shop())({ by });
    // Three tries (proxy-next-upstream-tries 3), the second on the other pod.
    expect(targets(get)).toHaveLength(3);
    expect(targets(get).slice(0, 2)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    expect(get.status).toBe(504);
    const post = await session(shop())({ method: 'POST', by });
    expect(targets(post)).toEqual(['10.1.0.1:8080']);
    expect(post.decisions.find((d) => d.plugin === 'retry')?.reason).toContain('POST is not retried');
  });

  it('non_idempotent retries POST too; http_503 retries a 503', async () => {
    const r = await session(shop({ 'proxy-next-upstream': 'error timeout http_503 non_idempotent' }))({ method: 'POST', by: { '10.1.0.1:8080': 503 } });
    expect(r.status).toBe(200);
    expect(targets(r)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
  });

  it('a 503 is passed through without http_503; "off" retries nothing; tries 1 means one try', async () => {
    expect((await session(shop())({ by: { '10.1.0.1:8080': 503 } })).status).toBe(503);
    expect(targets(await session(shop({ 'proxy-next-upstream': 'off' }))({ by: { '10.1.0.1:8080': 'refused' } }))).toEqual(['10.1.0.1:8080']);
    expect(targets(await session(shop({ 'proxy-next-upstream-tries': '1' }))({ by: { '10.1.0.1:8080': 'refused' } }))).toEqual(['10.1.0.1:8080']);
  });

  it('proxy-next-upstream-tries 2 stops after the second try: 502', async () => {
    const r = await session(shop({ 'proxy-next-upstream-tries': '2' }))({ by: { '10.1.0.1:8080': 'refused', '10.1.0.2:8080': 'refused' } });
    expect(targets(r)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    expect(r.status).toBe(502);
  });
});

describe('load-balance and upstream-hash-by (semantics §10)', () => {
  it('upstream-hash-by $http_x_user_id: one user always reaches the same pod', async () => {
    const send = session(shop({ 'upstream-hash-by': '$http_x_user_id' }));
    const pods = new Set<string>();
    for (let i = 0; i < 5; i++) pods.add(targets(await send({ headers: [['X-User-Id', 'alice']] }))[0] as string);
    expect(pods.size).toBe(1);
  });

  it('the IR carries what balancer.lua would run: ewma with a 10 s decay, lua-resty-balancer chash for upstream-hash-by', () => {
    const ewma = ingressIr(shop({ 'load-balance': 'ewma' })).ir.services[0]?.policy?.balancer;
    expect(ewma).toEqual({ kind: 'ewma', decayMs: 10_000 });
    const hash = ingressIr(shop({ 'upstream-hash-by': '$cookie_session' }));
    expect(hash.ir.services[0]?.policy?.balancer).toEqual({ kind: 'nginx-chash', hashOn: { source: 'cookie', name: 'session' }, variable: 'cookie_session' });
    // gatelab now picks nginx's pod, so no "not necessarily the same pod" warning any more.
    expect(hash.diagnostics.map((d) => d.message).join('\n')).not.toContain('upstream-hash-by');
  });

  it('chash picks the pod nginx picks: crc32 of the key on 160 points per ready pod (semantics §10)', async () => {
    // Worked out with test/semantics/nginx-chash-oracle.ts and independently with Python's zlib.
    const send = session(shop({ 'upstream-hash-by': '$http_x_user_id' }));
    expect(targets(await send({ headers: [['X-User-Id', 'alice']] }))).toEqual(['10.1.0.2:8080']);
  });

  it('$request_uri hashes the query string too; $uri only the path', async () => {
    const byRequestUri = session(shop({ 'upstream-hash-by': '$request_uri' }));
    expect(targets(await byRequestUri({ url: 'http://shop.example.com/cart?item=1' }))).toEqual(['10.1.0.1:8080']);
    expect(targets(await byRequestUri({ url: 'http://shop.example.com/cart?item=2' }))).toEqual(['10.1.0.2:8080']);
    const byUri = session(shop({ 'upstream-hash-by': '$uri' }));
    expect(targets(await byUri({ url: 'http://shop.example.com/cart?item=1' }))).toEqual(['10.1.0.2:8080']);
  });

  it('a retry goes back to the same pod: balancer.lua asks chash again and gets the same answer (ingress-nginx #10730, #11852)', async () => {
    const ir = ingressIr(shop({ 'upstream-hash-by': '$http_x_user_id' })).ir;
    expect(ir.services[0]?.policy?.retry?.otherHost).toBe(false);
    const r = await session(shop({ 'upstream-hash-by': '$http_x_user_id' }))({ headers: [['X-User-Id', 'alice']], by: { '10.1.0.2:8080': 'refused' } });
    expect(targets(r)).toEqual(['10.1.0.2:8080', '10.1.0.2:8080', '10.1.0.2:8080']);
    expect(r.status).toBe(502);
  });
});
