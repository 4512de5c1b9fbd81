/**
 * Page steps the browser benchmarks share: open a scenario file in the lab and wait for its run, and
 * put the run's panel on screen (what a student scrubbing sees), so each bench times the same page.
 */
import type { Browser, Page } from 'playwright-core';

/** Long runs (300k requests on a loaded machine) may take minutes before their panel appears. */
const RUN_TIMEOUT_MS = 30 * 60_000;

/** A new page on the lab at `url` that has opened `file` through "Open your own scenario file" and shows its run. */
export async function openRunFromFile(browser: Browser, url: string, file: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(url);
  await page.getByTestId('open-file').setInputFiles(file);
  await page.getByTestId('run-info-base').waitFor({ timeout: RUN_TIMEOUT_MS });
  return page;
}

/** Closes the editor and scrolls the run's panel to the top, so its views are on screen. */
export async function showPanel(page: Page): Promise<void> {
  await page.getByTestId('editor-close').click();
  // The player bar sticks to the top: scroll the panel's top to just under it, counters in view.
  await page.getByTestId('panel-base').evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -(document.querySelector('.player')?.getBoundingClientRect().height ?? 0));
  });
  // Let the on-screen observers fire and the first full paint land before timing anything.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}
