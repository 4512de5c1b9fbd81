/**
 * Claims the reference pages make about the code, checked against the code. Each block names the page
 * (and line of thought) it guards: when one of these fails, the behaviour changed and the page must
 * change with it — or the change was a mistake. Found by the docs truth audit; every claim here was
 * false or missing on its page before.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../engine/core/errors.ts';
import { adaptIstio } from '../../engine/config/istio/index.ts';
import { balancerOf } from '../../engine/config/istio/to-policy.ts';
import { loadGateway, type LoadedGateway } from '../../engine/config/load-gateway.ts';
import { TRANSLATE_TARGETS, translate } from '../../engine/config/translate/index.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { VENDOR_PLUGIN_NAMES } from '../../engine/plugins/index.ts';
import { TRAEFIK_CB_MACHINE } from '../../engine/plugins/traefik-circuit-breaker/plugin.ts';
import { explainRequest } from '../../engine/runtimes/sim/explain.ts';
import { traefikRateLimit } from '../support/traefik-rate-limit.ts';
import { createBalancer } from '../../engine/upstream/balancer/index.ts';
import { ENVOY_OUTLIER_DEFAULTS, createOutlierDetector } from '../../engine/upstream/outlier/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const seed = Number(process.env['FC_SEED'] ?? 0xd0c5);
console.log(`doc-claims seed: ${seed} (set FC_SEED=${seed} to replay)`);

function parsed(text: string, file = 'input.yaml'): Array<{ value: unknown; map: ReturnType<typeof parseYaml>['docs'][number]['map'] }> {
  const p = parseYaml(text, file);
  expect(p.diagnostics).toEqual([]);
  return p.docs.map((d) => ({ value: d.value, map: d.map }));
}

function load(text: string, file = 'input.yaml'): LoadedGateway {
  return loadGateway({ sources: [{ file, docs: parsed(text, file) }], overlays: [] });
}

const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.severity} ${d.code}`);

describe('docs/upstream/load-balancing.md: which balancer each dialect gets', () => {
  it('a Kong upstream with the default algorithm is the wheel, not plain round robin (semantics §10)', () => {
    const g = load(`_format_version: "3.0"
upstreams: [{ name: up, targets: [{ target: "10.0.0.1:80", weight: 2 }, { target: "10.0.0.2:80" }] }]
services: [{ name: s, host: up, routes: [{ name: r, paths: [/] }] }]
`);
    expect(codes(g.diagnostics)).toEqual([]);
    expect(g.ir?.services[0]?.policy?.balancer).toEqual({ kind: 'weighted-round-robin', wheel: true });
  });

  it("ingress-nginx's default load-balance: round_robin is smooth WRR, not plain round robin", () => {
    const g = load(INGRESS_LIMIT_RPS);
    expect(g.ir?.services[0]?.policy?.balancer).toEqual({ kind: 'weighted-round-robin' });
  });

  it("an Istio DestinationRule's simple: ROUND_ROBIN is plain round robin", () => {
    expect(balancerOf({ simple: 'ROUND_ROBIN' })).toEqual({ kind: 'round-robin' });
  });

  it("Kong's wheel gives every target weight/gcd picks per lap, in any order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), (base, scale) => {
        const weights = base.map((w) => w * scale);
        const lb = createBalancer({ kind: 'weighted-round-robin', wheel: true }, weights.map((weight, i) => ({ key: `10.0.0.${i + 1}:80`, weight })));
        const g = weights.reduce((a, b) => gcdOf(a, b));
        const lap = weights.reduce((a, b) => a + b, 0) / g;
        const all = weights.map((_, i) => i);
        const got = weights.map(() => 0);
        for (let n = 0; n < lap; n++) got[lb.pick(all, { requestId: `r${n}`, now: 0, draw: () => 0 }).index]! += 1;
        expect(got).toEqual(weights.map((w) => w / g));
      }),
      { seed, numRuns: 200 },
    );
  });
});

function gcdOf(a: number, b: number): number {
  return b === 0 ? a : gcdOf(b, a % b);
}

const INGRESS_LIMIT_RPS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop, annotations: { nginx.ingress.kubernetes.io/limit-rps: "5" } }
spec:
  ingressClassName: nginx
  rules: [{ host: a.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`;

const TRAEFIK_RATE_LIMIT = (sourceCriterion: string): string => traefikRateLimit(` { rateLimit: { average: 10, burst: 5${sourceCriterion} } }`);

describe('docs/plugins/rate-limit.md: the dialects that write rate-limit configs for you', () => {
  it("Traefik's rateLimit middleware becomes the traefik token bucket (semantics §4)", () => {
    const g = load(TRAEFIK_RATE_LIMIT(''));
    expect(codes(g.diagnostics)).toEqual([]);
    expect(g.ir?.plugins.map((p) => [p.plugin, p.config])).toEqual([
      ['rate-limit', expect.objectContaining({ algorithm: 'token-bucket', bucket: expect.objectContaining({ flavour: 'traefik', average: 10, burst: 5 }) })],
    ]);
  });

  it("ingress-nginx's limit-rps becomes nginx-limit-req, burst 5 × 5, nodelay (semantics §2, §8)", () => {
    const g = load(INGRESS_LIMIT_RPS);
    expect(g.ir?.plugins.map((p) => [p.plugin, p.config])).toEqual([
      ['rate-limit', expect.objectContaining({ algorithm: 'nginx-limit-req', limit: expect.objectContaining({ burst: 25, delay: 'nodelay' }) })],
    ]);
  });
});

describe('docs/plugins/real-ip.md: Traefik ipStrategy in gatelab', () => {
  it('ipStrategy.depth keys the bucket by the X-Forwarded-For entry it picks, with no warning (semantics §4, §12)', () => {
    const g = load(TRAEFIK_RATE_LIMIT(', sourceCriterion: { ipStrategy: { depth: 1 } }'));
    expect(codes(g.diagnostics)).toEqual([]);
    expect(g.ir?.plugins[0]?.config).toMatchObject({ key: { kind: 'ip-strategy', ipStrategy: { depth: 1 } } });
  });

  it('two criteria at once: Traefik refuses the middleware, so the router is not served (semantics §4)', () => {
    const g = load(TRAEFIK_RATE_LIMIT(', sourceCriterion: { ipStrategy: { depth: 1 }, requestHost: true }'));
    expect(codes(g.diagnostics)).toEqual(['warning GL_W_ROUTE_NOT_SERVED', 'warning GL_W_ROUTE_NOT_SERVED']);
    expect(g.diagnostics[0]?.message).toContain('iPStrategy and RequestHost are mutually exclusive');
  });
});

describe('docs/dialects/traefik.md: the file provider', () => {
  const FILE = `http:
  routers:
    api: { rule: "PathPrefix(\`/api\`)", service: whoami, middlewares: [strip] }
  services:
    whoami: { loadBalancer: { servers: [{ url: "http://10.0.0.1:8080" }] } }
  middlewares:
    strip: { stripPrefix: { prefixes: [/api] } }
`;

  it('a document with http.routers is Traefik on its own, and its routers are named <name>@file', () => {
    const g = load(FILE);
    expect(g.dialect).toBe('traefik');
    expect(codes(g.diagnostics)).toEqual([]);
    expect(g.ir?.routes.map((r) => r.name)).toEqual(['api@file']);
    expect(g.ir?.plugins.map((p) => p.plugin)).toEqual(['path-rewrite']);
  });

  it('an IngressRoute uses a file-provider middleware as name@file, as Traefik resolves across providers', () => {
    const g = load(`${FILE}---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/crd\`)", kind: Rule, middlewares: [{ name: strip@file }], services: [{ name: s, port: 80 }] }]
`);
    expect(codes(g.diagnostics)).toEqual([]);
    expect(g.ir?.plugins.map((p) => p.vendorName)).toEqual(['strip@file (stripPrefix)', 'strip@file (stripPrefix)']);
  });

  it('name@file with no such file-provider middleware in the input: not served, said once, with what to do', () => {
    const g = load(`apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  routes: [{ match: "PathPrefix(\`/crd\`)", kind: Rule, middlewares: [{ name: strip@file }], services: [{ name: s, port: 80 }] }]
`);
    expect(codes(g.diagnostics)).toEqual(['warning GL_W_ROUTE_NOT_SERVED']);
    expect(g.diagnostics[0]?.message).toContain('the input has no file-provider middleware named strip');
    expect(g.diagnostics[0]?.message).not.toContain('does not read');
  });
});

describe('docs/plugins/traefik-circuit-breaker.md: the trace names its machine', () => {
  it("breaker.transition events of Traefik's breaker carry machine traefik-circuit-breaker, not circuit-breaker", () => {
    expect(TRAEFIK_CB_MACHINE).toBe('traefik-circuit-breaker');
  });
});

describe('docs/dialects/istio.md: what is parsed and warned as not modelled', () => {
  it('trafficPolicy.retryBudget is warned, not refused', () => {
    const { policies, diagnostics } = adaptIstio(
      parsed(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: dr, namespace: shop }
spec:
  host: web
  trafficPolicy: { retryBudget: { percent: 20 } }
`),
    );
    expect(policies).toHaveLength(1);
    expect(codes(diagnostics)).toEqual(['warning GL_W_NO_EFFECT']);
    expect(diagnostics[0]?.message).toContain('retryBudget');
  });
});

describe('docs/dialects/native.md: Kong routing, Kong upstream request, no Kong response headers', () => {
  const NATIVE = `services: [{ name: orders, url: "http://orders.internal:8080/v2" }]
routes: [{ name: orders, service: orders, paths: [/api] }]
`;
  const request = (url: string) => ({
    method: 'GET', url, headers: [] as Array<[string, string]>, clientIp: '198.51.100.10', now: Date.UTC(2026, 0, 1), seed: 1, repeat: 1, upstreamStatus: 200, upstreamHeaders: [] as Array<[string, string]>,
  });

  it('the upstream request carries Via: 1.1 kong/3.10.0 and the response no X-Kong-* header (semantics §6)', async () => {
    const g = loadGateway({ format: 'ir', sources: [{ file: 'native.yaml', docs: parsed(NATIVE, 'native.yaml') }], overlays: [] });
    expect(codes(g.diagnostics)).toEqual([]);
    const r = await explainRequest(g.ir!, request('http://x/api/a'));
    expect(r.upstream?.path).toBe('/v2/a');
    expect(JSON.stringify(r.upstream?.headers)).toContain('1.1 kong/3.10.0');
    expect(Object.keys(r.response.headers).filter((h) => /^x-kong-|^server$/i.test(h))).toEqual([]);
  });

  it("a miss is Kong's 404 message", async () => {
    const g = loadGateway({ format: 'ir', sources: [{ file: 'native.yaml', docs: parsed(NATIVE, 'native.yaml') }], overlays: [] });
    const r = await explainRequest(g.ir!, request('http://x/nope'));
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.response.body)).toContain('no Route matched with those values');
  });
});

describe('Kong plugins gatelab models (docs/dialects/kong.md "Plugins", docs/plugins/*)', () => {
  const notModelled = (ds: readonly Diagnostic[]): string[] => ds.filter((d) => /does not model the .* plugin/.test(d.message)).map((d) => d.message);
  const withPlugin = (name: string): string => `_format_version: "3.0"
services: [{ name: s, url: "http://s.internal:80", routes: [{ name: r, paths: [/] }] }]
plugins: [{ name: ${name} }]
`;

  it.each(Object.keys(VENDOR_PLUGIN_NAMES.kong ?? {}))('%s loads as a modelled plugin, never "not modelled yet"', (name) => {
    expect(notModelled(load(withPlugin(name)).diagnostics)).toEqual([]);
  });

  it('a bundled plugin gatelab has no model for (prometheus) loads with the not-modelled warning', () => {
    expect(notModelled(load(withPlugin('prometheus')).diagnostics)).toEqual(['gatelab does not model the prometheus plugin yet; it is ignored']);
  });

  it("lesson snippet 01 loads with one warning, redis_host's deprecation — jwt and correlation-id run", () => {
    const file = 'scenarios/routing/configs/kong-01-catalog-service.yaml';
    const g = load(readFileSync(resolve(ROOT, file), 'utf8'), file);
    expect(codes(g.diagnostics)).toEqual(['warning GL_W_DEPRECATED']);
    expect(g.ir?.plugins.map((p) => p.plugin).sort()).toEqual(['correlation-id', 'jwt', 'rate-limit']);
  });
});

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: default }
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
`;

describe('docs/cli.md: translating from ingress-nginx', () => {
  it('every target gets an empty translation (no routes, so no services either) and one "not supported yet" line', () => {
    const g = load(INGRESS);
    expect(g.dialect).toBe('ingress-nginx');
    // The IR itself has the service: only the translation leaves it out.
    expect(g.ir?.services.map((s) => s.name)).toEqual(['web']);
    for (const target of TRANSLATE_TARGETS) {
      const t = translate(g.ir!, target);
      expect(t.dropped.map((d) => d.message), target).toEqual(['translating from ingress-nginx is not supported yet: its routes are not read, so the output has no routes and no services']);
      expect(t.text, target).not.toMatch(/\bweb\b/);
    }
  });
});

describe('docs/dialects/gateway-api.md: Envoy Gateway normalises the path it routes on and sends', () => {
  const GW = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw }
spec: { gatewayClassName: eg, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: /api } }], backendRefs: [{ name: svc, port: 80 }] }]
`;
  const request = (url: string) => ({
    method: 'GET', url, headers: [] as Array<[string, string]>, clientIp: '198.51.100.10', now: Date.UTC(2026, 0, 1), seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] as Array<[string, string]>,
  });

  it.each([
    ['http://a.example/x/../api//a?q=1', '/api/a?q=1'],
    ['http://a.example/%61pi/b', '/api/b'],
  ])('%s is routed as, and sent upstream as, %s (normalize_path, merge_slashes)', async (url, upstreamPath) => {
    const g = load(GW);
    expect(codes(g.diagnostics)).toEqual([]);
    const r = await explainRequest(g.ir!, request(url));
    expect(r.status).toBe(200);
    expect(r.upstream?.path).toBe(upstreamPath);
  });

  it('an encoded slash is answered 400 before routing, with its code in the reason', async () => {
    const g = load(GW);
    const r = await explainRequest(g.ir!, request('http://a.example/api/%2Fa'));
    expect(r.status).toBe(400);
    expect(r.upstream).toBeNull();
    expect(JSON.stringify(r)).toContain('GL_E_PATH_ENCODED_SLASH');
  });
});

describe('docs/upstream/outlier-detection.md: the return sweep, the multiplier and ejected hosts (semantics §9)', () => {
  // Lesson snippet 09 as istiod hands it to Envoy: 5 × 5xx, sweeps every 30 s, 30 s base, at most 50 %.
  const SNIPPET_09 = { ...ENVOY_OUTLIER_DEFAULTS, intervalMs: 30_000, maxEjectionPercent: 50, enforcingSuccessRate: 0, healthyPanicThreshold: 0 };
  const never = (): number => 0.5;
  // 500 is a 5xx but not a gateway error, so only consecutive_5xx counts it.
  const fiveErrors = (d: ReturnType<typeof createOutlierDetector>, at: number) =>
    [0, 1, 2, 3, 4].flatMap((k) => d.record(0, { status: 500 }, at + k, never));

  it('out for 30 to 60 s the first time; a second ejection soon after is 60 s long, so out for 60 to 90 s', () => {
    const d = createOutlierDetector(SNIPPET_09, 2, 0);
    const first = fiveErrors(d, 1_000).find((e) => e.kind === 'eject');
    expect(first).toMatchObject({ kind: 'eject', at: 1_004, ejectionMs: 30_000 });
    expect(d.advance(59_999)).toEqual([]);
    expect(d.advance(60_000).map((e) => e.kind)).toEqual(['uneject']);
    const second = fiveErrors(d, 61_000).find((e) => e.kind === 'eject');
    expect(second).toMatchObject({ kind: 'eject', at: 61_004, ejectionMs: 60_000, timesEjected: 2 });
    expect(d.advance(149_999).some((e) => e.kind === 'uneject')).toBe(false);
    expect(d.advance(150_000).map((e) => e.kind)).toEqual(['uneject']);
  });

  it('a host already out is not judged again: its errors (panic traffic) fire nothing and its counter is left alone', () => {
    const d = createOutlierDetector({ ...SNIPPET_09, healthyPanicThreshold: 100 }, 2, 0);
    expect(fiveErrors(d, 1_000).map((e) => e.kind)).toEqual(['eject']);
    expect(d.panic()).toBe(true);
    // The ejection reset the counter; five more reach the threshold again, fire nothing, and stay counted.
    expect(fiveErrors(d, 2_000)).toEqual([]);
    expect(d.snapshot().hosts[0]?.consecutive5xx).toBe(5);
  });

  it('always_eject_one_host lets one ejection through a percentage that forbids it, only while none is out', () => {
    const d = createOutlierDetector({ ...SNIPPET_09, maxEjectionPercent: 10, alwaysEjectOneHost: true }, 3, 0);
    expect(fiveErrors(d, 1_000).map((e) => e.kind)).toEqual(['eject']);
    const second = [0, 1, 2, 3, 4].flatMap((k) => d.record(1, { status: 500 }, 2_000 + k, never));
    expect(second.map((e) => e.kind)).toEqual(['overflow']);
  });
});
