/**
 * The retry rule for a request whose body is streamed to the upstream: Kong's `request_buffering:
 * false` puts the request into nginx's `proxy_request_buffering off` (kong/runloop/handler.lua,
 * kong/templates/nginx_kong.lua @unbuffered_request), and nginx's ngx_http_upstream_next finalizes
 * such a request once any of it was sent (`u->request_sent && r->request_body_no_buffering`), for
 * every method. A try that wrote nothing is still passed on. Kong's retry policy itself: semantics §6
 * (service `retries` 5) under nginx's default proxy_next_upstream "error timeout".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ok, V } from '../config/kong/test-kit.ts';
import { decideRetry, envoyRetryPolicy, requestWritten, type TryOutcome } from './retry.ts';
import type { RetryPolicyIR } from './policy.ts';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

const CONNECT: TryOutcome = { kind: 'failure', failure: 'connect' };
const RESET: TryOutcome = { kind: 'failure', failure: 'reset' };
const TIMEOUT: TryOutcome = { kind: 'failure', failure: 'timeout' };

/** The retry policy the Kong adapter gives every service (retries 5, connect-failure/timeout/reset). */
function policyForKongService(): RetryPolicyIR {
  const retry = ok(`${V}services:\n  - name: s\n    host: s.local\n`).services[0]?.policy?.retry;
  if (!retry) throw new Error('no retry policy');
  return retry;
}

const kong = policyForKongService();
const at = (method: string, bodyStreamed: boolean) => ({ triesSoFar: 1, method, draw: 0.5, bodyStreamed });

describe('request_buffering false: nothing is retried once any of it was sent (nginx request_body_no_buffering)', () => {
  it('semantics §6: a GET whose connection broke or timed out after sending is not retried when its body streams', () => {
    for (const outcome of [RESET, TIMEOUT]) {
      const d = decideRetry(kong, outcome, at('GET', true));
      expect(d.retry).toBe(false);
      expect(d.reason).toMatch(/would be retried, but the route streams the request body \(request_buffering off\): nginx never passes such a request to the next upstream once any of it was sent, whatever the method$/);
      // The same GET on a buffered route is retried, as before.
      expect(decideRetry(kong, outcome, at('GET', false)).retry).toBe(true);
    }
  });

  it('semantics §6: a refused connection (nothing written) is still retried, for every method', () => {
    for (const method of ['GET', 'PUT', 'POST', 'PATCH', 'PURGE']) {
      expect(decideRetry(kong, CONNECT, at(method, true))).toMatchObject({ retry: true, reason: expect.stringMatching(/matches retry-on connect-failure: retry 1 of 5/) });
    }
  });

  it('a POST keeps its own reason (the non-idempotent rule is checked first); a PUT or PURGE gets the streaming one', () => {
    expect(decideRetry(kong, RESET, at('POST', true)).reason).toMatch(/but POST is not retried/);
    for (const method of ['PUT', 'DELETE', 'PURGE']) {
      expect(decideRetry(kong, RESET, at(method, true))).toMatchObject({ retry: false, reason: expect.stringMatching(/streams the request body/) });
    }
  });

  it('only the nginx family has the rule: Envoy retry_on reset still retries (it buffers for retries)', () => {
    const envoy = envoyRetryPolicy({ retryOn: ['reset'] });
    expect(decideRetry(envoy, RESET, at('GET', true)).retry).toBe(true);
  });

  it(`invariant (seed ${SEED}): with a streamed body, Kong and nginx retry exactly the tries that wrote nothing and have retries left`, () => {
    console.log(`streamed-body retry property seed: ${SEED} (set FC_SEED to replay)`);
    const flavours = fc.constantFrom<RetryPolicyIR>(kong, { ...kong, flavour: 'nginx' });
    const outcome = fc.oneof(
      fc.constantFrom(CONNECT, RESET, TIMEOUT),
      fc.integer({ min: 400, max: 599 }).map((status): TryOutcome => ({ kind: 'response', status })),
    );
    fc.assert(
      fc.property(flavours, outcome, fc.stringMatching(/^[A-Z]{1,10}$/), fc.integer({ min: 1, max: 8 }), (policy, o, method, triesSoFar) => {
        const d = decideRetry(policy, o, { triesSoFar, method, draw: 0.5, bodyStreamed: true });
        const expected = !requestWritten(o) && triesSoFar - 1 < policy.numRetries;
        expect(d.retry).toBe(expected);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
