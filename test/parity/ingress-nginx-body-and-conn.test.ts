/**
 * ingress-nginx proxy-body-size (client_max_body_size) and limit-connections (limit_conn) on both
 * hosts, over 127.0.0.1 with bounded bodies. client_max_body_size: nginx ngx_http_core_find_config_phase
 * refuses a declared Content-Length over the limit before reading (the ConfigMap default 1m without the
 * annotation, config.go ProxyBodySize), and the chunked filter refuses a chunked body once the bytes
 * read pass it; an 8 MiB chunked body is answered after a bounded read and never reaches the upstream.
 * limit_conn (ngx_http_limit_conn_module, semantics §8): with N requests of one address in progress,
 * the next gets 503 (limit-conn-status-code) at once; a finished request frees its slot.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { holdingUpstreamPerFile } from '../support/holding-upstream.ts';
import { oneIngress } from './ingress-nginx-cases.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const MiB = 1048576;
const PAGE_413 = '<title>413 Request Entity Too Large</title>';

function ingressIr(port: number, annotations: Record<string, string>): GatewayIR {
  const text = oneIngress({ name: 'uploads', svc: 'uploads', port, annotations });
  const out = loadGateway({ format: 'ingress-nginx', sources: [{ file: 'ingress.yaml', docs: parseYaml(text, 'ingress.yaml').docs }], overlays: [] });
  if (!out.ir) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  return out.ir;
}

/** [name, annotations, headers, body, status]. */
const CASES: Array<[string, Record<string, string>, Record<string, string>, string, number]> = [
  ['default 1m: declared 1 MiB passes', {}, { 'content-length': String(MiB) }, 'a'.repeat(MiB), 200],
  ['default 1m: declared 1 MiB + 1 is refused before reading', {}, { 'content-length': String(MiB + 1) }, 'a'.repeat(MiB + 1), 413],
  ['proxy-body-size 1k: declared 1024 passes', { 'proxy-body-size': '1k' }, { 'content-length': '1024' }, 'a'.repeat(1024), 200],
  ['proxy-body-size 1k: declared 1025 is refused', { 'proxy-body-size': '1k' }, { 'content-length': '1025' }, 'a'.repeat(1025), 413],
  ['proxy-body-size 1k: chunked 1000 is read and passed on', { 'proxy-body-size': '1k' }, { 'transfer-encoding': 'chunked' }, 'b'.repeat(1000), 200],
  ['proxy-body-size 1k: chunked 2000 is read and refused', { 'proxy-body-size': '1k' }, { 'transfer-encoding': 'chunked' }, 'b'.repeat(2000), 413],
];

let echo: EchoUpstream | undefined;
beforeAll(async () => {
  echo = await startEchoUpstream();
});
afterAll(async () => {
  await echo?.close();
});

describe('ingress-nginx client_max_body_size: simulation and real sockets agree', () => {
  it('simulation host', async () => {
    for (const [name, annotations, headers, body, status] of CASES) {
      const s = createExplainSession(ingressIr(8080, annotations), 1);
      const r = await s.send({ method: 'POST', url: 'http://api.example.com/upload', headers: Object.entries(headers), body, clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
      expect([name, r.status], name).toEqual([name, status]);
      if (status === 413) expect(String(r.response.body), name).toContain(PAGE_413);
    }
  });

  it('proxy host on real sockets, with an 8 MiB chunked body read only up to the limit', async () => {
    const up = echo as EchoUpstream;
    for (const [name, annotations, headers, body, status] of CASES) {
      const proxy = new ProxyServer({ ir: ingressIr(up.port, annotations), port: 0, store: localStore(() => NOW), now: () => NOW });
      await proxy.start();
      try {
        const before = up.received.length;
        const sent = headers['transfer-encoding'] ? Readable.from([body]) : body;
        const res = await request(`http://127.0.0.1:${proxy.port}/upload`, { method: 'POST', headers: { host: 'api.example.com', 'content-length': headers['content-length'] }, body: sent });
        const text = await res.body.text();
        expect([name, res.statusCode], name).toEqual([name, status]);
        if (status === 413) expect(text, name).toContain(PAGE_413);
        expect(up.received.length - before, name).toBe(status === 200 ? 1 : 0);
      } finally {
        await proxy.drain(1000);
      }
    }
    const proxy = new ProxyServer({ ir: ingressIr(up.port, { 'proxy-body-size': '1k' }), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      let produced = 0;
      const big = async function* () {
        const chunk = 'c'.repeat(64 << 10);
        while (produced < 8 * MiB) {
          produced += chunk.length;
          yield chunk;
        }
      };
      const before = up.received.length;
      const res = await request(`http://127.0.0.1:${proxy.port}/upload`, { method: 'POST', headers: { host: 'api.example.com' }, body: Readable.from(big()) });
      expect(res.statusCode).toBe(413);
      await res.body.text();
      expect(produced).toBeLessThan(8 * MiB);
      expect(up.received.length).toBe(before);
    } finally {
      await proxy.drain(1000);
    }
  });
});

/** An upstream that holds every response until the test lets them go. */
const { held, port: holdingPort } = holdingUpstreamPerFile();

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('ingress-nginx limit-connections: simulation and real sockets agree', () => {
  it('simulation host: one request at a time never meets the limit', async () => {
    const s = createExplainSession(ingressIr(8080, { 'limit-connections': '1' }), 1);
    for (let n = 0; n < 3; n++) {
      const r = await s.send({ method: 'GET', url: 'http://api.example.com/r', headers: [], clientIp: '127.0.0.1', now: NOW + n, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
      expect(r.status).toBe(200);
    }
  });

  it('proxy host on real sockets: 2 in progress, the third gets 503 at once, a finished request frees its slot', async () => {
    const proxy = new ProxyServer({ ir: ingressIr(holdingPort(), { 'limit-connections': '2' }), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    const get = () => request(`http://127.0.0.1:${proxy.port}/r`, { headers: { host: 'api.example.com' } });
    try {
      const first = get();
      const second = get();
      await until(() => held.length === 2);
      const third = await get();
      expect([third.statusCode, third.headers['content-type']]).toEqual([503, 'text/html']);
      expect(await third.body.text()).toContain('<title>503 Service Temporarily Unavailable</title>');
      expect(held.length).toBe(2);
      for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      for (const p of [first, second]) expect((await p).statusCode).toBe(200);
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
