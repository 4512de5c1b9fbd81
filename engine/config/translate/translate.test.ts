/**
 * `gatelab translate`: the native IR form reads back to the same routing (round trip), translations
 * between Kong, Traefik and Gateway API load in the target's adapter and route the same requests the
 * same way, and whatever cannot be carried is reported.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors } from '../../core/errors.ts';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import type { Dialect, GatewayIR } from '../ir.ts';
import { loadGateway } from '../load-gateway.ts';
import { adaptNativeIr } from '../native/adapt.ts';
import { parseYaml } from '../yaml-source.ts';
import { NOW } from '../traefik/test-kit.ts';
import { translate, type TranslateTarget } from './index.ts';
import { pluginLabel } from './plugins.ts';

function load(yaml: string, format?: Dialect, file = 'in.yaml'): GatewayIR {
  const parsed = parseYaml(yaml, file);
  const loaded = loadGateway({ ...(format ? { format } : {}), sources: [{ file, docs: parsed.docs }], overlays: [] });
  const all = [...parsed.diagnostics, ...loaded.diagnostics];
  if (!loaded.ir || hasErrors(all)) throw new Error(`${all.map(formatDiagnostic).join('\n')}\n--- input ---\n${yaml}`);
  return loaded.ir;
}

async function explain(ir: GatewayIR, url: string, headers: Array<[string, string]> = []) {
  return createExplainSession(ir, 1).send({ method: 'GET', url, headers, clientIp: '198.51.100.10', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
}

const KONG = `_format_version: "3.0"
services:
  - name: orders-api
    url: http://orders.internal:8080
    routes:
      - name: orders-route
        hosts: [api.example.com]
        paths: ["/api/v1/orders"]
        methods: [GET, POST]
        strip_path: true
    plugins:
      - name: rate-limiting
        config: { minute: 100, limit_by: ip, policy: local }
  - name: catalog
    url: http://catalog.internal:9000
    routes:
      - name: catalog-route
        paths: ["/catalog"]
        headers: { x-api-version: ["2"] }
        strip_path: false
        preserve_host: true
`;

const TRAEFIK = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: shop
  namespace: shop
spec:
  routes:
    - match: Host(\`shop.example.com\`) && PathPrefix(\`/api\`)
      services:
        - { name: api, port: 80, weight: 3 }
        - { name: api-canary, port: 80, weight: 1 }
      middlewares:
        - name: strip
        - name: hdr
    - match: Host(\`shop.example.com\`) && Header(\`X-Api-Version\`, \`2\`)
      services:
        - { name: api-v2, port: 80 }
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: strip, namespace: shop }
spec:
  stripPrefix: { prefixes: [/api] }
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: hdr, namespace: shop }
spec:
  headers:
    customRequestHeaders: { X-From: gatelab, X-Debug: "" }
    customResponseHeaders: { X-Served-By: shop }
`;

describe('--to ir: the native form reads back', () => {
  it('Kong → native IR → the same routes, services and plugins', () => {
    const ir = load(KONG);
    const out = translate(ir, 'ir');
    const parsed = parseYaml(out.text, 'native.yaml');
    const back = adaptNativeIr(parsed.docs[0] as { value: unknown; map: typeof parsed.docs[0]['map'] });
    expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const shape = (g: GatewayIR) =>
      g.routes.map((r) => ({ hosts: r.hosts, paths: r.paths, methods: r.methods, headers: r.headers, stripPath: r.stripPath, preserveHost: r.preserveHost, service: g.services.find((s) => s.name === r.service || s.id === r.service)?.host }));
    expect(shape(back.ir as GatewayIR)).toEqual(shape(ir));
    const limit = (g: GatewayIR) => g.plugins.map((p) => ({ plugin: p.plugin, minute: (p.config as { minute?: number }).minute, limit_by: (p.config as { limit_by?: string }).limit_by }));
    expect(limit(back.ir as GatewayIR)).toEqual(limit(ir));
    expect(out.dropped).toEqual([]);
  });

  it('Traefik → native IR keeps the weights (as targets), the stripped prefix and the header rewrites', async () => {
    const ir = load(TRAEFIK);
    const out = translate(ir, 'ir');
    const native = load(out.text, 'ir', 'native.yaml');
    const r = await explain(native, 'http://shop.example.com/api/items', [['X-Debug', '1']]);
    expect(r.status).toBe(200);
    expect(r.upstream?.path).toBe('/items');
    expect(r.upstream?.headers['x-from']).toBe('gatelab');
    expect(r.upstream?.headers['x-debug']).toBeUndefined();
    expect(r.response.headers['x-served-by']).toBe('shop');
    expect(native.services.find((s) => s.name.endsWith('-weighted'))?.targets.map((t) => t.weight)).toEqual([3, 1]);
  });

  it('a Traefik rateLimit stays a Traefik token bucket in the native form', () => {
    const ir = load(`apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes:
    - match: PathPrefix(\`/\`)
      services: [{ name: app, port: 80 }]
      middlewares: [{ name: rl }]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: rl }
spec:
  rateLimit: { average: 50, burst: 100, period: 1s }
`);
    const native = load(translate(ir, 'ir').text, 'ir', 'native.yaml');
    const config = native.plugins.find((p) => p.plugin === 'rate-limit')?.config as { algorithm: string; bucket: { flavour: string; average: number; burst: number; periodMs: number } };
    expect(config.algorithm).toBe('token-bucket');
    expect(config.bucket).toMatchObject({ flavour: 'traefik', average: 50, burst: 100, periodMs: 1000 });
  });
});

describe('between dialects', () => {
  const requests: Array<[string, Array<[string, string]>]> = [
    ['http://shop.example.com/api/items', []],
    ['http://shop.example.com/other', [['X-Api-Version', '2']]],
    ['http://shop.example.com/other', []],
    ['http://elsewhere.example.com/api/items', []],
  ];

  for (const target of ['kong', 'gateway-api', 'traefik'] as TranslateTarget[]) {
    it(`Traefik → ${target}: the translation loads and routes alike`, async () => {
      const src = load(TRAEFIK);
      const out = translate(src, target);
      const dst = load(out.text, target === 'kong' ? 'kong' : target);
      for (const [url, headers] of requests) {
        const a = await explain(src, url, headers);
        const b = await explain(dst, url, headers);
        expect(b.status, `${target} ${url}`).toBe(a.status);
        if (a.status === 200) {
          expect(b.upstream?.path, `${target} ${url}`).toBe(a.upstream?.path);
          expect(b.upstream?.headers['x-from'], `${target} ${url}`).toBe(a.upstream?.headers['x-from']);
        }
      }
    });
  }

  for (const target of ['traefik', 'gateway-api'] as TranslateTarget[]) {
    it(`Kong → ${target}: strip_path, methods and headers survive`, async () => {
      const src = load(KONG);
      const out = translate(src, target);
      const dst = load(out.text, target);
      for (const [method, url, headers] of [
        ['GET', 'http://api.example.com/api/v1/orders/123', []],
        ['DELETE', 'http://api.example.com/api/v1/orders/123', []],
        ['GET', 'http://x.example.com/catalog/1', [['X-Api-Version', '2']]],
        ['GET', 'http://x.example.com/catalog/1', []],
      ] as Array<[string, string, Array<[string, string]>]>) {
        const a = await createExplainSession(src, 1).send({ method, url, headers, clientIp: '198.51.100.10', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
        const b = await createExplainSession(dst, 1).send({ method, url, headers, clientIp: '198.51.100.10', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
        expect(b.status === 200, `${target} ${method} ${url}`).toBe(a.status === 200);
        if (a.status === 200) expect(b.upstream?.path).toBe(a.upstream?.path);
      }
    });
  }
});

describe('what cannot be carried is reported', () => {
  it('forwardAuth, entryPoints and a fixed window turning into a token bucket', () => {
    const ir = load(`${TRAEFIK}---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: auth, namespace: shop }
spec:
  entryPoints: [websecure]
  routes:
    - match: PathPrefix(\`/auth\`) && !Header(\`X-Skip\`, \`1\`) && ClientIP(\`10.0.0.0/8\`)
      priority: 5
      services: [{ name: auth, port: 80 }]
      middlewares: [{ name: fa }]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: fa, namespace: shop }
spec:
  forwardAuth: { address: "http://auth.shop.svc/check", trustForwardHeader: false }
`);
    const messages = translate(ir, 'kong').dropped.map((d) => d.message).join('\n');
    expect(messages).toMatch(/forwardAuth.*no portable form/);
    expect(messages).toMatch(/entryPoints \[websecure\]/);
    expect(messages).toMatch(/!Header\(`X-Skip`, `1`\): a negated matcher/);
    expect(messages).toMatch(/ClientIP.*no counterpart/);
    expect(messages).toMatch(/priority 5/);
    const kongToTraefik = translate(load(KONG), 'traefik').dropped.map((d) => d.message).join('\n');
    expect(kongToTraefik).toMatch(/fixed-window limit of 100 per 60s becomes Traefik's token bucket/);
  });

  it('Gateway API has no rate limiting; character prefixes become segment prefixes', () => {
    const messages = translate(load(KONG), 'gateway-api').dropped.map((d) => d.message).join('\n');
    expect(messages).toMatch(/Gateway API has no rate limiting/);
    expect(messages).toMatch(/character prefix \/api\/v1\/orders becomes Gateway API's PathPrefix/);
  });

  it('a complete translation reports nothing', () => {
    const simple = load(`_format_version: "3.0"
services:
  - name: app
    url: http://app.default.svc:80
    routes:
      - name: app
        paths: ["/"]
        strip_path: false
`);
    expect(translate(simple, 'traefik').dropped).toEqual([]);
    expect(translate(simple, 'kong').dropped).toEqual([]);
  });
});

describe('dropped lines name a plugin once', () => {
  it('uses the vendor name alone when it already says what the plugin is', () => {
    expect(pluginLabel({ vendorName: 'jwt', plugin: 'jwt' })).toBe('jwt');
    expect(pluginLabel({ vendorName: 'shop-retry-3@kubernetescrd (retry)', plugin: 'retry' })).toBe('shop-retry-3@kubernetescrd (retry)');
  });
  it("adds gatelab's id when the vendor's name differs from it", () => {
    expect(pluginLabel({ vendorName: 'strict-limit', plugin: 'rate-limit' })).toBe('strict-limit (rate-limit)');
  });
});
