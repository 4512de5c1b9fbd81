/**
 * A fourth walk through the lab in Chromium, as a student and as an instructor, each test pinning a
 * defect that walk found: a flashcard's request "not reached the gateway yet" with no way to get
 * there, the boundary burst squeezed into a sliver of its charts at the story's last point, an
 * inspector that said a client who gave up was "answered", that a front balancer's 502 had "No
 * response yet", a client retry that did not say what it retried, a one-line JSON body broken
 * mid-word, an editor error that was a red underline at the screen's edge with its words below the
 * fold, an exercise starter whose hint ran off the editor (and YAML wrapped to column 0 on a phone),
 * a fix's comparison with mixed precision and no judged row, a verdict left beside a changed answer,
 * "Choose File  No fil…hosen" on the flashcards, focus dropped to the page by Reveal and Known, each
 * panel's requests per second on its own scale, and "203 in base → 200 here" with no backend named.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, openPage, pageErrors, screenshot, seriousViolations, sharedBrowser, waitForRuns, type Box } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');

const title = labTitle(chromiumPath, 'a fourth walkthrough of the lab in Chromium');

const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);
const boxOf = (el: Element): Box => el.getBoundingClientRect().toJSON() as Box;
/** "12:01:04" or "01:04.5" (the axis drops the hour when zoomed in) → seconds after 12:00:00. */
const axisSeconds = (label: string): number => {
  const parts = label.split(':').map(Number);
  return parts.length === 3 ? (parts[0]! - 12) * 3600 + parts[1]! * 60 + parts[2]! : parts[0]! * 60 + parts[1]!;
};

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it("takes a flashcard's request that has not reached the gateway yet to the moment it does", async () => {
    // The boundary-burst card's "See it live": 12:00:59 with burster-101 picked, which arrives at 12:01:01.
    const page = await openAt(browser, `${labUrl}#s=boundary-burst&v=base,sliding-window,token-bucket&t=59000&chart=rates&req=base/burster-101`, ['base', 'sliding-window', 'token-bucket']);
    const later = page.getByTestId('inspector-later');
    // It said "play on to follow it": two seconds of a 2-minute scenario, with no way to go there.
    await expect(later.textContent()).resolves.toMatch(/burster-101\s*has not reached the gateway yet: it gets there at 12:01:01\.000/);
    await page.getByTestId('inspector-go-later').click();
    await page.getByTestId('inspector').waitFor();
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:01:01.000');
    await expect(page.getByTestId('inspector-heading').textContent()).resolves.toContain('burster-101');
    // The story's heading takes the focus from the button, which is gone.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('inspector-heading');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("keeps both bursts in the rate charts at boundary-burst's last narration point (12:01:02)", async () => {
    const page = await openAt(browser, `${labUrl}#s=boundary-burst&v=base,sliding-window&t=61000&chart=rates`, ['base', 'sliding-window']);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => page.getByTestId('clock').textContent()).toBe('12:01:02.000');
    const chart = page.getByTestId('panel-sliding-window').getByTestId('rate-chart').first();
    await chart.scrollIntoViewIfNeeded();
    const labels = await chart.locator('.axes text').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', top: e.getBoundingClientRect().top })));
    const bottom = Math.max(...labels.map((l) => l.top));
    const xLabels = labels.filter((l) => Math.abs(l.top - bottom) < 1).map((l) => l.text);
    // The axis ran to 12:02:00 once the cursor passed 12:01:01.6: the bursts at 12:00:59 and
    // 12:01:01 were two bars in the chart's first 4 %. Now the range doubles: to about 12:01:04.7.
    expect(xLabels.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xLabels.map(axisSeconds)), xLabels.join(' ')).toBeLessThanOrEqual(66);
    expect(Math.min(...xLabels.map(axisSeconds)), xLabels.join(' ')).toBeLessThanOrEqual(60);
    await chart.screenshot({ path: 'test/artifacts/walkthrough-4-burst-chart.png' });
    await page.close();
  });

  it("tells a client's retry it gave up on as it was: gave up, no response coming, the tries before it", async () => {
    const page = await openAt(browser, `${labUrl}#s=retry-storm&v=base&t=41000&tab=inspector&req=base/partner-700.retry3`, ['base']);
    await page.getByTestId('inspector').waitFor();
    // "answered 12:00:39.274" and "No response yet." for a request nobody would ever answer.
    await expect(page.getByTestId('inspector-ended').textContent()).resolves.toBe('gave up at 12:00:39.274');
    const inspector = page.getByTestId('inspector');
    await expect(inspector.textContent()).resolves.toContain('None: the client stopped waiting before an answer came.');
    await expect(inspector.textContent()).resolves.not.toContain('No response yet.');
    const tries = page.getByTestId('inspector-tries');
    await expect(tries.textContent()).resolves.toMatch(/^Try 4 of the client's request partner-700: .*partner-700: gave up\s+partner-700\.retry1: gave up\s+partner-700\.retry2: gave up/);
    await tries.getByRole('button', { name: /partner-700\.retry2/ }).click();
    await expect.poll(() => page.getByTestId('inspector-heading').textContent()).toContain('partner-700.retry2');
    await expect(page.getByTestId('inspector-tries').textContent()).resolves.toMatch(/^Try 3 of/);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("says the front balancer answered kong-bottleneck's OOM 502, not \"No response yet\" and \"the gateway answered itself\"", async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-bottleneck&v=overload&t=15000&tab=inspector&req=overload/app-4068`, ['overload']);
    await page.getByTestId('inspector').waitFor();
    await expect(page.getByTestId('inspector-headline').textContent()).resolves.toBe('502 from the front balancer');
    const text = (await page.getByTestId('inspector').textContent()) ?? '';
    expect(text).toContain('Never sent upstream: the front balancer answered 502 before the gateway could.');
    expect(text).toContain('The front balancer answered 502 itself; gatelab does not model its headers.');
    expect(text).not.toContain('No response yet.');
    expect(text).not.toContain('the gateway answered itself');
    await page.close();
  });

  it("lays the circuit breaker's one-line JSON 503 body out one field per line, words whole", async () => {
    const page = await openAt(browser, `${labUrl}#s=circuit-breaker-states&v=base&t=40000&tab=inspector&req=base/shop-201`, ['base']);
    const body = page.getByTestId('response-body');
    await body.waitFor();
    const text = (await body.textContent()) ?? '';
    // It was one string broken wherever the box ended: "the circuit brea" / "ker is open".
    expect(text.split('\n')).toContain('  "state": "OPEN",');
    expect(JSON.parse(text)).toMatchObject({ state: 'OPEN' });
    const wordsWhole = await body.evaluate((el) => getComputedStyle(el).overflowWrap === 'anywhere' && getComputedStyle(el).wordBreak !== 'break-all');
    expect(wordsWhole).toBe(true);
    await page.close();
  });

  it("writes an editor error under the line being typed on, line:column first, on a laptop's screen, and a fix clears it", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${labUrl}#s=boundary-burst&v=base`);
    await waitForRuns(page, ['base']);
    await page.getByTestId('edit-open').click();
    const line = page.locator('.cm-content .cm-line', { hasText: /^\s+minute: 100$/ }).first();
    await line.click();
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    await page.keyboard.press('Control+Enter');
    const box = page.getByTestId('editor-line-error');
    await box.waitFor({ timeout: 30_000 });
    const lineNo = (await page.getByTestId('editor-diagnostic').first().getAttribute('data-place'))?.split(':')[1];
    expect(Number(lineNo)).toBeGreaterThan(0);
    // The words were only in the list under the editor, 70 px below a 800 px screen.
    await expect(box.textContent()).resolves.toMatch(new RegExp(`^✗ ${lineNo}:\\d+ GL_E_TYPE: rate-limiting: minute must be a number`));
    const shown = await box.evaluate(boxOf);
    expect(shown.bottom).toBeLessThanOrEqual(800);
    expect(shown.top).toBeGreaterThanOrEqual(0);
    // Right under the line it is about.
    const typed: Box = await page.locator('.cm-content .cm-line', { hasText: /minute: 100x/ }).evaluate(boxOf);
    expect(shown.top - typed.bottom).toBeLessThan(4);
    await screenshot(page, 'walkthrough-4-editor-error');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => box.count(), { timeout: 30_000 }).toBe(0);
    await waitForRuns(page, ['base']);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("wraps exercise 2's starter hint inside the editor, and on a phone indents what wraps under its line", async () => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${labUrl}?mode=exercises&exercise=02-design-a-strategy`);
    const scroller = page.locator('.cm-scroller');
    await scroller.waitFor();
    // "… What is still missing? Read the r" and the rest past the editor's right edge.
    const { scroll, client } = await scroller.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    await expect(page.locator('.cm-content').textContent()).resolves.toContain('Read the requirements.');
    await page.setViewportSize({ width: 390, height: 844 });
    const url = page.locator('.cm-line', { hasText: 'url: http://partner-v1.internal:8080' });
    await url.scrollIntoViewIfNeeded();
    // Wrapped at column 0, "v1.internal:8080" read as a top-level key of the YAML.
    const rects = await url.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return [...range.getClientRects()].map((r) => ({ left: r.left, top: r.top }));
    });
    const rows = [...new Map(rects.map((r) => [Math.round(r.top), r.left])).values()];
    expect(rows.length).toBeGreaterThan(1);
    const lineLeft = await url.evaluate((el) => el.getBoundingClientRect().left);
    for (const left of rows.slice(1)) expect(left - lineLeft).toBeGreaterThan(30);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'walkthrough-4-phone-starter');
    await page.close();
  });

  it("marks the reading exercise 3 judges a fix by, at one precision for both runs, and fits a phone", async () => {
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${labUrl}?mode=exercises&exercise=03-diagnose-the-bottleneck`);
    await page.getByTestId('dash-request-p99').waitFor({ timeout: 60_000 });
    await page.getByTestId('choice-immediate-fix-scale-backend').check();
    const table = page.getByTestId('diagnose-immediate-fix-compare');
    await table.waitFor({ timeout: 90_000 });
    const judged = table.locator('tr[data-judged="true"]');
    await expect(judged.count()).resolves.toBe(1);
    await expect(judged.locator('th').textContent()).resolves.toContain('request_time p99');
    await expect(table.locator('caption').textContent()).resolves.toBe('Judged on the marked row: a fix must take at least 50 % off it.');
    // "1182.2 ms" beside "1166 ms": every ms reading now has its one decimal, in both runs.
    const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    for (const [before, after] of cells.slice(0, 3)) {
      expect(before).toMatch(/^\d+\.\d ms$/);
      expect(after).toMatch(/^\d+\.\d ms$/);
    }
    expect(cells[0]![2]).toMatch(/^(−|\+)\d+(\.\d)? %$|^no change$/);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'walkthrough-4-phone-diagnose');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('says a verdict is for the earlier answer once exercise 1\'s answer changes, until Check grades the new one', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=exercises&exercise=01-read-a-config`);
    const input = page.getByTestId('answer-upstream-path');
    // A wrong path: the client's whole path, where strip_path leaves the backend /123.
    await input.fill('/api/v1/orders/123');
    await page.getByTestId('exercise-check').click();
    const verdict = page.getByTestId('verdict-upstream-path');
    await verdict.waitFor({ timeout: 60_000 });
    await expect(verdict.getAttribute('data-ok')).resolves.toBe('false');
    await expect(page.getByTestId('stale-upstream-path').count()).resolves.toBe(0);
    // "✗ Not quite" stayed beside the corrected "/123" as if it were about it.
    await input.fill('/123');
    await expect(page.getByTestId('stale-upstream-path').textContent()).resolves.toBe('This verdict is for your earlier answer /api/v1/orders/123: press Check to grade the new one.');
    // Framed, not faded: a faded verdict failed axe's contrast check.
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('exercise-check').click();
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 60_000 }).toBe('true');
    await expect(page.getByTestId('stale-upstream-path').count()).resolves.toBe(0);
    await page.close();
  });

  it('draws "Import JSON…" as a button beside "Export JSON", reached by Tab, where the browser wrote "No fil…hosen"', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=flashcards`);
    const button = page.getByTestId('progress-import-button');
    await expect(button.textContent()).resolves.toMatch(/^\s*Import JSON…\s*$/);
    const [exp, imp] = [await page.getByTestId('progress-export').evaluate(boxOf), await button.evaluate(boxOf)];
    expect(Math.abs(exp.bottom - exp.top - (imp.bottom - imp.top))).toBeLessThan(2);
    await expect(page.getByTestId('progress').textContent()).resolves.not.toMatch(/No file|Choose File/);
    await page.getByTestId('progress-export').focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('progress-import');
    await expect(button.evaluate((el) => getComputedStyle(el).outlineStyle)).resolves.toBe('solid');
    // The hidden input still takes a file.
    await page.getByTestId('progress-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 9}') });
    await expect(page.getByTestId('progress-message').textContent()).resolves.toContain('bad.json was not imported');
    // The scenario list's "Open your own scenario file" was the same browser control.
    await page.getByTestId('mode-scenarios').click();
    await expect(page.getByTestId('open-file-button').textContent()).resolves.toMatch(/^\s*Open your own scenario file \(YAML\)…\s*$/);
    await expect(page.locator('main').textContent()).resolves.not.toMatch(/No file chosen|Choose File/);
    await page.close();
  });

  it('keeps the keyboard on the flashcard: Enter on Reveal lands on the answer, Known on the next question', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=flashcards`);
    const first = await page.getByTestId('card-question').textContent();
    await page.getByTestId('card-reveal').focus();
    await page.keyboard.press('Enter');
    // The pressed button went away and focus fell to <body>: Tab started again at the header.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('card-answer');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('card-live');
    await page.getByTestId('card-known').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('card-question');
    await expect(page.getByTestId('card-question').textContent()).resolves.not.toBe(first);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('card-reveal');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("draws kong-bottleneck's base and fix on one requests-per-second scale, so 200 and 500 req/s differ in height", async () => {
    const page = await openAt(browser, `${labUrl}#s=kong-bottleneck&v=base,fixed&t=6000`, ['base', 'fixed']);
    const top = async (v: string): Promise<string[]> => page.getByTestId(`panel-${v}`).getByTestId('rate-chart').first().locator('.axes text').allTextContents();
    // Each panel had its own axis, 0–200 beside 0–400: bars of one height for 2.5 times the traffic.
    expect(await top('base')).toEqual(await top('fixed'));
    await page.close();
  });

  it('names the backend that answered in canary-ramp\'s changes from base: "203 from catalog-canary", not "203"', async () => {
    const page = await openAt(browser, `${labUrl}#s=canary-ramp&v=base,ingress-nginx&t=60000`, ['base', 'ingress-nginx']);
    const changes = await page.getByTestId('panel-ingress-nginx').getByTestId('diff-change').allTextContents();
    expect(changes.length).toBeGreaterThan(0);
    // "shoppers-7: 203 in base → 200 here": which backend each went to was the point, and unsaid.
    for (const c of changes) {
      expect(c.replace(/\s+/g, ' ').trim()).toMatch(/^shoppers-\d+: (200 from catalog-stable|203 from catalog-canary) in base → (200 from catalog-stable|203 from catalog-canary) here$/);
    }
    await page.close();
  });

  it('says why "Limiter state" is empty for canary-ramp, which has no limiter, instead of drawing nothing', async () => {
    const page = await openAt(browser, `${labUrl}#s=canary-ramp&v=base&t=60000&chart=limiter`, ['base']);
    await expect(page.getByTestId('panel-base').getByTestId('limiter-empty').textContent()).resolves.toMatch(
      /Limiter state: nothing to plot in base\. None of its stages \(router → balancer\) keeps a counter, a bucket or a window/,
    );
    await page.close();
  });
});
