/**
 * Which methods each gateway retries after a network error (../shared/semantics.md §9 and the feature
 * table's "Retries" row): the deciding fact is whether any of the request was written.
 * - nginx / ingress-nginx / Kong: ngx_http_upstream_next marks a POST, LOCK or PATCH NON_IDEMPOTENT
 *   only when `request_sent`, so a refused connection is passed on for any method, a reset or timeout
 *   after sending is not for those three (unless proxy_next_upstream has non_idempotent).
 * - Traefik (pkg/middlewares/retry/retry.go, v3.6): a network error is retried only when the proxy
 *   was reached and nothing was written, for any method; a reset or timeout after writing is the
 *   proxy's 502 or 504, retried only through `status`, and not for POST, PATCH, LOCK unless
 *   retryNonIdempotentMethod.
 * Both name the three methods they refuse, not the ones they allow: a method they do not know
 *   (PURGE, a made-up one) is retried like GET (methodsNotRetried in the IR).
 * - Envoy / Gateway API / Istio: retry_on never looks at the method; `reset-before-request` is its
 *   own "nothing was sent" condition (source/common/router/retry_state_impl.cc).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kongServicePolicy } from '../config/kong/service-policy.ts';
import type { IngressAnnotations } from '../config/ingress-nginx/annotations/parse.ts';
import { locationPolicy } from '../config/ingress-nginx/policy.ts';
import { collectingReporter } from '../plugins/rate-limit/test-kit.ts';
import { parseRetryConfig } from '../plugins/retry/config.ts';
import type { RetryOnIR, RetryPolicyIR } from './policy.ts';
import { decideRetry, envoyRetryPolicy, NOT_RETRIED_ONCE_SENT, requestWritten, type TryOutcome } from './retry.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

const traefik = (raw: Record<string, unknown>): RetryPolicyIR => {
  const report = collectingReporter();
  const { policy } = parseRetryConfig(raw, report);
  expect(report.items).toEqual([]);
  return policy;
};

const POLICIES: Record<string, RetryPolicyIR> = {
  kong: kongServicePolicy({ name: 's', retries: 5, connectTimeoutMs: 60_000, readTimeoutMs: 60_000 }, undefined).retry!,
  'ingress-nginx': locationPolicy(null).retry!,
  'traefik attempts 2': traefik({ attempts: 2 }),
  'traefik status 500-599': traefik({ attempts: 2, status: ['500-599'] }),
  envoy: envoyRetryPolicy({ retryOn: ['connect-failure', 'reset', 'timeout'] }),
};

const CONNECT: TryOutcome = { kind: 'failure', failure: 'connect' };
const RESET: TryOutcome = { kind: 'failure', failure: 'reset' };
const TIMEOUT: TryOutcome = { kind: 'failure', failure: 'timeout' };

function retried(policy: RetryPolicyIR, outcome: TryOutcome, method: string): boolean {
  return decideRetry(policy, outcome, { triesSoFar: 1, method, draw: 0.5 }).retry;
}

describe('was any of the request written? (retry.ts requestWritten)', () => {
  it('a connect failure wrote nothing; a reset, a timeout and an answer came after the request was sent', () => {
    expect([CONNECT, RESET, TIMEOUT, { kind: 'response', status: 502 } as const].map(requestWritten)).toEqual([false, true, true, true]);
  });
});

describe('retried after a network error, by gateway and method (semantics §9, feature table "Retries")', () => {
  // [policy, method, connect refused, reset after sending, timeout after sending]
  const table: Array<[string, string, boolean, boolean, boolean]> = [
    ['kong', 'GET', true, true, true],
    ['kong', 'POST', true, false, false],
    ['kong', 'PATCH', true, false, false],
    ['ingress-nginx', 'GET', true, true, true],
    ['ingress-nginx', 'POST', true, false, false],
    ['traefik attempts 2', 'GET', true, false, false],
    ['traefik attempts 2', 'POST', true, false, false],
    ['traefik status 500-599', 'GET', true, true, true],
    ['traefik status 500-599', 'POST', true, false, false],
    ['traefik status 500-599', 'LOCK', true, false, false],
    ['traefik status 500-599', 'PURGE', true, true, true],
    ['kong', 'PURGE', true, true, true],
    ['ingress-nginx', 'PURGE', true, true, true],
    ['ingress-nginx', 'LOCK', true, false, false],
    ['ingress-nginx', 'MKCALENDAR', true, true, true],
    ['envoy', 'GET', true, true, true],
    ['envoy', 'POST', true, true, true],
  ];
  for (const [name, method, connect, reset, timeout] of table) {
    it(`${name}, ${method}: refused ${connect ? 'retried' : 'not'}, reset ${reset ? 'retried' : 'not'}, timeout ${timeout ? 'retried' : 'not'}`, () => {
      const p = POLICIES[name]!;
      expect([retried(p, CONNECT, method), retried(p, RESET, method), retried(p, TIMEOUT, method)]).toEqual([connect, reset, timeout]);
    });
  }

  it('§9 ingress-nginx proxy-next-upstream "error timeout non_idempotent" retries a POST after sending too', () => {
    // Only nextUpstream is read here; the rest of the annotations keep their defaults.
    const anns: Partial<IngressAnnotations> = { nextUpstream: { conditions: ['error', 'timeout', 'non_idempotent'], off: false, nonIdempotent: true, timeoutMs: 0 } };
    const p = locationPolicy(anns as IngressAnnotations).retry!;
    expect([retried(p, RESET, 'POST'), retried(p, TIMEOUT, 'POST')]).toEqual([true, true]);
  });

  it('Traefik retryNonIdempotentMethod: the reset judged as its 502 is retried for a POST too', () => {
    const p = traefik({ attempts: 2, status: ['502'], retryNonIdempotentMethod: true });
    expect(retried(p, RESET, 'POST')).toBe(true);
    // 504 is not listed: a timeout after sending goes to the client.
    expect(retried(p, TIMEOUT, 'POST')).toBe(false);
  });

  it('§9 Envoy retry_on reset is any failure but a per-try timeout, a refused connection included; reset-before-request only one that sent nothing (retry_state_impl.cc wouldRetryFromReset)', () => {
    const reset = envoyRetryPolicy({ retryOn: ['reset'] });
    expect([retried(reset, CONNECT, 'POST'), retried(reset, RESET, 'POST'), retried(reset, TIMEOUT, 'POST')]).toEqual([true, true, false]);
    const before = envoyRetryPolicy({ retryOn: ['reset-before-request'] });
    expect([retried(before, CONNECT, 'POST'), retried(before, RESET, 'POST'), retried(before, TIMEOUT, 'POST')]).toEqual([true, false, false]);
    expect(retried(before, { kind: 'response', status: 503 }, 'GET')).toBe(false);
  });

  it('§9 nginx and Traefik refuse exactly POST, LOCK and PATCH once sent: a method they do not know is retried (ngx_http_upstream_next, retry.go isIdempotent)', () => {
    for (const name of ['kong', 'ingress-nginx', 'traefik status 500-599']) {
      const p = POLICIES[name]!;
      expect(p.methods).toEqual([]);
      expect(p.methodsNotRetried).toEqual(['POST', 'LOCK', 'PATCH']);
    }
    // retryNonIdempotentMethod and non_idempotent lift the exclusion altogether.
    expect(traefik({ attempts: 2, status: ['502'], retryNonIdempotentMethod: true }).methodsNotRetried).toBeUndefined();
    const anns: Partial<IngressAnnotations> = { nextUpstream: { conditions: ['error', 'non_idempotent'], off: false, nonIdempotent: true, timeoutMs: 0 } };
    expect(locationPolicy(anns as IngressAnnotations).retry!.methodsNotRetried).toBeUndefined();
    expect(POLICIES['envoy']!.methodsNotRetried).toBeUndefined();
  });

  it('the reasons say why', () => {
    const say = (p: RetryPolicyIR, o: TryOutcome, method: string): string => decideRetry(p, o, { triesSoFar: 1, method, draw: 0.5 }).reason;
    expect(say(POLICIES['kong']!, CONNECT, 'POST')).toBe('connection refused matches retry-on connect-failure: retry 1 of 5, POST too: nothing of it was sent');
    expect(say(POLICIES['kong']!, RESET, 'POST')).toBe('connection reset would be retried, but POST is not retried (kong does not retry a non-idempotent request once it was sent)');
    expect(say(POLICIES['traefik attempts 2']!, TIMEOUT, 'GET')).toBe(
      'timeout (answered 504) matches no retry condition (connect-failure); traefik retries a network error only before any of the request was written',
    );
  });
});

const retryOnArb = fc.subarray<RetryOnIR>(['5xx', 'gateway-error', 'connect-failure', 'reset', 'reset-before-request', 'timeout', 'retriable-status-codes']);
const policyArb: fc.Arbitrary<RetryPolicyIR> = fc
  .record({
    numRetries: fc.integer({ min: 0, max: 3 }),
    retryOn: retryOnArb,
    retriableStatusCodes: fc.constantFrom<number[]>([], [502], [502, 504]),
    methods: fc.constantFrom<string[]>([], ['GET'], ['GET', 'PUT']),
    methodsNotRetried: fc.constantFrom<string[] | undefined>(undefined, [], NOT_RETRIED_ONCE_SENT),
    otherHost: fc.constant(true),
    backoff: fc.constant<RetryPolicyIR['backoff']>({ kind: 'none' }),
    flavour: fc.constantFrom<RetryPolicyIR['flavour']>('envoy', 'nginx', 'kong', 'traefik', 'gateway-api'),
    answeredAs: fc.boolean(),
  })
  .map(({ answeredAs, methodsNotRetried, ...rest }): RetryPolicyIR => {
    const p: RetryPolicyIR = methodsNotRetried ? { ...rest, methodsNotRetried } : rest;
    return answeredAs ? { ...p, failuresAnsweredAs: { reset: 502, timeout: 504 } } : p;
  });
const outcomeArb: fc.Arbitrary<TryOutcome> = fc.oneof(
  fc.constantFrom<TryOutcome>(CONNECT, RESET, TIMEOUT),
  fc.integer({ min: 400, max: 599 }).map((status): TryOutcome => ({ kind: 'response', status })),
);
const methodArb = fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'LOCK', 'PURGE');
/** Any token-like method name, known or not. */
const anyMethodArb = fc.stringMatching(/^[A-Z]{1,12}$/);

