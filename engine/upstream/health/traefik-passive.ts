/**
 * Traefik's passive health check (v3.6+, `loadBalancer.passiveHealthCheck`), as
 * pkg/healthcheck/healthcheck.go PassiveServiceHealthChecker keeps it: per server a list of failure
 * instants. WrapHandler judges every attempt the proxy makes to a server:
 *   - a success is an attempt whose request reached the server (httptrace WroteHeaders/WroteRequest)
 *     and whose final status is below 500; it empties the list, so failures only add up in a row;
 *   - anything else is a failure: a refused connection (the request never left), or a status ≥ 500,
 *     including the 502/504 Traefik's own proxy writes for a reset or a timeout.
 * A failure is appended, the list is cut to the failures strictly after now − failureWindow
 * (`healthy`), and when maxFailedAttempts or more remain, the balancer's SetStatus takes the server out
 * and a timer of failureWindow puts it back (a plain time.Timer: no trial request, no success needed).
 * While that timer runs, further failures change nothing. The list is not emptied on the way back.
 * With an active healthCheck on the same service Traefik starts no timer and leaves the return to the
 * active check (hasActiveHealthCheck): then the up flags are shared with traefik-active.ts (`activeStatus`),
 * a take-out clears the server's flag and only a passing probe sets it again. Whether the wrapped balancer is wrr or p2c makes no
 * difference: both take the checker's SetStatus (pkg/server/service/service.go).
 */
import { hostLabel, ms } from '../outlier/words.ts';
import type { PassiveHealthIR } from '../policy.ts';
import type { TraefikServerStatus } from './traefik-active.ts';
import type { HealthOptions, HealthVerdict, HostOutcome, PassiveHealth, PassiveReturn } from './types.ts';

export interface TraefikPassiveOptions extends HealthOptions {
  /** The balancer's up flags, shared with the service's active healthCheck: no failureWindow timer then. */
  activeStatus?: TraefikServerStatus;
}

type TraefikPassiveIR = Extract<PassiveHealthIR, { kind: 'traefik' }>;

interface Server {
  /** Failure instants (ms) since the last success, as Traefik's `failures[targetURL]`. */
  failures: number[];
  /** When the failureWindow timer puts the server back; undefined while it is in rotation. */
  backAt: number | undefined;
  /** When the timer last put it back, until `returns` has told the trace. */
  returnedAt: number | undefined;
}

/** What Traefik's codeCatcher would hold for this outcome, and whether the backend was called. */
function judge(outcome: HostOutcome): { called: boolean; status: number; what: string } {
  // A refused connection never writes the request: backendCalled stays false, Traefik answers 502.
  if (outcome.failure === 'connect') return { called: false, status: 502, what: 'a refused connection (the request never reached it)' };
  // The request was written, then the proxy's ErrorHandler wrote 504 (timeout) or 502 (reset).
  if (outcome.failure === 'timeout') return { called: true, status: 504, what: 'a timeout (Traefik answers 504)' };
  if (outcome.failure === 'reset') return { called: true, status: 502, what: 'a connection reset (Traefik answers 502)' };
  const status = outcome.status ?? 200;
  return { called: true, status, what: `HTTP ${status}` };
}

