import { describe, expect, it } from 'vitest';
import type { FromWorker, ScenarioInfo, ToWorker } from '../worker/protocol.ts';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';
import { EngineClient } from './engine-client.ts';
import { Lab } from './lab.svelte.ts';
import { syntheticTrace } from './derive/testing/synthetic.ts';
import { TraceEncoder } from '../worker/trace-codec.ts';

const info: ScenarioInfo = {
  file: 'scenarios/t/demo.yaml', id: 'demo', title: 'Demo', topic: 't', summary: '', tags: [], seed: 1, start: Date.UTC(2026, 0, 1, 12),
  durationMs: 1000, variants: [{ name: 'base' }, { name: 'strict', title: 'Stricter' }], narration: [{ atMs: 0, text: 'hi' }], diagnostics: [],
};

/** A stand-in Worker that answers the protocol with synthetic traces, synchronously after a tick. */
class FakeWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  static runs: Array<Extract<ToWorker, { type: 'run' }>> = [];
  postMessage(m: ToWorker): void {
    queueMicrotask(() => {
      const send = (d: FromWorker): void => this.onmessage?.({ data: d } as MessageEvent<FromWorker>);
      if (m.type === 'catalog') send({ type: 'catalog', runId: m.runId, scenarios: [info] });
      else if (m.type === 'run') {
        FakeWorker.runs.push(m);
        if (m.variant === 'broken') {
          send({ type: 'error', runId: m.runId, diagnostics: [{ severity: 'error', code: 'GL_E_VARIANT', message: 'no such variant' }] });
          return;
        }
        const rl = { status: 429, plugin: 'rate-limit', reason: 'limit reached' };
        const events = syntheticTrace(
          m.variant === 'strict' ? [{ id: 'a-1', at: 100, reject: rl }, { id: 'a-2', at: 200, reject: rl }] : [{ id: 'a-1', at: 100 }, { id: 'a-2', at: 200, reject: rl }],
          { variant: m.variant, endT: 1000 },
        );
        send({ type: 'progress', runId: m.runId, phase: 'simulate', done: 0, total: 1 });
        send({ type: 'trace-batch', runId: m.runId, from: 0, count: events.length, encoded: new TraceEncoder().encode(events) });
        send({ type: 'done', runId: m.runId, variant: m.variant, traceHash: `hash-${m.variant}`, requests: 2, events: events.length, clients: [], expectations: [], warnings: [], timing: { simulateMs: 1, streamMs: 1 } });
      }
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function lab(): Promise<Lab> {
  const l = new Lab(new EngineClient(() => new FakeWorker() as unknown as Worker), new ReplayCursor(frames), () => 0);
  await l.loadCatalog();
  return l;
}

describe('Lab', () => {
  it('opens a scenario, runs every variant and prepares the cursor', async () => {
    const l = await lab();
    expect(l.open('demo')).toBe(true);
    expect(l.panels.map((p) => [p.variant, p.status])).toEqual([['base', 'running'], ['strict', 'running']]);
    await settle();
    expect(l.panels.map((p) => p.status)).toEqual(['ready', 'ready']);
    expect(l.panels[1]?.title).toBe('Stricter');
    expect(l.cursor.endT).toBe(1000);
    expect(l.cursor.steps.length).toBeGreaterThan(2);
    expect(l.cursor.narration).toEqual([{ t: 0, text: 'hi' }]);
  });

  it('lands on the instant and request of a shared URL once the runs are in', async () => {
    const l = await lab();
    l.applyUrl({ scenario: 'demo', variants: ['strict'], seed: 9, t: 150, req: { variant: 'strict', id: 'a-1' }, tab: 'log' });
    expect(l.variants).toEqual(['strict']);
    // Before the runs land the URL must still say what was shared, or it would be overwritten with t=0.
    expect(l.shareState()).toMatchObject({ t: 150, req: { variant: 'strict', id: 'a-1' } });
    await settle();
    expect(l.cursor.time).toBe(150);
    expect(l.selected).toEqual({ variant: 'strict', id: 'a-1' });
    expect(l.tab).toBe('log');
    expect(FakeWorker.runs.at(-1)).toMatchObject({ variant: 'strict', seed: 9, level: 'full', scenarioFile: 'scenarios/t/demo.yaml' });
    expect(l.shareState()).toEqual({ scenario: 'demo', variants: ['strict'], seed: 9, t: 150, req: { variant: 'strict', id: 'a-1' }, tab: 'log' });
    // The same URL again only moves time.
    l.applyUrl({ scenario: 'demo', variants: ['strict'], seed: 9, t: 300 });
    expect(l.cursor.time).toBe(300);
    expect(l.panels[0]?.status).toBe('ready');
  });

  it('opens the chart a URL names (chart=latency), shares it, and ignores unknown ids', async () => {
    const l = await lab();
    expect(l.shareState()).not.toHaveProperty('chart');
    l.applyUrl({ scenario: 'demo', chart: 'latency' });
    await settle();
    expect(l.chart).toBe('latency');
    expect(l.shareState()).toMatchObject({ scenario: 'demo', chart: 'latency' });
    l.applyUrl({ scenario: 'demo', chart: 'no-such-chart' });
    expect(l.chart).toBe('latency');
    l.chart = 'rates';
    expect(l.shareState()).not.toHaveProperty('chart');
  });

  it('shows an error panel for a variant that fails, as data', async () => {
    const l = await lab();
    l.open('demo', { variants: ['base'] });
    l.variants = ['base', 'broken'];
    l.setSeed(null);
    await settle();
    expect(l.panels.find((p) => p.variant === 'broken')).toMatchObject({ status: 'error', diagnostics: [{ code: 'GL_E_VARIANT' }] });
  });

  it('toggles variants, selects requests and focuses the detail panel', async () => {
    const l = await lab();
    l.open('demo');
    await settle();
    l.toggleVariant('strict');
    expect(l.variants).toEqual(['base']);
    l.toggleVariant('base');
    expect(l.variants).toEqual(['base']);
    await settle();
    l.select('base', 'a-2');
    expect(l.focused()?.variant).toBe('base');
    l.close();
    expect(l.scenario).toBeNull();
    expect(l.open('nope')).toBe(false);
  });

  it('runs only the variant ticked on, keeps the others and the time, and reruns nothing for one ticked off', async () => {
    const l = await lab();
    l.open('demo');
    await settle();
    l.cursor.seek(600);
    l.select('strict', 'a-1');
    const base = l.panels[0];
    const before = FakeWorker.runs.length;
    // Unticking used to rerun every variant: kong-bottleneck's four again, the player back at 12:00:00.
    l.toggleVariant('strict');
    expect(FakeWorker.runs.length).toBe(before);
    expect(l.panels).toEqual([base]);
    expect(l.panels[0]).toBe(base);
    expect(l.cursor.time).toBe(600);
    // The selection was in the panel that went away: a shared URL must not name it.
    expect(l.selected).toBeNull();
    expect(l.shareState()).toMatchObject({ variants: ['base'], t: 600 });
    expect(l.shareState()).not.toHaveProperty('req');
    l.toggleVariant('strict');
    expect(l.panels.map((p) => [p.variant, p.status])).toEqual([['base', 'ready'], ['strict', 'running']]);
    expect(l.panels[0]).toBe(base);
    await settle();
    expect(FakeWorker.runs.slice(before).map((r) => r.variant)).toEqual(['strict']);
    expect(l.panels.map((p) => p.status)).toEqual(['ready', 'ready']);
    // The cursor waited for the new run and came back to where it was.
    expect(l.cursor.time).toBe(600);
  });

  it('shares the variant picked in the detail tabs, and a link opens the tabs on it', async () => {
    const l = await lab();
    l.open('demo');
    await settle();
    l.tab = 'log';
    l.focus('strict');
    // A link to strict's access log opened base's: the picked variant was not in the URL.
    const shared = l.shareState();
    expect(shared).toMatchObject({ tab: 'log', panel: 'strict' });
    const other = await lab();
    other.applyUrl(shared);
    await settle();
    expect(other.focused()?.variant).toBe('strict');
    expect(other.tab).toBe('log');
    // The first variant is the default and a selected request names its own: neither is written.
    l.focus('base');
    expect(l.shareState()).not.toHaveProperty('panel');
    l.select('strict', 'a-1');
    expect(l.shareState()).not.toHaveProperty('panel');
    // Another scenario opens on its own first variant, not the last one picked.
    l.open('demo', { variants: ['base', 'strict'] });
    expect(l.focusVariant).toBeNull();
  });

  it('zooms charts to where requests happen', async () => {
    const l = await lab();
    l.open('demo');
    await settle();
    const [lo, hi] = l.chartRange();
    expect(lo).toBe(0);
    expect(hi).toBeLessThan(1000);
    // Past the busy stretch the charts grow (twice as wide at a time) until the cursor is on them.
    l.cursor.seek(hi + 1);
    expect(l.chartRange()).toEqual([lo, Math.min(1000, lo + (hi - lo) * 2)]);
    l.cursor.seek(1000);
    expect(l.chartRange()).toEqual([lo, 1000]);
    l.cursor.seek(0);
    expect(l.chartRange()).toEqual([lo, hi]);
    l.zoomToActivity = false;
    expect(l.chartRange()).toEqual([0, 1000]);
  });
});
