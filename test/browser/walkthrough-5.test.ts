/**
 * A fifth walk through the lab in Chromium — as a student of the resilience scenarios, as someone
 * streaming the 300k-request war story and as someone attaching the lab to a live proxy — each test
 * pinning a defect that walk found: captions that always told the first panel's story (base's
 * "nothing watches the answers" beside passive-only taking its target out), and a State machines tab
 * that vanished when base was picked in the detail tabs, leaving no tab selected or reachable with
 * Tab, and a scenario file's run streaming below the editor, out of sight, with nothing in view
 * saying it ran or could be played already, and on a phone a topology and machines tables that
 * scrolled sideways where no keyboard could scroll them. What needed no browser is pinned beside its code: a live trace dated 01/Jan/1970 in the access
 * log and the chart axes (lib/live-session.test.ts), a live rate bar drawn past the axis
 * (lib/charts/rate-cursor.test.ts), "0 of 14 OOM kills" while 34 were to come and "1 requests"
 * (lib/panel-notes.test.ts), and which variant the captions follow (lib/lab-narration.test.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, openPage, pageErrors, screenshot, seriousViolations, sharedBrowser, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');

const title = labTitle(chromiumPath, 'a fifth walkthrough of the lab in Chromium');

const activeTestId = (page: Page): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
const tabState = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.querySelectorAll('[role="tab"]')].filter((t) => t.getAttribute('aria-selected') === 'true' || (t as HTMLElement).tabIndex === 0).map((t) => t.id));

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it("tells the story of the variant being looked at: passive-only's captions beside base, and a link keeps it", async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-health-checks&v=base,passive-only&t=21000`, ['base', 'passive-only']);
    const caption = page.getByTestId('caption');
    // By default the first panel's, as before, but now it says whose.
    await expect(caption.textContent()).resolves.toContain('Nothing watches the answers');
    await expect(page.getByTestId('caption-variant').inputValue()).resolves.toBe('base');
    // It was the only story: a student comparing passive-only never read "Kong marks 10.0.2.11 unhealthy".
    await page.getByTestId('caption-variant').selectOption('passive-only');
    await expect.poll(() => caption.textContent()).toContain('3 of 3, Kong marks 10.0.2.11 unhealthy');
    await expect(page.getByTestId('caption-when').textContent()).resolves.toBe('12:00:20.26 · 3/5');
    // The scrubber's marks and the detail tabs follow the same variant.
    await expect(page.getByTestId('narration-mark').count()).resolves.toBe(5);
    await expect(page.getByTestId('detail-variant').inputValue()).resolves.toBe('passive-only');
    // Clicking a request in base's panel tells base's story again.
    await page.getByTestId('detail-variant').selectOption('base');
    await expect.poll(() => caption.textContent()).toContain('Nothing watches the answers');
    await page.getByTestId('caption-variant').selectOption('passive-only');

    // The shared URL round-trip: the link names the panel, and a new page opens on its story.
    await expect.poll(() => page.url()).toContain('panel=passive-only');
    const again = await openAt(browser, page.url(), ['base', 'passive-only']);
    await expect.poll(() => again.getByTestId('caption').textContent()).toContain('Kong marks 10.0.2.11 unhealthy');
    await expect(again.getByTestId('clock').textContent()).resolves.toBe('12:00:21.000');
    await screenshot(again, 'walkthrough-5-caption-variant');
    expect(await seriousViolations(again)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await again.close();
    await page.close();
  });

  it("keeps the State machines tab selected and reachable when base, which has no machine, is picked", async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-health-checks&v=base,passive-only&t=21000&tab=machines&panel=passive-only`, ['base', 'passive-only']);
    await page.getByTestId('machines-now').waitFor();
    await expect(tabState(page)).resolves.toEqual(['tab-machines']);
    await page.getByTestId('detail-variant').selectOption('base');
    // The tab went away under base: no tab was selected, none had tabindex 0, and the panel below
    // still showed the machines view with nothing naming it.
    await expect.poll(() => tabState(page)).toEqual(['tab-machines']);
    await expect(page.locator('#detail-panel').textContent()).resolves.toContain('no state machine moved');
    await page.getByTestId('detail-variant').focus();
    await page.keyboard.press('Shift+Tab');
    await expect(activeTestId(page)).resolves.toBe('tab-machines');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("says above the editor that the run below it is going, and takes the keyboard to the player", async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-health-checks&v=passive-only`, ['passive-only']);
    await page.getByTestId('edit-open').click();
    await page.locator('.cm-content').waitFor();
    // The editor fills a laptop's screen; a file's 300k-request run streamed out of sight with
    // nothing in view saying so. Now a line under the editor's buttons tells, and leads there.
    const note = page.getByTestId('editor-run-note');
    await expect(note.textContent()).resolves.toMatch(/^Run finished: play it in the player below\./);
    await expect(note.isVisible()).resolves.toBe(true);
    await page.getByTestId('editor-to-player').click();
    await expect(activeTestId(page)).resolves.toBe('play');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('play').getAttribute('aria-label')).toBe('Pause');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('lets the keyboard scroll the topology and the machines tables that scroll sideways on a phone', async () => {
    const page = await openPage(browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${labUrl}#s=outlier-ejection&v=base,active-health-checks&t=30000&tab=machines`);
    await waitForRuns(page, ['base', 'active-health-checks']);
    await page.getByTestId('machines-now').waitFor();
    // axe: "scrollable-region-focusable" on every panel's topology and on the machines table.
    expect(await seriousViolations(page)).toEqual([]);
    const region = page.getByRole('region', { name: 'Topology of base, scrolls sideways' });
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    // On a laptop the picture fits: no tab stop on every panel.
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.locator('.topo-inner[tabindex]').count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('shows the inspector, selected, for a link to the State machines of a run where nothing moved', async () => {
    const page = await openAt(browser, `${labUrl}#s=auth-outage-cascade&v=base&t=60000&tab=machines`, ['base']);
    await expect.poll(() => tabState(page)).toEqual(['tab-inspector']);
    await expect(page.locator('#detail-panel').textContent()).resolves.toContain("request's story");
    await page.close();
  });
});
