import { describe, expect, it } from 'vitest';
import { fakeContext, fakeHost, hooksForRaw, sendRequest } from '../test-kit.ts';
import { KeyedStates } from './shared.ts';

const T0 = 1_767_268_800_000;
const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('per-key state', () => {
  it('keeps state per replica: each node counts alone, like every vendor’s local limiter', () => {
    const hooks = hooksForRaw({ algorithm: 'token-bucket', flavour: 'aws', rate: 1, burst: 1 });
    expect(['gw-0', 'gw-0', 'gw-1'].map((r) => sendRequest(hooks, T0, fakeContext(), r).verdict.kind)).toEqual(['next', 'reply', 'next']);
  });

  it('drops idle keys once the map doubles, and a dropped key decides exactly like a kept one', () => {
    const hooks = hooksForRaw({ algorithm: 'nginx-limit-req', rate: '10r/s', burst: 1 });
    for (let i = 0; i < 3000; i++) sendRequest(hooks, T0 + i, fakeContext({ peerIp: ip(i) }));
    const left = Object.keys(hooks.snapshot?.(fakeHost(T0 + 3000)) ?? {}).length;
    expect(left).toBeLessThan(3000);
    // An early key (drained long ago, swept) and a late one (still held) both follow nginx's rules.
    const again = [ip(0), ip(0), ip(0), ip(2999), ip(2999)].map((a) => sendRequest(hooks, T0 + 3000, fakeContext({ peerIp: a })).verdict.kind);
    expect(again).toEqual(['next', 'next', 'reply', 'next', 'reply']);
  });

  it('snapshot keys replace the dots of an address so a dotted path can reach them', () => {
    const s = new KeyedStates<number>(() => false);
    s.set('gw-0', '203.0.113.7', 1, 0);
    s.set('gw-0', '', 2, 0);
    expect(s.snapshot('gw-0', (v) => ({ v }))).toEqual({ '203_0_113_7': { v: 1 }, '(empty)': { v: 2 } });
  });
});
