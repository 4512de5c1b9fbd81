/**
 * Semantics §9 (Envoy circuit breakers) on the connection pool itself: concurrency limits, not a
 * state machine. Over max_requests or a full pending queue a request overflows at once (the local 503
 * with x-envoy-overloaded is the dispatcher's; here the admission and Envoy's stat names); a retry over
 * max_retries is skipped; a retry budget (20 %, at least 3) replaces max_retries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overflowVerdict } from './dispatch-trace.ts';
import { baseRequestEnds } from '../../test/support/scenario-run.ts';
import { ConnectionPool } from './pool.ts';
import type { ConnectionPoolPolicyIR } from './policy.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s9 pool seed=${seed} (replay: FC_SEED=${seed})`);

const UNLIMITED = 4294967295;
const limits = (over: Partial<ConnectionPoolPolicyIR>): ConnectionPoolPolicyIR => ({ maxConnections: UNLIMITED, maxPendingRequests: UNLIMITED, maxRequests: UNLIMITED, maxRetries: 3, ...over });
const noop = (): void => undefined;

describe('semantics §9 circuit breakers as concurrency limits', () => {
  it('§9 max_connections busy → the request waits in the pending queue; max_pending_requests full → overflow at once', () => {
    const pool = new ConnectionPool(limits({ maxConnections: 2, maxPendingRequests: 1 }));
    expect([pool.admit(noop).kind, pool.admit(noop).kind]).toEqual(['go', 'go']);
    expect(pool.admit(noop).kind).toBe('queued');
    expect(pool.admit(noop)).toMatchObject({ kind: 'overflow', limit: 'max_pending_requests' });
    // Envoy counts a connection overflow for every request that found all connections busy, and a
    // pending overflow for the one that found the queue full too.
    expect(pool.stats).toEqual({ upstream_cx_overflow: 2, upstream_rq_pending_overflow: 1, upstream_rq_retry_overflow: 0 });
  });

  it('§9 a released connection goes to the first waiting request, which then runs', () => {
    const pool = new ConnectionPool(limits({ maxConnections: 1, maxPendingRequests: 5 }));
    pool.admit(noop);
    const ran: string[] = [];
    pool.admit(() => ran.push('first'));
    pool.admit(() => ran.push('second'));
    pool.release();
    expect(ran).toEqual(['first']);
    pool.release();
    expect(ran).toEqual(['first', 'second']);
  });

  it('§9 max_requests caps requests in flight: the next one overflows without waiting', () => {
    const pool = new ConnectionPool(limits({ maxRequests: 2 }));
    pool.admit(noop);
    pool.admit(noop);
    expect(pool.admit(noop)).toMatchObject({ kind: 'overflow', limit: 'max_requests' });
    pool.release();
    expect(pool.admit(noop).kind).toBe('go');
  });

  it('§9 in-flight requests never exceed min(max_connections, max_requests), whatever the arrivals and releases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (maxConnections, maxPendingRequests, maxRequests, steps) => {
          const pool = new ConnectionPool(limits({ maxConnections, maxPendingRequests, maxRequests }));
          for (const arrive of steps) {
            if (arrive) pool.admit(noop);
            else pool.release();
            const s = pool.snapshot() as { active: number; pending: number };
            expect(s.active).toBeLessThanOrEqual(Math.min(maxConnections, maxRequests));
            expect(s.pending).toBeLessThanOrEqual(maxPendingRequests);
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});

describe('semantics §9 retries under the breaker', () => {
  it('§9 max_retries (Envoy default 3): a 4th concurrent retry is skipped, counted in upstream_rq_retry_overflow', () => {
    const pool = new ConnectionPool(limits({}));
    for (let i = 0; i < 3; i++) {
      expect(pool.retryAllowed().ok).toBe(true);
      pool.retryStarted();
    }
    const fourth = pool.retryAllowed();
    expect(fourth.ok).toBe(false);
    expect(fourth.reason).toContain('skipped');
    expect(pool.stats.upstream_rq_retry_overflow).toBe(1);
    pool.retryEnded();
    expect(pool.retryAllowed().ok).toBe(true);
  });

  it('§9 a retry budget replaces max_retries: max(min_retry_concurrency 3, 20 % of active requests)', () => {
    const pool = new ConnectionPool(limits({ maxRetries: 0, retryBudget: { budgetPercent: 20, minRetryConcurrency: 3 } }));
    // 20 requests in flight: 20 % is 4 retries, above the floor of 3, and max_retries 0 plays no part.
    for (let i = 0; i < 20; i++) pool.admit(noop);
    for (let i = 0; i < 4; i++) {
      expect(pool.retryAllowed().ok).toBe(true);
      pool.retryStarted();
    }
    expect(pool.retryAllowed().ok).toBe(false);
    // With 5 in flight, 20 % is 1: the floor of 3 applies.
    const small = new ConnectionPool(limits({ maxRetries: 0, retryBudget: { budgetPercent: 20, minRetryConcurrency: 3 } }));
    for (let i = 0; i < 5; i++) small.admit(noop);
    for (let i = 0; i < 3; i++) small.retryStarted();
    expect(small.retryAllowed().ok).toBe(false);
    small.retryEnded();
    expect(small.retryAllowed().ok).toBe(true);
  });
});

describe('semantics §9 the overflow answer', () => {
  it('§9 overflow is a local 503 with x-envoy-overloaded: true and response flag UO, never a backend call', () => {
    const pool = new ConnectionPool(limits({ maxRequests: 1 }));
    pool.admit(noop);
    const admission = pool.admit(noop);
    if (admission.kind !== 'overflow') throw new Error('expected an overflow');
    const verdict = overflowVerdict(admission, 'catalog');
    expect(verdict).toMatchObject({ kind: 'reply', status: 503, data: { flag: 'UO', limit: 'max_requests', service: 'catalog' } });
    expect(verdict.headers).toContainEqual(['x-envoy-overloaded', 'true']);
  });
});

describe('semantics §9 breakers are not coordinated between proxies', () => {
  it('§9 two replicas, max_connections 1 and max_pending_requests 1 each: 6 requests at once → 4 served, 2 overflow', async () => {
    // Each replica holds one connection and one waiting request of its own: together 4, where one
    // shared limit would have served 2.
    const text = `id: pool-per-replica
title: pool per replica
topic: resilience
summary: six requests at once over two replicas with one connection and one pending slot each
start: 2026-01-01T12:00:00Z
seed: 1
duration: 3s
replicas: 2
frontBalancer: round-robin
gateway:
  format: ir
  config:
    services:
      - name: slow
        url: http://slow.internal:8080
        upstream:
          connectionPool: {maxConnections: 1, maxPendingRequests: 1}
    routes:
      - {name: slow, service: slow, paths: [/slow]}
clients:
  - id: burst
    ip: 127.0.0.1
    request: { method: GET, url: http://api.example.com/slow }
    traffic: [{ burst: { at: 1s, count: 6 } }]
backends:
  - name: slow
    latency: 300ms
`;
    const ends = await baseRequestEnds(text, 'pool-per-replica.yaml', 'decisions');
    expect(ends.map((e) => e.status).sort()).toEqual([200, 200, 200, 200, 503, 503]);
  });
});
