/**
 * Semantics §9, Envoy's panic threshold (`healthy_panic_threshold`, Istio `minHealthPercent`): a host
 * is unhealthy for the threshold when outlier detection ejected it OR it fails active health checks,
 * and below the threshold the balancer ignores health and picks among every host. Only the native IR
 * can give a cluster outlier detection together with health checks (Istio's DestinationRule has no
 * health checks, Kong has no outlier detection), so the configs below come through the real readers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptIstio } from '../config/istio/index.ts';
import { ok as kongIr, V } from '../config/kong/test-kit.ts';
import { UpstreamCluster } from './cluster.ts';
import { nativeService } from './native-service-kit.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { outlierFromIstio } from './outlier/index.ts';
import type { UpstreamPolicyIR } from './policy.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s9 panic seed=${seed} (replay: FC_SEED=${seed})`);

/** Outlier detection that ejects at the first 5xx, plus active checks that fail a host at one bad probe. */
const BOTH = (threshold: number): string =>
  `{outlierDetection: {consecutive5xx: 1, maxEjectionPercent: 100, healthyPanicThreshold: ${threshold}}, activeHealth: {interval: 5s, healthyThreshold: 1, unhealthyThreshold: 1}}`;

const draw = (): number => 0.5;
const request = (n: number) => ({ requestId: `r${n}`, draw: () => 0.5, now: 1000 });

/** Ejects host `e` (a 503) and fails host `a`'s active probe. */
function ejectAndFail(cluster: UpstreamCluster, e: number, a: number): void {
  cluster.finished(e, { status: 503 }, 1, 500, draw);
  cluster.probed(a, false, 500);
  expect(cluster.outlier?.isEjected(e)).toBe(true);
  expect(cluster.active?.isHealthy(a)).toBe(false);
}

/** The hosts `count` picks land on, and the reason of the first. */
function picks(cluster: UpstreamCluster, count: number): { hosts: Set<number>; reason: string } {
  const hosts = new Set<number>();
  let reason = '';
  for (let n = 0; n < count; n++) {
    const s = cluster.select(request(n), new Set(), false);
    hosts.add(s.index);
    if (n === 0) reason = s.reason;
  }
  return { hosts, reason };
}

