import { describe, expect, it } from 'vitest';
import { collectingReporter, fakeContext } from '../header-modifier/test-kit.ts';
import { parseRequestMirrorConfig } from './config.ts';
import { requestMirrorPlugin } from './plugin.ts';

describe('request-mirror', () => {
  it('reads percent and fraction', () => {
    const r = collectingReporter();
    expect(parseRequestMirrorConfig({ backendRef: { name: 's', port: 80 }, percent: 25 }, r).share).toBe(0.25);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' }, fraction: { numerator: 1, denominator: 3 } }, r).share).toBeCloseTo(1 / 3);
    expect(parseRequestMirrorConfig({ backendRef: { name: 's' } }, r).share).toBe(1);
    expect(r.items).toEqual([]);
  });

  it('decides by a draw keyed by the request id, and never touches the request', () => {
    const hooks = requestMirrorPlugin.create({ target: 's:80', service: 's', problem: null, share: 0.5 }, { instanceId: 'm', scope: {} });
    const ctx = fakeContext();
    const before = ctx.upstream.headers.toJSON();
    const yes = hooks.access?.(ctx, { now: () => 0, draw: () => 0.2, replica: 'gw-0' });
    const no = hooks.access?.(ctx, { now: () => 0, draw: () => 0.7, replica: 'gw-0' });
    expect(yes).toMatchObject({ kind: 'next', data: { mirrored: true } });
    expect(no).toMatchObject({ kind: 'next', data: { mirrored: false } });
    expect(ctx.upstream.headers.toJSON()).toEqual(before);
  });

  it('an unresolved mirror backend is skipped with its reason', () => {
    const hooks = requestMirrorPlugin.create({ target: 'x:80', service: null, problem: 'no Service x', share: 1 }, { instanceId: 'm', scope: {} });
    expect(hooks.access?.(fakeContext(), { now: () => 0, draw: () => 0, replica: 'gw-0' })?.reason).toBe('mirror to x:80 skipped: no Service x');
  });
});
