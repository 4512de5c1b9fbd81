/**
 * This session's engine facts, as the lab shows them in Chromium: a mirror's copies (Gateway API
 * RequestMirror, ../shared/semantics.md §7: fire and forget, counted in the mirror's upstream stats
 * and never as a request) in the inspector, the topology and the Metrics view; and Traefik's retry
 * re-running the middlewares listed after it, line by line in a retried request's inspector.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, pageErrors, screenshot, sharedBrowser, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = labTitle(chromiumPath, 'mirror copies and retried middlewares in the lab');

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  const open = (hash: string): Promise<Page> => openAt(browser, `${labUrl}${hash}`, ['base']);

  it('follows a shopper request\'s copy to the canary past its answer, and the canary node counts the copies', async () => {
    // 12:00:02: shoppers-1 was answered at 15 ms; its copy ended at 300 ms with the canary's 203.
    const page = await open('#s=shadow-traffic&v=base&t=2000&tab=inspector&req=base/shoppers-1');
    await expect(page.getByTestId('inspector-headline').textContent()).resolves.toMatch(/^200 from the backend/);
    const copies = await page.getByTestId('inspector-copy').allTextContents();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^copy to catalog-canary \(catalog-canary\.production\.svc\.cluster\.local:8080\): answered 203 after 300 ms/);
    const counted = await page.getByTestId('panel-base').getByTestId('backend-copies').allTextContents();
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatch(/^\d+ copies ended$/);
    await screenshot(page, 'mirror-inspector', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('scrapes the shadow counter at the cursor, apart from the request counter (§7)', async () => {
    const page = await open('#s=shadow-traffic&v=base&t=20000&tab=metrics');
    const shadows = page.getByTestId('metric-gatelab_upstream_shadow_requests_total');
    await shadows.waitFor();
    const rows = await shadows.locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatch(/^\{service="catalog-canary",code="\d{3}"\}\d+$/);
    // Copies never count as client requests: every request series belongs to a route.
    const requests = await page.getByTestId('metric-gatelab_http_requests_total').locator('tbody tr').allTextContents();
    for (const r of requests) expect(r).toContain('route="production/');
    await screenshot(page, 'mirror-metrics', true);
    // Before the first copy ended (300 ms), a scrape has no shadow series at all.
    await page.goto('about:blank');
    await page.goto(`${labUrl}#s=shadow-traffic&v=base&t=100&tab=metrics`);
    await waitForRuns(page, ['base']);
    await page.getByTestId('metric-gatelab_http_requests_total').waitFor();
    await expect(page.getByTestId('metric-gatelab_upstream_shadow_requests_total').count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('lists each retry\'s re-run of the rateLimit and the failed tries in a retried request (Traefik retry: semantics.md feature table, Retries)', async () => {
    // shop-31 reached two refused pods at 12:00:05 before the third answered: three tries, three rateLimit runs.
    const page = await open('#s=traefik-retry-rate-limit&v=base&t=6000&tab=inspector&req=base/shop-31');
    const reasons = await page.getByTestId('decision-reason').allTextContents();
    const rerun = reasons.filter((r) => /^try \d: running rate-limit again/.test(r));
    expect(rerun.map((r) => r.slice(0, 5))).toEqual(['try 2', 'try 3']);
    expect(reasons.filter((r) => r.startsWith('Traefik rateLimit'))).toHaveLength(3);
    const spans = await page.getByTestId('inspector').locator('.spans .sname').allTextContents();
    expect(spans.filter((s) => s.startsWith('failed: upstream'))).toHaveLength(2);
    await screenshot(page, 'retry-inspector', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
