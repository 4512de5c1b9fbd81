/**
 * Active health checks on real sockets (engine/runtimes/proxy/health-prober.ts): a native IR service
 * with two targets and `activeHealth` without `healthyStatuses`, where the default means "any 2xx or
 * 3xx". Upstream a passes the probe (200) and b fails it (503). b must leave rotation after its second
 * failed probe, a must stay in it, and the admin listener's /trace must show b's transition with the
 * threshold in its reason. The proxy runs in this process — the ProxyServer and admin listener that
 * `gatelab serve` wires up — because the serve CLI detects a file with `services:` as Kong and has no
 * flag to load the native form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { startAdmin } from '../../engine/runtimes/proxy/admin-server.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import type { BreakerTransitionEvent, TraceEvent } from '../../engine/trace/events.ts';
import { loadIr } from '../support/resilience-parity.ts';
import { readTraceStream } from '../support/trace-stream.ts';

const PROBE_PATH = '/healthz';
/** The probe schedule. The parser only asks for more than 0; 50 ms keeps the probes cheap on 2 shared cores. */
const INTERVAL_MS = 50;
/** How long b may take to leave rotation: two failed probes need about 2 × INTERVAL_MS. */
const DEADLINE_MS = 4_000;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Upstream {
  name: string;
  target: string;
  /** Probe requests received so far. */
  probes: number;
}

/** An upstream that answers the probe path with `probeStatus` and anything else with 200 and its name. */
async function startUpstream(name: string, probeStatus: number): Promise<Upstream> {
  const up: Upstream = { name, target: '', probes: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === PROBE_PATH) {
        up.probes++;
        res.writeHead(probeStatus, { 'content-type': 'text/plain' }).end(`${name} probe ${probeStatus}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream-name': name }).end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  up.target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return up;
}

/** One service over a and b with active checks and no healthyStatuses (the native default, []). */
const config = (a: Upstream, b: Upstream): string => `services:
  - name: pool
    url: http://pool.internal
    targets: [{target: "${a.target}"}, {target: "${b.target}"}]
    upstream:
      balancer: {kind: round-robin}
      activeHealth: {path: ${PROBE_PATH}, interval: ${INTERVAL_MS}ms, timeout: 1s, healthyThreshold: 1, unhealthyThreshold: 2}
routes:
  - {name: pool, service: pool, paths: [/who]}
`;

describe('active health checks on real sockets (health-prober.ts)', () => {
  it('a failing probe takes b out after two failures; a passing 200 keeps a in with the default healthyStatuses', async () => {
    const a = await startUpstream('a', 200);
    const b = await startUpstream('b', 503);
    const ir = loadIr('ir', config(a, b));
    expect(ir.services[0]?.policy?.activeHealth?.healthyStatuses, 'the config leaves healthyStatuses to its default').toEqual([]);
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => Date.now()) });
    await proxy.start();
    const admin = await startAdmin(proxy, '127.0.0.1', 0);
    const agent = new Agent({ connections: 2 });
    cleanup.push(async () => {
      await proxy.drain(1000);
      await new Promise<void>((resolve) => admin.server.close(() => resolve()));
      admin.server.closeAllConnections();
      await agent.close();
    });

    const answers: Array<{ status: number; who: string }> = [];
    const ask = async (): Promise<{ status: number; who: string }> => {
      const res = await request(`http://127.0.0.1:${proxy.port}/who`, { dispatcher: agent });
      const body = await res.body.text();
      // A gateway answer (no upstream header) shows its status and message, on one line.
      const answer = { status: res.statusCode, who: String(res.headers['x-upstream-name'] ?? `${res.statusCode} ${body.replace(/\s+/g, ' ').trim()}`) };
      answers.push(answer);
      return answer;
    };

    // Round robin alternates while both are in: six answers in a row from a mean b is out. Bounded by
    // a deadline and a request count, with a short pause between tries so the probes get their turn;
    // a gateway answer (a out of rotation too) ends the wait at once.
    const deadline = Date.now() + DEADLINE_MS;
    let streak = 0;
    for (let i = 0; i < 400 && streak < 6 && Date.now() < deadline; i++) {
      const { status, who } = await ask();
      if (status !== 200) break;
      streak = who === 'a' ? streak + 1 : 0;
      if (streak === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const seen = answers.map((x) => x.who).join(' | ');
    expect(answers.filter((x) => x.status !== 200), `a must never leave rotation; answers: ${seen}`).toEqual([]);
    expect(streak, `b should leave rotation within ${DEADLINE_MS} ms; answers: ${seen}`).toBe(6);
    expect(b.probes, 'b was probed at least unhealthyThreshold times').toBeGreaterThanOrEqual(2);

    // (1) b is out: every further request is answered by a. (2) a is in throughout, probed and passing.
    const probesOfA = a.probes;
    for (let i = 0; i < 10; i++) expect(await ask()).toEqual({ status: 200, who: 'a' });
    // Let a few more probe rounds pass and ask again: a stays in while its probes keep passing.
    while (a.probes < probesOfA + 3 && Date.now() < deadline + 2_000) await new Promise((r) => setTimeout(r, 10));
    expect(a.probes, 'a keeps being probed').toBeGreaterThanOrEqual(probesOfA + 3);
    for (let i = 0; i < 4; i++) expect(await ask()).toEqual({ status: 200, who: 'a' });
    expect(
      answers.filter((x) => x.status !== 200),
      'no request went without a healthy host (a never left rotation)',
    ).toEqual([]);

    // (3) The admin listener's /trace replays the ring: b's move to unhealthy is there with its reason,
    // and a has no move at all. Read until the last request's end has come through, or time out.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3_000);
    let events: TraceEvent[] = [];
    try {
      const res = await request(`http://127.0.0.1:${admin.address.port}/trace`, { signal: controller.signal });
      events = await readTraceStream(res.body, (seen) => seen.filter((e) => e.type === 'request.end').length >= answers.length);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    expect(events.filter((e) => e.type === 'request.end')).toHaveLength(answers.length);
    const moves = events.filter((e): e is BreakerTransitionEvent => e.type === 'breaker.transition' && e.machine === 'active-health');
    expect(moves.map((m) => `${m.subject}: ${m.from} -> ${m.to}`)).toEqual([`pool ${b.target}: healthy -> unhealthy`]);
    const reason = moves[0]?.reason ?? '';
    expect(reason).toContain(`probe of ${PROBE_PATH} on ${b.target} failed 2 times in a row`);
    expect(reason).toContain('unhealthy threshold 2');
    expect(reason).not.toContain(a.target);

    // (4) The native IR's counterpart of Kong's /upstreams/{upstream}/health reads the same state:
    // a passes its probes, b is out; Kong's own endpoint says this is no Kong config.
    const health = await request(`http://127.0.0.1:${admin.address.port}/services/pool/health`);
    expect(await health.body.json()).toEqual({
      service: 'pool',
      dialect: 'ir',
      checks: { passive: null, active: true },
      targets: [
        { target: a.target, weight: 100, health: 'healthy', active: 'healthy' },
        { target: b.target, weight: 100, health: 'unhealthy', active: 'unhealthy' },
      ],
    });
    const kong = await request(`http://127.0.0.1:${admin.address.port}/upstreams/pool/health`);
    expect(kong.statusCode).toBe(404);
    expect(((await kong.body.json()) as { message: string }).message).toContain('dialect "ir"');
  });
});
