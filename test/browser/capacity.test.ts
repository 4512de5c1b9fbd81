/**
 * The capacity views in Chromium: kong-bottleneck's overload variant opened from a link that names
 * the latency-split chart (`chart=latency`, the stable id a flashcard links to). At 12:00:20 the
 * gateway's time dwarfs the upstream's, so both parts are drawn as lines on a log axis, and the
 * replica chart (shown only for a trace with replica.queue events) reads a saturated CPU.
 */
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, pageErrors, screenshot, scrub, sharedBrowser } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = labTitle(chromiumPath, 'capacity views in Chromium');

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('kong-bottleneck overload: chart=latency opens the latency split on a log axis, and the replica chart shows a saturated CPU', async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-bottleneck&v=overload&chart=latency`, ['overload']);
    // Inside a bucket, not on its boundary: the "now" caption describes the bucket the cursor is in.
    await scrub(page, 20_250);
    await expect(page.getByTestId('chart-latency').getAttribute('class')).resolves.toContain('on');
    await expect(page.getByTestId('latency-split-overload').getAttribute('data-log')).resolves.toBe('true');
    await expect(page.getByTestId('latency-now-overload').textContent()).resolves.toMatch(/gateway .*upstream/);
    const cpu = page.getByTestId('replica-chart-overload').locator('[data-testid^="replica-now-overload-cpu-"]').first();
    const text = (await cpu.textContent()) ?? '';
    expect(Number(/(\d+) %/.exec(text)?.[1])).toBeGreaterThanOrEqual(90);
    await screenshot(page, 'capacity-overload');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