describe('semantics §9: the panic threshold counts ejected hosts and hosts failing active checks', () => {
  it('§9 below the threshold (0 of 2 healthy < 50 %): one host ejected, one failing active checks, both get traffic', () => {
    const cluster = new UpstreamCluster(nativeService(2, BOTH(50)), 0);
    ejectAndFail(cluster, 0, 1);
    const out = picks(cluster, 4);
    // Old code counted only the ejection (1 of 2 = 50 % healthy, no panic), skipped both hosts and
    // answered "no healthy host".
    expect([...out.hosts].sort()).toEqual([0, 1]);
    expect(out.reason).toContain(
      'panic mode: fewer than 50 % of hosts healthy (a host ejected or failing active health checks counts as unhealthy), so the balancer ignores health and every host gets traffic',
    );
    expect(out.reason).not.toContain('skipped');
  });

  it('§9 below the threshold with 4 hosts (1 of 4 healthy = 25 % < 50 %): the ejected and the failing hosts share the traffic', () => {
    const cluster = new UpstreamCluster(nativeService(4, BOTH(50)), 0);
    ejectAndFail(cluster, 0, 1);
    cluster.probed(2, false, 500);
    // Old code counted only the ejection (75 % healthy), so no panic, and sent everything to 10.0.0.4.
    expect([...picks(cluster, 8).hosts].sort()).toEqual([0, 1, 2, 3]);
  });

  it('§9 at or above the threshold (2 of 4 healthy = 50 %, not fewer): both the ejected and the failing host are skipped', () => {
    const cluster = new UpstreamCluster(nativeService(4, BOTH(50)), 0);
    ejectAndFail(cluster, 0, 1);
    const out = picks(cluster, 8);
    expect([...out.hosts].sort()).toEqual([2, 3]);
    expect(out.reason).toContain('skipped 10.0.0.1:80 ejected, 10.0.0.2:80 failing active health checks');
    expect(out.reason).not.toContain('panic');
  });

  it('§9 a host passive checks took out counts like an ejected one (Envoy has no passive check besides outlier detection)', () => {
    // splitExternalLocalOriginErrors keeps the connect failure away from outlier detection, so host 2
    // is out through the passive checks alone.
    const upstream = `{passiveHealth: {kind: nginx, maxFails: 1, failTimeout: 10s}, outlierDetection: {consecutive5xx: 1, maxEjectionPercent: 100, splitExternalLocalOriginErrors: true}}`;
    const cluster = new UpstreamCluster(nativeService(2, upstream), 0);
    cluster.finished(0, { status: 503 }, 1, 500, draw); // ejected; nginx's passive check ignores an answered 503
    cluster.finished(1, { failure: 'connect' }, 1, 500, draw); // marked down by passive checks
    expect(cluster.outlier?.isEjected(1)).toBe(false);
    // Old code: 1 of 2 ejected is 50 % healthy, no panic, both skipped, no host at all.
    const out = picks(cluster, 4);
    expect([...out.hosts].sort()).toEqual([0, 1]);
    expect(out.reason).toContain('(a host ejected or marked down by passive checks counts as unhealthy)');
  });

  it('§9 Istio minHealthPercent: 0 (its default) never panics: one host ejected, one failing active checks → no host', () => {
    const yaml = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr, namespace: shop}\nspec:\n  host: orders\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: 0}\n';
    const od = adaptIstio(parseYaml(yaml, 'dr.yaml').docs).policies[0]?.policy.outlierDetection;
    if (!od) throw new Error('no outlierDetection');
    const base = nativeService(2, BOTH(50));
    // Istio itself has no active health checks; they are added by hand to show 0 wins over any count.
    const policy: UpstreamPolicyIR = { ...base.policy, outlierDetection: outlierFromIstio(od) };
    expect(policy.outlierDetection?.healthyPanicThreshold).toBe(0);
    const cluster = new UpstreamCluster({ ...base, policy }, 0);
    ejectAndFail(cluster, 0, 1);
    const s = cluster.select(request(0), new Set(), false);
    expect(s).toEqual({ index: -1, reason: 'no healthy host for orders: 10.0.0.1:80 ejected; 10.0.0.2:80 failing active health checks' });
    // Both hosts ejected: still no panic at 0 %.
    const ejectOnly = new UpstreamCluster({ ...base, policy: { outlierDetection: outlierFromIstio(od) } }, 0);
    ejectOnly.finished(0, { status: 503 }, 1, 500, draw);
    ejectOnly.finished(1, { status: 503 }, 1, 500, draw);
    expect(ejectOnly.select(request(0), new Set(), false).index).toBe(-1);
  });

  it('an outlier-only cluster keeps its panic sentence (ejection is the only way to be unhealthy there)', () => {
    const cluster = new UpstreamCluster(nativeService(2, '{outlierDetection: {consecutive5xx: 1, maxEjectionPercent: 100}}'), 0);
    cluster.finished(0, { status: 503 }, 1, 500, draw);
    cluster.finished(1, { status: 503 }, 1, 500, draw);
    expect(cluster.select(request(0), new Set(), false).reason).toContain('(panic mode: fewer than 50 % of hosts healthy, so ejected hosts get traffic too)');
  });

  it('Kong has no panic mode: its healthchecks never give a cluster outlier detection, so all hosts down means no host', () => {
    const ir = kongIr(
      `${V}upstreams:\n  - name: pool\n    healthchecks:\n      active:\n        healthy: {interval: 2, successes: 1}\n        unhealthy: {interval: 2, http_failures: 1, tcp_failures: 1, timeouts: 1}\n    targets:\n      - target: 10.0.0.1:80\n      - target: 10.0.0.2:80\nservices:\n  - name: s\n    host: pool\n`,
    );
    const service = ir.services.find((s) => s.name === 's');
    if (!service) throw new Error('no service');
    expect(service.policy?.outlierDetection).toBeUndefined();
    const cluster = new UpstreamCluster(service, 0);
    cluster.probed(0, false, 500);
    cluster.probed(1, false, 500);
    expect(cluster.select(request(0), new Set(), false).index).toBe(-1);
  });

  it(`§9 property (seed ${seed}): panic ⇔ healthy % < threshold with ejected ∪ failing-active as unhealthy; panic → any host, else only healthy ones`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(0, 25, 50, 75, 100),
        fc.array(fc.constantFrom('ok', 'ejected', 'failing', 'both'), { minLength: 8, maxLength: 8 }),
        (n, threshold, states) => {
          const cluster = new UpstreamCluster(nativeService(n, BOTH(threshold)), 0);
          const down = new Set<number>();
          for (let i = 0; i < n; i++) {
            const st = states[i];
            if (st === 'ejected' || st === 'both') cluster.finished(i, { status: 503 }, 1, 500, draw);
            if (st === 'failing' || st === 'both') cluster.probed(i, false, 500);
            if (st !== 'ok') down.add(i);
          }
          const panic = (100 * (n - down.size)) / n < threshold;
          const seen = picks(cluster, 3 * n).hosts;
          if (panic) expect([...seen].sort()).toEqual([...Array(n).keys()]);
          else if (down.size === n) expect([...seen]).toEqual([-1]);
          else for (const h of seen) expect(down.has(h)).toBe(false);
        },
      ),
      { seed, numRuns: 150 },
    );
  });
});
