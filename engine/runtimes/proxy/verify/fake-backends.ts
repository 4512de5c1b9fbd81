/**
 * Real HTTP servers on 127.0.0.1 that behave like a scenario's backend models: latency drawn from
 * the same distribution, errors chosen by the same per-request draw as the simulation (keyed by the
 * request id the driver sends), and outages that really refuse connections.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { keyedDraw, Rng } from '../../../core/rng.ts';
import { copyDrawKey, isShadowHost } from '../../../pipeline/request-copy.ts';
import { SHADOW_HOST_SUFFIX } from '../../../plugins/request-mirror/plugin.ts';
import type { BackendSpec, Scenario } from '../../../scenario/types.ts';
import { sampleLatency } from '../../sim/latency.ts';
import type { SceneClock } from './scene-clock.ts';

export const REQUEST_ID_HEADER = 'x-gatelab-request-id';

export interface FakeBackend {
  spec: BackendSpec;
  port: number;
  served: number;
  close(): Promise<void>;
}

export async function startFakeBackend(spec: BackendSpec, scenario: Scenario, seed: number, clock: SceneClock): Promise<FakeBackend> {
  const rng = new Rng(seed, `verify/backend/${spec.name}`);
  const outages = scenario.events.filter((e) => e.kind === 'outage' && e.target === spec.name);
  const down = (): boolean => {
    const t = clock.sceneMs();
    return outages.some((o) => o.kind === 'outage' && t >= o.atMs && t < o.atMs + o.durationMs);
  };
  const sockets = new Set<Socket>();
  const state = { served: 0 };
  const server: Server = createServer((req, res) => {
    if (down()) {
      // Refuse like a dead process would: no HTTP answer, the connection just goes away.
      req.socket.destroy();
      return;
    }
    state.served++;
    const id = String(req.headers[REQUEST_ID_HEADER] ?? '');
    // A mirror's copy (Host marked "-shadow") draws apart from its request, as the simulation does.
    const key = isShadowHost(req.headers.host, SHADOW_HOST_SUFFIX) ? copyDrawKey(id, spec.name) : id;
    const failed = spec.errorRate > 0 && keyedDraw(seed, 'backend-error', key) < spec.errorRate;
    const delay = sampleLatency(spec.latency, rng);
    req.resume();
    setTimeout(() => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [n, v] of spec.headers) headers[n.toLowerCase()] = v;
      res.writeHead(failed ? spec.errorStatus : spec.status, headers);
      res.end(spec.body ?? '');
    }, delay);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    spec,
    port: (server.address() as AddressInfo).port,
    get served() {
      return state.served;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
