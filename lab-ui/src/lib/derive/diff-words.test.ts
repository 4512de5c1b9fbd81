import { describe, expect, it } from 'vitest';
import { endedAs, outcomeChanges } from './diff.ts';
import { buildTraceIndex } from './trace-index.ts';
import { syntheticTrace } from './testing/synthetic.ts';

const rl = { status: 429, plugin: 'rate-limit', reason: 'over the limit' };

describe('a side-by-side change in words', () => {
  const base = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100 }, { id: 'a-2', at: 200, status: 203 }]));
  const other = buildTraceIndex(syntheticTrace([{ id: 'a-1', at: 100, reject: rl }, { id: 'a-2', at: 200 }], { variant: 'strict' }));

  it('names who answered: the backend service, or the stage that replied', () => {
    const changes = outcomeChanges(base, other, 10_000);
    expect(changes.map((c) => [c.req, endedAs(base, c.base), endedAs(other, c.other)])).toEqual([
      ['a-1', '200 from s', '429 from rate-limit'],
      ['a-2', '203 from s', '200 from s'],
    ]);
  });

  it('says "gave up" for the client that stopped waiting, and names the front balancer', () => {
    const row = { ...(base.byId.get('a-1') as NonNullable<ReturnType<typeof base.byId.get>>) };
    expect(endedAs(base, { ...row, source: 'client', status: 0 })).toBe('gave up');
    expect(endedAs(base, { ...row, source: 'front', status: 502, decidedBy: null })).toBe('502 from the front balancer');
    expect(endedAs(base, { ...row, source: 'gateway', status: 504, decidedBy: null })).toBe('504 from the gateway');
    expect(endedAs(base, { ...row, endEvent: -1 })).toBe('200 from the backend');
  });
});
