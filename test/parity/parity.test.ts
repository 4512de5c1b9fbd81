/**
 * The parity suite: every conformance case runs in the simulation (the explain host, virtual clock)
 * and on real sockets (the proxy host, undici, a real upstream), and both must meet the same
 * expectations. A skip on either side carries its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { kongIr } from '../support/kong-config.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { formatDiagnostic, hasErrors } from '../../engine/core/errors.ts';
import { PARITY_CASES, type ParityCase, type ParityExpect, type ParityRequest } from './cases.ts';

/** The case's config with its placeholders filled in, through its dialect's adapter. */
function caseIr(c: ParityCase, upstream: string, listenerPort: number): GatewayIR {
  const [host, port] = upstream.split(':') as [string, string];
  const text = c.config
    .replaceAll('UPSTREAM_HOST', host)
    .replaceAll('UPSTREAM_PORT', port)
    .replaceAll('UPSTREAM', upstream)
    .replaceAll('LISTENER_PORT', String(listenerPort));
  if (!c.dialect || c.dialect === 'kong') return kongIr(text);
  const parsed = parseYaml(text, 'parity.yaml');
  const loaded = loadGateway({ format: c.dialect, sources: [{ file: 'parity.yaml', docs: parsed.docs }], overlays: [] });
  const all = [...parsed.diagnostics, ...loaded.diagnostics];
  if (!loaded.ir || hasErrors(all)) throw new Error(all.map(formatDiagnostic).join('\n'));
  return loaded.ir;
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** Both hosts see this instant: 12:00:05, so a minute window has 55 s left. */
const NOW = Date.parse('2026-01-01T12:00:05Z');

interface Observed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  upstreamPath?: string;
  upstreamHeaders?: Record<string, string | string[] | undefined>;
}

function check(observed: Observed, want: ParityExpect, where: string): void {
  expect(observed.status, `${where}: status`).toBe(want.status);
  for (const [name, value] of Object.entries(want.responseHeaders ?? {})) {
    expect(observed.headers[name], `${where}: response header ${name}`).toBe(value);
  }
  if (want.upstreamPath !== undefined) expect(observed.upstreamPath, `${where}: upstream path`).toBe(want.upstreamPath);
  for (const [name, value] of Object.entries(want.upstreamHeaders ?? {})) {
    const got = observed.upstreamHeaders?.[name];
    expect(Array.isArray(got) ? got.join(', ') : got, `${where}: upstream header ${name}`).toBe(value);
  }
  if (want.bodyMessage !== undefined) expect((observed.body as { message?: string }).message, `${where}: body`).toBe(want.bodyMessage);
}

const agents = new Map<string, Agent>();
const agentFor = (ip: string): Agent => {
  let a = agents.get(ip);
  if (!a) agents.set(ip, (a = new Agent({ localAddress: ip })));
  return a;
};

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  for (const a of agents.values()) await a.close();
  await upstream.close();
});

describe.each(PARITY_CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
  it('simulation host', async () => {
    const ir = caseIr(testCase, 'orders.internal:8080', 80);
    const session = createExplainSession(ir, 1);
    for (const [i, step] of testCase.steps.entries()) {
      const r = step.request;
      const result = await session.send({
        method: r.method ?? 'GET',
        url: `http://${r.host ?? 'api.example.com'}${r.path}`,
        headers: Object.entries(r.headers ?? {}),
        clientIp: r.clientIp ?? '127.0.0.1',
        now: NOW,
        seed: 1,
        repeat: 0,
        upstreamStatus: 200,
        upstreamHeaders: [],
      });
      check(
        {
          status: result.status,
          headers: result.response.headers,
          body: result.response.body,
          ...(result.upstream ? { upstreamPath: result.upstream.path, upstreamHeaders: result.upstream.headers } : {}),
        },
        step.expect,
        `sim step ${i + 1}`,
      );
    }
  });

  it.skipIf(!!testCase.skipProxy)(`proxy host on real sockets${testCase.skipProxy ? ` (skipped: ${testCase.skipProxy})` : ''}`, async () => {
    const target = `127.0.0.1:${upstream.port}`;
    const proxy = new ProxyServer({ ir: caseIr(testCase, target, 80), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    // Listeners that name a port (Gateway API) must name the one the proxy really got.
    proxy.reload(caseIr(testCase, target, proxy.port));
    try {
      for (const [i, step] of testCase.steps.entries()) {
        const r: ParityRequest = step.request;
        const before = upstream.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}${r.path}`, {
          method: (r.method ?? 'GET') as 'GET',
          headers: { host: r.host ?? 'api.example.com', ...(r.headers ?? {}) },
          dispatcher: agentFor(r.clientIp ?? '127.0.0.1'),
        });
        const text = await res.body.text();
        const seen = upstream.received.length > before ? upstream.received.at(-1) : undefined;
        check(
          {
            status: res.statusCode,
            headers: res.headers as Observed['headers'],
            body: parseBody(text),
            ...(seen ? { upstreamPath: seen.url, upstreamHeaders: seen.headers as Observed['upstreamHeaders'] } : {}),
          },
          step.expect,
          `proxy step ${i + 1}`,
        );
      }
    } finally {
      await proxy.drain(1000);
    }
  });
});
