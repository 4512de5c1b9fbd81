/**
 * The state-machine views in Chromium: circuit-breaker-states, scrubbed to the open period and to
 * after the breaker closed. The timeline under the panel and the diagram drawn from the xstate
 * machine (mermaid, loaded lazily) must both say the state the trace says.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, pageErrors, screenshot, scrub, seriousViolations, sharedBrowser, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = chromiumPath ? 'state machine views in Chromium' : 'state machine views in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

/** The breaker's row in the base panel's timeline. */
const breakerRow = (page: Page) => page.getByTestId('machines-base').locator('[data-testid="machine-row"][data-machine="circuit-breaker"]');

/** Waits until the diagram shows `state` highlighted, and returns the label of the highlighted node. */
async function highlighted(page: Page, state: string): Promise<string> {
  const diagram = page.locator(`[data-testid="machine-diagram"][data-state="${state}"]`);
  await diagram.waitFor({ timeout: 30_000 });
  // The generator marks the current state with the `current` class; mermaid puts it on the node's group.
  const node = diagram.locator('svg g.current').first();
  await node.waitFor();
  return (await node.textContent())?.trim() ?? '';
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('circuit-breaker-states: OPEN at 12:00:25 and CLOSED at 12:00:58, in the timeline and the diagram', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=circuit-breaker-states&v=base`);
    await waitForRuns(page, ['base']);

    await scrub(page, 25_000);
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:25.000');
    await expect(breakerRow(page).getAttribute('data-state')).resolves.toBe('OPEN');
    await expect(breakerRow(page).getByTestId('machine-state').textContent()).resolves.toBe('OPEN');

    // Clicking the open stretch tells why it opened.
    await breakerRow(page).locator('g.seg[data-state="OPEN"]').last().dispatchEvent('click');
    await expect(page.getByTestId('machine-reason').textContent()).resolves.toMatch(/5 of 10 calls failed .*CLOSED → OPEN/);

    await page.getByTestId('tab-machines').click();
    await expect(highlighted(page, 'OPEN')).resolves.toBe("open");
    await expect(page.getByTestId('machines-now').locator('tr[data-machine="circuit-breaker"]').getAttribute('data-state')).resolves.toBe('OPEN');
    await screenshot(page, 'machines-open', true);
    expect(await seriousViolations(page), 'timeline and state diagram').toEqual([]);

    await scrub(page, 58_000);
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:58.000');
    await expect(breakerRow(page).getAttribute('data-state')).resolves.toBe('CLOSED');
    await expect(highlighted(page, 'CLOSED')).resolves.toBe("closed");
    await expect(page.locator('[data-testid="machine-diagram"] svg g.current').count()).resolves.toBe(1);
    await screenshot(page, 'machines-closed', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('a scenario without machine moves has neither the timeline nor the tab', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    await expect(page.getByTestId('machines-base').count()).resolves.toBe(0);
    await expect(page.getByTestId('tab-machines').count()).resolves.toBe(0);
    await page.close();
  });
});
