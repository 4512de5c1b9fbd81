/**
 * The shadow's Host: Envoy appends "-shadow" to the host name, before any port, unless
 * disable_shadow_host_suffix_append is set (envoyproxy/envoy
 * test/integration/shadow_policy_integration_test.cc; RequestMirror, ../shared/semantics.md §7).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShadowHost, shadowHost } from './request-copy.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`shadow host property seed: ${seed} (set FC_SEED to replay)`);

describe('shadowHost', () => {
  it('marks the name and keeps the port, as Envoy does', () => {
    expect(shadowHost('sni.lyft.com', '-shadow')).toBe('sni.lyft.com-shadow');
    expect(shadowHost('127.0.0.1:8080', '-shadow')).toBe('127.0.0.1-shadow:8080');
    expect(shadowHost('[::1]:80', '-shadow')).toBe('[::1]-shadow:80');
    expect(shadowHost('[::1]', '-shadow')).toBe('[::1]-shadow');
  });

  it('removing the suffix gives the host back, and the port is untouched', () => {
    const name = fc.stringMatching(/^[a-z0-9.-]{1,20}$/);
    fc.assert(
      fc.property(name, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (host, port) => {
        const full = port === undefined ? host : `${host}:${port}`;
        const shadow = shadowHost(full, '-shadow');
        expect(shadow.replace('-shadow', '')).toBe(full);
        expect(shadow.startsWith(`${host}-shadow`)).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('isShadowHost recognises every shadowed Host, port or not, and no Host whose name lacks the suffix', () => {
    const name = fc.stringMatching(/^[a-z0-9.]{1,20}$/);
    fc.assert(
      fc.property(name, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (host, port) => {
        const full = port === undefined ? host : `${host}:${port}`;
        expect(isShadowHost(shadowHost(full, '-shadow'), '-shadow')).toBe(true);
        expect(isShadowHost(full, '-shadow')).toBe(false);
      }),
      { seed, numRuns: 200 },
    );
    expect(isShadowHost('[::1]-shadow:80', '-shadow')).toBe(true);
    expect(isShadowHost('api-shadow.example.com', '-shadow')).toBe(false);
    expect(isShadowHost(undefined, '-shadow')).toBe(false);
  });
});
