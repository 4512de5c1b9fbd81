/**
 * A student's second walk through the lab in Chromium, each test pinning a defect that walk found:
 * nginx's limit_req 503s counted as gateway failures, unticking a variant rerunning every panel (and
 * the arrow keys dead on the checkbox), a shared link one event short of its instant, a dead pod's
 * load drawn through its outage, focus lost when a request is opened from the Requests tab, two variants' latency on different axes, a phone page widened by the inspector and the machines tab, time
 * labels run together and a machine's state cut off on a phone, Back leaving the lab from a
 * flashcard's "See it live", a link that forgot the variant picked in the detail tabs, and "all 1
 * expectations hold".
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { goto, labTitle, openPage, pageErrors, screenshot, sharedBrowser, waitForRuns, type Box } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const BURST_VARIANTS = ['base', 'sliding-window', 'token-bucket', 'same-window'];

const title = labTitle(chromiumPath, 'a second walkthrough of the lab in Chromium');

const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('counts nginx limit_req 503s as rejected by the gateway, not as gateway errors (semantics §2)', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=nginx-limit-req&v=base,no-burst&t=3000`);
    await waitForRuns(page, ['base', 'no-burst']);
    // The panel read "rejected by the gateway 0" beside "gateway error 8 (8× 503)".
    await expect(page.getByTestId('rejected-no-burst').textContent()).resolves.toBe('8');
    await expect(page.getByTestId('gateway-error-no-burst').count()).resolves.toBe(0);
    await expect(page.getByTestId('panel-no-burst').textContent()).resolves.toContain('8× 503');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('unticks a variant without rerunning the others or losing the time, and the arrows still step from the checkbox', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=${BURST_VARIANTS.join(',')}`);
    await waitForRuns(page, BURST_VARIANTS);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('clock').textContent()).toBe('12:00:59.000');
    const wall = await page.getByTestId('run-info-base').getAttribute('data-wall-ms');
    await page.getByTestId('variant-token-bucket').uncheck();
    // Every variant used to run again: the player went back to 12:00:00 and the panels emptied.
    await expect(page.getByTestId('panel-token-bucket').count()).resolves.toBe(0);
    await expect(page.getByTestId('run-info-base').getAttribute('data-wall-ms')).resolves.toBe(wall);
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:59.000');
    // Focus is on the checkbox: → steps the player (it did nothing there), Space still toggles it.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('variant-token-bucket');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('clock').textContent()).not.toBe('12:00:59.000');
    await page.keyboard.press(' ');
    await expect(page.getByTestId('variant-token-bucket').isChecked()).resolves.toBe(true);
    await waitForRuns(page, ['token-bucket']);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('shares a step that falls between milliseconds so the link opens on it, and shows a killed pod holding nothing', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=kong-bottleneck&v=overload&chart=latency`);
    await waitForRuns(page, ['overload']);
    await goto(page, '12:00:08.190');
    // The OOM kill is at 8190.37 ms: the next event is the last request before it, the one after, the kill.
    await page.getByTestId('step-next').click();
    await page.getByTestId('step-next').click();
    const arrived = await page.getByTestId('arrived-overload').textContent();
    const gatewayErrors = await page.locator('[data-testid="gateway-error-overload"]').allTextContents();
    // The scrubber's value is the cursor's exact time; the link may round it up, never down.
    const cursor = Number(await page.getByTestId('scrubber').inputValue());
    expect(Number.isInteger(cursor)).toBe(false);
    const sharedT = async (): Promise<number> => Number(/[#&]t=([\d.]+)/.exec(await page.evaluate(() => location.hash))?.[1]);
    await expect.poll(sharedT).toBeGreaterThanOrEqual(cursor);
    expect((await sharedT()) - cursor).toBeLessThanOrEqual(0.001);
    const url = await page.evaluate(() => location.href);
    const shared = await openPage(browser);
    await shared.goto(url);
    await waitForRuns(shared, ['overload']);
    // The link said t=8190 and opened one request and the whole kill short.
    await expect.poll(() => shared.getByTestId('arrived-overload').textContent()).toBe(arrived);
    await expect(shared.locator('[data-testid="gateway-error-overload"]').allTextContents()).resolves.toEqual(gatewayErrors);
    await shared.close();
    // Ten seconds of outage: the replica chart drew 2,401 slots and 256 MiB held by a dead pod.
    await goto(page, '12:00:12');
    const now = (metric: string) => page.getByTestId(`replica-now-overload-${metric}-gw-0`).textContent();
    await expect.poll(() => now('slots')).toBe('now: 0');
    await expect(now('memory')).resolves.toBe('now: 0 MiB');
    await expect(now('cpu')).resolves.toBe('now: 0 %');
    await page.getByTestId('replica-chart-overload').screenshot({ path: 'test/artifacts/walkthrough-2-oom-gap.png' });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('opens a 429 from the Requests tab by keyboard and lands on its story, not back at the top of the page', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=same-window&t=59500`);
    await waitForRuns(page, ['same-window']);
    await page.getByTestId('tab-inspector').focus();
    await page.keyboard.press('ArrowRight');
    await page.getByTestId('requests-filter').waitFor();
    // Tab past the filter and the search to the newest row, a 429.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('request-row');
    await page.keyboard.press('Enter');
    await page.getByTestId('inspector').waitFor();
    // The Requests tab, with the button that had focus, is gone: focus fell to <body>.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('inspector-heading');
    await expect(page.getByTestId('inspector-heading').textContent()).resolves.toContain('429');
    await page.close();
  });

  it("shares the access log of the variant picked in the detail tabs, not the first variant's", async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=base,same-window&t=61000&tab=log`);
    await waitForRuns(page, ['base', 'same-window']);
    await page.getByTestId('detail-variant').selectOption('same-window');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('panel=same-window');
    const shared = await openPage(browser);
    await shared.goto(await page.evaluate(() => location.href));
    await waitForRuns(shared, ['base', 'same-window']);
    await expect.poll(() => shared.getByTestId('detail-variant').inputValue()).toBe('same-window');
    await expect(shared.getByTestId('tab-log').getAttribute('aria-selected')).resolves.toBe('true');
    await shared.close();
    await page.close();
  });

  it('on a phone: the inspector and the machines tab fit, time labels stay apart, and a machine row shows its state', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    // The span bars sat in a fourth column beside the three times: the page was 620 px wide.
    await page.goto(`${labUrl}#s=boundary-burst&v=base,same-window&t=59500&req=same-window/burster-150`);
    await waitForRuns(page, ['base', 'same-window']);
    await page.getByTestId('inspector').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    // The state-machine tables made it 469 px.
    await page.goto('about:blank');
    await page.goto(`${labUrl}#s=circuit-breaker-states&v=base&t=30500&tab=machines`);
    await waitForRuns(page, ['base']);
    await page.getByTestId('machines-now').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);

    // A full load at the new URL: a hash change alone does not reload, and the page may write its own
    // state back into the URL before a reload() would run.
    await page.goto('about:blank');
    await page.goto(`${labUrl}#s=canary-ramp&v=base&t=90000`);
    await waitForRuns(page, ['base']);
    const chart = page.getByTestId('panel-base').getByTestId('rate-chart').first();
    await chart.scrollIntoViewIfNeeded();
    // "12:00:0012:00:2012:00:40": five wall-clock labels in 280 px.
    const labels = await chart.locator('.axes text').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent ?? '' };
      }),
    );
    const bottom = Math.max(...labels.map((l) => l.top));
    const xLabels = labels.filter((l) => Math.abs(l.top - bottom) < 1).sort((a, b) => a.left - b.left);
    expect(xLabels.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < xLabels.length; i++) expect(xLabels[i]!.left, xLabels.map((l) => l.text).join(' ')).toBeGreaterThan(xLabels[i - 1]!.right);
    // The rollout's title ran past the picture and cut off "now progressing" — the point of the row.
    const row = page.getByTestId('machines-base');
    await row.scrollIntoViewIfNeeded();
    const state: Box = await row.getByTestId('machine-state').first().evaluate((e) => e.getBoundingClientRect().toJSON() as Box);
    const picture: Box = await row.locator('svg').first().evaluate((e) => e.getBoundingClientRect().toJSON() as Box);
    expect(state.right).toBeLessThanOrEqual(picture.right + 1);
    await expect(row.getByTestId('machine-title').first().locator('title').textContent()).resolves.toBe('canary-rollout · catalog-stable → catalog-canary');
    await screenshot(page, 'walkthrough-2-phone-canary');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it("goes Back from a flashcard's \"See it live\" to the flashcard, and from one mode to the one before", async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=flashcards`);
    const question = await page.getByTestId('card-question').textContent();
    await page.getByTestId('card-reveal').click();
    await page.getByTestId('card-live').click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The lab only replaced the URL: Back left the flashcards for the page before them.
    await page.goBack();
    await page.getByTestId('flashcard').waitFor();
    await expect(page.getByTestId('card-question').textContent()).resolves.toBe(question);
    expect(new URL(page.url()).hash).toBe('');
    await page.getByTestId('mode-exercises').click();
    await page.getByTestId('exercises').waitFor();
    await page.goBack();
    await page.getByTestId('flashcard').waitFor();
    expect(new URL(page.url()).search).toBe('?mode=flashcards');
    await page.goForward();
    await page.getByTestId('exercises').waitFor();
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('draws the latency split of variants side by side on one axis (bottleneck-diagnosis base and wrong-fix)', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=bottleneck-diagnosis&v=base,wrong-fix&t=5000&chart=latency`);
    await waitForRuns(page, ['base', 'wrong-fix']);
    // base drew stacked bars to 1000 ms beside wrong-fix's log lines: the fix's effect could not be read.
    await expect(page.getByTestId('latency-split-base').getAttribute('data-log')).resolves.toBe('true');
    await expect(page.getByTestId('latency-split-wrong-fix').getAttribute('data-log')).resolves.toBe('true');
    const top = (v: string) => page.getByTestId(`latency-split-${v}`).locator('.axes text').allTextContents();
    expect(await top('base')).toEqual(await top('wrong-fix'));
    await page.close();
  });

  it('says "its one expectation holds", not "all 1 expectations hold"', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=outlier-ejection&v=no-outlier-detection`);
    await waitForRuns(page, ['no-outlier-detection']);
    await expect(page.getByTestId('panel-no-outlier-detection').locator('.expect').textContent()).resolves.toMatch(/✓ its one expectation holds/);
    await page.close();
  });
});
