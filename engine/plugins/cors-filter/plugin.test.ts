import { describe, expect, it } from 'vitest';
import { collectingReporter } from '../header-modifier/test-kit.ts';
import { findVendorPlugin } from '../index.ts';
import { originAllowed, parseCorsFilterConfig } from './config.ts';
import { corsFilterPlugin } from './plugin.ts';

describe('cors-filter', () => {
  it('is what the Gateway API CORS filter maps to', () => {
    expect(findVendorPlugin('gateway-api', 'CORS')).toBe(corsFilterPlugin);
  });

  it.each([
    [['*'], 'https://any.example:8443', true],
    [['https://www.foo.com'], 'https://www.foo.com', true],
    [['https://www.foo.com'], 'http://www.foo.com', false],
    [['https://www.foo.com'], 'https://www.foo.com:8443', false],
    [['https://*.bar.com'], 'https://www.bar.com', true],
    [['https://*.bar.com'], 'https://a.b.bar.com', true],
    [['https://*.bar.com'], 'https://bar.com', false],
    [['https://*.bar.com'], 'http://www.bar.com', false],
  ])('allowOrigins %j admits %s: %s', (patterns, origin, want) => {
    expect(originAllowed(patterns, origin)).toBe(want);
  });

  it('maxAge defaults to 5 seconds; bad values are reported', () => {
    const r = collectingReporter();
    expect(parseCorsFilterConfig({ allowOrigins: ['*'] }, r).maxAge).toBe(5);
    parseCorsFilterConfig({ maxAge: 0, allowCredentials: 'yes', allowMethods: 'GET' }, r);
    expect(r.items.map((i) => i.path)).toEqual(['maxAge', 'allowCredentials', 'allowMethods']);
  });
});
