/**
 * The lab as a student and an instructor walked it in Chromium, each test pinning a defect that walk
 * found: a scenario opened mid-page, a page wider than a phone, a "modal" help the keys walked out of,
 * a typed time clamped for good while the run streamed, stage names drawn over each other, an empty
 * attack variant, an unticked last variant, a log line that contradicted itself, an inspector that
 * said "…", a span called a root that had a parent, "box 0" and "1 cards", and 319 errors for one
 * bracket.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { goto, labTitle, openPage, overlaps, pageErrors, screenshot, sharedBrowser, waitForRuns, type Box } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const BURST = 'scenarios/rate-limiting/boundary-burst.yaml';
const BURST_VARIANTS = ['base', 'sliding-window', 'token-bucket', 'same-window'];

const title = labTitle(chromiumPath, 'a walkthrough of the lab in Chromium');

/** The drawn boxes of a panel's stage names, and of every topology text against the picture's edge. */
async function topologyBoxes(page: Page, variant: string): Promise<{ stages: Box[]; texts: Box[]; picture: Box }> {
  return page.getByTestId(`panel-${variant}`).locator('figure.topology svg').first().evaluate((svg) => {
    const box = (e: Element): Box => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    return { stages: [...svg.querySelectorAll('[data-testid="stage-label"]')].map(box), texts: [...svg.querySelectorAll('text')].map(box), picture: box(svg) };
  });
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('opens a scenario at its top from far down the list, and the breadcrumb goes back to the card', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    const card = page.getByTestId('scenario-boundary-burst');
    await card.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(500);
    await card.click();
    await waitForRuns(page, BURST_VARIANTS);
    // The list's scroll used to carry over: the title and the player were above the screen.
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await screenshot(page, 'walkthrough-opened-at-top');
    await page.getByTestId('crumb-scenarios').click();
    await card.waitFor();
    const top = await card.evaluate((e) => e.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(await page.evaluate(() => innerHeight));
    // The "Scenarios" mode button, pressed inside a scenario, is a way back to the list too.
    await card.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByTestId('mode-scenarios').click();
    await page.getByTestId('scenario-search').waitFor();
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('on a phone nothing is wider than the screen: the header wraps, the topology scrolls in its panel, exercises fit', async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(labUrl);
    await page.getByTestId('scenario-boundary-burst').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${labUrl}#s=boundary-burst&v=${BURST_VARIANTS.join(',')}`);
    await waitForRuns(page, BURST_VARIANTS);
    // Four panels used to ask for 560 px each, and the header for 663.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const inner = page.getByTestId('panel-base').locator('.topo-inner');
    const { scroll, client } = await inner.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(scroll).toBeGreaterThan(client);
    await inner.scrollIntoViewIfNeeded();
    await screenshot(page, 'walkthrough-phone-topology');
    // Exercise 1's read-only config has long lines: they scroll in their box (the page was 691 px).
    await page.goto(`${labUrl}?mode=exercises`);
    await page.locator('.config pre').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('keeps the keyboard help modal: keys behind it do nothing, and closing it gives focus back', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    await page.getByTestId('play').focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    const before = await page.getByTestId('clock').textContent();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('End');
    expect(await page.getByTestId('clock').textContent()).toBe(before);
    // Tab never reaches the page behind (it may leave for the browser's own controls and come back).
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !document.activeElement || document.activeElement === document.body || !!document.activeElement.closest('dialog'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('play');
    await page.close();
  });

  it('goes to a typed time the engine has not reached yet once it gets there, instead of stopping short', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=kong-bottleneck&v=overload`);
    await page.getByTestId('stream-status').waitFor({ timeout: 60_000 });
    await goto(page, '12:00:25');
    await waitForRuns(page, ['overload']);
    await expect.poll(() => page.getByTestId('clock').textContent()).toBe('12:00:25.000');
    await page.close();
  });

  it('draws stage names that never overlap: numbered with a key when seven do not fit, names when three do', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=proxy-lb-gateway&v=gateway,base&t=5000`);
    await waitForRuns(page, ['gateway', 'base']);
    for (const variant of ['gateway', 'base']) {
      const { stages, texts, picture } = await topologyBoxes(page, variant);
      expect(stages.length).toBeGreaterThan(2);
      for (let i = 1; i < stages.length; i++) expect(overlaps(stages[i - 1]!, stages[i]!), `${variant} stage ${i}`).toBe(false);
      // "shop-orders-8080@kubernetescrd" ran past the picture's right edge.
      for (const t of texts) expect(t.right).toBeLessThanOrEqual(picture.right + 1);
    }
    const key = page.getByTestId('panel-gateway').getByTestId('stage-key');
    await expect(key.locator('li').count()).resolves.toBe(7);
    await expect(key.textContent()).resolves.toMatch(/rate-limit\s*✓ \d+\s*429 × \d+/);
    await page.getByTestId('panel-gateway').screenshot({ path: 'test/artifacts/walkthrough-stage-key.png' });
    await page.goto('about:blank');
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    await expect(page.getByTestId('panel-base').getByTestId('stage-label').allTextContents()).resolves.toEqual(['router', 'rate-limit', 'balancer']);
    await page.close();
  });

  it('says what is true beside a request: the attacked variant, the log count, the other variant, the span parent', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=base,same-window&t=59500&req=same-window/burster-101`);
    await waitForRuns(page, ['base', 'same-window']);
    await expect(page.getByTestId('attack-variant').inputValue()).resolves.toBe('base');
    // The last variant shown cannot be unticked: it used to show unticked over its own panel.
    await page.getByTestId('variant-base').uncheck();
    await waitForRuns(page, ['same-window']);
    await expect(page.getByTestId('variant-same-window').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('variant-same-window').isChecked()).resolves.toBe(true);
    await page.getByTestId('variant-base').check();
    await waitForRuns(page, ['base', 'same-window']);
    await goto(page, '12:00:59.5');
    await page.getByTestId('tab-inspector').click();
    // In base, burster-101 belongs to the second burst at 12:01:01: at 12:00:59.5 it has not been sent.
    await expect(page.getByTestId('inspector').textContent()).resolves.toContain('base: not at the gateway yet');
    // The log is the selected request's variant: same-window has written both of its bursts by now.
    await page.getByTestId('tab-log').click();
    await expect(page.getByTestId('log-note').textContent()).resolves.toContain('200 lines written by this instant; all shown.');
    await page.getByTestId('goto').fill('12:00:58.5');
    await page.getByTestId('goto').press('Enter');
    await expect(page.getByTestId('log-note').textContent()).resolves.toContain('100 lines written by this instant; all shown.');

    await page.goto('about:blank');
    await page.goto(`${labUrl}#s=trace-propagation&v=base&t=5000&req=base/traced-1`);
    await waitForRuns(page, ['base']);
    const gatewaySpan = page.getByTestId('span-row').first();
    await expect(gatewaySpan.textContent()).resolves.toMatch(/gateway.*← caller [0-9a-f]{16}/);
    await expect(page.getByTestId('spans').textContent()).resolves.not.toContain('(root)');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('talks to a student in words on the flashcards: "new card", "1 card known", not "box 0" and "1 cards"', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('mode-flashcards').click();
    await expect(page.getByTestId('card-standing').textContent()).resolves.toBe('new card');
    await page.getByTestId('card-reveal').click();
    await page.getByTestId('card-known').click();
    await expect.poll(() => page.getByTestId('progress').textContent()).toContain('1 card known');
    await page.close();
  });

  it('shows one bracket\'s YAML error at its file:line:column and folds the cascade after it', async () => {
    const page = await openPage(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${labUrl}#s=boundary-burst&v=same-window`);
    await waitForRuns(page, ['same-window']);
    await goto(page, '12:00:10');
    await page.getByTestId('edit-open').click();
    const titleLine = readFileSync(BURST, 'utf8').split('\n').findIndex((l) => l.startsWith('title:')) + 1;
    const line = page.locator('.cm-content .cm-line', { hasText: /^title:/ }).first();
    await line.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' [oops');
    await page.getByTestId('editor-run').click();
    const entries = page.locator('[data-testid="editor-diagnostic"]');
    await entries.first().waitFor({ timeout: 30_000 });
    await expect(entries.count()).resolves.toBe(1);
    await expect(entries.first().getAttribute('data-place')).resolves.toMatch(new RegExp(`^${BURST}:${titleLine}:\\d+$`));
    await expect(page.getByTestId('editor-folded').textContent()).resolves.toMatch(/and \d+ more YAML syntax errors after the first/);
    // One marked line, not a marker on every line after the bracket.
    await expect(page.locator('.cm-line:has(.cm-lintRange-error)').count()).resolves.toBe(1);
    await screenshot(page, 'walkthrough-yaml-error');
    await page.close();
  });
});
