/**
 * `/trace` opens with the proxy's run.start (engine/runtimes/proxy/live-run-start.ts): the event type
 * and fields a simulated trace starts with, the proxy's real start instant, sent to each subscriber
 * before the replayed ring. It is made per subscriber and never enters the sink, so the ring, the
 * subscribers (access log, /metrics) and with them every pinned hash see what they saw before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startAdmin } from '../../engine/runtimes/proxy/admin-server.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import type { RunStartEvent, TraceEvent } from '../../engine/trace/events.ts';
import { startEchoUpstream } from '../support/echo-upstream.ts';
import { kongIr, ordersConfig } from '../support/kong-config.ts';
import { readTraceStream } from '../support/trace-stream.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function attach(admin: string, enough: (seen: TraceEvent[]) => boolean): Promise<TraceEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5_000);
  try {
    const res = await request(`${admin}/trace`, { signal: controller.signal });
    return await readTraceStream(res.body, enough);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('/trace starts with the proxy’s run.start', () => {
  it('sends each subscriber run.start first, with the real start instant and the seed, and keeps it out of the sink', async () => {
    const upstream = await startEchoUpstream();
    cleanup.push(() => upstream.close());
    const before = Date.now();
    const proxy = new ProxyServer({ ir: kongIr(ordersConfig(upstream.port, 100)), port: 0, store: localStore(() => Date.now()), seed: 42 });
    const after = Date.now();
    await proxy.start();
    const admin = await startAdmin(proxy, '127.0.0.1', 0);
    cleanup.push(async () => {
      await new Promise((r) => admin.server.close(r));
      await proxy.drain(1000);
    });
    const sent: TraceEvent[] = [];
    proxy.sink.subscribe((e) => sent.push(e));
    const base = `http://127.0.0.1:${proxy.port}`;
    const adminUrl = `http://127.0.0.1:${admin.address.port}`;
    const askedAt = Date.now();
    await (await request(`${base}/api/v1/orders/1`)).body.dump();
    const answeredAt = Date.now();

    const events = await attach(adminUrl, (seen) => seen.some((e) => e.type === 'request.end'));
    const first = events[0] as RunStartEvent;
    expect(first).toEqual({ type: 'run.start', t: 0, scenario: 'live', variant: 'live', seed: 42, start: first.start });
    const start = Date.parse(first.start);
    // The instant the proxy's trace time counts from: it was made during the constructor.
    expect(start).toBeGreaterThanOrEqual(before);
    expect(start).toBeLessThanOrEqual(after);
    // So start + t dates a request on the wall clock, which the lab's guess could only approach.
    const arrived = events.find((e) => e.type === 'request.start');
    expect(start + (arrived?.t ?? -1e9)).toBeGreaterThanOrEqual(askedAt - 1);
    expect(start + (arrived?.t ?? 1e9)).toBeLessThanOrEqual(answeredAt + 1);
    // Only the first frame: the rest is the ring's replay, as before.
    expect(events.filter((e) => e.type === 'run.start')).toHaveLength(1);
    expect(events.slice(1).map((e) => JSON.stringify(e))).toEqual(proxy.sink.recent().map((e) => JSON.stringify(e)).slice(0, events.length - 1));

    // Not in the sink: neither the ring nor a subscriber ever saw it.
    expect(proxy.sink.recent().some((e) => e.type === 'run.start')).toBe(false);
    expect(sent.some((e) => e.type === 'run.start')).toBe(false);

    // A second subscriber, later, gets the same run.start first (the start does not move).
    const again = await attach(adminUrl, (seen) => seen.some((e) => e.type === 'request.end'));
    expect(again[0]).toEqual(first);
  });
});
