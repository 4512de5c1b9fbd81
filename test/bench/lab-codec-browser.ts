/**
 * The lab's trace codec timed in Chromium (the worker's V8, far newer than Node 20's), not a timed
 * test. Each measurement bundles lab-codec-page.ts with one copy of the codec, opens it in a fresh
 * headless Chromium (Debian's, `command -v chromium`) on 127.0.0.1, simulates N requests of the
 * big-run scenario there, then per round encodes, clones and decodes every batch, reading the main
 * thread's CPU time around each part (CDP `Performance.getMetrics`' ThreadTime: the time the thread
 * ran, so the machine's load counts less than in wall time). Prints one JSON line per measurement:
 * the first round (code cold, as in a run's worker) and the median of the others.
 *   npx tsx test/bench/lab-codec-browser.ts [requests] [rounds] [pairs] [--warm] [--war-story] [codec.ts ...]
 * `--war-story` measures the Kong war story's overload stretched to N requests (bench-war-story.ts)
 * instead of the generated rate-limit load.
 * With no codec paths it measures this tree's lab-ui/src/worker/trace-codec.ts; with several it
 * alternates them A B A B … `pairs` times. `--warm` first runs each copy over a trace of another
 * seed, so the first round shows the cost of new strings without the code's warm-up.
 */
import { resolve } from 'node:path';
import { findChromium } from '../browser/global-setup.ts';
import { bundlePage, cpuMsOf, median, openBenchPage, serveBenchPage } from './chromium-page-bench.ts';
import { warStoryText } from '../browser/bench-war-story.ts';

const argv = process.argv.slice(2);
const warm = argv.includes('--warm');
const warStory = argv.includes('--war-story');
const [reqArg, roundArg, pairArg, ...codecArgs] = argv.filter((a) => a !== '--warm' && a !== '--war-story');
const requests = Number(reqArg ?? 100_000);
const rounds = Math.min(10, Math.max(1, Number(roundArg ?? 3)));
const pairs = Math.min(10, Math.max(1, Number(pairArg ?? 1)));
const codecs = codecArgs.length > 0 ? codecArgs.map((p) => resolve(p)) : [resolve('lab-ui/src/worker/trace-codec.ts')];
const yaml = warStory ? warStoryText(requests).text : '';
const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH');

const bundle = (codecPath: string): Promise<string> => bundlePage(resolve(import.meta.dirname, 'lab-codec-page.ts'), { 'trace-codec-under-test': codecPath });

const scripts = await Promise.all(codecs.map(bundle));
const benchPage = await serveBenchPage('codec bench');

const PARTS = ['encode', 'clone', 'decode'] as const;
type Part = (typeof PARTS)[number];
try {
  for (let p = 0; p < pairs; p++) {
    for (let k = 0; k < codecs.length; k++) {
      const { browser, page, cdp } = await openBenchPage(chromiumPath, benchPage, scripts[k] ?? '');
      try {
        const prepared = (await page.evaluate(`import('/bench.js').then((m) => (globalThis.bench = m).prepare(${requests}, ${warm}, ${JSON.stringify(yaml)}))`)) as { events: number; simulateMs: number };
        const cpu: Array<Record<Part, number>> = [];
        for (let r = 0; r < rounds; r++) {
          const got = {} as Record<Part, number>;
          for (const part of PARTS) {
            got[part] = await cpuMsOf(cdp, () => page.evaluate(`globalThis.bench.${part}All()`));
          }
          cpu.push(got);
        }
        const rest = cpu.slice(1);
        console.log(
          JSON.stringify({
            codec: codecs[k],
            events: prepared.events,
            simulateMs: Math.round(prepared.simulateMs),
            firstCpuMs: cpu[0],
            ...(rest.length ? { restCpuMs: Object.fromEntries(PARTS.map((part) => [part, median(rest.map((r) => r[part]))])) } : {}),
          }),
        );
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  benchPage.close();
}
