import { describe, expect, it } from 'vitest';
import { collectingReporter, fakeContext } from '../header-modifier/test-kit.ts';
import { parseRequestMirrorConfig, type RequestMirrorConfig } from './config.ts';
import { MIRROR_TIMEOUT_MS, requestMirrorPlugin, SHADOW_HOST_SUFFIX } from './plugin.ts';
import type { ServiceIR } from '../../config/ir.ts';
import type { RequestCopy } from '../../pipeline/types.ts';
import { gatewayApiIr, MINIMAL_GATEWAY } from '../../config/gateway-api/test-kit.ts';

/** The mirror's Service with two endpoints, weights 1 and 3. */
const SERVICE = {
  name: 's',
  id: 's',
  protocol: 'http',
  host: 's',
  port: 80,
  targets: [{ host: '10.0.0.1', port: 80, weight: 1 }, { host: '10.0.0.2', port: 80, weight: 3 }, { host: '10.0.0.3', port: 80, weight: 0 }],
  retries: 0,
  connectTimeoutMs: 1000,
  readTimeoutMs: 1000,
  writeTimeoutMs: 1000,
} satisfies ServiceIR;

describe('request-mirror', () => {
  it('reads percent and fraction, and the timeoutMs the adapter passes (0: the route disabled it)', () => {
    const r = collectingReporter();
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' }, timeoutMs: 2500 }, r).timeoutMs).toBe(2500);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' }, timeoutMs: 0 }, r).timeoutMs).toBe(0);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' }, timeoutMs: -1 }, r).timeoutMs).toBeUndefined();
    expect(parseRequestMirrorConfig({ backendRef: { name: 's', port: 80 }, percent: 25 }, r).share).toBe(0.25);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' }, fraction: { numerator: 1, denominator: 3 } }, r).share).toBeCloseTo(1 / 3);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' } }, r).share).toBe(1);
    expect(r.items).toEqual([]);
  });

  it('decides by a draw keyed by the request id, and never touches the request (§7: percent or fraction)', () => {
    const hooks = requestMirrorPlugin.create({ target: 's:80', service: 's', problem: null, share: 0.5 }, { instanceId: 'm', scope: {}, services: [SERVICE] });
    const ctx = fakeContext();
    const before = ctx.upstream.headers.toJSON();
    const yes = hooks.access?.(ctx, { now: () => 0, draw: () => 0.2, replica: 'gw-0' });
    const no = hooks.access?.(ctx, { now: () => 0, draw: () => 0.7, replica: 'gw-0' });
    expect(yes).toMatchObject({ kind: 'next', data: { mirrored: true } });
    expect(no).toMatchObject({ kind: 'next', data: { mirrored: false } });
    expect(no && 'detach' in no ? no.detach : undefined).toBeUndefined();
    expect(ctx.upstream.headers.toJSON()).toEqual(before);
  });

  it('a copied request asks for one detached copy to one endpoint, picked by weight (§7: one endpoint of backendRef)', () => {
    const hooks = requestMirrorPlugin.create({ target: 's:80', service: 's', problem: null, share: 1 }, { instanceId: 'm', scope: {}, services: [SERVICE] });
    const at = (draw: number) => hooks.access?.(fakeContext(), { now: () => 0, draw: () => draw, replica: 'gw-0' });
    // Weights 1 and 3: draws below 0.25 take the first endpoint, the rest the second.
    for (const [draw, endpoint] of [[0.1, '10.0.0.1:80'], [0.3, '10.0.0.2:80'], [0.99, '10.0.0.2:80']] as const) {
      const verdict = at(draw);
      expect(verdict?.kind).toBe('next');
      const detach = verdict?.kind === 'next' ? (verdict.detach as readonly RequestCopy[] | undefined) : undefined;
      expect(detach).toHaveLength(1);
      expect(detach?.[0]).toMatchObject({ type: 'request-copy', service: { name: 's' }, hostSuffix: SHADOW_HOST_SUFFIX, timeoutMs: MIRROR_TIMEOUT_MS });
      expect(`${detach?.[0]?.target.host}:${detach?.[0]?.target.port}`).toBe(endpoint);
      expect(verdict?.reason).toContain(`at ${endpoint}`);
    }
  });

  it('an unresolved mirror backend is skipped with its reason', () => {
    const hooks = requestMirrorPlugin.create({ target: 'x:80', service: null, problem: 'no Service x', share: 1 }, { instanceId: 'm', scope: {} });
    expect(hooks.access?.(fakeContext(), { now: () => 0, draw: () => 0, replica: 'gw-0' })?.reason).toBe('mirror to x:80 skipped: no Service x');
  });

  it('§7 the copy gives up with its route\'s request timeout, 15 s when the route sets none, never with 0s (Envoy router.cc: the shadow gets the route\'s global timeout)', () => {
    const copyTimeout = (timeouts: string): number | undefined => {
      const ir = gatewayApiIr(mirrorRoute(timeouts));
      const instance = ir.plugins.find((p) => p.plugin === 'request-mirror');
      if (!instance) throw new Error('no request-mirror plugin in the IR');
      const config = instance.config as RequestMirrorConfig;
      const verdict = requestMirrorPlugin.create(config, { instanceId: 'm', scope: {}, services: [SERVICE] }).access?.(fakeContext(), { now: () => 0, draw: () => 0, replica: 'gw-0' });
      return verdict?.kind === 'next' ? (verdict.detach?.[0] as RequestCopy | undefined)?.timeoutMs : undefined;
    };
    expect(copyTimeout('')).toBe(MIRROR_TIMEOUT_MS);
    expect(copyTimeout('timeouts: { request: 3s }')).toBe(3000);
    expect(copyTimeout('timeouts: { request: 3s, backendRequest: 1s }')).toBe(3000);
    // A disabled request timeout (0s, semantics §7) is no route timeout at all, so the shadow has none: 0.
    expect(copyTimeout('timeouts: { request: 0s }')).toBe(0);
  });
});

/** A route to `s` mirroring to `s` (the one Service the test's plugin knows), with `timeouts` in its rule. */
function mirrorRoute(timeouts: string): string {
  return `${MINIMAL_GATEWAY}---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - backendRefs: [{ name: s, port: 80 }]
      filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: s, port: 80 } } }]
      ${timeouts}
`;
}
