/**
 * The `/trace` ring on real requests: what a late joiner is replayed is exactly what subscribers were
 * sent (the same JSON, redaction included), and `serve --trace-ring N` bounds it to the last N events
 * (after the run.start every subscriber is sent first, which the ring does not hold).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import type { TraceEvent } from '../../engine/trace/events.ts';
import { startEchoUpstream } from '../support/echo-upstream.ts';
import { kongIr, ordersConfig } from '../support/kong-config.ts';
import { serveOrders } from '../support/serve-orders.ts';
import { readTraceStream } from '../support/trace-stream.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('the /trace ring on real requests', () => {
  it('replays the events subscribers were sent, byte for byte, for the last ring-size events', async () => {
    const upstream = await startEchoUpstream();
    cleanup.push(() => upstream.close());
    // 300 events span several of the ring's encoded batches (64 events) and a partial one.
    const proxy = new ProxyServer({ ir: kongIr(ordersConfig(upstream.port, 1000)), port: 0, store: localStore(() => Date.now()), traceRing: 300 });
    await proxy.start();
    const agent = new Agent({ connections: 4 });
    cleanup.push(async () => {
      await proxy.drain(1000);
      await agent.close();
    });
    const sent: string[] = [];
    proxy.sink.subscribe((e) => sent.push(JSON.stringify(e)));
    for (let i = 0; i < 60; i++) {
      // A credential in the query and a header: the ring must keep only the redacted form.
      const res = await request(`http://127.0.0.1:${proxy.port}/api/v1/orders/${i}?apikey=sekrit-${i}`, { headers: { authorization: `Bearer sekrit-${i}` }, dispatcher: agent });
      await res.body.dump();
    }
    // request.end is emitted on the response's 'finish', which can trail the client's read by a tick.
    while (sent.filter((s) => s.includes('"type":"request.end"')).length < 60) await new Promise((r) => setImmediate(r));
    expect(sent.length).toBeGreaterThan(300);
    const replayed = proxy.sink.recent().map((e) => JSON.stringify(e));
    expect(replayed).toEqual(sent.slice(-300));
    expect(replayed.join('\n')).not.toContain('sekrit');
  });

  it('serve --trace-ring N replays only the last N events to a client that attaches late', async () => {
    const { base, admin } = await serveOrders({ minute: 100, cleanup, args: ['--trace-ring', '4'] });
    for (let i = 0; i < 3; i++) await (await request(`${base}/api/v1/orders/${i}`)).body.dump();
    const controller = new AbortController();
    const res = await request(`${admin}/trace`, { signal: controller.signal });
    // One more request after attaching: its events arrive live, after the replay.
    await (await request(`${base}/api/v1/orders/9`)).body.dump();
    const events = await readTraceStream(res.body, (seen) => seen.some((e) => e.type === 'request.end' && e.req === 'req-4'));
    controller.abort();
    const reqOf = (e: TraceEvent): unknown => (e as { req?: string }).req;
    // The stream opens with the proxy's run.start (live-run-start.ts), which is no part of the ring.
    expect(events[0]?.type).toBe('run.start');
    const replay = events.slice(1, events.findIndex((e) => reqOf(e) === 'req-4'));
    expect(replay).toHaveLength(4);
    expect(replay.every((e) => reqOf(e) === 'req-3')).toBe(true);
    expect(replay.at(-1)?.type).toBe('request.end');
  });
});
