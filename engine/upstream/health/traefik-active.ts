/**
 * Traefik's active health check (`loadBalancer.healthCheck`), as pkg/healthcheck/healthcheck.go
 * ServiceHealthChecker runs it:
 *   - every server starts up (NewServiceHealthChecker puts them all in healthyTargets);
 *   - two tickers from the checker's launch: healthy servers are probed every `interval`, unhealthy
 *     ones every `unhealthyInterval` (healthcheck(): one goroutine per channel). The first tick is one
 *     period after the launch, never at it (time.NewTicker);
 *   - each probe's result is the server's state at once: one failure takes it out, one pass puts it
 *     back (SetStatus(up) after every probe, no thresholds), and moves it to the channel of its new
 *     state, so its next probe waits for that state's ticker;
 *   - a probe passes with a 2xx or 3xx answer, or exactly `status` when set (checkHealthHTTP); a
 *     refused connection or no answer within `timeout` fails it.
 * With passiveHealthCheck on the same service both write one status per server in the balancer
 * (SetStatus). The passive check then starts no failureWindow timer (hasActiveHealthCheck): a server
 * it took out is put back by the next passing probe. The active checker does not hear of that take-out,
 * so the server stays in its healthy channel and that probe comes on the `interval` ticker. Every
 * passing probe calls SetStatus(true), even for a server the active check itself never took out.
 */
import { hostLabel, ms } from '../outlier/words.ts';
import type { ActiveHealthIR } from '../policy.ts';
import { classifyProbe, type ProbeResult } from './probe.ts';
import type { ActiveHealth, HealthOptions, HealthVerdict } from './types.ts';

/**
 * The adapter's marker on an ActiveHealthIR that is Traefik's: healthyIntervalMs is `interval`,
 * unhealthyIntervalMs `unhealthyInterval` (each a whole multiple of intervalMs, the hosts' timer),
 * healthyStatuses [] or [status], and both thresholds 1.
 */
export type TraefikActiveIR = ActiveHealthIR & { flavour: 'traefik' };

export function isTraefikActive(spec: ActiveHealthIR | undefined): spec is TraefikActiveIR {
  return spec?.flavour === 'traefik';
}

/**
 * The balancer's up flag per server, as Traefik's wrr/p2c keep it (SetStatus). Shared by the active
 * and the passive check of one service when both are on.
 */
export interface TraefikServerStatus {
  up: boolean[];
}

export interface TraefikActiveOptions extends HealthOptions {
  /** The flags shared with passiveHealthCheck; absent = the active check owns them alone. */
  status?: TraefikServerStatus;
}

/** The greatest common divisor, for the hosts' timer under two tickers. */
export function gcdMs(a: number, b: number): number {
  let x = Math.abs(Math.round(a));
  let y = Math.abs(Math.round(b));
  while (y > 0) [x, y] = [y, x % y];
  return x;
}

export function createTraefikActiveHealth(spec: TraefikActiveIR, hostCount: number, startAt: number, opts: TraefikActiveOptions = {}): ActiveHealth {
  const n = Math.max(0, hostCount);
  const status = opts.status ?? { up: Array.from({ length: n }, () => true) };
  // The active checker's own channel per server: true = healthyTargets. Only its probes move it.
  const channel: boolean[] = Array.from({ length: n }, () => true);
  const tick = spec.intervalMs;
  const every = (periodMs: number | undefined): number => Math.max(1, Math.round((periodMs ?? tick) / tick));
  const healthyEvery = every(spec.healthyIntervalMs);
  const unhealthyEvery = every(spec.unhealthyIntervalMs);
  const interval = `interval ${ms(spec.healthyIntervalMs ?? tick)}`;
  const unhealthyInterval = `unhealthyInterval ${ms(spec.unhealthyIntervalMs ?? tick)}`;
  const wanted = spec.healthyStatuses.length > 0 ? `status ${spec.healthyStatuses.join(', ')}` : '2xx or 3xx';
  const name = (i: number): string => hostLabel(opts.hostNames, i);

  function check(i: number): void {
    if (i < 0 || i >= n) throw new RangeError(`Traefik healthCheck: server ${i} is not among the ${n} servers of this load balancer`);
  }

  function words(result: ProbeResult): string {
    if (typeof result === 'boolean') return result ? 'passed' : 'failed';
    if (result.failure === 'connect') return 'failed: connection refused';
    if (result.failure === 'reset') return 'failed: connection reset';
    if (result.failure === 'timeout' || (spec.timeoutMs > 0 && (result.latencyMs ?? 0) > spec.timeoutMs)) return `failed: no answer within timeout ${ms(spec.timeoutMs)}`;
    const s = result.status ?? 0;
    return classifyProbe(spec, result) === 'success' ? `answered ${s} (${wanted})` : `answered ${s}, not ${wanted}`;
  }

  function isDue(i: number, round: number): boolean {
    check(i);
    // time.NewTicker: no probe at the launch itself.
    return tick > 0 && round > 0 && round % (channel[i] ? healthyEvery : unhealthyEvery) === 0;
  }

  return {
    dueProbes(from: number, to: number): number[] {
      if (!(tick > 0)) return [];
      const out: number[] = [];
      const first = Math.max(1, Math.floor((from - startAt) / tick) + 1);
      for (let k = first; startAt + k * tick <= to; k++) out.push(startAt + k * tick);
      return out;
    },
    roundAt: (now: number): number => (tick > 0 ? Math.round((now - startAt) / tick) : -1),
    isDue,
    dueTargets: (round: number): number[] => channel.flatMap((_, i) => (isDue(i, round) ? [i] : [])),
    recordProbe(i: number, result: ProbeResult): HealthVerdict {
      check(i);
      const up = classifyProbe(spec, result) === 'success';
      const wasUp = status.up[i] as boolean;
      const wasChannel = channel[i] as boolean;
      status.up[i] = up;
      channel[i] = up;
      const probe = `healthCheck probe of ${spec.path} on ${name(i)} ${words(result)}`;
      if (up && !wasUp) {
        const why = wasChannel
          ? `it is back: with healthCheck on the service, passiveHealthCheck took it out without a failureWindow timer and left its return to this probe (Traefik's SetStatus(true) after every passing probe)`
          : `one passing probe puts it back (Traefik has no healthy threshold); it is probed every ${interval} again`;
        return { changed: 'healthy', reason: `${probe}: ${why}` };
      }
      if (!up && wasUp) {
        return { changed: 'unhealthy', reason: `${probe}: one failed probe takes it out of the load balancer (Traefik has no unhealthy threshold); from now on it is probed every ${unhealthyInterval}` };
      }
      return undefined;
    },
    isHealthy(i: number): boolean {
      check(i);
      return status.up[i] as boolean;
    },
    snapshot(): Record<string, unknown> {
      return {
        kind: 'traefik',
        path: spec.path,
        intervalMs: spec.healthyIntervalMs ?? tick,
        unhealthyIntervalMs: spec.unhealthyIntervalMs ?? tick,
        timeoutMs: spec.timeoutMs,
        hosts: channel.map((c, i) => ({ host: name(i), healthy: status.up[i], probedAs: c ? 'healthy' : 'unhealthy' })),
      };
    },
  };
}
