/**
 * nginx `max_fails` / `fail_timeout` (semantics §10), as ngx_http_upstream_round_robin.c keeps them:
 * per peer a failure count `fails` and two instants, `accessed` (last failure) and `checked` (last
 * failure, or the pick that came more than fail_timeout after it). A peer with fails ≥ max_fails is
 * skipped while now − checked ≤ fail_timeout; after that it gets one trial request (the pick stamps
 * `checked`, which closes the door behind it). A success resets `fails` only when accessed < checked,
 * i.e. on a request picked more than fail_timeout after the last failure — successes in between do
 * not forgive anything. nginx keeps time in whole seconds, and so does this model.
 */
import { hostLabel, ms } from '../outlier/words.ts';
import type { HealthOptions, HealthVerdict, HostOutcome, PassiveHealth } from './types.ts';

export interface NginxPassiveOptions extends HealthOptions {
  /**
   * Statuses listed in proxy_next_upstream (http_500, http_502, http_503, http_504, http_429): only
   * those count as failures. nginx's default list is `error timeout`, so by default no status does.
   */
  failStatuses?: readonly number[];
}

interface Peer {
  fails: number;
  /** Seconds, as nginx's ngx_time(). */
  accessed: number;
  checked: number;
  /** What the trace last heard: out since a failure reached max_fails, until a trial succeeds. */
  down: boolean;
}

const sec = (nowMs: number): number => Math.floor(nowMs / 1000);

export function createNginxPassiveHealth(spec: { maxFails: number; failTimeoutMs: number }, hostCount: number, opts: NginxPassiveOptions = {}): PassiveHealth {
  const peers: Peer[] = Array.from({ length: Math.max(0, hostCount) }, () => ({ fails: 0, accessed: 0, checked: 0, down: false }));
  // fail_timeout is parsed in whole seconds (ngx_parse_time with is_sec).
  const failTimeout = Math.floor(spec.failTimeoutMs / 1000);
  const failStatuses = new Set(opts.failStatuses ?? []);
  // An upstream with one server (and no backup) is `single`: nginx never counts its failures.
  const single = peers.length === 1;
  // Once the caller reports picks, the pick-time stamp happens there; until then at response time.
  let stampsAtPick = false;
  const name = (i: number): string => hostLabel(opts.hostNames, i);

  function peer(i: number): Peer {
    const p = peers[i];
    if (!p) throw new RangeError(`nginx passive health: host ${i} is not in this upstream of ${peers.length} servers`);
    return p;
  }

  /** ngx_http_upstream_get_peer: the chosen peer's `checked` moves to now once fail_timeout is over. */
  function stamp(p: Peer, t: number): void {
    if (t - p.checked > failTimeout) p.checked = t;
  }

  function unavailable(p: Peer, t: number): boolean {
    return spec.maxFails > 0 && p.fails >= spec.maxFails && t - p.checked <= failTimeout;
  }

  /** What nginx calls this outcome when it is a failure (NGX_PEER_FAILED), else undefined. */
  function failure(outcome: HostOutcome): string | undefined {
    if (outcome.failure === 'timeout') return 'a timeout';
    if (outcome.failure === 'connect') return 'a connection error';
    if (outcome.failure === 'reset') return 'a connection reset (an error)';
    const status = outcome.status ?? 200;
    // 403 and 404 are never failures, even when listed (ngx_http_upstream_next frees them as NGX_PEER_NEXT).
    if (status !== 403 && status !== 404 && failStatuses.has(status)) return `HTTP ${status} (listed in proxy_next_upstream)`;
    return undefined;
  }

  function recordFailure(i: number, p: Peer, what: string, t: number): HealthVerdict {
    p.fails += 1;
    p.accessed = t;
    p.checked = t;
    const from = name(i);
    if (spec.maxFails <= 0) return { reason: `${what} from ${from}: max_fails=0 turns nginx's failure accounting off, so it stays in rotation` };
    if (p.fails < spec.maxFails) {
      return { reason: `${what} from ${from}: failure ${p.fails} of max_fails ${spec.maxFails}; at ${spec.maxFails} nginx takes it out for fail_timeout ${ms(failTimeout * 1000)}` };
    }
    const out = `nginx takes it out for fail_timeout ${ms(failTimeout * 1000)} ("upstream server temporarily disabled"), then lets one trial request through`;
    if (p.down) return { reason: `${what} from ${from} (failure ${p.fails}): the trial failed, so ${out} again` };
    p.down = true;
    return { changed: 'unhealthy', reason: `${what} from ${from}: failure ${p.fails} of max_fails ${spec.maxFails} — ${out}` };
  }

  return {
    record(i: number, outcome: HostOutcome, now: number): HealthVerdict {
      const p = peer(i);
      const t = sec(now);
      const what = failure(outcome);
      if (single) {
        return what ? { reason: `${what} from ${name(i)}: an upstream with a single server ignores max_fails, so nginx keeps sending to it` } : undefined;
      }
      if (!stampsAtPick) stamp(p, t);
      if (what) return recordFailure(i, p, what, t);
      if (p.accessed >= p.checked || p.fails === 0) return undefined;
      const had = p.fails;
      p.fails = 0;
      if (p.down) {
        p.down = false;
        return {
          changed: 'healthy',
          reason: `the trial request to ${name(i)} succeeded after fail_timeout ${ms(failTimeout * 1000)}: nginx forgets its ${had} failures and uses it again`,
        };
      }
      return { reason: `${name(i)} answered a request picked more than fail_timeout after its last failure: its failure count (${had}) starts again from 0` };
    },
    isHealthy(i: number, now: number): boolean {
      const p = peer(i);
      return single || !unavailable(p, sec(now));
    },
    picked(i: number, now: number): void {
      stampsAtPick = true;
      if (!single) stamp(peer(i), sec(now));
    },
    snapshot(now: number): Record<string, unknown> {
      const t = sec(now);
      return {
        kind: 'nginx',
        maxFails: spec.maxFails,
        failTimeoutMs: failTimeout * 1000,
        hosts: peers.map((p, i) => ({
          host: name(i),
          fails: p.fails,
          state: single ? 'up' : unavailable(p, t) ? 'down' : p.down ? 'trial' : 'up',
          availableAgainAt: unavailable(p, t) ? (p.checked + failTimeout + 1) * 1000 : null,
        })),
      };
    },
  };
}
