/**
 * The lab while a run streams: the panel is playable on the first batch, the cursor's reach grows
 * batch by batch, a shared URL's time lands when the trace reaches it, and the results come at done.
 */
import { describe, expect, it } from 'vitest';
import type { FromWorker, ScenarioInfo, ToWorker, TraceEvent } from '../worker/protocol.ts';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';
import { EngineClient } from './engine-client.ts';
import { Lab } from './lab.svelte.ts';
import { countsAt } from './derive/counters.ts';
import { syntheticTrace } from './derive/testing/synthetic.ts';
import { TraceEncoder } from '../worker/trace-codec.ts';

const info: ScenarioInfo = {
  file: 'scenarios/t/demo.yaml', id: 'demo', title: 'Demo', topic: 't', summary: '', tags: [], seed: 1, start: Date.UTC(2026, 0, 1, 12),
  durationMs: 1000, variants: [{ name: 'base' }, { name: 'strict' }], narration: [], diagnostics: [],
};

/** A worker the test drives: the catalog at once, a run's messages when the test sends them. */
class ManualWorker {
  static runs: ManualWorker[] = [];
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  runId = 0;
  private from = 0;
  private readonly encoder = new TraceEncoder();
  postMessage(m: ToWorker): void {
    if (m.type === 'catalog') queueMicrotask(() => this.send({ type: 'catalog', runId: m.runId, scenarios: [info] }));
    if (m.type === 'run') {
      this.runId = m.runId;
      ManualWorker.runs.push(this);
    }
  }
  terminate(): void {}
  send(d: FromWorker): void {
    this.onmessage?.({ data: d } as MessageEvent<FromWorker>);
  }
  batch(events: TraceEvent[]): void {
    this.send({ type: 'trace-batch', runId: this.runId, from: this.from, count: events.length, encoded: this.encoder.encode(events) });
    this.from += events.length;
  }
  done(): void {
    this.send({ type: 'done', runId: this.runId, variant: 'base', traceHash: 'h', requests: 4, events: this.from, clients: [], expectations: [{ name: 'e', pass: true, message: 'ok' }] as never, warnings: [], timing: { simulateMs: 1, streamMs: 1 } });
  }
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };

const trace = syntheticTrace([{ id: 'a-1', at: 100 }, { id: 'a-2', at: 200, reject: { status: 429, plugin: 'rate-limit', reason: 'limit reached' } }, { id: 'a-3', at: 600 }, { id: 'a-4', at: 900 }], { endT: 1000 });
/** The trace cut where the engine would cut it: after every event at or before `t`. */
const upTo = (lo: number, hi: number): TraceEvent[] => trace.filter((e) => e.t > lo && e.t <= hi || (lo < 0 && e.t === 0));

async function lab(): Promise<Lab> {
  ManualWorker.runs = [];
  let wall = 0;
  // Each clock reading is 5 s later: every batch is then due for a snapshot.
  const l = new Lab(new EngineClient(() => new ManualWorker() as unknown as Worker), new ReplayCursor(frames), () => (wall += 5000));
  await l.loadCatalog();
  return l;
}

describe('Lab with a streaming run', () => {
  it('plays the known part while the run goes on, and lands a shared time when the trace reaches it', async () => {
    const l = await lab();
    l.open('demo', { variants: ['base'], t: 700 });
    const w = ManualWorker.runs[0]!;
    expect(l.cursor.endT).toBe(0);
    expect(l.cursor.growing).toBe(true);

    w.batch(upTo(-1, 200));
    const panel = l.panels[0]!;
    expect(panel.status).toBe('running');
    expect(panel.index).not.toBeNull();
    expect(l.cursor.endT).toBe(200);
    expect(countsAt(panel.index!, 200)).toMatchObject({ arrived: 2, admitted: 1, rejectedTotal: 1 });
    // The shared URL's 700 ms is not known yet: the cursor stays and the URL still says 700.
    expect(l.cursor.time).toBe(0);
    expect(l.shareState().t).toBe(700);
    l.cursor.seek(5_000);
    expect(l.cursor.time).toBe(200);

    w.batch(upTo(200, 610));
    expect(l.cursor.endT).toBe(610);
    expect(l.cursor.time).toBe(200);
    w.batch(upTo(610, 1000));
    expect(l.cursor.endT).toBe(1000);
    expect(l.cursor.time).toBe(700);
    expect(l.panels[0]!.done).toBeNull();

    w.done();
    await new Promise((r) => setTimeout(r, 0));
    expect(l.panels[0]).toMatchObject({ status: 'ready', done: { expectations: [{ pass: true }] } });
    expect(l.cursor.growing).toBe(false);
    expect(countsAt(l.panels[0]!.index!, 1000)).toMatchObject({ arrived: 4, admitted: 3 });
  });

  it('"go to" an instant not simulated yet waits for it instead of stopping at the known end; a scrub cancels it', async () => {
    const l = await lab();
    l.open('demo', { variants: ['base'] });
    const w = ManualWorker.runs[0]!;
    w.batch(upTo(-1, 200));
    l.goTo(700);
    // Clamped to what is known for now, but the typed time is kept and said (the URL keeps it too).
    expect(l.cursor.time).toBe(200);
    expect(l.goingTo).toBe(700);
    expect(l.shareState().t).toBe(700);
    w.batch(upTo(200, 610));
    expect(l.cursor.time).toBe(200);
    w.batch(upTo(610, 1000));
    expect(l.cursor.time).toBe(700);
    expect(l.goingTo).toBeNull();

    // A time within what is known goes there at once; a scrub drops a time still waiting.
    l.open('demo', { variants: ['base'] });
    const again = ManualWorker.runs[1]!;
    again.batch(upTo(-1, 610));
    l.goTo(100);
    expect([l.cursor.time, l.goingTo]).toEqual([100, null]);
    l.goTo(900);
    expect(l.goingTo).toBe(900);
    l.scrubTo(300);
    expect([l.cursor.time, l.goingTo]).toEqual([300, null]);
    again.batch(upTo(610, 1000));
    expect(l.cursor.time).toBe(300);
  });

  it('moves panels together: the timeline ends where the slowest running panel is known', async () => {
    const l = await lab();
    l.open('demo', { variants: ['base', 'strict'] });
    const [a, b] = ManualWorker.runs as [ManualWorker, ManualWorker];
    a.batch(upTo(-1, 610));
    expect(l.cursor.endT).toBe(0);
    b.batch(upTo(-1, 200));
    expect(l.cursor.endT).toBe(200);
    b.batch(upTo(200, 1000));
    expect(l.cursor.endT).toBe(610);
  });

  it('keeps progress apart from the panels: a progress message replaces neither the panels nor the chart range', async () => {
    const l = await lab();
    l.open('demo', { variants: ['base', 'strict'] });
    const [a] = ManualWorker.runs as [ManualWorker];
    a.batch(upTo(-1, 200));
    const panels = l.panels;
    const range = l.chartRange();
    a.send({ type: 'progress', runId: a.runId, phase: 'simulate', done: 300, total: 1000 });
    expect(l.progress).toEqual({ base: { phase: 'simulate', done: 300, total: 1000 } });
    expect(l.panels).toBe(panels);
    expect(l.chartRange()).toBe(range);
    a.done();
    await new Promise((r) => setTimeout(r, 0));
    expect(l.progress).toEqual({});
    expect(l.panels[0]?.status).toBe('ready');
  });
});
