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
