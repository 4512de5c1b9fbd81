/**
 * Parity for Kong's negotiated error bodies (semantics §1, §6): the same requests, with the same
 * request ids, through the simulation (the explain host) and the real proxy on 127.0.0.1, at one
 * frozen instant. Each rejection must have the same status, Content-Type and body bytes on both
 * hosts — HTML for a browser's Accept, XML and plain text when asked, JSON otherwise — and jwt,
 * which answers with kong.response.exit, stays JSON whatever Accept says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { kongIr } from '../support/kong-config.ts';

/** Both hosts see this instant; the second-window limit below refuses the second request. */
const NOW = Date.parse('2026-01-01T12:00:05Z');
/** The header the proxy takes its request id from, so both hosts put the same id in the body. */
const ID_HEADER = 'x-test-id';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const config = (upstream: string): string => `_format_version: "3.0"
consumers:
  - username: partner
    keyauth_credentials: [{ key: partner-key }]
services:
  - name: orders-api
    url: http://${upstream}
    routes:
      - name: keyed
        paths: ["/keyed"]
        plugins:
          - name: key-auth
          - name: rate-limiting
            config: { second: 1, limit_by: ip }
      - name: tokens
        paths: ["/tokens"]
        plugins:
          - name: jwt
`;

interface Step {
  id: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  contentType?: string;
  body?: string;
}

const html = (message: string, id: string): string =>
  '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <title>Error</title>\n  </head>\n  <body>\n' +
  `    <h1>Error</h1>\n    <p>${message}.</p>\n    <p>request_id: ${id}</p>\n  </body>\n</html>\n`;

const STEPS: Step[] = [
  { id: 'e-1', path: '/keyed', headers: { accept: BROWSER }, status: 401, contentType: 'text/html; charset=utf-8', body: html('No API key found in request', 'e-1') },
  { id: 'e-2', path: '/keyed', headers: { accept: 'application/json' }, status: 401, contentType: 'application/json; charset=utf-8', body: '{\n  "message":"No API key found in request",\n  "request_id":"e-2"\n}' },
  { id: 'e-3', path: '/keyed', headers: { apikey: 'partner-key' }, status: 200 },
  { id: 'e-4', path: '/keyed', headers: { apikey: 'partner-key', accept: BROWSER }, status: 429, contentType: 'text/html; charset=utf-8', body: html('API rate limit exceeded', 'e-4') },
  { id: 'e-5', path: '/keyed', headers: { apikey: 'partner-key', accept: 'text/plain' }, status: 429, contentType: 'text/plain; charset=utf-8', body: 'API rate limit exceeded\nrequest_id: e-5\n' },
  { id: 'e-6', path: '/keyed', headers: { apikey: 'partner-key', accept: 'application/xml' }, status: 429, contentType: 'application/xml; charset=utf-8', body: '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>API rate limit exceeded</message>\n  <requestid>e-6</requestid>\n</error>\n' },
  { id: 'e-7', path: '/tokens', headers: { accept: BROWSER }, status: 401, contentType: 'application/json; charset=utf-8', body: '{"message":"Unauthorized"}' },
  // The router's miss is kong.response.error too (kong/runloop/handler.lua): negotiated, with the id.
  { id: 'e-8', path: '/nowhere', headers: { accept: BROWSER }, status: 404, contentType: 'text/html; charset=utf-8', body: html('no Route matched with those values', 'e-8') },
  { id: 'e-9', path: '/nowhere', headers: { accept: '*/*' }, status: 404, contentType: 'application/json; charset=utf-8', body: '{\n  "message":"no Route matched with those values",\n  "request_id":"e-9"\n}' },
];

/** explain's JSON contract hands a JSON body over parsed: the simulation's JSON is compared as data. */
function simBody(raw: unknown): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

function sameBody(observed: string, want: string): boolean {
  try {
    return JSON.stringify(JSON.parse(want)) === observed;
  } catch {
    return false;
  }
}

interface Observed {
  status: number;
  contentType: string | undefined;
  body: string;
}

function check(o: Observed, want: Step, where: string, parsedJson = false): void {
  expect(o.status, `${where}: status`).toBe(want.status);
  if (want.contentType !== undefined) expect(o.contentType, `${where}: content-type`).toBe(want.contentType);
  if (want.body === undefined) return;
  if (parsedJson && sameBody(o.body, want.body)) return;
  expect(o.body, `${where}: body`).toBe(want.body);
}

let upstream: EchoUpstream;
const agent = new Agent();
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await agent.close();
  await upstream.close();
});

describe('§1 §6 Kong error bodies follow Accept on both hosts', () => {
  const sim: Observed[] = [];

  it('simulation host', async () => {
    const session = createExplainSession(kongIr(config('orders.internal:8080')), 1);
    for (const step of STEPS) {
      const result = await session.send(
        {
          method: 'GET',
          url: `http://api.example.com${step.path}`,
          headers: Object.entries(step.headers),
          clientIp: '127.0.0.1',
          now: NOW,
          seed: 1,
          repeat: 0,
          upstreamStatus: 200,
          upstreamHeaders: [],
        },
        step.id,
      );
      const observed = {
        status: result.status,
        contentType: result.response.headers['content-type'] as string | undefined,
        body: simBody(result.response.body),
      };
      sim.push(observed);
      check(observed, step, `sim ${step.id}`, true);
    }
  });

  it('proxy host on real sockets: the same bytes as the simulation', async () => {
    const proxy = new ProxyServer({ ir: kongIr(config(`127.0.0.1:${upstream.port}`)), port: 0, store: localStore(() => NOW), now: () => NOW, requestIdHeader: ID_HEADER });
    await proxy.start();
    try {
      for (const [i, step] of STEPS.entries()) {
        const res = await request(`http://127.0.0.1:${proxy.port}${step.path}`, {
          headers: { host: 'api.example.com', [ID_HEADER]: step.id, ...step.headers },
          dispatcher: agent,
        });
        const observed = { status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, body: await res.body.text() };
        check(observed, step, `proxy ${step.id}`);
        // Rejections must agree; a JSON body explain parsed is compared as data, every other one as bytes.
        const twin = sim[i];
        if (twin && step.status !== 200 && step.body !== undefined && !sameBody(twin.body, observed.body)) expect(observed.body, `proxy ${step.id} vs sim`).toBe(twin.body);
      }
    } finally {
      await proxy.drain(1000);
    }
  });
});
