/**
 * Kong keeps one balancer and one health checker per upstream entity, whatever number of services
 * name it: kong/runloop/balancer/balancers.lua `get_balancer(balancer_data)` looks the upstream up by
 * the service's host (upstreams.get_upstream_by_name) and returns `balancers_by_id[upstream.id]`,
 * created once per upstream with its healthchecker (healthcheckers.lua create_healthchecker, named
 * `ws_id:upstream.name`). What stays per service is what kong/runloop/handler.lua balancer_prepare
 * copies from the service into the request's balancer_data: retries and the timeouts; the path is the
 * service's too. Semantics §10 (Kong's balancers); the same upstream entity's healthchecks as in §9's
 * Kong tests. Configs go through the real Kong reader.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayIR, ServiceIR } from '../config/ir.ts';
import { Gateway } from '../pipeline/gateway.ts';
import { explainGet, kongIr } from '../pipeline/test-kit.ts';
import { createExplainSession, type ExplainResult } from '../runtimes/sim/explain.ts';
import { nativeService } from './native-service-kit.ts';

const HOSTS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'];

/** Upstream `pool` (three equal targets, one 500 takes a target out) behind services a and b, and service solo on its own. */
function config(healthchecks = '{passive: {unhealthy: {http_failures: 1}}}'): GatewayIR {
  return kongIr(`_format_version: "3.0"
upstreams:
  - name: pool
    healthchecks: ${healthchecks}
    targets: [${HOSTS.map((h) => `{target: "${h}"}`).join(', ')}]
services:
  - name: a
    host: pool
    path: /a-base
    retries: 0
    routes: [{name: ra, paths: [/a], strip_path: true}]
  - name: b
    host: pool
    retries: 2
    read_timeout: 1234
    routes: [{name: rb, paths: [/b], strip_path: true}]
  - name: solo
    url: http://10.0.0.9:80
    routes: [{name: rs, paths: [/solo]}]
`);
}