describe('invariants', () => {
  console.log(`retry-written property seed: ${SEED} (set FC_SEED to replay)`);

  it('a try that wrote nothing is decided the same for every method', () => {
    fc.assert(
      fc.property(policyArb, methodArb, methodArb, fc.integer({ min: 1, max: 4 }), (p, a, b, tries) => {
        const at = (method: string) => decideRetry(p, CONNECT, { triesSoFar: tries, method, draw: 0.3 }).retry;
        expect(at(a)).toBe(at(b));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('with no method list (Envoy, Gateway API) no outcome depends on the method', () => {
    fc.assert(
      fc.property(policyArb, outcomeArb, methodArb, methodArb, (p, o, a, b) => {
        const { methodsNotRetried: _ignored, ...rest } = p;
        const open = { ...rest, methods: [] };
        expect(decideRetry(open, o, { triesSoFar: 1, method: a, draw: 0.3 })).toEqual(decideRetry(open, o, { triesSoFar: 1, method: b, draw: 0.3 }));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a method outside the list is never retried once the request was written', () => {
    fc.assert(
      fc.property(policyArb, outcomeArb, (p, o) => {
        fc.pre(p.methods.length > 0 && requestWritten(o));
        expect(decideRetry(p, o, { triesSoFar: 1, method: 'POST', draw: 0.3 }).retry).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('an excluded method is never retried once written; any other method, known or not, is decided as GET is', () => {
    fc.assert(
      fc.property(policyArb, outcomeArb, anyMethodArb, fc.constantFrom(...NOT_RETRIED_ONCE_SENT), (p, o, other, excluded) => {
        const nginxLike = { ...p, methods: [], methodsNotRetried: NOT_RETRIED_ONCE_SENT };
        const at = (method: string) => decideRetry(nginxLike, o, { triesSoFar: 1, method, draw: 0.3 }).retry;
        if (requestWritten(o)) expect(at(excluded)).toBe(false);
        if (!NOT_RETRIED_ONCE_SENT.includes(other)) expect(at(other)).toBe(at('GET'));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
