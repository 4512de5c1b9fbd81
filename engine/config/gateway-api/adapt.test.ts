/**
 * The adapter through the real loader: what it assumes, what it refuses and what it says about it, and
 * the lesson's snippets 08 and 11 used unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { detectDialect } from '../detect.ts';
import { loadGateway } from '../load-gateway.ts';
import { parseYaml } from '../yaml-source.ts';
import { gatewayApiIr, loadGatewayApi, send } from './test-kit.ts';
import { LESSON_SNIPPETS } from '../../../test/support/lesson.ts';

const SNIPPETS = LESSON_SNIPPETS;
const snippet = (n: string): string => readFileSync(`${SNIPPETS}/${n}`, 'utf8');
const gw = (ns: string, from = 'Same', extra = ''): string => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: ${ns} }
spec:
  gatewayClassName: test
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: ${from} } } }]
${extra}`;
const rt = (ns: string, name: string, parent: string, svc = 'svc', extra = ''): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${ns}${extra} }
spec:
  parentRefs: [${parent}]
  rules: [{ backendRefs: [{ name: ${svc}, port: 80 }] }]
`;

function load(yaml: string, overlays: string[] = []) {
  const src = parseYaml(yaml, 'in.yaml');
  const ovl = overlays.map((o, i) => ({ file: `o${i}.yaml`, docs: parseYaml(o, `o${i}.yaml`).docs }));
  return loadGateway({ sources: [{ file: 'in.yaml', docs: src.docs }], overlays: ovl });
}

describe('Gateway API adapter', () => {
  it('is detected from content, List included', () => {
    const list = parseYaml('apiVersion: v1\nkind: List\nitems:\n  - { apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: { name: r } }\n', 'l.yaml');
    expect(detectDialect(list.docs)).toBe('gateway-api');
    expect(load(gw('default') + rt('default', 'r', '{ name: gw }')).dialect).toBe('gateway-api');
  });

  it('without any Gateway, assumes the parentRef’s with the spec defaults, and says so', async () => {
    const { ir, diagnostics } = loadGatewayApi(rt('shop', 'r', '{ name: edge }').slice(4));
    expect(diagnostics.map((d) => d.code)).toEqual(['GL_W_LESSON_DIFFERS']);
    expect(diagnostics[0]?.message).toContain('assumes Gateway shop/edge with an HTTP listener on port 80 and an HTTPS listener on port 443');
    expect((await send(ir!, 'GET http://any.example/')).backend).toBe('svc');
    expect((await send(ir!, 'GET https://any.example/')).backend).toBe('svc');
    // The default allowedRoutes is Same: a route from another namespace is refused even by an assumed Gateway.
    const other = gatewayApiIr(rt('shop', 'r', '{ name: edge, namespace: infra }').slice(4));
    expect((await send(other, 'GET http://any.example/')).status).toBe(404);
  });

  it('a later document with the same kind, namespace and name replaces the earlier one', async () => {
    const { ir, diagnostics } = loadGatewayApi(gw('default') + rt('default', 'r', '{ name: gw }', 'first') + rt('default', 'r', '{ name: gw }', 'second'));
    expect(diagnostics.map(formatDiagnostic)).toEqual([expect.stringContaining('HTTPRoute default/r is replaced by a later document')]);
    expect((await send(ir!, 'GET http://a/')).backend).toBe('second');
  });

  it('overlays patch the object they name and add the others', async () => {
    const base = gw('infra', 'Same') + rt('app', 'r', '{ name: gw }');
    const loaded = load(base, [
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r, namespace: app }\nspec:\n  parentRefs: [{ name: gw, namespace: infra }]\n',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: gw, namespace: infra }\nspec:\n  listeners: [{ name: http, allowedRoutes: { namespaces: { from: All } } }]\n',
    ]);
    expect(loaded.diagnostics).toEqual([]);
    expect((await send(loaded.ir!, 'GET http://a/')).backend).toBe('svc');
  });

  it('a Selector with no Namespace documents admits the route, with a warning', () => {
    const yaml = gw('infra', 'Selector', '') .replace('from: Selector }', 'from: Selector, selector: { matchLabels: { team: x } } }') + rt('app', 'r', '{ name: gw, namespace: infra }');
    const { ir, diagnostics } = loadGatewayApi(yaml);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('the input has no Namespace documents to read labels from; gatelab assumes app is selected')]);
    expect(ir?.routes.map((r) => r.name)).toEqual(['app/r#0']);
  });

  it('an unparseable creationTimestamp is a warning; a valid one orders routes', async () => {
    const yaml =
      gw('default') +
      rt('default', 'b', '{ name: gw }', 'old', ', creationTimestamp: "2025-01-01T00:00:00Z"') +
      rt('default', 'a', '{ name: gw }', 'new', ', creationTimestamp: "2026-01-01T00:00:00Z"') +
      rt('default', 'c', '{ name: gw }', 'bad', ', creationTimestamp: yesterday');
    const { ir, diagnostics } = loadGatewayApi(yaml);
    expect(diagnostics.map((d) => d.message)).toEqual(['creationTimestamp is not an RFC 3339 time; the route counts as the newest']);
    expect((await send(ir!, 'GET http://a/')).route).toBe('default/b#0');
  });

  it('errors stop the load, as the API server refuses the object', () => {
    const { ir, diagnostics } = loadGatewayApi(gw('default').replace('port: 80', 'port: 0'));
    expect(ir).toBeUndefined();
    expect(diagnostics.find((d) => d.severity === 'error')?.message).toBe('listener port must be between 1 and 65535, not 0');
  });

  it('serves an ExternalName Service at its external host', async () => {
    const ir = gatewayApiIr(`${gw('default')}---\napiVersion: v1\nkind: Service\nmetadata: { name: svc }\nspec: { type: ExternalName, externalName: 127.0.0.1 }\n${rt('default', 'r', '{ name: gw }')}`);
    expect(ir.services[0]).toMatchObject({ name: 'svc', host: '127.0.0.1', port: 80 });
  });

  it('qualifies Service names only when two referenced backends would collide', () => {
    const ir = gatewayApiIr(`${gw('default', 'All')}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - backendRefs: [{ name: api, port: 80 }, { name: api, port: 81 }, { name: solo, port: 80 }]
`);
    expect(ir.services.map((s) => s.name)).toEqual(['api:80', 'api:81', 'solo']);
  });
});

describe.skipIf(!existsSync(SNIPPETS))('the lesson’s snippets, unchanged (skipped where the shared lesson folder is absent)', () => {
  it('snippet 11: the header match is ORed, the filter adds X-Routed-By, 90/10 between stable and canary', async () => {
    const parsed = parseYaml(snippet('11-gateway-api-gateway-httproute.yaml'), '11.yaml');
    const loaded = loadGateway({ sources: [{ file: '11.yaml', docs: parsed.docs }], overlays: [] });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^11\.yaml:39:11: warning GL_W_LESSON_DIFFERS: matches\[1\] has headers but no path/),
    ]);
    const ir = loaded.ir!;
    const viaHeader = await send(ir, 'GET https://api.example.com/anything', { headers: { 'X-API-Version': '2' } });
    expect(viaHeader).toMatchObject({ status: 200, route: 'production/catalog-route#0' });
    expect(viaHeader.upstream?.headers['x-routed-by']).toBe('gateway-api');
    expect((await send(ir, 'GET https://api.example.com/anything')).status).toBe(404);
    // Only HTTPS on 443 exists: plain HTTP finds no listener.
    expect((await send(ir, 'GET http://api.example.com/v1/catalog')).status).toBe(404);
    const counts: Record<string, number> = {};
    for (let seed = 1; seed <= 400; seed++) {
      const r = await send(ir, 'GET https://api.example.com/v1/catalog', { seed });
      counts[r.backend as string] = (counts[r.backend as string] ?? 0) + 1;
    }
    expect(counts['catalog-stable']! / 400).toBeGreaterThan(0.85);
    expect(counts['catalog-canary']! / 400).toBeGreaterThan(0.05);
  });

  it('snippet 08 next to snippet 11: the later catalog-route replaces the earlier, and points at no Gateway', async () => {
    const docs = [...parseYaml(snippet('11-gateway-api-gateway-httproute.yaml'), '11.yaml').docs, ...parseYaml(snippet('08-gateway-api-httproute-canary.yaml'), '08.yaml').docs];
    const loaded = loadGateway({ sources: [{ file: 'both', docs }], overlays: [] });
    const messages = loaded.diagnostics.map(formatDiagnostic).join('\n');
    expect(messages).toContain('08.yaml:9:7: warning GL_W_LESSON_DIFFERS: parentRef main-gateway has no namespace, so it means Gateway production/main-gateway');
    expect(messages).toContain('add namespace: gateway-infra to the parentRef');
    expect(messages).toContain('HTTPRoute production/catalog-route is replaced by a later document');
    expect((await send(loaded.ir!, 'GET https://api.example.com/v1/catalog')).status).toBe(404);
  });
});
