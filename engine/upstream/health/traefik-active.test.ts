/**
 * Traefik's active healthCheck as traefik/traefik pkg/healthcheck/healthcheck.go runs it:
 * NewServiceHealthChecker (every server starts in healthyTargets, unhealthyInterval defaults to
 * interval), Launch/healthcheck (one ticker per channel, first tick one period after launch, targets
 * collected once per tick), the loop's SetStatus(ctx, name, up) after every probe (one result decides,
 * no thresholds) and checkHealthHTTP (2xx/3xx, or exactly `status` when set). ../shared/semantics.md has
 * no section on it, only its feature table ("Active health checks": Traefik, Yes); the rules here come
 * from the source above and are written up in docs/upstream/health-checks.md.
 */
import { describe, expect, it } from 'vitest';
import { createTraefikActiveHealth, gcdMs, isTraefikActive, type TraefikActiveIR } from './traefik-active.ts';

const S = 1000;
const NAMES = ['10.0.5.1:8080', '10.0.5.2:8080'];

function spec(over: Partial<TraefikActiveIR> = {}): TraefikActiveIR {
  return { flavour: 'traefik', path: '/health', intervalMs: 10 * S, healthyIntervalMs: 30 * S, unhealthyIntervalMs: 10 * S, timeoutMs: 5 * S, healthyThreshold: 1, unhealthyThreshold: 1, healthyStatuses: [], ...over };
}

describe('Traefik healthCheck (healthcheck.go ServiceHealthChecker)', () => {
  it('every server starts up; the first probe is one interval after launch, never at it (time.NewTicker)', () => {
    const h = createTraefikActiveHealth(spec(), 2, 0, { hostNames: NAMES });
    expect(h.isHealthy(0) && h.isHealthy(1)).toBe(true);
    expect(h.dueTargets(0)).toEqual([]);
    expect(h.dueProbes(-1, 60 * S)).toEqual([10 * S, 20 * S, 30 * S, 40 * S, 50 * S, 60 * S]);
    // Healthy servers on the interval ticker (30 s = every third 10 s tick).
    expect(h.dueTargets(1)).toEqual([]);
    expect(h.dueTargets(3)).toEqual([0, 1]);
  });

  it('one failed probe takes a server out; it is then probed on the unhealthyInterval ticker', () => {
    const h = createTraefikActiveHealth(spec(), 2, 0, { hostNames: NAMES });
    const v = h.recordProbe(0, { status: 500 }, 30 * S);
    expect(v?.changed).toBe('unhealthy');
    expect(v?.reason).toBe('healthCheck probe of /health on 10.0.5.1:8080 answered 500, not 2xx or 3xx: one failed probe takes it out of the load balancer (Traefik has no unhealthy threshold); from now on it is probed every unhealthyInterval 10 s');
    expect(h.isHealthy(0)).toBe(false);
    expect(h.dueTargets(4)).toEqual([0]);
    expect(h.dueTargets(6)).toEqual([0, 1]);
  });

  it('one passing probe brings it back and returns it to the interval ticker', () => {
    const h = createTraefikActiveHealth(spec(), 1, 0, { hostNames: NAMES });
    h.recordProbe(0, { failure: 'connect' }, 30 * S);
    expect(h.recordProbe(0, { failure: 'timeout' }, 40 * S)).toBeUndefined();
    const v = h.recordProbe(0, { status: 302 }, 50 * S);
    expect(v?.changed).toBe('healthy');
    expect(v?.reason).toContain('answered 302 (2xx or 3xx): one passing probe puts it back (Traefik has no healthy threshold); it is probed every interval 30 s again');
    expect(h.dueTargets(7)).toEqual([]);
  });

  it('checkHealthHTTP: with status set only that status passes; a slow answer past timeout fails', () => {
    const h = createTraefikActiveHealth(spec({ healthyStatuses: [204] }), 1, 0);
    expect(h.recordProbe(0, { status: 200 }, 30 * S)?.reason).toContain('answered 200, not status 204');
    expect(h.recordProbe(0, { status: 204 }, 40 * S)?.changed).toBe('healthy');
    expect(h.recordProbe(0, { status: 204, latencyMs: 6 * S }, 70 * S)?.reason).toContain('no answer within timeout 5 s');
  });

  it('the marker and the timer: only flavour traefik is Traefik\'s; two tickers share their gcd', () => {
    expect(isTraefikActive(spec())).toBe(true);
    expect(isTraefikActive({ ...spec(), flavour: undefined } as never)).toBe(false);
    expect(gcdMs(30 * S, 10 * S)).toBe(10 * S);
    expect(gcdMs(30 * S, 4 * S)).toBe(2 * S);
  });
});
