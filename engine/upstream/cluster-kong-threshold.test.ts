/**
 * Kong's balancer-wide health, `healthchecks.threshold`: kong/runloop/balancer/balancers.lua
 * updateStatus keeps `healthy = available weight / total weight × 100 > threshold`, and the
 * least-connections and latency balancers (least_connections.lua, latency.lua) answer every getPeer
 * with "Balancer is unhealthy" while it is false — which kong/runloop/balancer/init.lua turns into
 * 503 "failure to get a peer from the ring-balancer" (semantics §1's kong.response.error format, the
 * dialect's noTarget). Configs come through the real Kong reader.
 */
import { describe, expect, it } from 'vitest';
import { ok as kongIr, V } from '../config/kong/test-kit.ts';
import { explainGet, kongIr as kongPipelineIr } from '../pipeline/test-kit.ts';
import { createExplainSession } from '../runtimes/sim/explain.ts';
import { UpstreamCluster } from './cluster.ts';

const draw = (): number => 0.5;
const request = (now: number) => ({ requestId: 'r', draw, now });

/** least-connections over a (weight 50), b and c (25 each); one 500 takes a target out. */
function cluster(threshold: number, algorithm = 'least-connections'): UpstreamCluster {
  const ir = kongIr(
    `${V}upstreams:\n  - name: pool\n    algorithm: ${algorithm}\n    healthchecks: {threshold: ${threshold}, passive: {unhealthy: {http_failures: 1}}}\n` +
      `    targets: [{target: "10.0.0.1:80", weight: 50}, {target: "10.0.0.2:80", weight: 25}, {target: "10.0.0.3:80", weight: 25}]\nservices:\n  - {name: s, host: pool}\n`,
  );
  const service = ir.services.find((s) => s.name === 's');
  if (!service) throw new Error('no service');
  return new UpstreamCluster(service, 0);
}

const out = (c: UpstreamCluster, ...hosts: number[]): void => {
  for (const i of hosts) c.finished(i, { status: 500 }, 1, 10, draw);
};

const refusal = (pct: string, threshold: number): string =>
  `Kong's balancer for s is unhealthy: targets with ${pct} % of the weight are healthy, not above healthchecks.threshold ${threshold} %, so it refuses every pick`;

describe("Kong healthchecks.threshold: the balancer's own health (balancers.lua updateStatus)", () => {
  it('above the threshold the healthy targets get traffic as usual: 75 % healthy > 50', () => {
    const c = cluster(50);
    out(c, 2);
    const s = c.select(request(20), new Set(), false);
    expect([0, 1]).toContain(s.index);
  });

  it('at the threshold every pick is refused: 50 % is not above 50, whichever targets carry it', () => {
    const bc = cluster(50);
    out(bc, 1, 2);
    expect(bc.select(request(20), new Set(), false)).toEqual({ index: -1, reason: refusal('50', 50) });
    // a alone out: b and c are healthy, but their weight is only half.
    const a = cluster(50);
    out(a, 0);
    expect(a.select(request(20), new Set(), false).index).toBe(-1);
  });

  it('a retry is refused too: getPeer checks on every call', () => {
    const c = cluster(80);
    out(c, 2);
    expect(c.select(request(20), new Set([0]), true)).toEqual({ index: -1, reason: refusal('75', 80) });
  });

  it('the share is of weight, not of targets: b out leaves 2 of 3 targets (66.7 %) but 75 % of the weight', () => {
    const c = cluster(70);
    out(c, 1);
    expect(c.select(request(20), new Set(), false).index).not.toBe(-1);
    const d = cluster(75);
    out(d, 1);
    expect(d.select(request(20), new Set(), false).reason).toBe(refusal('75', 75));
  });

  it('threshold 100 refuses every request, all targets healthy (100 is not above 100)', () => {
    expect(cluster(100).select(request(0), new Set(), false).reason).toBe(refusal('100', 100));
  });

  it('round-robin does not look at it (round_robin.lua: only after a DNS update): the healthy targets get traffic', () => {
    const c = cluster(50, 'round-robin');
    out(c, 1, 2);
    expect(c.select(request(20), new Set(), false).index).toBe(0);
  });
});

describe('through the simulation: the refusal is the ring-balancer 503 (kong/runloop/balancer/init.lua)', () => {
  it('threshold 100 on least-connections: the first pick fails, kong.response.error 503 in JSON', async () => {
    const config = `${V}upstreams:\n  - name: pool\n    algorithm: least-connections\n    healthchecks: {threshold: 100}\n    targets: [{target: "10.0.0.1:80"}]\nservices:\n  - name: s\n    host: pool\n    routes: [{name: r, paths: [/orders]}]\n`;
    const session = createExplainSession(kongPipelineIr(config, 'kong.yaml'), 1);
    const out = await session.send(explainGet(), 'r-1');
    expect(out.status).toBe(503);
    expect(out.response.body).toEqual({ message: 'failure to get a peer from the ring-balancer', request_id: 'r-1' });
    expect(out.decisions.find((d) => d.plugin === 'balancer')?.reason).toContain(refusal('100', 100));
  });
});
