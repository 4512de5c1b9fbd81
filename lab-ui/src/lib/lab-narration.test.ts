import { describe, expect, it } from 'vitest';
import type { FromWorker, ScenarioInfo, ToWorker } from '../worker/protocol.ts';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';
import { EngineClient } from './engine-client.ts';
import { Lab } from './lab.svelte.ts';
import { narrationsDiffer } from './lab-runs.ts';
import { syntheticTrace } from './derive/testing/synthetic.ts';
import { TraceEncoder } from '../worker/trace-codec.ts';

const info: ScenarioInfo = {
  file: 'scenarios/t/told.yaml', id: 'told', title: 'Told', topic: 't', summary: '', tags: [], seed: 1, start: Date.UTC(2026, 0, 1, 12),
  durationMs: 1000, variants: [{ name: 'base' }, { name: 'checks' }, { name: 'same' }], narration: [], diagnostics: [],
};

/** Each variant's trace carries its own narration, as a variant with a narration patch does. */
const STORIES: Record<string, Array<[number, string]>> = {
  base: [[0, 'base: nothing watches the answers']],
  checks: [[0, 'checks: three failures mark it down'], [500, 'checks: out of rotation']],
  same: [[0, 'base: nothing watches the answers']],
};

class StoryWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: ToWorker): void {
    queueMicrotask(() => {
      const send = (d: FromWorker): void => this.onmessage?.({ data: d } as MessageEvent<FromWorker>);
      if (m.type === 'catalog') send({ type: 'catalog', runId: m.runId, scenarios: [info] });
      else if (m.type === 'run') {
        const events = syntheticTrace([{ id: 'a-1', at: 100 }], { variant: m.variant, endT: 1000, narration: STORIES[m.variant] ?? [] });
        send({ type: 'trace-batch', runId: m.runId, from: 0, count: events.length, encoded: new TraceEncoder().encode(events) });
        send({ type: 'done', runId: m.runId, variant: m.variant, traceHash: '', requests: 1, events: events.length, clients: [], expectations: [], warnings: [], timing: { simulateMs: 1, streamMs: 1 } });
      }
    });
  }
  terminate(): void {}
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const texts = (l: Lab): string[] => l.cursor.narration.map((n) => n.text);

describe("the captions tell the story of the variant being looked at", () => {
  it('narrates the focused panel, the selected request\'s panel, and the first one by default', async () => {
    const l = new Lab(new EngineClient(() => new StoryWorker() as unknown as Worker), new ReplayCursor(frames), () => 0);
    await l.loadCatalog();
    l.open('told', { variants: ['base', 'checks'] });
    await settle();
    expect(texts(l)).toEqual(['base: nothing watches the answers']);
    expect(narrationsDiffer(l.panels)).toBe(true);
    // Always the first panel's: a student comparing checks read base's story beside it.
    l.focus('checks');
    expect(texts(l)).toEqual(['checks: three failures mark it down', 'checks: out of rotation']);
    l.select('base', 'a-1');
    expect(texts(l)).toEqual(['base: nothing watches the answers']);
    l.select('checks', 'a-1');
    expect(l.cursor.narration).toHaveLength(2);
    // A shared link to a panel opens on that panel's story.
    l.applyUrl({ scenario: 'told', variants: ['base', 'checks'], t: 0, panel: 'checks' });
    expect(l.cursor.narration).toHaveLength(2);
  });

  it('says the stories differ only when they do', async () => {
    const l = new Lab(new EngineClient(() => new StoryWorker() as unknown as Worker), new ReplayCursor(frames), () => 0);
    await l.loadCatalog();
    l.open('told', { variants: ['base', 'same'] });
    await settle();
    expect(narrationsDiffer(l.panels)).toBe(false);
  });
});
