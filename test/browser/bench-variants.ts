/**
 * bench-large's `--scenario <file>` mode: a bundled scenario opened as it is, every variant in its
 * own panel on one timeline (the link `#s=<id>&v=<all variants>`, set once the page and its catalog
 * are up), as a student would compare them. It measures, from the moment the link is set: the first panel with counters on screen, the
 * shared timeline reaching past 0 (every running panel has streamed something: play and scrub
 * move), each panel's first counters and its run's end, and all panels done.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { loadScenarioText } from '../../engine/scenario/load.ts';

export interface VariantsResult {
  scenario: string;
  variants: number;
  openToFirstPanelPlayableMs: number;
  openToTimelinePlayableMs: number;
  knownEndAtTimelinePlayableMs: number;
  openToAllDoneMs: number;
  panels: Array<{ variant: string; firstCountersMs: number; doneMs: number; simulateMs: number; streamMs: number; requests: string | undefined }>;
}

/** The scenario's id and variant names, read with the engine's own loader. */
export function variantsOf(file: string): { id: string; variants: string[] } {
  const loaded = loadScenarioText(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8'));
  if (!loaded.scenario) throw new Error(`${file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return { id: loaded.scenario.id, variants: loaded.scenario.variants.map((v) => v.name) };
}

const LONG = { timeout: 30 * 60_000 };

/** Profiling around the link: started just before it is set, stopped once the timeline is playable. */
export interface VariantsHooks {
  beforeOpen?: () => Promise<void>;
  atTimelinePlayable?: () => Promise<void>;
}

/** `only`: these variants instead of all of them (`--variants a,b`), to compare one panel with many. */
export async function measureVariants(page: Page, url: string, file: string, only?: readonly string[], hooks: VariantsHooks = {}): Promise<VariantsResult> {
  const all = variantsOf(file);
  const id = all.id;
  const variants = only?.length ? all.variants.filter((v) => only.includes(v)) : all.variants;
  // The page and its catalog first, as bench-large's open-file does: then the link, as if pasted.
  await page.goto(url);
  await page.getByTestId('open-file').waitFor();
  await hooks.beforeOpen?.();
  const t0 = Date.now();
  await page.evaluate((hash) => (location.hash = hash), `#s=${encodeURIComponent(id)}&v=${variants.map(encodeURIComponent).join(',')}`);
  const since = (): number => Date.now() - t0;
  const firstCounters = new Map<string, number>();
  const watchers = variants.map((v) => page.getByTestId(`arrived-${v}`).waitFor(LONG).then(() => firstCounters.set(v, since())));
  await Promise.race(watchers);
  const openToFirstPanelPlayableMs = since();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="scrubber"]')?.getAttribute('data-known-end')) > 0, null, LONG);
  const openToTimelinePlayableMs = since();
  await hooks.atTimelinePlayable?.();
  const knownEndAtTimelinePlayableMs = Number(await page.getByTestId('scrubber').getAttribute('data-known-end'));
  const done = new Map<string, number>();
  await Promise.all([...watchers, ...variants.map((v) => page.getByTestId(`run-info-${v}`).waitFor(LONG).then(() => done.set(v, since())))]);
  const openToAllDoneMs = since();
  const panels = [];
  for (const v of variants) {
    const info = page.getByTestId(`run-info-${v}`);
    panels.push({
      variant: v,
      firstCountersMs: firstCounters.get(v) ?? -1,
      doneMs: done.get(v) ?? -1,
      simulateMs: Number(await info.getAttribute('data-simulate-ms')),
      streamMs: Number(await info.getAttribute('data-stream-ms')),
      requests: await info.textContent().then((t) => t?.split(' requests')[0]?.trim()),
    });
  }
  return { scenario: id, variants: variants.length, openToFirstPanelPlayableMs, openToTimelinePlayableMs, knownEndAtTimelinePlayableMs, openToAllDoneMs, panels };
}
