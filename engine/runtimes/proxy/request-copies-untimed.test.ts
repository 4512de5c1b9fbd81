/**
 * Mirror copies with no timeout on real sockets (a rule with `timeouts.request: 0s`, ../shared/semantics.md
 * §7: "0s = disabled"; Envoy's shadow gets its route's timeout, router.cc, so none): the copy waits as long
 * as the backend takes — no undici timer, not even the service's read timeout — yet cannot leak: the
 * 64-in-flight cap still holds, and closing the proxy's upstream client (what a proxy shutdown does)
 * aborts the copies still waiting.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { DetachedCall } from '../../pipeline/host.ts';
import type { UpstreamRequest } from '../../pipeline/types.ts';
import type { CopyEndEvent, TraceEvent } from '../../trace/events.ts';
import { CopySender, DEFAULT_MAX_COPIES } from './request-copies.ts';
import { createUpstreamClient, type UpstreamClient } from './upstream-client.ts';

/** A backend that accepts, reads, and never answers. */
async function silentBackend(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

/** A service whose read timeout is short: a copy that fell back to it would end within the test. */
const SERVICE = { name: 'v2', id: 'v2', protocol: 'http', host: 'v2', port: 80, targets: [], retries: 0, connectTimeoutMs: 1000, readTimeoutMs: 50, writeTimeoutMs: 1000 } satisfies ServiceIR;

function copyTo(port: number, id: string, timeoutMs: number): DetachedCall {
  const main: UpstreamRequest = { method: 'GET', host: 'api', path: '/x', headers: new HeaderMap([['host', 'api']]) };
  const request: UpstreamRequest = { ...main, headers: new HeaderMap([['host', 'api-shadow']]) };
  return { requestId: id, plugin: 'request-mirror', purpose: 'mirror', main, call: { requestId: id, service: SERVICE, target: { host: '127.0.0.1', port, weight: 1 }, request, scheme: 'http', timeoutMs, detached: true } };
}

function sink(): { level: 'full'; events: TraceEvent[]; wants: () => boolean; emit: (e: TraceEvent) => void } {
  const events: TraceEvent[] = [];
  return { level: 'full', events, wants: () => true, emit: (e) => void events.push(e) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const copyEnds = (events: TraceEvent[]): CopyEndEvent[] => events.filter((e): e is CopyEndEvent => e.type === 'copy.end');

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setUp(): Promise<{ client: UpstreamClient; port: number; sockets: Set<Socket> }> {
  const backend = await silentBackend();
  const client = createUpstreamClient();
  cleanup.push(async () => {
    for (const s of backend.sockets) s.destroy();
    await new Promise<void>((resolve) => backend.server.close(() => resolve()));
  });
  return { client, port: backend.port, sockets: backend.sockets };
}

describe('mirror copies without a timeout on the proxy (semantics §7)', () => {
  it('§7 wait past the service read timeout, keep the 64-copy cap, and are aborted when the client closes', async () => {
    const { client, port, sockets } = await setUp();
    const trace = sink();
    const sender = new CopySender(client, trace, () => 0);
    for (let i = 0; i <= DEFAULT_MAX_COPIES; i++) sender.send(copyTo(port, `r${i}`, 0));
    const skipped = trace.events.filter((e) => e.type === 'plugin.decision');
    expect(skipped, 'the 65th copy is skipped: the cap holds for copies that may never end').toHaveLength(1);
    expect(skipped[0]).toMatchObject({ req: `r${DEFAULT_MAX_COPIES}`, data: { skipped: 'cap' } });
    // Far past the service's 50 ms read timeout: no timer of any kind ended them.
    await sleep(300);
    expect(sender.pending).toBe(DEFAULT_MAX_COPIES);
    expect(copyEnds(trace.events)).toEqual([]);
    expect(sockets.size, 'every copy is on its own connection, waiting').toBe(DEFAULT_MAX_COPIES);
    // A proxy shutting down closes its upstream client (proxy-server.ts drain): that must not hang.
    const closed = await Promise.race([client.close().then(() => 'closed' as const), sleep(5_000).then(() => 'hung' as const)]);
    expect(closed).toBe('closed');
    expect(sender.pending).toBe(0);
    const ends = copyEnds(trace.events);
    expect(ends).toHaveLength(DEFAULT_MAX_COPIES);
    expect(new Set(ends.map((e) => e.error))).toEqual(new Set(['reset']));
    const details = trace.events.filter((e) => e.type === 'effect.end').map((e) => ('detail' in e ? e.detail : ''));
    expect(details.every((d) => typeof d === 'string' && d.includes('the proxy shut down'))).toBe(true);
  }, 20_000);

  it('§7 a copy with a timeout still gives up at it (the contrast)', async () => {
    const { client, port } = await setUp();
    cleanup.push(() => client.close());
    const trace = sink();
    const sender = new CopySender(client, trace, () => 0);
    sender.send(copyTo(port, 'timed', 100));
    for (let waited = 0; sender.pending > 0 && waited < 5_000; waited += 20) await sleep(20);
    expect(copyEnds(trace.events)).toMatchObject([{ req: 'timed', error: 'timeout', status: 0 }]);
  });
});
