/**
 * When a RequestMirror's copy leaves, relative to the balancer and the connection pool (RequestMirror,
 * ../shared/semantics.md §7; Envoy's router, source/common/router/router.cc decodeHeaders): Envoy picks
 * the host first (createConnPool) and answers "no healthy upstream" without any shadow when there is
 * none; with a host it hands the request to the pool and then starts the shadows, whatever the pool
 * does with the request (streaming shadows, Envoy's default since 1.33) — so a request the pool
 * queues or refuses (UO) has still sent its copy.
 */
import { describe, expect, it } from 'vitest';
import { gatewayApiIr } from '../config/gateway-api/test-kit.ts';
import type { GatewayIR, ServiceIR } from '../config/ir.ts';
import type { PluginDecisionEvent } from '../trace/events.ts';
import { Gateway, type HandledRequest } from './gateway.ts';
import { HeaderMap } from './headers.ts';
import type { DetachedCall, PipelineHost, UpstreamAnswer, UpstreamCall } from './host.ts';
import { MIRROR_ROUTE_CONFIG, stubPipelineHost } from './test-kit.ts';

/** The IR with the route's own service changed as `edit` says (no healthy host, a small pool). */
function irWith(edit: (api: ServiceIR) => void): GatewayIR {
  const ir = gatewayApiIr(MIRROR_ROUTE_CONFIG);
  const api = ir.services.find((s) => s.name === 'api');
  if (!api) throw new Error('no api service');
  edit(api);
  return ir;
}

/** A host that records, in order, each copy handed over and each main request sent; upstream calls are held. */
function recordingHost() {
  const order: string[] = [];
  const copies: DetachedCall[] = [];
  const decisions: PluginDecisionEvent[] = [];
  const held: Array<() => void> = [];
  const host = stubPipelineHost({
    sink: { level: 'decisions', wants: () => true, emit: (e: { type: string }) => void (e.type === 'plugin.decision' && decisions.push(e as PluginDecisionEvent)) },
    callUpstream: (call: UpstreamCall, done: (a: UpstreamAnswer) => void) => {
      order.push(`upstream ${call.requestId}`);
      held.push(() => done({ ok: true, status: 200, headers: new HeaderMap(), body: 'v1' }));
    },
    sendDetached: (copy: DetachedCall) => {
      copies.push(copy);
      order.push(`copy ${copy.requestId}`);
    },
  });
  return { host, order, copies, decisions, held };
}

function handle(gw: Gateway, host: PipelineHost, id: string, answers: Map<string, HandledRequest>): void {
  const headers = new HeaderMap([['host', 'api.example.com']]);
  gw.handle({ id, method: 'GET', scheme: 'http', host: 'api.example.com', port: 80, path: '/api/items', query: '', headers, peerIp: '10.0.0.9' }, host, (h) => answers.set(id, h));
}

describe('the copy leaves once the balancer has a host (§7, Envoy router.cc)', () => {
  it('a request that finds no upstream host sends no copy, and the decision says why', async () => {
    const gw = new Gateway(irWith((api) => (api.targets = api.targets.map((t) => ({ ...t, weight: 0 })))), 'gw-0', 0);
    const rec = recordingHost();
    const answers = new Map<string, HandledRequest>();
    handle(gw, rec.host, 'r1', answers);
    await new Promise((r) => setImmediate(r));
    expect(answers.get('r1')?.response.source).toBe('gateway');
    expect(rec.order).toEqual([]);
    const skipped = rec.decisions.filter((d) => d.plugin === 'request-mirror' && d.data?.['skipped'] === 'no-host');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toContain('copy to api-v2 not sent');
  });

  it('with a host, the copy is handed over just before the main request leaves, once', async () => {
    const gw = new Gateway(gatewayApiIr(MIRROR_ROUTE_CONFIG), 'gw-0', 0);
    const rec = recordingHost();
    handle(gw, rec.host, 'r1', new Map());
    await new Promise((r) => setImmediate(r));
    expect(rec.order).toEqual(['copy r1', 'upstream r1']);
  });

  it('a request the pool queues sends its copy at once; one the pool refuses (503 UO) sends it too', async () => {
    const pool = { maxConnections: 1, maxPendingRequests: 1, maxRequests: 100, maxRetries: 3 };
    const gw = new Gateway(irWith((api) => (api.policy = { ...api.policy, connectionPool: pool })), 'gw-0', 0);
    const rec = recordingHost();
    const answers = new Map<string, HandledRequest>();
    for (const id of ['r1', 'r2', 'r3']) handle(gw, rec.host, id, answers);
    await new Promise((r) => setImmediate(r));
    // r1 holds the one connection; r2 waits in the pending queue; r3 overflows.
    expect(answers.get('r3')?.response.status).toBe(503);
    expect(rec.order).toEqual(['copy r1', 'upstream r1', 'copy r2', 'copy r3']);
    // When r1 is answered r2 gets the connection and goes upstream without a second copy.
    rec.held.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(rec.order.slice(4)).toEqual(['upstream r2']);
    expect(rec.copies.map((c) => c.requestId)).toEqual(['r1', 'r2', 'r3']);
  });
});
