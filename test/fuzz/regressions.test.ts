/**
 * Crashes the fuzzers found, kept as their shrunk inputs so they stay fixed. Each case names the file
 * it was fixed in.
 */
import { describe, expect, it } from 'vitest';
import { expectPlaced, expectPrototypesUntouched, lineCountsOf, loadConfigText } from './fuzz-kit.ts';

describe('fuzz regressions', () => {
  it('gateway-api/fields.ts: a key named after an Object.prototype member (__defineGetter__) is an unknown field, not a TypeError', () => {
    const text = [
      '__defineGetter__: {polluted: 1}',
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata:',
      '  name: catalog-route',
      'spec:',
      '  toString: 1',
      '  rules: []',
    ].join('\n');
    const { parse, loaded } = loadConfigText(text, 'gateway-api');
    expect(parse).toEqual([]);
    const unknown = loaded?.diagnostics.filter((d) => d.code === 'GL_W_UNKNOWN_FIELD').map((d) => `${d.loc?.line}:${d.loc?.col}`);
    expect(unknown).toEqual(['1:1', '7:3']);
    expectPlaced(loaded?.diagnostics ?? [], lineCountsOf(text));
    expectPrototypesUntouched();
  });
});