export function createTraefikPassiveHealth(spec: TraefikPassiveIR, hostCount: number, opts: TraefikPassiveOptions = {}): PassiveHealth {
  const shared = opts.activeStatus;
  const servers: Server[] = Array.from({ length: Math.max(0, hostCount) }, () => ({ failures: [], backAt: undefined, returnedAt: undefined }));
  const window = spec.failureWindowMs;
  const max = spec.maxFailedAttempts;
  const name = (i: number): string => hostLabel(opts.hostNames, i);
  const knobs = `failureWindow ${ms(window)}`;

  function server(i: number): Server {
    const s = servers[i];
    if (!s) throw new RangeError(`Traefik passive health: server ${i} is not in this load balancer of ${servers.length} servers`);
    return s;
  }

  /** Ends a timer that has run out by `now` (Traefik's SetStatus(true) from the timer goroutine). */
  function settle(s: Server, now: number): void {
    if (s.backAt !== undefined && now >= s.backAt) {
      s.returnedAt = s.backAt;
      s.backAt = undefined;
    }
  }

  /**
   * healthy(): keep the failures strictly after now − failureWindow. Go's loop only trims when it
   * finds such a failure; the one just appended always is, unless the window is 0 or less, in which
   * case nothing is trimmed and every failure since the last success counts.
   */
  function trim(s: Server, now: number): void {
    const start = now - window;
    const first = s.failures.findIndex((t) => t > start);
    if (first > 0) s.failures = s.failures.slice(first);
  }

  return {
    record(i: number, outcome: HostOutcome, now: number): HealthVerdict {
      const s = server(i);
      settle(s, now);
      const j = judge(outcome);
      const from = name(i);
      if (j.called && j.status < 500) {
        const had = s.failures.length;
        s.failures = [];
        return had > 0 ? { reason: `${j.what} from ${from}: below 500, so Traefik forgets its ${had} failure${had === 1 ? '' : 's'} (they must come in a row)` } : undefined;
      }
      s.failures.push(now);
      trim(s, now);
      const count = s.failures.length;
      const tally = `${count} failure${count === 1 ? '' : 's'} within ${knobs}`;
      if (count < max) return { reason: `${j.what} from ${from}: ${tally} < maxFailedAttempts ${max}, so it stays in rotation` };
      if (shared) {
        // hasActiveHealthCheck: SetStatus(false) and no timer; no timer is ever stored either, so a
        // later failure only sets the same flag again.
        if (shared.up[i] === false) return { reason: `${j.what} from ${from}: ${tally}, but it is already out; with healthCheck on the service only a passing probe puts it back` };
        shared.up[i] = false;
        return {
          changed: 'unhealthy',
          reason: `${j.what} from ${from}: ${tally} ≥ maxFailedAttempts ${max} — Traefik takes it out of the load balancer and, with healthCheck on the service, starts no failureWindow timer: the next passing healthCheck probe puts it back`,
        };
      }
      // An attempt that left before the server went out can still fail while the timer runs.
      if (s.backAt !== undefined) return { reason: `${j.what} from ${from}: ${tally}, but it is already out and the running failureWindow timer is not restarted` };
      s.backAt = now + window;
      // A return the trace has not heard of yet is dropped here: the sentence says it happened.
      const back = s.returnedAt !== undefined ? ' (it had just come back when its last timer ran out)' : '';
      s.returnedAt = undefined;
      return {
        changed: 'unhealthy',
        reason: `${j.what} from ${from}: ${tally} ≥ maxFailedAttempts ${max}${back} — Traefik takes it out of the load balancer for failureWindow ${ms(window)}, then a timer puts it back (no trial request)`,
      };
    },
    isHealthy(i: number, now: number): boolean {
      const s = server(i);
      if (shared) return shared.up[i] !== false;
      return s.backAt === undefined || now >= s.backAt;
    },
    picked(i: number): void {
      server(i); // Traefik's passive check has no notion of a pick; validate the index only.
    },
    returns(now: number): PassiveReturn[] {
      const out: PassiveReturn[] = [];
      servers.forEach((s, i) => {
        settle(s, now);
        const at = s.returnedAt;
        if (at === undefined) return;
        s.returnedAt = undefined;
        out.push({
          host: i,
          at,
          reason: `the failureWindow timer (${ms(window)}) for ${name(i)} ran out: Traefik puts it back into the load balancer with no trial; its failure list is kept, but those failures are older than failureWindow now and drop out at the next failure`,
        });
      });
      return out;
    },
    snapshot(now: number): Record<string, unknown> {
      return {
        kind: 'traefik',
        maxFailedAttempts: max,
        failureWindowMs: window,
        hosts: servers.map((s, i) => {
          const out = shared ? shared.up[i] === false : s.backAt !== undefined && now < s.backAt;
          return { host: name(i), failures: s.failures.length, state: out ? 'down' : 'up', availableAgainAt: out ? s.backAt : null };
        }),
      };
    },
  };
}
