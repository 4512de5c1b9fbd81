/**
 * Traefik inFlightReq on both hosts (pkg/middlewares/inflightreq/inflight_req.go over vulcand/oxy
 * connlimit/connlimit.go): with `amount` requests of one source in flight, the next is answered 429
 * `max connections reached: <amount>` at once, and a slot is free again once a response is done.
 * On real sockets a held upstream keeps two requests in flight for real; the simulation shows the
 * same refusal (amount 0 refuses the first request) and the capacity scenario
 * (scenarios/capacity/traefik-in-flight-cap.yaml) pins the count under load.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { holdingUpstreamPerFile } from '../support/holding-upstream.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');

/** An upstream that holds every response until the test lets them go. */
const { held, port: upstreamPort } = holdingUpstreamPerFile();

function ir(upstreamAddr: string, amount: number): GatewayIR {
  const text = `http:
  routers:
    reports: { rule: "PathPrefix(\`/\`)", service: reports, middlewares: [cap] }
  middlewares:
    cap:
      inFlightReq: { amount: ${amount} }
  services:
    reports:
      loadBalancer: { servers: [{ url: "http://${upstreamAddr}" }] }
`;
  const loaded = loadGateway({ format: 'traefik', sources: [{ file: 'in-flight.yaml', docs: parseYaml(text, 'in-flight.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

const REFUSED = { status: 429, type: 'text/plain; charset=utf-8', body: 'max connections reached: 2' };

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('inFlightReq: simulation and real sockets agree', () => {
  it('simulation host: the refusal as oxy writes it; one request at a time never meets the cap', async () => {
    const refuseAll = createExplainSession(ir('reports.internal:8080', 0), 1);
    const send = (s: typeof refuseAll, n: number) =>
      s.send({ method: 'GET', url: 'http://reports.example.com/r', headers: [], clientIp: '127.0.0.1', now: NOW + n, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
    const r = await send(refuseAll, 0);
    expect([r.status, r.response.headers['content-type'], r.response.body]).toEqual([429, REFUSED.type, 'max connections reached: 0']);
    const two = createExplainSession(ir('reports.internal:8080', 2), 1);
    for (let n = 0; n < 4; n++) expect((await send(two, n)).status).toBe(200);
  });

  it('proxy host on real sockets: 2 held in flight, the third is refused at once, and a finished response frees its slot', async () => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${upstreamPort()}`, 2), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    const url = `http://127.0.0.1:${proxy.port}/r`;
    const get = () => request(url, { headers: { host: 'reports.example.com' } });
    try {
      const first = get();
      const second = get();
      await until(() => held.length === 2);
      const third = await get();
      expect([third.statusCode, third.headers['content-type'], await third.body.text()]).toEqual([REFUSED.status, REFUSED.type, REFUSED.body]);
      // The refused request never reached the upstream.
      expect(held.length).toBe(2);
      for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'text/plain' }).end('report');
      for (const p of [first, second]) {
        const res = await p;
        expect([res.statusCode, await res.body.text()]).toEqual([200, 'report']);
      }
      // Both slots are free again: the next request goes through.
      const fourth = get();
      await until(() => held.length === 1);
      for (const res of held.splice(0)) res.end('again');
      expect((await fourth).statusCode).toBe(200);
    } finally {
      for (const res of held.splice(0)) res.end();
      await proxy.drain(1000);
    }
  });
});
