import { describe, expect, it } from 'vitest';
import { ModeledStore } from './store.ts';

describe('modeled counter store', () => {
  it('INCR creates with a relative TTL that later increments keep', () => {
    const s = new ModeledStore();
    expect(s.apply([{ op: 'incr', key: 'k', by: 1, ttlMs: 1000 }], 0)).toEqual({ ok: true, values: [1] });
    expect(s.apply([{ op: 'incr', key: 'k', by: 2, ttlMs: 5000 }], 500)).toEqual({ ok: true, values: [3] });
    expect(s.apply([{ op: 'get', key: 'k' }], 999)).toEqual({ ok: true, values: [3] });
    expect(s.apply([{ op: 'get', key: 'k' }], 1000)).toEqual({ ok: true, values: [null] });
  });

  it('answers with an error during an outage, and recovers after', () => {
    const s = new ModeledStore();
    s.outage(100, 200);
    expect(s.apply([{ op: 'get', key: 'k' }], 150).ok).toBe(false);
    expect(s.apply([{ op: 'get', key: 'k' }], 200).ok).toBe(true);
  });
});

describe('modeled store at scale', () => {
  it('keeps inserting 250k keys fast: expired keys are swept in amortised batches, not on every call', () => {
    const s = new ModeledStore();
    for (let i = 0; i < 250_000; i++) s.apply([{ op: 'incr', key: `k${i}`, by: 1, ttlMs: i < 150_000 ? 10 : 1e9 }], i < 150_000 ? 0 : 100);
    // The 150k short-lived keys expired by t=100 and were swept when the map reached its threshold.
    expect(s.size()).toBeLessThan(200_000);
    expect(s.apply([{ op: 'get', key: 'k249999' }], 100)).toEqual({ ok: true, values: [1] });
  });
});
