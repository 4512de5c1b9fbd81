/**
 * A scenario of the student's own that reuses a bundled scenario's id, in real Chromium: its URL is
 * `#s=local:<file name>`, a reload reopens it (not the bundled one), the bundled id still opens the
 * bundled one, and the local link in a browser that does not keep the file says so.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, pageErrors, sharedBrowser } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = chromiumPath ? 'local scenario links in Chromium' : 'local scenario links in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

const BUNDLED_FILE = 'scenarios/rate-limiting/boundary-burst.yaml';
const BUNDLED_TEXT = readFileSync(BUNDLED_FILE, 'utf8');
const BUNDLED_TITLE = /^title: "(.*)"$/m.exec(BUNDLED_TEXT)?.[1] ?? '';
const MY_TITLE = 'My copy of the boundary burst';
// Same id as the bundled scenario, another title so the two can be told apart on screen.
const MY_TEXT = BUNDLED_TEXT.replace(/^title: .*$/m, `title: "${MY_TITLE}"`);

async function heading(page: Page): Promise<string | null> {
  return page.locator('main h1').first().textContent();
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('a local copy with a bundled id links to itself; elsewhere its link explains itself', async () => {
    expect(BUNDLED_TITLE).not.toBe('');
    const page = await openPage(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(labUrl);
    await page.getByTestId('scenario-boundary-burst').waitFor({ timeout: 60_000 });
    await page.getByTestId('open-file').setInputFiles({ name: 'boundary-burst.yaml', mimeType: 'application/yaml', buffer: Buffer.from(MY_TEXT) });
    await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(MY_TITLE);
    await expect.poll(() => new URL(page.url()).hash, { timeout: 10_000 }).toMatch(/^#s=local:boundary-burst&/);

    await page.reload();
    await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(MY_TITLE);

    await page.goto(`${labUrl}#s=boundary-burst`);
    await expect.poll(() => heading(page), { timeout: 60_000 }).toBe(BUNDLED_TITLE);
    expect(pageErrors(page)).toEqual([]);
    await page.close();

    // Another browser profile keeps no local scenarios: the link says why nothing opened.
    const context = await browser().newContext();
    const stranger = await context.newPage();
    await stranger.goto(`${labUrl}#s=local:boundary-burst`);
    await stranger.getByTestId('url-notice').waitFor({ timeout: 60_000 });
    await expect(stranger.getByTestId('url-notice').textContent()).resolves.toContain("'boundary-burst', one of someone's own scenarios");
    expect(await stranger.locator('main h1').first().textContent()).toBe('Scenarios');
    await context.close();
  });
});
