import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectDialect } from './detect.ts';
import { parseYaml } from './yaml-source.ts';
import { LESSON_SNIPPETS } from '../../test/support/lesson.ts';

// The lesson's snippets live beside the repository in the shared workspace, not inside it.
const SNIPPETS = LESSON_SNIPPETS;
const HAVE_SNIPPETS = existsSync(SNIPPETS);

function snippet(name: string) {
  return parseYaml(readFileSync(`${SNIPPETS}/${name}`, 'utf8'), name).docs;
}

describe('detectDialect', () => {
  it('recognises Kong by _format_version', () => {
    expect(detectDialect([{ _format_version: '3.0' }])).toBe('kong');
  });

  it.each(['services', 'routes', 'plugins', 'consumers', 'upstreams'])('recognises a Kong fragment by top-level %s', (key) => {
    expect(detectDialect([{ [key]: [] }])).toBe('kong');
  });

  it.each([
    ['gateway.networking.k8s.io/v1', 'Gateway', 'gateway-api'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', 'gateway-api'],
    ['gateway.networking.k8s.io/v1', 'GRPCRoute', 'gateway-api'],
    ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant', 'gateway-api'],
    ['networking.k8s.io/v1', 'Ingress', 'ingress-nginx'],
    ['traefik.io/v1alpha1', 'IngressRoute', 'traefik'],
    ['traefik.io/v1alpha1', 'Middleware', 'traefik'],
    ['traefik.containo.us/v1alpha1', 'TraefikService', 'traefik'],
  ])('maps %s %s to %s', (apiVersion, kind, dialect) => {
    expect(detectDialect([{ apiVersion, kind }])).toBe(dialect);
  });

  it('does not take an Istio Gateway for a Gateway API one, nor a DestinationRule for anything', () => {
    expect(detectDialect([{ apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' }])).toBeUndefined();
    expect(detectDialect([{ apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' }])).toBeUndefined();
  });

  it('ignores Kubernetes objects that are not gateway config next to ones that are', () => {
    const docs = [
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
    ];
    expect(detectDialect(docs)).toBe('gateway-api');
  });

  it('takes plain values as well as parsed documents', () => {
    expect(detectDialect([{ _format_version: '3.0' }])).toBe('kong');
    expect(detectDialect(parseYaml('routes: []\n', 'a.yaml').docs)).toBe('kong');
  });

  it('returns undefined for unknown, empty or mixed content', () => {
    expect(detectDialect([])).toBeUndefined();
    expect(detectDialect([null])).toBeUndefined();
    expect(detectDialect(['text'])).toBeUndefined();
    expect(detectDialect([{ spec: {} }])).toBeUndefined();
    expect(
      detectDialect([
        { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
        { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
      ]),
    ).toBeUndefined();
  });

  // Skipped where the shared lesson folder is absent (a fresh clone): the cases above cover the rules.
  it.skipIf(!HAVE_SNIPPETS).each([
    ['01-kong-catalog-service.yaml', 'kong'],
    ['02-traefik-ingressroute-canary.yaml', 'traefik'],
    ['03-kong-jwt-plugin.yaml', 'kong'],
    ['05-kong-key-auth-plugin.yaml', 'kong'],
    ['06-kong-request-transformer.yaml', 'kong'],
    ['07-ingress-nginx-canary.yaml', 'ingress-nginx'],
    ['08-gateway-api-httproute-canary.yaml', 'gateway-api'],
    ['09-istio-destinationrule-circuit-breaker.yaml', undefined],
    ['11-gateway-api-gateway-httproute.yaml', 'gateway-api'],
    ['12-kong-pdb.yaml', undefined],
    ['15-kong-real-ip-plugin.yaml', 'kong'],
    ['16-exercise1-kong-orders.yaml', 'kong'],
  ])('lesson snippet %s → %s', (file, dialect) => {
    expect(detectDialect(snippet(file))).toBe(dialect);
  });
});
