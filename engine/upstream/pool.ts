/**
 * Envoy's cluster "circuit breakers" (semantics §9): they are concurrency limits, not a state machine.
 * A request needs a connection (HTTP/1.1: one request per connection); when `maxConnections` are busy
 * it waits in the pending queue, and when that holds `maxPendingRequests` it is answered 503 at once
 * (response flag UO, `x-envoy-overloaded: true`). `maxRequests` caps requests in flight; `maxRetries`
 * (or a retry budget) caps retries in flight — a retry over the limit is skipped, not failed.
 */
import type { ConnectionPoolPolicyIR } from './policy.ts';

export type Admission =
  | { kind: 'go'; reason: string }
  | { kind: 'queued'; reason: string }
  | { kind: 'overflow'; limit: 'max_requests' | 'max_pending_requests'; reason: string };

export class ConnectionPool {
  private active = 0;
  private retries = 0;
  private readonly waiting: Array<() => void> = [];
  /** Overflow counters, as Envoy's stats name them. */
  readonly stats = { upstream_rq_pending_overflow: 0, upstream_rq_retry_overflow: 0, upstream_cx_overflow: 0 };

  constructor(private readonly limits: ConnectionPoolPolicyIR) {}

  /** Asks for a connection; `ready` runs (later) when a queued request gets one. */
  admit(ready: () => void): Admission {
    const l = this.limits;
    if (this.active >= l.maxRequests) {
      this.stats.upstream_rq_pending_overflow++;
      return {
        kind: 'overflow',
        limit: 'max_requests',
        reason: `${this.active} requests already in flight to this service (max_requests ${l.maxRequests}): answered 503 at once without calling a backend`,
      };
    }
    if (this.active < l.maxConnections) {
      this.active++;
      return { kind: 'go', reason: `connection ${this.active} of ${limitText(l.maxConnections)} in use` };
    }
    this.stats.upstream_cx_overflow++;
    if (this.waiting.length >= l.maxPendingRequests) {
      this.stats.upstream_rq_pending_overflow++;
      return {
        kind: 'overflow',
        limit: 'max_pending_requests',
        reason: `all ${l.maxConnections} connections busy (max_connections) and ${this.waiting.length} requests already waiting (max_pending_requests ${l.maxPendingRequests}): answered 503 at once without calling a backend`,
      };
    }
    this.waiting.push(() => {
      this.active++;
      ready();
    });
    return {
      kind: 'queued',
      reason: `all ${l.maxConnections} connections busy (max_connections): waiting in the pending queue as number ${this.waiting.length} of at most ${l.maxPendingRequests}`,
    };
  }

  /** A request gave its connection back: the first waiting request takes it. */
  release(): void {
    this.active = Math.max(0, this.active - 1);
    const nextInLine = this.waiting.shift();
    if (nextInLine) nextInLine();
  }

  /** Whether one more retry may start now (Envoy max_retries, or the retry budget that replaces it). */
  retryAllowed(): { ok: boolean; reason: string } {
    const budget = this.limits.retryBudget;
    const cap = budget
      ? Math.max(budget.minRetryConcurrency, Math.floor(((this.active + this.waiting.length) * budget.budgetPercent) / 100))
      : this.limits.maxRetries;
    const what = budget
      ? `retry budget ${budget.budgetPercent} % of ${this.active + this.waiting.length} active requests (at least ${budget.minRetryConcurrency})`
      : `max_retries ${limitText(this.limits.maxRetries)}`;
    if (this.retries >= cap) {
      this.stats.upstream_rq_retry_overflow++;
      return { ok: false, reason: `${this.retries} retries already in flight, ${what}: this retry is skipped` };
    }
    return { ok: true, reason: `${this.retries + 1} retries in flight of ${cap} allowed (${what})` };
  }

  retryStarted(): void {
    this.retries++;
  }

  retryEnded(): void {
    this.retries = Math.max(0, this.retries - 1);
  }

  snapshot(): Record<string, unknown> {
    return { active: this.active, pending: this.waiting.length, retries: this.retries, ...this.stats };
  }
}

function limitText(n: number): string {
  return n >= 4294967295 ? 'unlimited' : String(n);
}
