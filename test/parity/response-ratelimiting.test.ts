/**
 * Parity for Kong `response-ratelimiting`: the same requests through the simulation (the explain host,
 * whose scripted upstream sends x-kong-limit) and through the real proxy (a real upstream on
 * 127.0.0.1 that sends it), at one frozen instant. Both must give the same status, usage headers,
 * upstream headers and body.
 *
 * The IR is built by hand — a Kong config with a service and a route, plus a PluginInstanceIR — so each
 * case states the plugin config it tests without a Kong file around it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { responseRatelimitingPlugin } from '../../engine/plugins/response-ratelimiting/plugin.ts';
import { collectingReporter } from '../../engine/plugins/rate-limit/test-kit.ts';
import { kongIr } from '../support/kong-config.ts';


/** Both hosts see this instant: 12:00:05, so every request lands in the same minute window. */
const NOW = Date.parse('2026-01-01T12:00:05Z');

/** The request header that tells the test upstream what to put in x-kong-limit. */
const COST = 'x-test-cost';

function irWith(upstream: string, config: Record<string, unknown>): GatewayIR {
  const ir = kongIr(`_format_version: "3.0"
services:
  - name: media-api
    url: http://${upstream}
    routes:
      - name: media-route
        paths: ["/media"]
`);
  const report = collectingReporter();
  const parsed = responseRatelimitingPlugin.parse(config, report);
  if (report.items.some((i) => i.severity === 'error')) throw new Error(JSON.stringify(report.items));
  const service = ir.services[0];
  if (!service) throw new Error('no service');
  ir.plugins.push({ instanceId: 'rrl-1', plugin: 'response-ratelimiting', vendorName: 'response-ratelimiting', config: parsed, scope: { service: service.id }, enabled: true });
  return ir;
}

interface Step {
  /** What the upstream says the request cost (x-kong-limit), if anything. */
  cost?: string;
  status: number;
  /** Response headers the client must (value) or must not (undefined) see. */
  response: Record<string, string | undefined>;
  /** Headers the upstream must have received; null: the upstream must not be called at all. */
  upstream: Record<string, string> | null;
  /** Expected body `message`, or '' for an empty body. */
  body?: string;
}

interface Case {
  name: string;
  config: Record<string, unknown>;
  steps: Step[];
}

const CASES: Case[] = [
  {
    name: 'local policy: units from x-kong-limit, the crossing response passes, the next asking one is an empty 429',
    config: { limits: { video: { minute: 5 } }, limit_by: 'ip' },
    steps: [
      { cost: 'video=abc', status: 200, response: { 'x-ratelimit-remaining-video-minute': '5', 'x-kong-limit': undefined }, upstream: { 'x-ratelimit-remaining-video': '5' } },
      { cost: 'video=2', status: 200, response: { 'x-ratelimit-limit-video-minute': '5', 'x-ratelimit-remaining-video-minute': '3', 'x-kong-limit': undefined }, upstream: { 'x-ratelimit-remaining-video': '5' } },
      { cost: 'video=4', status: 200, response: { 'x-ratelimit-remaining-video-minute': '0' }, upstream: { 'x-ratelimit-remaining-video': '3' } },
      { cost: 'video=1', status: 429, response: { 'x-ratelimit-remaining-video-minute': '0', 'content-length': '0', 'x-kong-limit': undefined }, upstream: { 'x-ratelimit-remaining-video': '-1' }, body: '' },
      { status: 200, response: { 'x-ratelimit-remaining-video-minute': '0' }, upstream: { 'x-ratelimit-remaining-video': '-1' } },
    ],
  },
  {
    name: 'redis policy (store effects on both hosts) with block_on_first_violation: refused before the upstream',
    config: { limits: { video: { minute: 10 }, image: { minute: 2 } }, policy: 'redis', redis: { host: 'redis.internal' }, block_on_first_violation: true },
    steps: [
      { cost: 'video=1, image=2', status: 200, response: { 'x-ratelimit-remaining-image-minute': '0', 'x-ratelimit-remaining-video-minute': '9' }, upstream: { 'x-ratelimit-remaining-video': '10', 'x-ratelimit-remaining-image': '2' } },
      { cost: 'video=1', status: 429, response: { 'x-ratelimit-remaining-video-minute': undefined }, upstream: null, body: "API rate limit exceeded for 'image'" },
    ],
  },
  {
    name: 'hide_client_headers: no usage headers for the client, the upstream is still told',
    config: { limits: { video: { minute: 10 } }, hide_client_headers: true },
    steps: [{ cost: 'video=3', status: 200, response: { 'x-ratelimit-remaining-video-minute': undefined, 'x-kong-limit': undefined }, upstream: { 'x-ratelimit-remaining-video': '10' } }],
  },
];

