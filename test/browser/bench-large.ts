/**
 * A browser benchmark, not a timed test: a rate-limiting load of N requests (300k by default)
 * opened in the built lab through "Open your own scenario file", then the worker's time to finish,
 * the page's time to a playable trace, and the frame time while scrubbing. Run it with
 *   npx tsx test/browser/bench-large.ts [requests]
 * and it prints one JSON line of numbers. With GATELAB_BENCH_PROFILE=<dir> it also writes CPU
 * profiles there: page-load, worker-N (the run's worker: simulate + stream) and page-scrub.
 *   npx tsx test/browser/bench-large.ts --scenario scenarios/capacity/kong-bottleneck.yaml
 * opens a bundled scenario as it is, every variant side by side (bench-variants.ts), instead;
 * `--variants base,overload` opens only those.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { holdWorkerTermination, mainThreadTotals, profilePage, profileWorkers, releaseWorkers, traceDuring, type WorkerProfiler } from './bench-profile.ts';
import { findChromium } from './global-setup.ts';
import { launch } from './harness.ts';
import { scenarioText } from './bench-scenario.ts';
import { serveLab } from './serve-lab.ts';
import { SCRUB } from './bench-scrub.ts';
import { measureVariants } from './bench-variants.ts';

const scenarioAt = process.argv.indexOf('--scenario');
const scenarioFile = scenarioAt >= 0 ? process.argv[scenarioAt + 1] : undefined;
const variantsAt = process.argv.indexOf('--variants');
const onlyVariants = variantsAt >= 0 ? (process.argv[variantsAt + 1] ?? '').split(',') : undefined;
const requests = Number((scenarioFile ? undefined : process.argv[2]) ?? 300_000);

const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH: apt-get install chromium');
mkdirSync('test/artifacts', { recursive: true });
const file = 'test/artifacts/bench-large.yaml';
if (!scenarioFile) writeFileSync(file, scenarioText(requests));

const profileDir = process.env.GATELAB_BENCH_PROFILE;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const { server, url } = await serveLab(profileDir ? { minify: false } : {});
const browser = await launch(chromiumPath);
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  if (scenarioFile) {
    // Profiles up to the playable timeline: what the page and each run's worker do before it.
    let stopPage: ((file: string) => Promise<void>) | null = null;
    let workers: WorkerProfiler | null = null;
    const hooks = profileDir
      ? {
          beforeOpen: async () => {
            workers = await profileWorkers(browser);
            stopPage = await profilePage(page);
          },
          atTimelinePlayable: async () => {
            await stopPage?.(`${profileDir}/page-first-playable.cpuprofile`);
            await workers?.stop(profileDir);
          },
        }
      : {};
    console.log(JSON.stringify(await measureVariants(page, url, scenarioFile, onlyVariants, hooks)));
    await page.screenshot({ path: 'test/artifacts/bench-variants.png' });
  } else await measureLarge(page, url);
} finally {
  await browser.close();
  await server.close();
}

/** The generated N-request run opened from a file: worker time, first playable, scrub frames. */
async function measureLarge(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('open-file').waitFor();
  const workers = profileDir ? await profileWorkers(browser) : null;
  if (profileDir) await holdWorkerTermination(page);
  const stopLoadProfile = profileDir ? await profilePage(page) : null;
  const t0 = Date.now();
  await page.getByTestId('open-file').setInputFiles(file);
  // First playable: the panel's counters are on screen, so play, step and scrub have a trace to
  // move over (before the run streamed, that was only after the whole run was done).
  // The run's panel is on screen: the scenario was described and its run asked for.
  await page.getByTestId('panel-base').waitFor({ timeout: 30 * 60_000 });
  const runAskedMs = Date.now() - t0;
  await page.getByTestId('arrived-base').waitFor({ timeout: 30 * 60_000 });
  const firstPlayableMs = Date.now() - t0;
  const scrubber = page.getByTestId('scrubber');
  const knownEndAtFirstMs = Number((await scrubber.getAttribute('data-known-end')) ?? (await scrubber.getAttribute('max')));
  const info = page.getByTestId('run-info-base');
  await info.waitFor({ timeout: 30 * 60_000 });
  const openedMs = Date.now() - t0;
  const simulateMs = Number(await info.getAttribute('data-simulate-ms'));
  const wallMs = Number(await info.getAttribute('data-wall-ms'));
  const streamMs = Number(await info.getAttribute('data-stream-ms'));
  const profiles: string[] = [];
  if (profileDir && stopLoadProfile && workers) {
    await stopLoadProfile(`${profileDir}/page-load.cpuprofile`);
    profiles.push(`${profileDir}/page-load.cpuprofile`, ...(await workers.stop(profileDir)));
    await releaseWorkers(page);
  }
  const stopScrubProfile = profileDir ? await profilePage(page) : null;
  const frames = (await page.evaluate(SCRUB)) as number[];
  // A second scrub under a Chrome trace: where the main thread's frame time goes besides JavaScript.
  const traced = profileDir ? await traceDuring(page, () => page.evaluate(SCRUB)) : null;
  const timeline = traced ? mainThreadTotals(traced) : null;
  // The same trace in main-thread CPU time: what the frame costs, whatever the machine's load.
  const timelineCpu = traced ? mainThreadTotals(traced, 'cpu') : null;
  if (stopScrubProfile) {
    await stopScrubProfile(`${profileDir}/page-scrub.cpuprofile`);
    profiles.push(`${profileDir}/page-scrub.cpuprofile`);
  }
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  await page.screenshot({ path: 'test/artifacts/bench-large.png' });
  console.log(
    JSON.stringify({
      requests: await info.textContent().then((t) => t?.split(' requests')[0]?.trim()),
      workerSimulateMs: simulateMs,
      workerStreamMs: streamMs,
      pageToTraceMs: wallMs,
      openToRunAskedMs: runAskedMs,
      openToFirstPlayableMs: firstPlayableMs,
      knownEndAtFirstPlayableMs: knownEndAtFirstMs,
      openToReadyMs: openedMs,
      scrubFrameMs: { mean: frames.reduce((s, x) => s + x, 0) / Math.max(1, frames.length), p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1] },
      ...(profiles.length ? { profiles } : {}),
      ...(timeline ? { scrubTimelineMs: Object.fromEntries(timeline.map(([k, v]) => [k, Math.round(v)])) } : {}),
      ...(timelineCpu ? { scrubTimelineCpuMs: Object.fromEntries(timelineCpu.map(([k, v]) => [k, Math.round(v)])) } : {}),
    }),
  );
}
