/**
 * Traefik's passiveHealthCheck (v3.6+; ../shared/semantics.md feature table, "Outlier detection
 * (passive)": Traefik, and traefik/traefik pkg/healthcheck/healthcheck.go PassiveServiceHealthChecker)
 * on both hosts: the same requests at the same clock instants through the simulation and the real
 * proxy (upstreams on 127.0.0.1, some refusing connections), which must agree on statuses, hosts tried
 * and the balancer's reasons; each case also pins what Traefik does. The config is the file provider's
 * dynamic configuration, servers listed by URL.
 */
import { describe, expect, it } from 'vitest';
import { brief, expectParity, get, upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import type { ScriptedUpstream } from '../support/scripted-upstream.ts';

const upstreams = upstreamsPerTest();

/** One router on every path to service `pool` over the named upstreams, in that order. */
function fileConfig(u: Upstreams, names: readonly string[], passive: string): string {
  const servers = names.map((n) => `          - url: http://127.0.0.1:${(u[n] as ScriptedUpstream).port}`).join('\n');
  return `http:
  routers:
    pool:
      rule: PathPrefix(\`/\`)
      service: pool
  services:
    pool:
      loadBalancer:
        servers:
${servers}
        passiveHealthCheck: ${passive}
`;
}

describe("Traefik passiveHealthCheck (WrapHandler's failures, failureWindow's timer)", () => {
  it('maxFailedAttempts 2: two 500s in a row take a out for failureWindow; the timer, not a trial, brings it back', async () => {
    const u = await upstreams.start(['a', 'b']);
    const text = fileConfig(u, ['a', 'b'], '{ failureWindow: 10s, maxFailedAttempts: 2 }');
    const out = await expectParity(
      'traefik',
      text,
      'phc-500',
      [
        get('/x', { answers: { a: 500 } }), // a: failure 1 of 2
        get('/x'),
        get('/x'), // a: failure 2 — out until T0 + 10 s
        get('/x'),
        get('/x', { at: 5_000 }),
        get('/x', { at: 9_999 }), // one millisecond before the timer: still out
        get('/x', { at: 10_000 }), // the timer ran out: a is back, still broken
        get('/x', { at: 10_000 }),
      ],
      u,
      { reasonsOf: ['balancer'] },
    );
    expect(brief(out)).toEqual(['500 a', '200 b', '500 a', '200 b', '200 b', '200 b', '500 a', '200 b']);
    expect(out[4]?.reasons[0]).toMatch(/skipped 127\.0\.0\.1:\d+ marked down by passive checks/);
  });

  it('a refused connection counts (the request never reached the server); a 404 is below 500 and clears the count', async () => {
    const u = await upstreams.start(['b'], ['a']);
    const text = fileConfig(u, ['a', 'b'], '{ maxFailedAttempts: 2 }');
    const out = await expectParity(
      'traefik',
      text,
      'phc-refused',
      [
        get('/x'), // a refuses: 502, failure 1
        get('/x'),
        get('/x', { up: ['a'], answers: { a: 404 } }), // a answers 404: the count starts again
        get('/x'),
        get('/x', { down: ['a'] }), // failure 1 again, not 2
        get('/x'),
        get('/x'), // failure 2: out
        get('/x'),
        get('/x'),
      ],
      u,
      { reasonsOf: ['balancer'] },
    );
    expect(brief(out)).toEqual(['502 a', '200 b', '404 a', '200 b', '502 a', '200 b', '502 a', '200 b', '200 b']);
  });

  it('defaults (maxFailedAttempts 1, failureWindow 10s) on one server: its first 500 leaves no server, and Traefik answers 503 "no available server"', async () => {
    const u = await upstreams.start(['a']);
    const text = fileConfig(u, ['a'], '{}');
    const out = await expectParity(
      'traefik',
      text,
      'phc-single',
      [get('/x', { answers: { a: 500 } }), get('/x', { answers: { a: 200 } }), get('/x', { at: 9_000 }), get('/x', { at: 10_000 })],
      u,
      { headers: ['content-type', 'x-content-type-options'] },
    );
    expect(brief(out)).toEqual(['500 a', '503 ', '503 ', '200 a']);
    expect(out[1]?.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  });
});
