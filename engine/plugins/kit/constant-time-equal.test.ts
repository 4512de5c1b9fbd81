/** constantTimeEqual (code units when there are no surrogates, bytes otherwise) answers exactly as the per-call encoding definition did. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, findCredential } from './kong-auth.ts';
import type { ConsumerIR } from '../../config/ir.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] constant-time-equal seed=${seed} (replay: FC_SEED=${seed})`);

function referenceEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

// Full 16-bit strings include lone surrogates, which UTF-8 encoding turns into U+FFFD: the old
// definition then calls two different strings equal, and so must the new one.
const text = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: fc.constantFrom('a', 'b', '\ud800', '\udc00', '\ufffd'), maxLength: 4 }));

describe('constantTimeEqual', () => {
  it('agrees with the per-call encoding definition, surrogates included', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(referenceEqual(a, b));
        expect(constantTimeEqual(a, b)).toBe(referenceEqual(a, b));
      }),
      { seed, numRuns: 3000 },
    );
  });

  it('findCredential picks the first consumer whose key equals the value, as before', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), text, (keys, value) => {
        const consumers = keys.map((key, i) => ({ id: `c${i}`, username: `u${i}`, credentials: [{ id: `k${i}`, kind: 'key-auth', fields: { key } }] })) as unknown as ConsumerIR[];
        const want = keys.findIndex((k) => referenceEqual(k, value));
        const got = findCredential(consumers, 'key-auth', 'key', value);
        expect(got?.consumer.id).toBe(want < 0 ? undefined : `c${want}`);
      }),
      { seed, numRuns: 1000 },
    );
  });
});
