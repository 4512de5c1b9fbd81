/**
 * A browser benchmark, not a timed test: a rate-limiting load of N requests (300k by default)
 * opened in the built lab through "Open your own scenario file", then the worker's time to finish,
 * the page's time to a playable trace, and a scrub across the run: the interval between frames and
 * the page's work per step, as opened and with the panel on screen (bench-scrub.ts says which is
 * which). Run it with
 *   npx tsx test/browser/bench-large.ts [requests]
 * and it prints one JSON line of numbers. With GATELAB_BENCH_PROFILE=<dir> it also writes CPU
 * profiles there: page-load, worker-N (the run's worker: simulate + stream) and page-scrub, and
 * gives the main thread's CPU per scrub step from a Chrome trace. With GATELAB_BENCH_CPU=1 a Chrome
 * trace of the run, stopped once the hash has landed, gives the run's worker thread's CPU time to
 * finish (`workerCpuMs`: load, simulate, encode and post) and, apart, the hash after `done`
 * (`workerHashCpuMs`); the scrubs then start after the hash. It also gives the collector's pauses on
 * the run's thread (`workerRunGcMs`) and what the page's main thread and V8's helper threads ran
 * meanwhile (`besideRunCpuMs`): on 2 cores the worker waits for a core while they run.
 * GATELAB_BENCH_TRACE_DUMP=<file> (with GATELAB_BENCH_CPU) writes that Chrome trace as JSON.
 *   npx tsx test/browser/bench-large.ts --scenario scenarios/capacity/kong-bottleneck.yaml
 * opens a bundled scenario as it is, every variant side by side (bench-variants.ts), instead;
 * `--variants base,overload` opens only those.
 *   npx tsx test/browser/bench-large.ts --war-story [requests]
 * opens the Kong war story's `overload` stretched to ≈ N requests (300k by default) the same way as
 * the generated load, and reports the same fields (bench-war-story.ts says what differs from the
 * bundled file).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { cpuPerFrame, holdWorkerTermination, mainThreadTotals, profilePage, profileWorkers, releaseWorkers, runAndHashCpuMs, startTrace, traceDuring, type WorkerProfiler } from './bench-profile.ts';
import { findChromium } from './global-setup.ts';
import { launch, traceHashOf } from './harness.ts';
import { scenarioText } from './bench-scenario.ts';
import { warStoryText } from './bench-war-story.ts';
import { serveLab } from './serve-lab.ts';
import { SCRUB_STEPS, spread, type ScrubSteps } from './bench-scrub.ts';
import { measureVariants } from './bench-variants.ts';
import { showPanel } from './bench-page.ts';

const scenarioAt = process.argv.indexOf('--scenario');
const scenarioFile = scenarioAt >= 0 ? process.argv[scenarioAt + 1] : undefined;
const variantsAt = process.argv.indexOf('--variants');
const onlyVariants = variantsAt >= 0 ? (process.argv[variantsAt + 1] ?? '').split(',') : undefined;
const warStoryAt = process.argv.indexOf('--war-story');
const warStory = warStoryAt >= 0;
const countArg = warStory ? process.argv[warStoryAt + 1] : process.argv[2];
const requests = Number((scenarioFile || !countArg || !/^\d+$/.test(countArg) ? undefined : countArg) ?? 300_000);

const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH: apt-get install chromium');
mkdirSync('test/artifacts', { recursive: true });
const file = warStory ? 'test/artifacts/bench-war-story.yaml' : 'test/artifacts/bench-large.yaml';
if (!scenarioFile) writeFileSync(file, warStory ? warStoryText(requests).text : scenarioText(requests));

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
  // With GATELAB_BENCH_CPU=1, a Chrome trace of the run gives each worker thread's CPU time.
  const stopRunTrace = process.env.GATELAB_BENCH_CPU ? await startTrace(page) : null;
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
  // The worker hashes the trace after `done`, while the page is already playable: when it lands.
  const hashed = traceHashOf(page, 'base', 30 * 60_000).then(() => Date.now() - t0);
  // Thread time of the run's worker: its run is one task (load, simulate, stream) that ends with
  // `done`, and the hash follows as a task of its own. The trace runs until the hash has landed
  // (before the scrubs, which then do not overlap the hash in this mode), and the two are told
  // apart by their tasks (`runAndHashCpuMs`). The run's worker is the busiest worker thread; the
  // others (the scenario's describe) are ms.
  if (stopRunTrace) await hashed;
  const runTrace = stopRunTrace ? await stopRunTrace() : null;
  if (runTrace && process.env.GATELAB_BENCH_TRACE_DUMP) writeFileSync(process.env.GATELAB_BENCH_TRACE_DUMP, JSON.stringify(runTrace));
  const workerCpu = runTrace ? runAndHashCpuMs(runTrace, 'DedicatedWorker thread') : null;
  const profiles: string[] = [];
  if (profileDir && stopLoadProfile && workers) {
    await stopLoadProfile(`${profileDir}/page-load.cpuprofile`);
    profiles.push(`${profileDir}/page-load.cpuprofile`, ...(await workers.stop(profileDir)));
    await releaseWorkers(page);
  }
  // Scrub twice: as the page is after opening the file (the editor open, the panel's views below
  // the fold, where off-screen canvases are not repainted: the figure of earlier passes), then with
  // the editor closed and the panel on screen, as a student watching the run sees it.
  const opened = (await page.evaluate(SCRUB_STEPS)) as ScrubSteps;
  await showPanel(page);
  const stopScrubProfile = profileDir ? await profilePage(page) : null;
  const onScreen = (await page.evaluate(SCRUB_STEPS)) as ScrubSteps;
  // A third scrub, of the panel on screen, under a Chrome trace: where the main thread's time goes
  // besides JavaScript, and the same in CPU time (what the steps cost whatever the machine's load).
  const traced = profileDir ? await traceDuring(page, () => page.evaluate(SCRUB_STEPS)) : null;
  const timeline = traced ? mainThreadTotals(traced) : null;
  const timelineCpu = traced ? mainThreadTotals(traced, 'cpu') : null;
  if (stopScrubProfile) {
    await stopScrubProfile(`${profileDir}/page-scrub.cpuprofile`);
    profiles.push(`${profileDir}/page-scrub.cpuprofile`);
  }
  const openToHashMs = await hashed;
  const hashMs = Number(await info.getAttribute('data-hash-ms'));
  await page.screenshot({ path: 'test/artifacts/bench-large.png' });
  console.log(
    JSON.stringify({
      load: warStory ? 'war-story overload' : 'generated rate-limit',
      requests: await info.textContent().then((t) => t?.split(' requests')[0]?.trim()),
      // The worker's time to finish is both: it encodes and posts each batch between engine slices.
      workerToFinishMs: Math.round(simulateMs + streamMs),
      ...(workerCpu ? { workerCpuMs: workerCpu.run, workerHashCpuMs: workerCpu.hash, workerRunGcMs: workerCpu.runGc, besideRunCpuMs: workerCpu.beside } : {}),
      workerSimulateMs: simulateMs,
      workerStreamMs: streamMs,
      pageToTraceMs: wallMs,
      openToRunAskedMs: runAskedMs,
      openToFirstPlayableMs: firstPlayableMs,
      knownEndAtFirstPlayableMs: knownEndAtFirstMs,
      openToReadyMs: openedMs,
      // The trace hash, computed by the worker from the kept events after `done` (not in workerToFinishMs).
      workerHashAfterDoneMs: hashMs,
      // The same seen from the page: from the run's end on screen (`done`) to its hash on screen.
      doneToHashMs: openToHashMs - openedMs,
      openToHashMs,
      // Frame intervals: bounded below by the display's 16.7 ms; a frame missed shows as 33.3.
      scrubFrameMs: spread(opened.intervals),
      // Our work per step (script, style, layout, paint, commit): what the 16 ms goal is judged by.
      scrubWorkMs: spread(opened.work),
      scrubPanelFrameMs: spread(onScreen.intervals),
      scrubPanelWorkMs: spread(onScreen.work),
      ...(profiles.length ? { profiles } : {}),
      ...(timeline ? { scrubTimelineMs: Object.fromEntries(timeline.map(([k, v]) => [k, Math.round(v)])) } : {}),
      ...(timelineCpu ? { scrubTimelineCpuMs: Object.fromEntries(timelineCpu.map(([k, v]) => [k, Math.round(v)])) } : {}),
      // Main-thread CPU per step from the trace (every task, timers included), beside `scrubPanelWorkMs`.
      ...(traced ? { scrubPanelCpuMs: spread(cpuPerFrame(traced).slice(0, -1)) } : {}),
    }),
  );
}
