/**
 * A long run streams, in real Chromium: the worker posts trace batches while it simulates (the page
 * receives them from a busy worker), the panel becomes playable before the run's `done`, play waits
 * at the known end, and the results and trace hash appear once it is done. Asserts on state only.
 */
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS, openPage, pageErrors, sharedBrowser, traceHashOf } from './harness.ts';
import { scenarioText } from './bench-scenario.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = chromiumPath ? 'a long run streams in Chromium' : 'a long run streams in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

// Large enough that simulating takes many batches (≈ 8 trace events a request, 20,000 a batch) and
// still goes on when the panel first shows: 40k requests once took seconds, but by session 15 the
// worker finished them in about half a second, sometimes before the test looked.
const REQUESTS = 150_000;

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('is playable before the run is done, and finishes with its hash', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('open-file').waitFor({ timeout: 60_000 });
    await page.getByTestId('open-file').setInputFiles({ name: 'bench-large.yaml', mimeType: 'application/yaml', buffer: Buffer.from(scenarioText(REQUESTS)) });

    // The panel shows the trace so far, with the run still going: no run-info (it comes with done).
    // What the page shows mid-run and the drag past the known end are read in one task of the page,
    // so a batch or the run's `done` cannot land between them (the worker's messages are tasks too).
    await page.getByTestId('streaming-base').waitFor({ timeout: 120_000 });
    const seen = await page.evaluate(() => {
      const scrubber = document.querySelector('[data-testid="scrubber"]') as HTMLInputElement | null;
      const early = {
        runInfo: document.querySelector('[data-testid="run-info-base"]') !== null,
        streamStatus: document.querySelector('[data-testid="stream-status"]')?.textContent ?? null,
        knownEnd: Number(scrubber?.getAttribute('data-known-end')),
        max: Number(scrubber?.getAttribute('max')),
        arrived: document.querySelector('[data-testid="arrived-base"]')?.textContent ?? null,
      };
      // Dragging past the known end stops at it (the input handler clamps synchronously).
      if (scrubber) {
        scrubber.value = scrubber.max;
        scrubber.dispatchEvent(new Event('input', { bubbles: true }));
      }
      const clamped = { value: Number(scrubber?.value), max: Number(scrubber?.max) };
      return { early, clamped };
    });
    const { early, clamped } = seen;
    expect(early.runInfo).toBe(false);
    expect(early.streamStatus).toMatch(/simulating/);
    expect(early.knownEnd).toBeGreaterThan(0);
    // The timeline spans the whole scenario, the known part first.
    expect(early.max).toBeGreaterThan(early.knownEnd);
    expect(early.arrived).not.toBeNull();
    // (The range input keeps fewer digits than the number it was given: compare to a microsecond.)
    expect(clamped.value).toBeLessThanOrEqual(early.knownEnd + 0.001);
    expect(clamped.value).toBeLessThan(clamped.max);
    await page.screenshot({ path: `${ARTIFACTS}/streaming.png` });

    // Playing from the edge waits there while the run goes on (or plays on if the trace has grown).
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('play').textContent(), { timeout: 10_000 }).toMatch(/Pause/);

    await page.getByTestId('run-info-base').waitFor({ timeout: 10 * 60_000 });
    expect(await traceHashOf(page, 'base', 10 * 60_000)).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId('streaming-base').count()).toBe(0);
    expect(await page.getByTestId('stream-status').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 15 * 60_000);
});
