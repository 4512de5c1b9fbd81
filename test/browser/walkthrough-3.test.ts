/**
 * A student's third walk through the lab in Chromium, each test pinning a defect that walk found: a
 * breaker's HALF_OPEN drawn as a sliver too thin to see or click, a replica's "N inside" count run
 * into the next replica's name, a caption clock that dropped its narration point's fraction of a
 * second, focus lost after opening a scenario card with Enter, the Metrics table widening a
 * phone's page, narration marks under the scrubber stacked out of reach on a phone, and → on the
 * war story leaving the clock unchanged (its events fall between milliseconds), and a counter's
 * breakdown run into its difference from base ("2401× 502 +2401 vs base").
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openPage, overlaps, pageErrors, screenshot, sharedBrowser, waitForRuns, type Box } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');

const title = labTitle(chromiumPath, 'a third walkthrough of the lab in Chromium');

const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);
const activeTestId = (page: Page): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
const boxOf = (el: Element): Box => el.getBoundingClientRect().toJSON() as Box;

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('draws every HALF_OPEN stretch of circuit-breaker-states at least 6 px wide on a phone, and a click on it explains it', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${labUrl}#s=circuit-breaker-states&v=base&t=69000`);
    await waitForRuns(page, ['base']);
    const row = page.getByTestId('machines-base');
    await row.scrollIntoViewIfNeeded();
    const halfOpen = row.locator('g.seg[data-state="HALF_OPEN"]');
    // Three half-open periods of about 400 ms: at their true width, 1.6 px each in this 276 px chart.
    await expect(halfOpen.count()).resolves.toBe(3);
    const widths = await halfOpen.locator('rect:first-child').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(5.9);
    // Painted over the OPEN stretches around it, so the click lands on it and not on its neighbour.
    await halfOpen.first().getByTestId('machine-seg-hit').click();
    const reason = page.getByTestId('machine-reason');
    await expect(reason.locator('strong').textContent()).resolves.toBe('HALF_OPEN');
    await expect(reason.textContent()).resolves.toMatch(/from 12:00:3\d\.\d{3} for \d{3} ms/);
    await screenshot(page, 'walkthrough-3-half-open-phone');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("keeps each replica's \"N inside\" clear of the names around it (kong-bottleneck, fixed: three replicas)", async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=kong-bottleneck&v=fixed&t=8000`);
    await waitForRuns(page, ['fixed']);
    const topo = page.getByTestId('panel-fixed').locator('figure.topology');
    await topo.scrollIntoViewIfNeeded();
    const counts = topo.getByTestId('replica-inside');
    await expect(counts.count()).resolves.toBe(3);
    // "4 inside" under gw-0 sat on "gw-1", and gw-1's count on "gw-2".
    const texts = await topo.locator('svg text').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', box: e.getBoundingClientRect().toJSON() as Box })));
    const insides = texts.filter((t) => / inside$/.test(t.text));
    for (const c of insides) {
      for (const other of texts) if (other !== c) expect(overlaps(c.box, other.box), `"${c.text}" over "${other.text}"`).toBe(false);
    }
    const svg = await topo.locator('svg').evaluate(boxOf);
    for (const c of insides) expect(c.box.bottom).toBeLessThanOrEqual(svg.bottom + 1);
    await topo.screenshot({ path: 'test/artifacts/walkthrough-3-replica-counts.png' });
    await page.close();
  });

  it('writes the fraction of a narration point in the caption: 12:00:20.9, not a second 12:00:20', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=circuit-breaker-states&v=base`);
    await waitForRuns(page, ['base']);
    // Narration 2 is at 20 s, narration 3 at 20.9 s: both captions said "12:00:20".
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('caption-when').textContent()).toBe('12:00:20 · 2/6');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('caption-when').textContent()).toBe('12:00:20.9 · 3/6');
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:20.900');
    await expect(page.locator('[aria-label="Narration at 12:00:20.9"]').count()).resolves.toBe(1);
    await page.close();
  });

  it('lands on the opened scenario\'s heading after Enter on its card, and the player keys still work from there', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    const card = page.getByTestId('scenario-boundary-burst');
    await card.focus();
    await page.keyboard.press('Enter');
    await waitForRuns(page, ['base']);
    // The card went away with the list and focus fell to <body>: Tab started again at the header.
    await expect.poll(() => activeTestId(page)).toBe('scenario-heading');
    await expect(page.getByTestId('scenario-heading').textContent()).resolves.toMatch(/boundary burst/i);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('clock').textContent()).not.toBe('12:00:00.000');
    await page.keyboard.press('Tab');
    await expect(activeTestId(page)).resolves.toBe('edit-open');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("keeps a phone's page 390 px wide on the Metrics tab (circuit-breaker-states' label sets)", async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${labUrl}#s=circuit-breaker-states&v=base&t=31200&tab=metrics`);
    await waitForRuns(page, ['base']);
    const table = page.getByTestId('metric-gatelab_http_requests_total');
    await table.waitFor();
    // `{service="payments",route="payments",code="503"}` in one unbreakable cell: the page was 573 px wide.
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    const cell = await table.locator('td.labels').first().textContent();
    expect(cell).toMatch(/^\{service="payments",route="payments",code="\d{3}".*\}$/);
    await page.close();
  });

  it('reaches every narration point of boundary-burst from the marks on a phone, where four diamonds lay 3 px apart', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    const marks = page.getByTestId('narration-mark');
    await page.getByTestId('scrubber').scrollIntoViewIfNeeded();
    // Each drawn mark is the top element at its centre: none lies under another.
    const covered = await marks.evaluateAll((els) =>
      els.filter((e) => {
        const r = e.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== e;
      }).length,
    );
    expect(covered).toBe(0);
    // A tap on the heap went to 12:01:02: the story's three points before it were out of reach.
    const heap = marks.last();
    await expect(heap.getAttribute('data-times')).resolves.toBe('59000,60000,61000,62000');
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      await heap.click();
      seen.push((await page.getByTestId('clock').textContent()) ?? '');
    }
    expect(seen).toEqual(['12:00:59.000', '12:01:00.000', '12:01:01.000', '12:01:02.000', '12:00:59.000']);
    await expect(heap.getAttribute('aria-label')).resolves.toMatch(/^4 narration points: 12:00:59, 12:01:00, 12:01:01, 12:01:02/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('changes the clock with every → on kong-bottleneck, whose events fall between milliseconds, and Go takes the clock back', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=kong-bottleneck&v=overload&t=20000`);
    await waitForRuns(page, ['overload']);
    const clock = () => page.getByTestId('clock').textContent();
    await expect.poll(clock).toBe('12:00:20.000');
    const seen = [await clock()];
    for (let i = 0; i < 4; i++) {
      await page.getByTestId('step-next').click();
      seen.push(await clock());
    }
    // The clock said 12:00:20.000 after the first press and 12:00:20.001 for the next three.
    expect(new Set(seen).size).toBe(seen.length);
    for (const c of seen.slice(1)) expect(c).toMatch(/^12:00:20\.00\d\d{3}$/);
    const cursor = Number(await page.getByTestId('scrubber').inputValue());
    const shown = (await clock()) ?? '';
    await page.getByRole('button', { name: 'Back to the start' }).click();
    await page.getByTestId('goto').fill(shown);
    await page.getByTestId('goto').press('Enter');
    await expect.poll(clock).toBe(shown);
    expect(Math.abs(Number(await page.getByTestId('scrubber').inputValue()) - cursor)).toBeLessThan(0.001);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("writes the war story's 502s as the counter writes them, on a line apart from the difference from base", async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=kong-bottleneck&v=base,overload&t=8500`);
    await waitForRuns(page, ['base', 'overload']);
    const total = (await page.getByTestId('gateway-error-overload').textContent()) ?? '';
    expect(total).toMatch(/^\d{1,3}(,\d{3})+$/);
    const breakdown = page.getByTestId('gateway-error-breakdown-overload');
    // "2401× 502 +2401 vs base": no separator, and the two numbers ran together.
    await expect(breakdown.textContent()).resolves.toBe(`${total}× 502`);
    const vs = breakdown.locator('xpath=following-sibling::span[1]');
    await expect(vs.textContent()).resolves.toBe(`+${total} vs base`);
    const [a, b] = [await breakdown.evaluate(boxOf), await vs.evaluate(boxOf)];
    expect(b.top).toBeGreaterThanOrEqual(a.bottom - 1);
    await page.close();
  });
});
