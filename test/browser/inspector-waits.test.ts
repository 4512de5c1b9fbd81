/**
 * The war story's 504 in the inspector (issue #9): kong-bottleneck's overload variant, a request
 * that the front balancer gave up on after 5 s. Its story lists where the time went — each wait for
 * the CPU between the decisions it delayed, with the numbers — and the time section splits the
 * gateway time into waits, CPU and I/O. The lab runs at `full`, where the waits are recorded.
 */
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, pageErrors, screenshot, sharedBrowser } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = labTitle(chromiumPath, 'inspector waits in Chromium');

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('a 504 in the overload variant tells its CPU waits in order with the decisions, and where the gateway time went', async () => {
    // app-10445 reaches gw-0 at 20.94 s and gets the front's 504 at 25.94 s (seed 9).
    const page = await openAt(browser, `${labUrl}#s=kong-bottleneck&v=overload&t=26500&req=overload/app-10445&tab=inspector`, ['overload']);
    await expect.poll(() => page.getByTestId('inspector-headline').textContent()).toContain('504');
    const waits = page.getByTestId('wait-text');
    await expect.poll(() => waits.count()).toBeGreaterThanOrEqual(4);
    await expect(waits.first().textContent()).resolves.toMatch(/^its own work \(proxying and plugins\): waited \d+ ms for the CPU on gw-0/);
    // The first wait stands right after the router's decision, before the next plugin's.
    const order = await page.locator('ol.decisions > li').evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-testid')));
    expect(order).toEqual(['decision', 'wait', 'decision']);
    await expect(page.getByTestId('gateway-time-parts').textContent()).resolves.toMatch(/waiting for the CPU [\d.]+ s · on the CPU/);
    await screenshot(page, 'inspector-waits-504', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