interface Observed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  upstream: Record<string, string | string[] | undefined> | null;
}

function check(o: Observed, want: Step, where: string): void {
  expect(o.status, `${where}: status`).toBe(want.status);
  for (const [name, value] of Object.entries(want.response)) expect(o.headers[name], `${where}: response ${name}`).toBe(value);
  if (want.upstream === null) expect(o.upstream, `${where}: upstream called`).toBeNull();
  else for (const [name, value] of Object.entries(want.upstream)) expect(o.upstream?.[name], `${where}: upstream ${name}`).toBe(value);
  if (want.body === '') expect(o.body, `${where}: body`).toBe('');
  else if (want.body !== undefined) expect((JSON.parse(o.body) as { message?: string }).message, `${where}: body`).toBe(want.body);
}

/** The upstream: answers 200 with `x-kong-limit: <the x-test-cost request header>` when there is one. */
interface CostUpstream {
  port: number;
  received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function startCostUpstream(): Promise<CostUpstream> {
  const received: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    req.on('end', () => {
      const cost = req.headers[COST];
      res.writeHead(200, { 'content-type': 'application/json', ...(typeof cost === 'string' ? { 'x-kong-limit': cost } : {}) });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let upstream: CostUpstream;
const agent = new Agent();
beforeAll(async () => {
  upstream = await startCostUpstream();
});
afterAll(async () => {
  await agent.close();
  await upstream.close();
});

describe.each(CASES.map((c) => [c.name, c] as const))('response-ratelimiting parity: %s', (_name, c) => {
  it('simulation host (explain session, scripted upstream)', async () => {
    const session = createExplainSession(irWith('media.internal:8080', c.config), 1);
    for (const [i, step] of c.steps.entries()) {
      const r = await session.send({
        method: 'GET',
        url: 'http://api.example.com/media/clip',
        headers: [],
        clientIp: '127.0.0.1',
        now: NOW,
        seed: 1,
        repeat: 0,
        upstreamStatus: 200,
        upstreamHeaders: [['content-type', 'application/json'], ...(step.cost !== undefined ? ([['x-kong-limit', step.cost]] as Array<[string, string]>) : [])],
        upstreamBody: '{"ok":true}',
      });
      const body = r.response.body === null || r.response.body === undefined ? '' : typeof r.response.body === 'string' ? r.response.body : JSON.stringify(r.response.body);
      check({ status: r.status, headers: r.response.headers, body, upstream: r.upstream ? r.upstream.headers : null }, step, `sim step ${i + 1}`);
    }
  });

  it('proxy host on real sockets (real upstream sends x-kong-limit)', async () => {
    const target = `127.0.0.1:${upstream.port}`;
    const proxy = new ProxyServer({ ir: irWith(target, c.config), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      for (const [i, step] of c.steps.entries()) {
        const before = upstream.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}/media/clip`, {
          headers: { host: 'api.example.com', ...(step.cost !== undefined ? { [COST]: step.cost } : {}) },
          dispatcher: agent,
        });
        const body = await res.body.text();
        const seen = upstream.received.length > before ? (upstream.received.at(-1) ?? null) : null;
        check({ status: res.statusCode, headers: res.headers, body, upstream: seen }, step, `proxy step ${i + 1}`);
      }
    } finally {
      await proxy.drain(1000);
    }
  });
});
