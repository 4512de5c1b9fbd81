/**
 * A sixth walk through the lab in Chromium, lesson section by lesson section as a student who has
 * just read each one, each test pinning a defect that walk found: the state-machine timeline's
 * stretches that no keyboard could reach, outlier ejection switched off beside it on with the same
 * "admitted 600" in both panels and no counter saying that one of them answered 58 503s, the
 * lesson's own headings ("Circuit Breaking: Stop Hitting a Dead Service") finding no scenario, and a
 * flashcard "proven by a run" that never said what the run shows. What needed no browser is pinned
 * beside its code: "600 requests" graded wrong in a box labelled "requests per minute" and
 * exercise 2 passing 97 a minute as "100 a minute" (lib/exercises/exercise-worker.test.ts), the
 * search's stems and lesson sections (lib/derive/catalog.test.ts), the timeline's keys
 * (lib/derive/lane-keys.test.ts), the backend-error counts (lib/derive/counters.test.ts) and every
 * behaviour card's claims (worker/deck-session.test.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, openPage, overlaps, pageErrors, screenshot, seriousViolations, sharedBrowser } from './harness.ts';
import { LESSON_SECTIONS } from '../../lab-ui/src/lib/derive/lesson-sections.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');

const title = labTitle(chromiumPath, 'a sixth walkthrough of the lab in Chromium');

/** The focused element's accessible name, as a screen reader would announce the stretch. */
const focusedLabel = (page: Page): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it("reaches the machine timeline's stretches by keyboard: Tab to a lane, arrows along it, Enter for why", async () => {
    const page = await openAt(browser, `${labUrl}#s=circuit-breaker-states&v=base&t=45000`, ['base']);
    // From the scrubber, Tab goes on until it lands in the timeline: it passed over it before.
    await page.getByTestId('scrubber').focus();
    for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'machine-seg'; i++) await page.keyboard.press('Tab');
    // The lane's Tab stop is the state at the cursor.
    await expect(focusedLabel(page)).resolves.toBe('OPEN, circuit-breaker · service payments, from 12:00:42.020, still in it at the cursor');
    await page.keyboard.press('ArrowLeft');
    await expect(focusedLabel(page)).resolves.toMatch(/^HALF_OPEN, .* from 12:00:41\.600 for 420 ms$/);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('machine-reason').textContent()).resolves.toMatch(/3 of 3 trial calls failed .*HALF_OPEN → OPEN/);
    // The arrows walked the lane, not the player: the clock did not step.
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:45.000');
    await page.keyboard.press('Home');
    await expect(focusedLabel(page)).resolves.toMatch(/^CLOSED, /);
    await page.keyboard.press('End');
    await expect(focusedLabel(page)).resolves.toMatch(/^OPEN, .*still in it at the cursor$/);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('machine-reason').count()).resolves.toBe(0);
    await page.getByTestId('machines-base').scrollIntoViewIfNeeded();
    await screenshot(page, 'walkthrough-6-machine-keys');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('moves between lanes at the same moment with ↑ and ↓, on a phone too', async () => {
    const page = await openPage(browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${labUrl}#s=outlier-ejection&v=base&t=30000`);
    await page.getByTestId('run-info-base').waitFor({ timeout: 60_000 });
    await page.getByTestId('machines-base').getByTestId('machine-seg').first().waitFor();
    // One Tab stop per lane, the rest reached with the arrows.
    await expect(page.getByTestId('machines-base').locator('[data-testid="machine-seg"][tabindex="0"]').count()).resolves.toBe(2);
    await page.getByTestId('machines-base').locator('[data-testid="machine-seg"][data-lane="0"][tabindex="0"]').focus();
    await expect(focusedLabel(page)).resolves.toMatch(/^ejected, outlier-detection · catalog-service 10\.0\.1\.11:8080, from 12:00:20/);
    await page.keyboard.press('ArrowDown');
    await expect(focusedLabel(page)).resolves.toMatch(/^healthy, outlier-detection · catalog-service 10\.0\.1\.12:8080, from 12:00:00/);
    await page.keyboard.press('ArrowUp');
    await expect(focusedLabel(page)).resolves.toMatch(/^ejected, .*10\.0\.1\.11/);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('machine-reason').isVisible()).resolves.toBe(true);
    await screenshot(page, 'walkthrough-6-machine-keys-phone');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("counts the backend's errors, so outlier ejection on beside off shows its difference", async () => {
    const page = await openAt(browser, `${labUrl}#s=outlier-ejection&v=base,no-outlier-detection&t=30000`, ['base', 'no-outlier-detection']);
    // Both panels said "admitted 600, rejected 0": the 503s the rule spares were inside "admitted".
    await expect(page.getByTestId('admitted-base').textContent()).resolves.toBe(await page.getByTestId('admitted-no-outlier-detection').textContent());
    await expect(page.getByTestId('backend-error-base').textContent()).resolves.toBe('5');
    await expect(page.getByTestId('backend-error-no-outlier-detection').textContent()).resolves.toBe('58');
    await expect(page.getByTestId('backend-error-breakdown-no-outlier-detection').textContent()).resolves.toBe('58× 503');
    // Highlighted as a difference from base, as the other counters are.
    const card = page.getByTestId('panel-no-outlier-detection').locator('.counter', { has: page.getByTestId('backend-error-no-outlier-detection') });
    await expect(card.getAttribute('class')).resolves.toContain('differs');
    await expect(card.textContent()).resolves.toContain('+53 vs base');
    await screenshot(page, 'walkthrough-6-backend-errors');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("names the clients that tell auth-at-the-edge's story in its rate charts, not five that all look alike", async () => {
    const page = await openAt(browser, `${labUrl}#s=auth-at-the-edge&v=base,one-policy&t=3000`, ['base', 'one-policy']);
    const named = (variant: string) =>
      page.getByTestId(`panel-${variant}`).getByTestId('rate-chart').evaluateAll((svgs) => svgs.map((el) => el.getAttribute('aria-label')?.replace(/^Requests per second for (.*) up to the cursor$/, '$1')));
    // Thirteen clients of two requests each: the first five by file order were named, all refused in
    // both panels, and the two stale tokens base lets in were folded into "other clients".
    await expect.poll(() => named('base')).toEqual(expect.arrayContaining(['stale-reviews', 'stale-recommendations', 'valid-search']));
    // The same rows in both panels, so each pair of charts compares one client.
    await expect(named('one-policy')).resolves.toEqual(await named('base'));
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("finds the scenarios of a lesson section by its heading, and says which section, on a phone's line", async () => {
    const page = await openPage(browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(labUrl);
    await page.getByTestId('scenario-search').fill('Circuit Breaking: Stop Hitting a Dead Service');
    const cards = page.locator('a.card.scenario');
    // Exactly the section's own scenarios (the list grows as scenarios are added to it).
    const listed = LESSON_SECTIONS.find((s) => s.title.startsWith('Circuit Breaking'))?.scenarios.length ?? -1;
    await expect.poll(() => cards.count()).toBe(listed);
    await expect(page.getByTestId('scenario-circuit-breaker-states').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('scenario-outlier-ejection').isVisible()).resolves.toBe(true);
    const count = page.getByTestId('search-count');
    await expect(count.textContent()).resolves.toMatch(new RegExp(`^${listed} of \\d+ scenarios match · lesson: Circuit Breaking: Stop Hitting a Dead Service$`));
    // One line, under the box: it wrapped over the "Open your own scenario file" button.
    const [status, button] = await Promise.all([count.boundingBox(), page.getByTestId('open-file').boundingBox()]);
    if (!status || !button) throw new Error('search count or file button not drawn');
    expect(overlaps({ left: status.x, right: status.x + status.width, top: status.y, bottom: status.y + status.height }, { left: button.x, right: button.x + button.width, top: button.y, bottom: button.y + button.height })).toBe(false);
    // What a student types after the section, found nothing before.
    await page.getByTestId('scenario-search').fill('distributed tracing');
    await expect.poll(() => page.getByTestId('scenario-trace-propagation').count()).toBe(1);
    await screenshot(page, 'walkthrough-6-lesson-search');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('says what the run behind a behaviour flashcard shows before it is opened', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=flashcards`);
    await page.getByRole('button', { name: /^#2 / }).click();
    await page.getByTestId('card-reveal').click();
    const shows = page.getByTestId('card-shows');
    await expect(shows.locator('li').allTextContents()).resolves.toEqual([
      'base: fixed windows admit all 200 requests within two seconds of 12:01',
      'base: the 101st request opens a fresh window with 99 left',
      'sliding-window: a sliding window admits only 2 of the second burst',
      'token-bucket: a token bucket admits only the 3 tokens refilled in two seconds',
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
