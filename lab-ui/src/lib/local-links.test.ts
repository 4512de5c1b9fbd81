/** Shared links and "Your scenarios": a local scenario that reuses a bundled id still links to itself. */
import { describe, expect, it } from 'vitest';
import type { FromWorker, ScenarioInfo, ToWorker } from '../worker/protocol.ts';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';
import { EngineClient } from './engine-client.ts';
import { Lab } from './lab.svelte.ts';
import { formatHash, parseHash } from './url-state.ts';

const scenario = (file: string, title: string): ScenarioInfo => ({
  file, id: 'demo', title, topic: 't', summary: '', tags: [], seed: 1, start: 0, durationMs: 1000, variants: [{ name: 'base' }], narration: [], diagnostics: [],
});
const BUNDLED = scenario('scenarios/t/demo.yaml', 'Bundled demo');
const LOCAL = scenario('local/demo.yaml', 'My demo');

/** A worker that lists the bundled scenario and leaves every run pending: links are all this needs. */
class CatalogWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: ToWorker): void {
    if (m.type === 'catalog') queueMicrotask(() => this.onmessage?.({ data: { type: 'catalog', runId: m.runId, scenarios: [BUNDLED] } } as MessageEvent<FromWorker>));
  }
  terminate(): void {}
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };

async function labWithLocalCopy(): Promise<Lab> {
  const lab = new Lab(new EngineClient(() => new CatalogWorker() as unknown as Worker), new ReplayCursor(frames), () => 0);
  await lab.loadCatalog();
  // What authoring does for a scenario the student opened from a file with the same id.
  lab.upsert(LOCAL);
  return lab;
}

describe('links to local scenarios', () => {
  it('the local copy shares as local:, and that link opens the copy, not the bundled one', async () => {
    const lab = await labWithLocalCopy();
    expect(lab.open(LOCAL.file)).toBe(true);
    const hash = formatHash(lab.shareState());
    expect(hash).toMatch(/^#s=local:demo&/);

    const other = await labWithLocalCopy();
    other.applyUrl(parseHash(hash));
    expect(other.scenario?.title).toBe('My demo');
    expect(other.urlNotice).toBeNull();
  });

  it('the bundled id still opens the bundled scenario, and reopens it when the local copy is open', async () => {
    const lab = await labWithLocalCopy();
    lab.open(LOCAL.file);
    lab.applyUrl(parseHash('#s=demo'));
    expect(lab.scenario?.title).toBe('Bundled demo');
    expect(formatHash(lab.shareState())).toMatch(/^#s=demo&/);
  });

  it('a local link opened where that scenario is not kept leaves a notice instead of opening the bundled one', async () => {
    const lab = await labWithLocalCopy();
    lab.applyUrl(parseHash('#s=local:elsewhere'));
    expect(lab.scenario).toBeNull();
    expect(lab.urlNotice).toContain("'elsewhere', one of someone's own scenarios");
    lab.applyUrl(parseHash('#s=demo'));
    expect(lab.urlNotice).toBeNull();
  });
});
