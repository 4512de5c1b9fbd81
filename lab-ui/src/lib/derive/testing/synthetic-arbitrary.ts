/**
 * Generated request mixes for property tests of derive functions: each request is admitted,
 * rejected by the rate limiter, answered with a backend error, or left unfinished, in time order,
 * ready for `syntheticTrace`.
 */
import fc from 'fast-check';
import type { SyntheticRequest } from './synthetic.ts';

const RATE_LIMITED = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };

export function syntheticRequests(opts: { maxLength: number; maxAt: number; maxUpstreamMs: number }): fc.Arbitrary<SyntheticRequest[]> {
  const request = fc.record({
    client: fc.constantFrom('c1', 'c2', 'c3'),
    at: fc.integer({ min: 0, max: opts.maxAt }),
    kind: fc.constantFrom('ok', 'reject', 'error', 'open'),
    upstreamMs: fc.integer({ min: 1, max: opts.maxUpstreamMs }),
  });
  return fc.array(request, { maxLength: opts.maxLength }).map((reqs) =>
    [...reqs].sort((a, b) => a.at - b.at).map((r, i): SyntheticRequest => {
      const base = { id: `${r.client}-${i}`, client: r.client, at: r.at };
      if (r.kind === 'reject') return { ...base, reject: RATE_LIMITED };
      if (r.kind === 'error') return { ...base, upstreamMs: r.upstreamMs, status: 503 };
      if (r.kind === 'open') return { ...base, open: true };
      return { ...base, upstreamMs: r.upstreamMs };
    }),
  );
}
