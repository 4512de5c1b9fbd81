/**
 * The worker's trace hash after `done` (lab-ui/src/worker/kept-batches.ts), timed in Chromium: the
 * worker's V8 and hash-wasm, not Node's (they disagree on what is slow). Not a timed test. Each
 * measurement bundles lab-codec-hash-page.ts with one copy of kept-batches.ts, opens it in a fresh
 * headless Chromium (Debian's) on 127.0.0.1, simulates the load there, encodes it as the worker
 * does, then per round times `KeptBatches.hash` over fresh copies of the batches by the main
 * thread's CPU (CDP `Performance.getMetrics` ThreadTime), checking its digest against the run's.
 * `--parts` also times the old path's pieces alone (decode; decode + JSON lines; SHA-256 of as many
 * bytes). Several copies alternate A B A B … `pairs` times. Prints one JSON line per measurement.
 *   npx tsx test/bench/lab-codec-hash-browser.ts [requests] [rounds] [pairs] [--war-story] [--parts] [kept-batches.ts ...]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { findChromium } from '../browser/global-setup.ts';
import { bundlePage, cpuMsOf, median, openBenchPage, serveBenchPage } from './chromium-page-bench.ts';
import { warStoryText } from '../browser/bench-war-story.ts';

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const [reqArg, roundArg, pairArg, ...paths] = argv.filter((a) => !a.startsWith('--'));
const requests = Number(reqArg ?? 100_000);
const rounds = Math.min(10, Math.max(1, Number(roundArg ?? 3)));
const pairs = Math.min(10, Math.max(1, Number(pairArg ?? 1)));
const load = flags.has('--war-story') ? 'war-story' : 'generated';
const parts = flags.has('--parts');
const copies = paths.length > 0 ? paths.map((p) => resolve(p)) : [resolve('lab-ui/src/worker/kept-batches.ts')];
const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH');
const yaml = load === 'war-story' ? warStoryText(requests).text : '';

/**
 * Every copy runs on this tree's engine: a copy from another worktree would otherwise bundle its own
 * engine/trace modules, whose hash-wasm `prepare()` never ran (it would time the pure-JS fallback).
 */
const sameEngine: Plugin = {
  name: 'same-engine',
  setup(b) {
    b.onResolve({ filter: /\/engine\// }, (args) => {
      const abs = resolve(args.resolveDir, args.path);
      const at = abs.lastIndexOf('/engine/');
      const mapped = resolve(`engine/${abs.slice(at + '/engine/'.length)}`);
      return { path: mapped };
    });
  },
};

const bundle = (path: string): Promise<string> => bundlePage(resolve(import.meta.dirname, 'lab-codec-hash-page.ts'), { 'kept-batches-under-test': path }, [sameEngine]);

const scripts = await Promise.all(copies.map(bundle));
const benchPage = await serveBenchPage('hash bench');

try {
  for (let p = 0; p < pairs; p++) {
    for (let k = 0; k < copies.length; k++) {
      const { browser, page, cdp } = await openBenchPage(chromiumPath, benchPage, scripts[k] ?? '');
      try {
        const prepared = (await page.evaluate(`import('/bench.js').then((m) => (globalThis.bench = m).prepare(${requests}, ${JSON.stringify(load)}, ${JSON.stringify(yaml)}))`)) as { events: number; digest: string };
        const profile = process.env.GATELAB_HASH_PROFILE;
        if (profile) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
        }
        const hashMs: number[] = [];
        const pieces: Record<string, number[]> = { decode: [], decodeJson: [], sha: [] };
        for (let r = 0; r < rounds; r++) {
          await page.evaluate('globalThis.bench.arm()');
          hashMs.push(await cpuMsOf(cdp, () => page.evaluate('globalThis.bench.hash()')));
          if (parts) {
            pieces.decode?.push(await cpuMsOf(cdp, () => page.evaluate('globalThis.bench.decodeOnly()')));
            pieces.decodeJson?.push(await cpuMsOf(cdp, () => page.evaluate('globalThis.bench.decodeAndJsonOnly()')));
            pieces.sha?.push(await cpuMsOf(cdp, () => page.evaluate('globalThis.bench.shaOnly()')));
          }
        }
        if (profile) writeFileSync(`${profile}-${p}-${k}.cpuprofile`, JSON.stringify((await cdp.send('Profiler.stop')).profile));
        console.log(
          JSON.stringify({
            copy: copies[k],
            load,
            events: prepared.events,
            digest: prepared.digest.slice(0, 12),
            hashCpuMs: hashMs,
            hashMedianMs: median(hashMs),
            ...(parts ? { partsMedianMs: Object.fromEntries(Object.entries(pieces).map(([n, xs]) => [n, median(xs)])) } : {}),
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
