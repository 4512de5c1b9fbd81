/**
 * Parity for the opentelemetry plugin: what the upstream and the forward-auth server receive, in the
 * simulation (explain host) and on real sockets (proxy host, a real auth server, the echo upstream).
 * A continued trace must carry the client's trace id on both hosts; a new one must be a valid W3C
 * value — compared by shape, since the proxy's request ids (and so its keyed ids) differ from the sim's.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import type { Effect, EffectResult } from '../../engine/pipeline/types.ts';
import { parseTraceParent } from '../../engine/observe/tracing/traceparent.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { authAndEchoPerFile } from '../support/auth-and-echo.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const CLIENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function ir(upstreamAddr: string, authAddr: string): GatewayIR {
  const text = `services: [{ name: app, url: "http://${upstreamAddr}" }]
routes: [{ name: r, service: app, paths: [/app] }]
plugins:
  - plugin: opentelemetry
    config: { header_type: w3c }
  - plugin: forward-auth
    route: r
    config: { address: "http://${authAddr}/verify", trustForwardHeader: false }
`;
  const loaded = loadGateway({ format: 'ir', sources: [{ file: 'otel.yaml', docs: parseYaml(text, 'otel.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

interface Seen {
  upstream: Record<string, string | undefined>;
  auth: Record<string, string | undefined>;
}

const CASES: Array<{ name: string; headers: Record<string, string>; check: (seen: Seen) => void }> = [
  {
    name: 'a valid client traceparent is continued on the upstream and the auth call, tracestate kept',
    headers: { traceparent: CLIENT, tracestate: 'congo=t61rcWkgMzE' },
    check: ({ upstream, auth }) => {
      for (const h of [upstream, auth]) {
        const p = parseTraceParent(h['traceparent'] ?? '');
        expect(p.ok && p.value.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        expect(p.ok && p.value.parentId).not.toBe('00f067aa0ba902b7');
        expect(h['tracestate']).toBe('congo=t61rcWkgMzE');
      }
      // Two different client spans: the auth call's and the upstream call's.
      expect(upstream['traceparent']).not.toBe(auth['traceparent']);
    },
  },
  {
    name: 'no traceparent: a new valid one, the same trace on both hops',
    headers: {},
    check: ({ upstream, auth }) => {
      const u = parseTraceParent(upstream['traceparent'] ?? '');
      const a = parseTraceParent(auth['traceparent'] ?? '');
      expect(u.ok && a.ok).toBe(true);
      expect(u.ok && a.ok && u.value.traceId === a.value.traceId).toBe(true);
      expect(upstream['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(upstream['tracestate']).toBeUndefined();
    },
  },
  {
    name: 'a malformed traceparent is replaced and its tracestate dropped',
    headers: { traceparent: CLIENT.toUpperCase(), tracestate: 'congo=t61rcWkgMzE' },
    check: ({ upstream }) => {
      const u = parseTraceParent(upstream['traceparent'] ?? '');
      expect(u.ok && u.value.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(u.ok).toBe(true);
      expect(upstream['tracestate']).toBeUndefined();
    },
  },
];

let lastAuth: Record<string, string | undefined> = {};
const servers = authAndEchoPerFile((req, res) => {
  lastAuth = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  res.writeHead(200).end();
});

const flat = (h: Record<string, unknown> | undefined): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v as string | undefined)]));

describe('opentelemetry: simulation and real sockets agree on what upstream and auth receive', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('simulation host: %s', async (_name, c) => {
    let authSaw: Record<string, string | undefined> = {};
    const callouts = (e: Extract<Effect, { type: 'http' }>): EffectResult => {
      authSaw = flat(Object.fromEntries(e.headers));
      return { ok: true, status: 200, headers: [], body: '' };
    };
    const session = createExplainSession(ir('app.internal:8080', `127.0.0.1:${servers.authPort}`), 1, callouts);
    const r = await session.send({
      method: 'GET', url: 'http://api.example.com/app/x', headers: Object.entries(c.headers), clientIp: '127.0.0.1',
      now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [],
    });
    expect(r.status).toBe(200);
    c.check({ upstream: flat(r.upstream?.headers), auth: authSaw });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('proxy host on real sockets: %s', async (_name, c) => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${servers.upstream.port}`, `127.0.0.1:${servers.authPort}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      const before = servers.upstream.received.length;
      lastAuth = {};
      const res = await request(`http://127.0.0.1:${proxy.port}/app/x`, { headers: { host: 'api.example.com', ...c.headers } });
      await res.body.text();
      expect(res.statusCode).toBe(200);
      expect(servers.upstream.received.length).toBe(before + 1);
      c.check({ upstream: flat(servers.upstream.received.at(-1)?.headers as Record<string, unknown>), auth: lastAuth });
    } finally {
      await proxy.drain(1000);
    }
  });
});
