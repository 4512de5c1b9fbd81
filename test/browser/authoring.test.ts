/**
 * Authoring in real Chromium against the built lab: edit boundary-burst's limit in the editor, run
 * it, reload and find the edit still there (and marked edited), break the YAML and read the marker
 * and the diagnostic at their line, reset to the original; axe on the edit view; a screenshot.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { goto, openPage, pageErrors, screenshot, seriousViolations, sharedBrowser, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const FILE = 'scenarios/rate-limiting/boundary-burst.yaml';
const ORIGINAL = readFileSync(FILE, 'utf8');
const DURATION_LINE = ORIGINAL.split('\n').findIndex((l) => l.startsWith('duration:')) + 1;

const title = chromiumPath ? 'authoring in Chromium' : 'authoring in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

/**
 * The editor's whole text, through its Download button (CodeMirror renders only the lines near the
 * viewport, so the DOM does not hold it all); the file is named after the tab.
 */
async function editorText(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('editor-download').click()]);
  expect(download.suggestedFilename()).toBe('boundary-burst.yaml');
  return readFileSync(await download.path(), 'utf8');
}

/** Puts the caret at the end of the first editor line that starts with `start`, then replaces `from` before it with `to`. */
async function editLine(page: Page, start: string, from: string, to: string): Promise<void> {
  const line = page.locator('.cm-content .cm-line', { hasText: new RegExp(`^${start}`) }).first();
  await line.click();
  await page.keyboard.press('End');
  for (let i = 0; i < from.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type(to);
}

async function admittedAt(page: Page, clock: string): Promise<string | null> {
  await goto(page, clock);
  return page.getByTestId('admitted-same-window').textContent();
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('an edit runs, survives a reload marked edited, shows its errors at their line, and resets', async () => {
    const page = await openPage(browser);
    page.on('dialog', (d) => void d.accept());
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.goto(`${labUrl}#s=boundary-burst&v=same-window`);
    await waitForRuns(page, ['same-window']);
    await expect(admittedAt(page, '12:01:30')).resolves.toBe('100');
    // CodeMirror is not part of the first load: it arrives when Edit is pressed.
    expect(fetched.some((u) => /code-editor/.test(u))).toBe(false);

    await page.getByTestId('edit-open').click();
    await page.locator('.cm-content').waitFor();
    expect(fetched.some((u) => /code-editor/.test(u))).toBe(true);
    expect(await editorText(page)).toBe(ORIGINAL);

    // Raise Kong's limit from 100 to 150 a minute and run with Ctrl+Enter: both bursts share one
    // window in this variant, so 150 are admitted instead of 100.
    await editLine(page, ' +minute: 100', '100', '150');
    await page.keyboard.press('Control+Enter');
    await waitForRuns(page, ['same-window']);
    await expect.poll(() => admittedAt(page, '12:01:30'), { timeout: 30_000 }).toBe('150');

    // A reload keeps the edit: the draft is restored, the run uses it, the editor reopens on it.
    await page.reload();
    await waitForRuns(page, ['same-window']);
    await page.getByTestId('edited-mark').waitFor();
    await expect(page.getByTestId('edited-mark').textContent()).resolves.toContain('edited — reset to original');
    await page.locator('.cm-content').waitFor();
    expect(await editorText(page)).toContain('minute: 150');
    await expect.poll(() => admittedAt(page, '12:01:30'), { timeout: 30_000 }).toBe('150');

    // A value the schema refuses: a marker under it, and the Diagnostics list names file:line:col.
    await editLine(page, 'duration: 2m', '2m', '2 minutes');
    await page.getByTestId('editor-run').click();
    const place = `${FILE}:${DURATION_LINE}:11`;
    const entry = page.locator(`[data-testid="editor-diagnostic"][data-place="${place}"]`);
    await entry.waitFor({ timeout: 30_000 });
    await expect(entry.textContent()).resolves.toContain(place);
    const marked = page.locator('.cm-lintRange-error').first();
    await marked.waitFor();
    await expect(marked.textContent()).resolves.toBe('2');
    const markedLine = page.locator('.cm-line', { has: page.locator('.cm-lintRange-error') }).first();
    await expect(markedLine.textContent()).resolves.toBe('duration: 2 minutes');
    // Clicking the diagnostic puts the caret on that line.
    await entry.getByRole('button').click();
    await expect(page.locator('.cm-activeLine').first().textContent()).resolves.toBe('duration: 2 minutes');

    expect(await seriousViolations(page), 'the edit view').toEqual([]);
    await screenshot(page, 'authoring', true);

    // Reset to original (confirmed): the bundled text is back and the mark is gone.
    await page.getByTestId('editor-reset').click();
    await expect.poll(() => editorText(page)).toBe(ORIGINAL);
    await expect.poll(() => page.getByTestId('edited-mark').count()).toBe(0);
    await waitForRuns(page, ['same-window']);
    await expect.poll(() => admittedAt(page, '12:01:30'), { timeout: 30_000 }).toBe('100');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
