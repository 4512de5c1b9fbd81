/**
 * The lab in real Chromium against the built app: the boundary-burst story a student follows, the
 * shared-URL round trip, the browser's trace hash against the CLI's, accessibility and screenshots.
 */
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { cliHashes, goto, openPage, pageErrors, screenshot, seriousViolations, sharedBrowser, traceHashesOf, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
// The CLI's answer for the same scenario, seed and level: the variants to expect and their hashes
// (the run's traceHash and its trace file's SHA-256).
const cli = cliHashes('scenarios/rate-limiting/boundary-burst.yaml');
const ALL = cli.variants.map((v) => v.name);
// Scenario file names without extension: the build names each scenario text's chunk after its file.
const SCENARIO_STEMS = new Set(
  execFileSync('find', ['scenarios', '-name', '*.y*ml'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => p.replace(/^.*\//, '').replace(/\.ya?ml$/, '')),
);

const title = chromiumPath ? 'the lab in Chromium' : 'the lab in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  async function openBoundaryBurst(hash = ''): Promise<Page> {
    const page = await openPage(browser);
    await page.goto(`${labUrl}${hash || `#s=boundary-burst&v=${ALL.join(',')}`}`);
    await waitForRuns(page, hash ? (/[#&]v=([^&]+)/.exec(hash)?.[1]?.split(',') ?? ALL) : ALL);
    return page;
  }

  it('lists scenarios by topic, searches, and opens boundary-burst from its card', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('scenario-boundary-burst').waitFor();
    await expect(page.getByRole('heading', { level: 2, name: /^Rate limiting/ }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'scenario-browser');
    await page.getByTestId('scenario-search').fill('no such scenario at all');
    await expect(page.getByTestId('scenario-boundary-burst').count()).resolves.toBe(0);
    await page.getByTestId('scenario-search').fill('fixed-window kong');
    await page.getByTestId('scenario-boundary-burst').click();
    await waitForRuns(page, ALL);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('boundary burst');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('plays to 12:01:02: 200 admitted in the fixed-window base panel, fewer in every other', async () => {
    const page = await openBoundaryBurst();
    await page.getByTestId('speed').selectOption('25');
    await page.getByTestId('play').click();
    // Playing: time moves on its own, and the narration follows.
    await page.waitForFunction(() => (document.querySelector('[data-testid="clock"]')?.textContent ?? '') >= '12:01:02', undefined, { timeout: 30_000 });
    // Playback may already have run to the end (it skips the quiet tail); pause only if still playing.
    if ((await page.getByTestId('play').getAttribute('aria-label')) === 'Pause') await page.getByTestId('play').click();
    await goto(page, '12:01:02');
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:01:02.000');
    await expect(page.getByTestId('caption').textContent()).resolves.toContain('12:01:01');
    expect(ALL).toContain('same-window');
    const admitted = Object.fromEntries(await Promise.all(ALL.map(async (v) => [v, Number((await page.getByTestId(`admitted-${v}`).textContent())?.replace(/,/g, ''))] as const)));
    expect(admitted.base).toBe(200);
    for (const v of ALL.filter((x) => x !== 'base')) expect(admitted[v], v).toBeLessThan(200);
    expect(admitted['same-window']).toBe(100);
    await expect(page.getByTestId('rejected-same-window').textContent()).resolves.toBe('100');
    await screenshot(page, 'player-12-01-02', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('steps with the keyboard: arrows to events, shift-arrows to narration, ? for help', async () => {
    const page = await openBoundaryBurst();
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:59.000');
    await page.keyboard.press('ArrowRight');
    const after = await page.getByTestId('clock').textContent();
    expect(after && after > '12:00:59.000').toBe(true);
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:00:59.000');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await screenshot(page, 'help-overlay');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await page.close();
  });

  it('after a shared URL was applied, a request clicked while playback runs reaches the URL (written at most 4× a second)', async () => {
    const page = await openBoundaryBurst('#s=boundary-burst&v=base&t=58000');
    await page.getByTestId('speed').selectOption('0.1');
    await page.getByTestId('play').click();
    const dot = page.getByTestId('panel-base').locator('circle[data-req]').first();
    await dot.waitFor();
    const id = await dot.getAttribute('data-req');
    await dot.dispatchEvent('click');
    // Still playing: the clock keeps moving, and the selection is in the URL all the same.
    await expect(page.getByTestId('play').getAttribute('aria-label')).resolves.toBe('Pause');
    await page.waitForURL((u) => u.hash.includes(`req=base/${id}`), { timeout: 5_000 });
    await page.getByTestId('play').click();
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('clicking a rejected request shows its reason', async () => {
    const page = await openBoundaryBurst();
    // Half a second after the second burst: the rejected dots still linger at their client.
    await goto(page, '12:00:59.5');
    const dot = page.getByTestId('panel-same-window').locator('circle[data-outcome="rejected"]').first();
    await dot.waitFor();
    const id = await dot.getAttribute('data-req');
    await dot.dispatchEvent('click');
    await expect(page.getByTestId('inspector-headline').textContent()).resolves.toMatch(/^429 from rate-limit: .*limit reached/);
    const reasons = await page.getByTestId('decision-reason').allTextContents();
    expect(reasons.some((r) => r.includes('100 of 100 used'))).toBe(true);
    // The URL follows a moment later (it is written once the state settles).
    await page.waitForURL((u) => u.hash.includes(`req=same-window/${id}`));
    await screenshot(page, 'inspector-rejected', true);

    // The same through a row of the requests table.
    await page.getByTestId('tab-requests').click();
    await page.getByTestId('requests-filter').selectOption('rejected');
    const row = page.locator('[data-testid="request-row"][data-status="429"]').first();
    const rowId = (await row.textContent())?.trim();
    await row.click();
    await expect(page.getByTestId('inspector').locator('h2 code').first().textContent()).resolves.toBe(rowId);
    await page.close();
  });

  it('a shared URL lands on the same instant and request', async () => {
    const hash = '#s=boundary-burst&v=base,same-window&t=61500&req=same-window/burster-150';
    const page = await openBoundaryBurst(hash);
    await expect(page.getByTestId('clock').textContent()).resolves.toBe('12:01:01.500');
    await expect(page.getByTestId('inspector').locator('h2 code').first().textContent()).resolves.toBe('burster-150');
    await expect(page.getByTestId('inspector-headline').textContent()).resolves.toContain('429 from rate-limit');
    // The app keeps the URL as shared, so copying it again gives the same view.
    await page.waitForTimeout(200);
    const kept = new URL(page.url()).hash;
    expect(kept).toContain('t=61500');
    expect(kept).toContain('req=same-window/burster-150');
    const again = await openPage(browser);
    await again.goto(page.url());
    await waitForRuns(again, ['base', 'same-window']);
    await expect(again.getByTestId('clock').textContent()).resolves.toBe('12:01:01.500');
    await again.close();
    await page.close();
  });

  it('computes the same trace hash and trace-file SHA-256 in the browser as the CLI', async () => {
    const page = await openBoundaryBurst();
    for (const v of cli.variants) {
      const info = page.getByTestId(`run-info-${v.name}`);
      // The panel is ready first; the worker sends the hash right after the run.
      await expect(traceHashesOf(page, v.name)).resolves.toEqual({ traceHash: v.traceHash, traceFileSha256: v.traceFileSha256 });
      console.log(`worker time for boundary-burst/${v.name}: engine ${await info.getAttribute('data-simulate-ms')} ms, page total ${await info.getAttribute('data-wall-ms')} ms`);
    }
    await page.close();
  });

  it('has no serious accessibility violations on the main views', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('scenario-boundary-burst').waitFor();
    expect(await seriousViolations(page), 'scenario browser').toEqual([]);
    await page.goto(`${labUrl}#s=boundary-burst&v=${ALL.join(',')}&t=59500&req=same-window/burster-101`);
    await waitForRuns(page, ALL);
    expect(await seriousViolations(page), 'player, panels and inspector').toEqual([]);
    for (const chart of ['limiter', 'latency']) {
      await page.getByTestId(`chart-${chart}`).click();
      expect(await seriousViolations(page), `${chart} charts`).toEqual([]);
      await screenshot(page, `panels-${chart}`, true);
    }
    await page.getByTestId('chart-rates').click();
    for (const tab of ['requests', 'log', 'metrics', 'trace', 'pipeline']) {
      await page.getByTestId(`tab-${tab}`).click();
      if (tab === 'pipeline') await page.locator('.diagram svg').waitFor({ timeout: 30_000 });
      expect(await seriousViolations(page), `${tab} tab`).toEqual([]);
      await screenshot(page, `tab-${tab}`, true);
    }
    await page.close();
  });

  it('keeps the first load under 500 KB gzipped (mermaid stays lazy)', async () => {
    // Counts every file fetched from the lab's origin from navigation until every boundary-burst run is
    // done: index.html and the page's JS and CSS, the engine worker with every chunk it imports (a
    // dedicated worker's requests are reported through the page), the catalog chunk and the scenario
    // texts the runs fetched. Each URL once: every run starts a worker from the same, cached, script.
    // The bodies are fetched again here, from the same static server: a worker that has been
    // terminated (the catalog's) no longer hands its response bodies to the page.
    const page = await openPage(browser);
    const urls = new Set<string>();
    page.on('request', (r) => {
      if (r.url().startsWith(labUrl)) urls.add(r.url());
    });
    await page.goto(`${labUrl}#s=boundary-burst&v=${ALL.join(',')}`);
    await waitForRuns(page, ALL);
    await page.waitForTimeout(300);
    const sizes = await Promise.all(
      [...urls].map(async (url) => ({ url, gz: gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer()), { level: 9 }).length })),
    );
    const kb = (list: typeof sizes): string => (list.reduce((s, x) => s + x.gz, 0) / 1024).toFixed(1);
    // Data, not code: the build-time catalog and the chunks holding scenario texts (named after their files).
    const isData = (url: string): boolean => /_virtual_gatelab-catalog-/.test(url) || SCENARIO_STEMS.has(/\/([^/]+)-[\w-]{8}\.js$/.exec(url)?.[1] ?? '');
    const code = sizes.filter((s) => !isData(s.url));
    console.log(
      `first load: ${sizes.length} files, ${kb(sizes)} KB gzipped (code ${kb(code)} KB, catalog and scenario texts ${kb(sizes.filter((s) => isData(s.url)))} KB)`,
      sizes.map((s) => `${s.url.replace(labUrl, '')} ${(s.gz / 1024).toFixed(1)}`).join(', '),
    );
    expect(sizes.some((s) => /mermaid|cytoscape|katex/.test(s.url))).toBe(false);
    // The measure must see the worker, or it would report a first load without the engine.
    expect(sizes.some((s) => /engine-worker-/.test(s.url))).toBe(true);
    // The adversary (fast-check) and the code editor load on first use, not with a run.
    expect(sizes.some((s) => /attack-session|adversary|code-editor/.test(s.url))).toBe(false);
    expect(sizes.reduce((s, x) => s + x.gz, 0)).toBeLessThan(500 * 1024);
    // Every run preloads hash-wasm (docs/adr/0002), so its chunk is part of this measure: it embeds
    // the WebAssembly module, whose base64 starts 'AGFzbQ' ('\0asm'); nothing else in the lab does.
    const scripts = await Promise.all([...urls].filter((u) => u.endsWith('.js')).map(async (u) => (await fetch(u)).text()));
    expect(scripts.some((text) => text.includes('AGFzbQ'))).toBe(true);
    await page.close();
  });
});
