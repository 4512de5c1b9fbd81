/**
 * key-auth with key_in_body (semantics §6) on both hosts. The simulation holds the body as text; on
 * real sockets the proxy reads the client's stream only when the search gets to the body (Kong's
 * get_body), looks for the key in it, and sends upstream the bytes it read — or, with
 * hide_credentials, the body without the key field. Both hosts must answer alike.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { afterAll, beforeAll } from 'vitest';

const NOW = Date.parse('2026-01-01T12:00:05Z');

function ir(upstreamAddr: string): GatewayIR {
  const route = (name: string, hide: boolean) => `      - name: ${name}
        paths: ["/${name}"]
        plugins:
          - name: key-auth
            config: { key_names: [apikey], key_in_body: true, hide_credentials: ${hide} }`;
  const text = `_format_version: "3.0"
services:
  - name: app
    url: http://${upstreamAddr}
    routes:
${route('keep', false)}
${route('hide', true)}
consumers:
  - username: partner-a
    keyauth_credentials: [{ key: a-secret-key }]
`;
  const loaded = loadGateway({ sources: [{ file: 'ka-body.yaml', docs: parseYaml(text, 'ka-body.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** [path, content type, body, extra header, status, consumer upstream, body the backend gets]. */
const CASES: Array<[string, string, string, Record<string, string>, number, string | undefined, string | undefined]> = [
  ['/keep', FORM, 'apikey=a-secret-key&x=1', {}, 200, 'partner-a', 'apikey=a-secret-key&x=1'],
  ['/hide', FORM, 'apikey=a-secret-key&x=1', {}, 200, 'partner-a', 'x=1'],
  ['/hide', JSON_TYPE, '{"apikey":"a-secret-key","n":1}', {}, 200, 'partner-a', '{"n":1}'],
  // The header decides first: the body is never needed, and goes upstream untouched.
  ['/keep', FORM, 'note=hello', { apikey: 'a-secret-key' }, 200, 'partner-a', 'note=hello'],
  ['/keep', FORM, 'apikey=wrong', {}, 401, undefined, undefined],
  ['/keep', FORM, 'x=1', {}, 401, undefined, undefined],
];

let upstream: EchoUpstream | undefined;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

describe('key-auth key_in_body: simulation and real sockets agree (semantics §6)', () => {
  it('§6 simulation host: the key is found in form and JSON bodies, after the headers', async () => {
    const session = createExplainSession(ir('app.internal:8080'), 1);
    const got = [];
    for (const [path, type, body, extra] of CASES) {
      const headers: Array<[string, string]> = [['content-type', type], ...Object.entries(extra)];
      const r = await session.send({ method: 'POST', url: `http://api.example.com${path}`, headers, body, clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamBody: 'echo' });
      got.push([r.status, r.upstream?.headers['x-consumer-username']]);
    }
    expect(got).toEqual(CASES.map((c) => [c[4], c[5]]));
  });

  it('§6 proxy host on real sockets: the same answers, and the backend gets the body as the simulation would send it', async () => {
    const echo = upstream as EchoUpstream;
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${echo.port}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      const got = [];
      for (const [path, type, body, extra] of CASES) {
        const reached = echo.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}${path}`, { method: 'POST', headers: { host: 'api.example.com', 'content-type': type, ...extra }, body });
        await res.body.text();
        const seen = echo.received.length > reached ? echo.received[reached] : undefined;
        got.push([res.statusCode, seen?.headers['x-consumer-username'], seen?.body]);
      }
      expect(got).toEqual(CASES.map((c) => [c[4], c[5], c[6]]));
    } finally {
      await proxy.drain(1000);
    }
  });
});
