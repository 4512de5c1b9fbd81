/**
 * Cross-provider references from an IngressRoute (traefik/traefik pkg/provider/kubernetes/crd
 * kubernetes_http.go: makeMiddlewareKeys, nameAndService, fullServiceName): `name@file` reaches the
 * file provider's middleware or service when the input holds that dynamic configuration, and says
 * exactly what is missing when it does not.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptTraefik } from './adapt.ts';
import type { TraefikTable } from './table.ts';

const FILE = `http:
  services:
    whoami: { loadBalancer: { servers: [{ url: "http://10.0.0.1:8080" }] } }
  middlewares:
    strip: { stripPrefix: { prefixes: [/crd] } }
    limit: { rateLimit: { average: 5, burst: 2, sourceCriterion: { requestHost: true } } }
`;

const route = (fields: string): string => `---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r, namespace: shop }
spec:
  routes:
    - match: "PathPrefix(\`/crd\`)"
${fields}`;

function adapt(text: string) {
  const parsed = parseYaml(text, 'cross.yaml');
  expect(parsed.diagnostics).toEqual([]);
  const r = adaptTraefik(parsed.docs);
  return { ...r, lines: r.diagnostics.map(formatDiagnostic) };
}

const served = (r: ReturnType<typeof adapt>): boolean => r.ir?.router.kind === 'traefik' && !(r.ir.router.table as TraefikTable).routers.some((x) => x.disabled);

describe('IngressRoute → file provider references', () => {
  it('middlewares name@file and service name@file (kind TraefikService) resolve to the file provider', () => {
    const r = adapt(FILE + route('      middlewares: [{ name: strip@file }, { name: limit@file }]\n      services: [{ name: whoami@file, kind: TraefikService }]\n'));
    expect(r.lines).toEqual([]);
    expect(served(r)).toBe(true);
    expect(r.ir?.plugins.map((p) => p.vendorName)).toEqual(['strip@file (stripPrefix)', 'limit@file (rateLimit)']);
    expect(r.ir?.plugins[1]?.config).toMatchObject({ key: { kind: 'host' } });
    expect(r.ir?.routes[0]?.backends).toEqual([{ service: 'whoami@file', weight: 1 }]);
  });

  it('name@file missing from the input: the router is not served and the message says what to add, once', () => {
    const r = adapt(route('      middlewares: [{ name: strip@file }]\n      services: [{ name: web, port: 80 }]\n'));
    expect(served(r)).toBe(false);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain('middleware "strip@file" does not exist: the input has no file-provider middleware named strip (add it under http.middlewares');
    const s = adapt(route('      services: [{ name: whoami@file, kind: TraefikService }]\n'));
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toContain('the input has no file-provider service named whoami');
  });

  it('a service name@file without kind TraefikService is looked up as a Kubernetes Service, which cannot exist', () => {
    const r = adapt(FILE + route('      services: [{ name: whoami@file, port: 80 }]\n'));
    expect(served(r)).toBe(false);
    expect(r.lines.join('\n')).toContain('kubernetes service not found: shop/whoami@file');
    expect(r.lines.join('\n')).toContain('kind: TraefikService');
  });

  it('another provider (@docker) does not exist here, and the message does not claim gatelab skips the file provider', () => {
    const r = adapt(route('      middlewares: [{ name: auth@docker }]\n      services: [{ name: web, port: 80 }]\n'));
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain('it belongs to the docker provider');
    expect(r.lines[0]).not.toContain('does not read');
  });

  it('a namespace on a cross-provider reference is ignored, with a warning, as Traefik logs it', () => {
    const r = adapt(FILE + route('      middlewares: [{ name: strip@file, namespace: other }]\n      services: [{ name: web, port: 80 }]\n'));
    expect(served(r)).toBe(true);
    expect(r.lines).toEqual([expect.stringContaining('warning GL_W_NO_EFFECT: namespace "other" is ignored in cross-provider context')]);
  });

  it('name@kubernetescrd for a service is this provider\'s own Service (Traefik trims the suffix)', () => {
    const r = adapt(route('      services: [{ name: web@kubernetescrd, port: 80 }]\n'));
    expect(r.lines).toEqual([]);
    expect(r.ir?.routes[0]?.service).toBe('shop-web-80@kubernetescrd');
  });
});
