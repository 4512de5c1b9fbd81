/**
 * Flashcards and the adversary in real Chromium against the built lab: the boundary-burst card from
 * question to its live moment and back, progress that survives a reload and exports as JSON, and an
 * attack on boundary-burst whose counterexample replays as a local scenario. axe on the flashcards
 * view; a screenshot.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, pageErrors, screenshot, seriousViolations, sharedBrowser, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const PANELS = ['base', 'sliding-window', 'token-bucket'];

const title = chromiumPath ? 'flashcards and attack in Chromium' : 'flashcards and attack in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

async function openDeck2(page: Page): Promise<void> {
  await page.getByTestId('mode-flashcards').click();
  await page.getByTestId('deck-2').click();
  await page.locator('[data-testid="flashcard"][data-card="boundary-burst"]').waitFor({ timeout: 60_000 });
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('walks the boundary-burst card: reveal, see it live, back, known, reload, export', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await openDeck2(page);
    await expect(page.getByTestId('card-question').textContent()).resolves.toContain('boundary burst');
    await expect(page.getByTestId('card-answer').count()).resolves.toBe(0);

    await page.getByTestId('card-reveal').click();
    await expect(page.getByTestId('card-answer').textContent()).resolves.toContain('twice the');
    await expect(page.getByTestId('card-caveat').textContent()).resolves.toContain('Where the lesson simplifies');
    expect(await seriousViolations(page), 'the flashcards view').toEqual([]);
    await screenshot(page, 'flashcards');

    // See it live: the player lands on the card's moment, the base panel (the one the answer is about) first.
    await page.getByTestId('card-live').click();
    await waitForRuns(page, PANELS);
    await expect.poll(() => page.getByTestId('clock').textContent(), { timeout: 30_000 }).toBe('12:00:59.000');
    const order = await page.locator('[data-testid^="panel-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(order.slice(0, 3)).toEqual(PANELS.map((v) => `panel-${v}`));
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 5_000 }).toContain('s=boundary-burst');

    // Back to the card, still revealed; mark it known.
    await page.getByTestId('mode-flashcards').click();
    await page.getByTestId('card-known').click();
    await expect(page.getByTestId('progress-known').textContent()).resolves.toBe('1');
    // Known moves it to a later step: the next card is another one.
    await expect(page.getByTestId('flashcard').getAttribute('data-card')).resolves.not.toBe('boundary-burst');

    await page.reload();
    await page.getByTestId('mode-flashcards').click();
    await expect.poll(() => page.getByTestId('progress-known').textContent(), { timeout: 60_000 }).toBe('1');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('progress-export').click()]);
    expect(download.suggestedFilename()).toBe('gatelab-progress.json');
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { version: number; cards: Record<string, { last: string; box: number }> };
    expect(exported.version).toBe(1);
    expect(exported.cards['boundary-burst']).toMatchObject({ last: 'known', box: 1 });

    // A bad file is refused with a reason, and the progress is unchanged.
    await page.getByTestId('progress-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 9}') });
    await expect(page.getByTestId('progress-message').textContent()).resolves.toContain('was not imported');
    await expect(page.getByTestId('progress-known').textContent()).resolves.toBe('1');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('attacks boundary-burst with "max 100 per 60s", finds the burst and replays it', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    await expect(page.getByTestId('attack-claim').inputValue()).resolves.toBe('max 100 per 60s');
    await page.getByTestId('attack-budget').fill('50');
    await page.getByTestId('attack-run').click();
    const result = page.getByTestId('attack-result');
    await result.waitFor({ timeout: 110_000 });
    await expect(result.getAttribute('data-found')).resolves.toBe('true');
    const worst = Number(await page.getByTestId('attack-worst').textContent());
    expect(worst).toBeGreaterThan(100);

    await page.getByTestId('attack-replay').click();
    // The counterexample is one of your scenarios now: a local file, no variants, so one base panel.
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash)), { timeout: 30_000 }).toContain('s=');
    await waitForRuns(page, ['base']);
    await expect(page.getByTestId('admitted-base').textContent()).resolves.toBeTruthy();
    await expect(page.getByRole('heading', { level: 1 }).first().textContent()).resolves.toBeTruthy();
    expect(await page.evaluate(() => Object.keys(localStorage).some((k) => k.includes('local') && k.includes('counterexample')))).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