const service = (ir: GatewayIR, name: string): ServiceIR => {
  const s = ir.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

/** The host each request was sent to (its first try), in order. */
const targetOf = (r: ExplainResult): string | undefined => (r.upstream ? r.upstream.host : undefined);

async function sendAll(ir: GatewayIR, paths: string[], byTarget: Record<string, number | 'refused'> = {}): Promise<ExplainResult[]> {
  const session = createExplainSession(ir, 1);
  const out: ExplainResult[] = [];
  for (const [i, path] of paths.entries()) out.push(await session.send(explainGet({ url: `http://api.example.com${path}/${i}`, upstreamByTarget: byTarget }), `r-${i}`));
  return out;
}

/** Where each try of a request went, from its balancer decisions' data. */
const triesOf = (r: ExplainResult): string[] => r.decisions.filter((d) => d.plugin === 'balancer' && d.data?.['target'] !== undefined).map((d) => String(d.data?.['target']));

describe('Kong: one balancer and one health checker per upstream, shared by every service naming it', () => {
  it('the adapter marks each service over an upstream with it; a service on a plain host has no key', () => {
    const ir = kongIr(`_format_version: "3.0"
upstreams: [{name: pool, targets: [{target: "10.0.0.1:80"}]}]
services:
  - {name: a, host: pool, routes: [{name: ra, paths: [/a]}]}
  - {name: b, host: pool, routes: [{name: rb, paths: [/b]}]}
  - {name: c, url: "http://10.0.0.9:80", routes: [{name: rc, paths: [/c]}]}
`);
    expect(ir.services.map((s) => s.upstreamKey)).toEqual(['pool', 'pool', undefined]);
  });

  it('round-robin: requests through a, b, a, b move one cursor, the same picks as a, a, a, a (not each service its own)', async () => {
    const ir = config();
    const alone = (await sendAll(ir, ['/a', '/a', '/a', '/a', '/a', '/a'])).map(targetOf);
    const mixed = (await sendAll(ir, ['/a', '/b', '/a', '/b', '/a', '/b'])).map(targetOf);
    expect(mixed).toEqual(alone);
    // Every target once per round of three: a cursor per service would have sent b to a's first target again.
    expect(new Set(mixed.slice(0, 3)).size).toBe(3);
    expect(mixed[1]).not.toBe(mixed[0]);
  });

  it("a target taken out by a failure seen through service a is out for service b too (one checker's state)", async () => {
    const ir = config();
    const bad = '10.0.0.1';
    // a's requests until one reaches the failing target: its 500 is the one http_failures allows.
    const first = await sendAll(ir, ['/a', '/a', '/a', '/b', '/b', '/b', '/b', '/b', '/b'], { [`${bad}:80`]: 500 });
    const hitAt = first.findIndex((r) => targetOf(r) === bad);
    expect(hitAt).toBeGreaterThanOrEqual(0);
    expect(hitAt).toBeLessThan(3);
    expect(first[hitAt]?.status).toBe(500);
    // Six requests of b after it: none goes to the target a's request took out.
    const after = first.slice(3);
    expect(after.map(targetOf)).not.toContain(bad);
    expect(after.every((r) => r.status === 200)).toBe(true);
    // The balancer's sentence for b says b (the service sends), and why 10.0.0.1 was skipped.
    const reason = after[0]?.decisions.find((d) => d.plugin === 'balancer')?.reason ?? '';
    expect(reason).toMatch(/^sending to b at 10\.0\.0\.[23]:80 as GET \/3 — /);
    expect(reason).toContain('skipped 10.0.0.1:80 marked down by passive checks');
  });

  it('with every target out, a request through either service is refused naming the upstream, not a service', async () => {
    const ir = config();
    const all = Object.fromEntries(HOSTS.map((h) => [h, 500]));
    const out = await sendAll(ir, ['/a', '/b', '/a', '/b'], all);
    expect(out.slice(0, 3).map((r) => r.status)).toEqual([500, 500, 500]);
    expect(out[3]?.status).toBe(503);
    const refusal = out[3]?.decisions.find((d) => d.plugin === 'balancer')?.reason ?? '';
    expect(refusal).toContain('no healthy host for upstream pool: 10.0.0.1:80 marked down by passive checks');
  });

  it("healthchecks.threshold's refusal names the upstream too: it is the shared balancer's health", () => {
    const ir = kongIr(`_format_version: "3.0"
upstreams: [{name: pool, algorithm: least-connections, healthchecks: {threshold: 100}, targets: [{target: "10.0.0.1:80"}]}]
services:
  - {name: a, host: pool, routes: [{name: ra, paths: [/a]}]}
  - {name: b, host: pool, routes: [{name: rb, paths: [/b]}]}
`);
    const cluster = new Gateway(ir, 'gw-0', 0).clusterFor(service(ir, 'b'), 0);
    expect(cluster.select({ requestId: 'r', draw: () => 0.5, now: 0 }, new Set(), false).reason).toMatch(/^Kong's balancer for upstream pool is unhealthy: /);
  });

  it("retries, timeouts and the path stay each service's own (handler.lua balancer_prepare)", async () => {
    const ir = config('{}');
    // Every target refuses: a (retries 0) answers after one try, b (retries 2) after three.
    const refused = Object.fromEntries(HOSTS.map((h) => [h, 'refused' as const]));
    const [ra, rb] = await sendAll(ir, ['/a', '/b'], refused);
    expect(triesOf(ra as ExplainResult)).toHaveLength(1);
    expect(triesOf(rb as ExplainResult)).toHaveLength(3);
    const [pa, pb] = await sendAll(ir, ['/a', '/b']);
    expect(pa?.upstream?.path).toBe('/a-base/0');
    expect(pb?.upstream?.path).toBe('/1');
    const gw = new Gateway(ir, 'gw-0', 0);
    expect(gw.clusterFor(service(ir, 'a'), 0).policy.timeouts?.perTryMs).toBe(60000);
    expect(service(ir, 'b').policy?.timeouts?.perTryMs).toBe(1234);
  });

  it('one cluster object per upstream: the same for a and b, built from the first service in config order whoever asks first', () => {
    const ir = config();
    const gw = new Gateway(ir, 'gw-0', 0);
    const viaB = gw.clusterFor(service(ir, 'b'), 0);
    expect(gw.clusterFor(service(ir, 'a'), 0)).toBe(viaB);
    expect(viaB.service.name).toBe('a');
    expect(viaB.upstream).toEqual({ name: 'pool', services: ['a', 'b'] });
    expect(gw.clusterFor(service(ir, 'solo'), 0)).not.toBe(viaB);
    // Each cluster once, so active probes run once per upstream as Kong's one checker does.
    expect(gw.upstreamClusters()).toHaveLength(2);
    expect(['a', 'b'].map((n) => viaB.serves(n))).toEqual([true, true]);
    expect(viaB.serves('solo')).toBe(false);
  });

  it("the checker's moves name the upstream and say it is shared; an upstream with one service keeps naming the service", () => {
    const ir = config();
    const gw = new Gateway(ir, 'gw-0', 0);
    const shared = gw.clusterFor(service(ir, 'b'), 0);
    const [move] = shared.finished(0, { status: 500 }, 1, 10, () => 0.5).changes;
    expect(move?.machine).toBe('health-checks');
    expect(move?.subject).toBe('upstream pool 10.0.0.1:80');
    expect(move?.reason).toMatch(/— Kong marks the target unhealthy.* \(upstream pool's one checker, shared by services a, b\)$/);
    const single = kongIr(`_format_version: "3.0"
upstreams: [{name: lone, healthchecks: {passive: {unhealthy: {http_failures: 1}}}, targets: [{target: "10.0.0.1:80"}]}]
services: [{name: only, host: lone, routes: [{name: r, paths: [/]}]}]
`);
    const own = new Gateway(single, 'gw-0', 0).clusterFor(service(single, 'only'), 0);
    const [ownMove] = own.finished(0, { status: 500 }, 1, 10, () => 0.5).changes;
    expect(ownMove?.subject).toBe('only 10.0.0.1:80');
    expect(ownMove?.reason).not.toContain('shared');
  });

  it('outside Kong nothing is shared: two native-IR services over the same hosts keep a cluster each', () => {
    const a = nativeService(2, '{}');
    const b = { ...nativeService(2, '{}'), name: 'billing', id: 'billing' };
    expect(a.upstreamKey).toBeUndefined();
    const ir = { ...config(), dialect: 'ir', services: [a, b] } as GatewayIR;
    const gw = new Gateway(ir, 'gw-0', 0);
    expect(gw.clusterFor(a, 0)).not.toBe(gw.clusterFor(b, 0));
    expect(gw.upstreamClusters()).toHaveLength(2);
  });
});
