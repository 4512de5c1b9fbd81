/**
 * The proxy's copy sender (RequestMirror, ../shared/semantics.md §7: "mirror response ignored"):
 * bounded in flight with the skip in the trace, failures recorded and never thrown, and a streamed
 * request body shared so that a copy that never reads cannot hold the main request back.
 */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ServiceIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { DetachedCall, UpstreamAnswer, UpstreamCall } from '../../pipeline/host.ts';
import type { UpstreamRequest } from '../../pipeline/types.ts';
import type { TraceEvent } from '../../trace/events.ts';
import { CopySender, MAX_COPY_BODY_BACKLOG } from './request-copies.ts';
import type { UpstreamClient } from './upstream-client.ts';

const SERVICE = { name: 'v2', id: 'v2', protocol: 'http', host: 'v2', port: 80, targets: [], retries: 0, connectTimeoutMs: 1, readTimeoutMs: 1, writeTimeoutMs: 1 } satisfies ServiceIR;

function copyOf(id: string, stream?: Readable): DetachedCall {
  const main: UpstreamRequest = { method: 'POST', host: 'api', path: '/x', headers: new HeaderMap([['host', 'api']]), ...(stream ? { stream } : {}) };
  const request: UpstreamRequest = { ...main, headers: main.headers.clone() };
  return { requestId: id, plugin: 'request-mirror', purpose: 'mirror', main, call: { requestId: id, service: SERVICE, target: { host: '127.0.0.1', port: 9, weight: 1 }, request, scheme: 'http', timeoutMs: 1000 } };
}

/** An upstream client that keeps the calls for the test to answer (or throws, when told). */
function heldClient(throwing = false): UpstreamClient & { calls: Array<{ call: UpstreamCall; done: (a: UpstreamAnswer) => void }> } {
  const calls: Array<{ call: UpstreamCall; done: (a: UpstreamAnswer) => void }> = [];
  return {
    calls,
    call(call, done) {
      if (throwing) throw new Error('socket exploded');
      calls.push({ call, done });
    },
    close: async () => undefined,
  };
}

function sink(): { level: 'full'; events: TraceEvent[]; wants: () => boolean; emit: (e: TraceEvent) => void } {
  const events: TraceEvent[] = [];
  return { level: 'full', events, wants: () => true, emit: (e) => void events.push(e) };
}

describe('CopySender', () => {
  it('sends up to the cap, then skips with a decision in the trace; a finished copy frees a place', () => {
    const client = heldClient();
    const trace = sink();
    const sender = new CopySender(client, trace, () => 0, 2);
    for (const id of ['a', 'b', 'c']) sender.send(copyOf(id));
    expect(client.calls.map((c) => c.call.requestId)).toEqual(['a', 'b']);
    const skip = trace.events.find((e) => e.type === 'plugin.decision');
    expect(skip).toMatchObject({ req: 'c', plugin: 'request-mirror', verdict: 'next', data: { mirrored: false, skipped: 'cap' } });
    client.calls[0]?.done({ ok: false, failure: 'connect', message: 'refused' });
    sender.send(copyOf('d'));
    expect(client.calls.map((c) => c.call.requestId)).toEqual(['a', 'b', 'd']);
    expect(sender.pending).toBe(2);
  });

  it('records failures and answers as effect ends, and never throws, even when the client does', () => {
    const trace = sink();
    const client = heldClient();
    const sender = new CopySender(client, trace, () => 0);
    sender.send(copyOf('a'));
    let discarded = false;
    client.calls[0]?.done({ ok: true, status: 500, headers: new HeaderMap(), discard: () => void (discarded = true) });
    expect(discarded, 'the answer is read away so its connection is reused').toBe(true);
    const throwing = new CopySender(heldClient(true), trace, () => 0);
    expect(() => throwing.send(copyOf('b'))).not.toThrow();
    expect(throwing.pending).toBe(0);
    const ends = trace.events.filter((e) => e.type === 'effect.end');
    expect(ends).toMatchObject([
      { req: 'a', ok: true, detail: 'v2 answered 500 (ignored)' },
      { req: 'b', ok: false, detail: 'Error: socket exploded' },
    ]);
  });

  it('shares a streamed body: a copy that never reads is cut off, and the main request still gets every byte', async () => {
    const source = new PassThrough();
    const copy = copyOf('a', source);
    new CopySender(heldClient(), sink(), () => 0).send(copy);
    const main = copy.main.stream as Readable;
    const forCopy = copy.call.request.stream as Readable;
    expect(main).not.toBe(source);
    let copyError: Error | undefined;
    forCopy.on('error', (e) => (copyError = e));
    const chunk = Buffer.alloc(64 * 1024, 1);
    const total = Math.ceil((2 * MAX_COPY_BODY_BACKLOG) / chunk.length) * chunk.length;
    const received = (async () => {
      let n = 0;
      for await (const c of main) n += (c as Buffer).length;
      return n;
    })();
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!source.write(chunk)) await new Promise((r) => source.once('drain', r));
    }
    source.end();
    expect(await received).toBe(total);
    expect(copyError?.message).toMatch(/too slowly/);
  });

  it('a copy that reads gets the same bytes as the main request', async () => {
    const copy = copyOf('a', Readable.from([Buffer.from('hello '), Buffer.from('mirror')]));
    new CopySender(heldClient(), sink(), () => 0).send(copy);
    const read = async (s: Readable) => {
      const parts: Buffer[] = [];
      for await (const c of s) parts.push(c as Buffer);
      return Buffer.concat(parts).toString();
    };
    const [main, mirrored] = await Promise.all([read(copy.main.stream as Readable), read(copy.call.request.stream as Readable)]);
    expect(main).toBe('hello mirror');
    expect(mirrored).toBe('hello mirror');
  });
});
