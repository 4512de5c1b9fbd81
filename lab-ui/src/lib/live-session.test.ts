import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../worker/protocol.ts';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';
import { EngineClient } from './engine-client.ts';
import { Lab } from './lab.svelte.ts';
import { syntheticTrace } from './derive/testing/synthetic.ts';
import type { EventSourceLike, LiveDeps } from './live-session.ts';
import { countsAt } from './derive/counters.ts';

class FakeSource implements EventSourceLike {
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent<string>) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  send(data: unknown): void {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
}

function fakeDeps() {
  const sources: FakeSource[] = [];
  let tick: (() => void) | null = null;
  const deps: LiveDeps = {
    open: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    every: (_ms, fn) => {
      tick = fn;
      return () => (tick = null);
    },
  };
  return { deps, sources, tick: () => tick?.(), ticking: () => tick !== null };
}

class NoWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(_m: ToWorker): void {}
  terminate(): void {}
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };
const newLab = (): Lab => new Lab(new EngineClient(() => new NoWorker() as unknown as Worker), new ReplayCursor(frames), () => 0);

describe('attaching the lab to a live proxy', () => {
  it('opens <admin>/trace, shows batches in one panel and follows the newest event', () => {
    const lab = newLab();
    const f = fakeDeps();
    expect(lab.attachLive('http://127.0.0.1:8001', f.deps)).toBe(true);
    expect(f.sources[0]?.url).toBe('http://127.0.0.1:8001/trace');
    expect(lab.scenario?.id).toBe('live');
    // It says what differs from a simulated scenario.
    expect(lab.scenario?.summary).toMatch(/Nothing here is simulated: .*no narration, no variant to compare, no expectation and no trace hash/);
    expect(lab.live?.status).toBe('connecting');
    f.sources[0]?.onopen?.(new Event('open'));
    expect(lab.live?.status).toBe('live');

    const events = syntheticTrace([{ id: 'a-1', at: 100 }, { id: 'a-2', at: 200, reject: { status: 429, plugin: 'rate-limiting', reason: 'limit' } }], { endT: 300 });
    for (const e of events) f.sources[0]?.send(e);
    // Nothing re-indexes per event: the panel changes on the flush.
    expect(lab.panels[0]?.index?.requests).toHaveLength(0);
    f.tick();
    const index = lab.panels[0]?.index;
    expect(index?.requests).toHaveLength(2);
    expect(lab.live?.events).toBe(events.length);
    expect(lab.cursor.time).toBe(index?.endT);
    expect(countsAt(index!, lab.cursor.time).rejectedTotal).toBe(1);
    expect(lab.shareState()).toEqual({});

    // Scrubbing back stops following; the next batch leaves the cursor where the student put it.
    lab.cursor.seek(150);
    f.sources[0]?.send({ type: 'request.start', t: 400, req: 'a-3', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://x/', peerIp: '127.0.0.1', headers: {} });
    f.tick();
    expect(lab.cursor.time).toBe(150);
    expect(lab.cursor.endT).toBe(400);
    // Back at the end, it follows again.
    lab.cursor.seek(lab.cursor.endT);
    f.sources[0]?.send({ type: 'request.start', t: 500, req: 'a-4', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://x/', peerIp: '127.0.0.1', headers: {} });
    f.tick();
    expect(lab.cursor.time).toBe(500);
  });

  it("dates the live trace on the player's clock, not at 1970", () => {
    const lab = newLab();
    const f = fakeDeps();
    lab.attachLive('http://127.0.0.1:8001', f.deps);
    for (const e of syntheticTrace([{ id: 'a-1', at: 100 }], { endT: 300 })) if (e.type !== 'run.start') f.sources[0]?.send(e);
    f.tick();
    // The stream has no run.start: the index had epoch 0, and the access log said [01/Jan/1970:00:00:00].
    const start = lab.scenario?.start ?? 0;
    expect(start).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(lab.panels[0]?.index?.startEpoch).toBe(start);
    f.sources[0]?.send({ type: 'request.start', t: 400, req: 'a-2', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://x/', peerIp: '127.0.0.1', headers: {} });
    f.tick();
    // Later flushes keep the first flush's start, as the player does.
    expect(lab.panels[0]?.index?.startEpoch).toBe(start);
    expect(lab.scenario?.start).toBe(start);
  });

  it("takes the clock's start from the run.start a proxy sends first, not from a guess", () => {
    const lab = newLab();
    const f = fakeDeps();
    lab.attachLive('http://127.0.0.1:8001', f.deps);
    // What gatelab serve's /trace sends first (engine/runtimes/proxy/live-run-start.ts): its real start.
    const start = '2026-11-28T06:00:00.250Z';
    f.sources[0]?.send({ type: 'run.start', t: 0, scenario: 'live', variant: 'live', seed: 1, start });
    for (const e of syntheticTrace([{ id: 'a-1', at: 100 }], { endT: 90_000 })) if (e.type !== 'run.start') f.sources[0]?.send(e);
    f.tick();
    expect(lab.scenario?.start).toBe(Date.parse(start));
    expect(lab.panels[0]?.index?.startEpoch).toBe(Date.parse(start));
    f.sources[0]?.send({ type: 'request.start', t: 95_000, req: 'a-2', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://x/', peerIp: '127.0.0.1', headers: {} });
    f.tick();
    expect(lab.scenario?.start).toBe(Date.parse(start));
    expect(lab.panels[0]?.index?.startEpoch).toBe(Date.parse(start));
  });

  it('an older proxy without run.start gets the guess, which a run.start arriving later replaces', () => {
    const lab = newLab();
    const f = fakeDeps();
    lab.attachLive('http://127.0.0.1:8001', f.deps);
    f.sources[0]?.send({ type: 'request.start', t: 400, req: 'a-1', client: 'c', replica: 'gw-0', method: 'GET', url: 'http://x/', peerIp: '127.0.0.1', headers: {} });
    f.tick();
    const guess = lab.scenario?.start ?? 0;
    expect(guess).toBeGreaterThan(Date.UTC(2020, 0, 1));
    const start = '2026-11-28T06:00:00.000Z';
    f.sources[0]?.send({ type: 'run.start', t: 0, scenario: 'live', variant: 'live', seed: 1, start });
    f.tick();
    expect(lab.scenario?.start).toBe(Date.parse(start));
    expect(lab.panels[0]?.index?.startEpoch).toBe(Date.parse(start));
  });

  it('says what to do when the admin listener cannot be reached, and stops on close', () => {
    const lab = newLab();
    const f = fakeDeps();
    lab.attachLive('http://127.0.0.1:8001', f.deps);
    f.sources[0]?.onerror?.(new Event('error'));
    expect(lab.live?.status).toBe('error');
    expect(lab.live?.message).toContain('gatelab serve --config <file> --admin 127.0.0.1:8001');
    lab.close();
    expect(f.sources[0]?.closed).toBe(true);
    expect(f.ticking()).toBe(false);
    expect(lab.live).toBeNull();
    expect(lab.scenario).toBeNull();
  });

  it('refuses an admin URL that is not one', () => {
    const lab = newLab();
    const f = fakeDeps();
    expect(lab.attachLive('ftp://nope', f.deps)).toBe(false);
    expect(f.sources).toHaveLength(0);
    expect(lab.live?.message).toContain('not an admin URL');
  });
});
