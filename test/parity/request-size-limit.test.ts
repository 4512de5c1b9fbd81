/**
 * Body size limits on both hosts: Kong's request-size-limiting (kong/plugins/request-size-limiting/
 * handler.lua: Content-Length checked without reading, a chunked body read and counted; 413 via
 * kong.response.error) and Traefik's buffering maxRequestBodyBytes (vulcand/oxy buffer/buffer.go:
 * checkLimit, then the read bounded by MaxBytes; 413 "Request Entity Too Large"). On real sockets
 * an 8 MiB chunked body against a 1 KiB limit is refused after a bounded read and never reaches the
 * upstream; the simulation holds the body as text and must answer the same.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { afterAll, beforeAll } from 'vitest';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const BIG_BYTES = 8 << 20;

function kongIr(upstreamAddr: string): GatewayIR {
  const text = `_format_version: "3.0"
services:
  - name: app
    url: http://${upstreamAddr}
    routes: [{ name: upload, paths: [/upload] }]
plugins:
  - name: request-size-limiting
    config: { allowed_payload_size: 1, size_unit: kilobytes }
`;
  return loaded(text, 'kong');
}

function traefikIr(upstreamAddr: string): GatewayIR {
  const text = `http:
  routers:
    upload: { rule: "PathPrefix(\`/upload\`)", service: app, middlewares: [buf] }
  middlewares:
    buf:
      buffering: { maxRequestBodyBytes: 1024 }
  services:
    app:
      loadBalancer: { servers: [{ url: "http://${upstreamAddr}" }] }
`;
  return loaded(text, 'traefik');
}

function loaded(text: string, format: 'kong' | 'traefik'): GatewayIR {
  const out = loadGateway({ format, sources: [{ file: `${format}.yaml`, docs: parseYaml(text, `${format}.yaml`).docs }], overlays: [] });
  if (!out.ir) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  return out.ir;
}

type Flavour = 'kong' | 'traefik';
/** [name, headers, body, status, body marker]: the marker is what each gateway's refusal says. */
const CASES: Array<[string, Record<string, string>, string, number]> = [
  ['declared 1024 bytes: at the limit passes', { 'content-length': '1024' }, 'a'.repeat(1024), 200],
  ['declared 1025 bytes: refused before reading', { 'content-length': '1025' }, 'a'.repeat(1025), 413],
  ['chunked 1000 bytes: read, counted, passed on', { 'transfer-encoding': 'chunked' }, 'b'.repeat(1000), 200],
  ['chunked 2000 bytes: read, counted, refused', { 'transfer-encoding': 'chunked' }, 'b'.repeat(2000), 413],
];

const REFUSAL: Record<Flavour, (body: string) => boolean> = {
  kong: (body) => JSON.parse(body).message === 'Request size limit exceeded',
  traefik: (body) => body === 'Request Entity Too Large',
};

const IRS: Record<Flavour, (addr: string) => GatewayIR> = { kong: kongIr, traefik: traefikIr };

let echo: EchoUpstream | undefined;
beforeAll(async () => {
  echo = await startEchoUpstream();
});
afterAll(async () => {
  await echo?.close();
});

describe.each(['kong', 'traefik'] as const)('%s body limit: simulation and real sockets agree', (flavour) => {
  it('simulation host', async () => {
    const session = createExplainSession(IRS[flavour]('app.internal:8080'), 1);
    for (const [name, headers, body, status] of CASES) {
      const r = await session.send({ method: 'POST', url: 'http://api.example.com/upload', headers: Object.entries(headers), body, clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamBody: 'stored' });
      expect([name, r.status], name).toEqual([name, status]);
      if (status === 413) expect(REFUSAL[flavour](typeof r.response.body === 'string' ? r.response.body : JSON.stringify(r.response.body))).toBe(true);
    }
  });

  it('proxy host on real sockets, with an 8 MiB chunked body read only up to the limit', async () => {
    const up = echo as EchoUpstream;
    const proxy = new ProxyServer({ ir: IRS[flavour](`127.0.0.1:${up.port}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    const url = `http://127.0.0.1:${proxy.port}/upload`;
    try {
      for (const [name, headers, body, status] of CASES) {
        const before = up.received.length;
        // undici frames a string body with Content-Length; a stream is sent chunked.
        const sent = headers['transfer-encoding'] ? Readable.from([body]) : body;
        const res = await request(url, { method: 'POST', headers: { host: 'api.example.com', 'content-length': headers['content-length'] }, body: sent });
        const text = await res.body.text();
        expect([name, res.statusCode], name).toEqual([name, status]);
        if (status === 413) expect(REFUSAL[flavour](text)).toBe(true);
        // What passed reached the upstream whole; what was refused never reached it.
        expect(up.received.length - before, name).toBe(status === 200 ? 1 : 0);
        if (status === 200) expect(up.received[before]?.body).toBe(body);
      }
      let produced = 0;
      const big = async function* () {
        const chunk = 'c'.repeat(64 << 10);
        while (produced < BIG_BYTES) {
          produced += chunk.length;
          yield chunk;
        }
      };
      const before = up.received.length;
      const res = await request(url, { method: 'POST', headers: { host: 'api.example.com' }, body: Readable.from(big()) });
      expect(res.statusCode).toBe(413);
      // Answered while most of the body was still unsent: the gateway stopped reading at the limit.
      expect(produced).toBeLessThan(BIG_BYTES);
      await res.body.text();
      expect(up.received.length).toBe(before);
    } finally {
      await proxy.drain(1000);
    }
  });
});
