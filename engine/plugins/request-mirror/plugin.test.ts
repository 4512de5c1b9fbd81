import { describe, expect, it } from 'vitest';
import { collectingReporter, fakeContext } from '../header-modifier/test-kit.ts';
import { parseRequestMirrorConfig } from './config.ts';
import { MIRROR_TIMEOUT_MS, requestMirrorPlugin, SHADOW_HOST_SUFFIX } from './plugin.ts';
import type { ServiceIR } from '../../config/ir.ts';

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
  it('reads percent and fraction', () => {
    const r = collectingReporter();
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
      const detach = verdict?.kind === 'next' ? verdict.detach : undefined;
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
});
