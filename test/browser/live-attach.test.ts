/**
 * The lab attached to a real `gatelab serve` (issue 5): the page on its own origin reads the admin
 * listener's `/trace` stream, and requests sent through the proxy show up in the counters and the
 * access log while the cursor follows them. A wrong admin URL says what to start.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { ordersConfig } from '../support/kong-config.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';
import { launch, openPage, pageErrors, screenshot, seriousViolations } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = chromiumPath ? 'the lab attached to a live proxy' : 'the lab attached to a live proxy — skipped: no chromium on PATH';

describe.skipIf(!chromiumPath)(title, () => {
  let browser: Browser;
  let upstream: EchoUpstream;
  let serve: ServeProcess;
  let proxy = '';
  let admin = '';

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-live-'));
    const config = join(dir, 'kong.yaml');
    writeFileSync(config, ordersConfig(upstream.port, 3));
    const port = await freePort();
    const adminPort = await freePort();
    serve = await startServe(['--config', config, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${adminPort}`]);
    proxy = `http://127.0.0.1:${port}`;
    admin = `http://127.0.0.1:${adminPort}`;
    browser = await launch(chromiumPath);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await upstream?.close();
  });

  it('shows requests sent through the proxy as they happen', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('live-admin').fill(admin);
    await page.getByTestId('live-attach').click();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 15_000 });

    // Four requests against a limit of three a minute: three admitted, one 429.
    for (let i = 0; i < 4; i++) await (await request(`${proxy}/api/v1/orders/${i}`)).body.dump();
    await page.waitForFunction(() => document.querySelector('[data-testid="arrived-live"]')?.textContent?.trim() === '4', undefined, { timeout: 15_000 });
    await expect(page.getByTestId('admitted-live').textContent()).resolves.toBe('3');
    await expect(page.getByTestId('rejected-live').textContent()).resolves.toBe('1');

    await page.getByTestId('tab-log').click();
    const log = page.getByRole('log', { name: 'Access log' });
    await page.waitForFunction(() => (document.querySelector('[role="log"]')?.textContent ?? '').includes('/api/v1/orders/3'), undefined, { timeout: 10_000 });
    await expect(log.textContent()).resolves.toContain('" 429 ');

    // One more arrives while the cursor sits at the end: it follows.
    await (await request(`${proxy}/api/v1/orders/4`)).body.dump();
    await page.waitForFunction(() => document.querySelector('[data-testid="arrived-live"]')?.textContent?.trim() === '5', undefined, { timeout: 15_000 });
    await screenshot(page, 'live-proxy');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("dates a request on the proxy's clock when the lab attaches late (run.start, not a guess)", async () => {
    // Sent 3 s before attaching: a lab that guessed the start from the newest event ("it happened
    // about now") would date this request 3 s late; the proxy's run.start dates it as serve's log does.
    await (await request(`${proxy}/api/v1/orders/late`)).body.dump();
    await new Promise((r) => setTimeout(r, 3_000));
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId('live-admin').fill(admin);
    await page.getByTestId('live-attach').click();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('tab-log').click();
    await page.waitForFunction(() => (document.querySelector('[role="log"]')?.textContent ?? '').includes('/api/v1/orders/late'), undefined, { timeout: 15_000 });
    const labLog = (await page.getByRole('log', { name: 'Access log' }).textContent()) ?? '';
    const at = (text: string): number => {
      // nginx's $time_local, [28/Nov/2026:06:30:01 +0000], on the line of that request.
      const m = new RegExp(String.raw`\[(\d\d)/(\w{3})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\][^\n]*?/api/v1/orders/late`).exec(text);
      if (!m) throw new Error(`no access-log line for /api/v1/orders/late in:\n${text.slice(0, 2000)}`);
      return Date.parse(`${m[2]} ${m[1]} ${m[3]} ${m[4]}:${m[5]}:${m[6]} GMT${m[7]}`);
    };
    // serve stamps its log from its own epoch, taken a few ms after the proxy's start: one second apart at most.
    expect(Math.abs(at(labLog) - at(serve.stdout()))).toBeLessThanOrEqual(1_000);
    await page.close();
  });

  it('says what to start when nothing listens at the admin URL', async () => {
    const page = await openPage(browser);
    await page.goto(labUrl);
    const nothing = await freePort();
    await page.getByTestId('live-admin').fill(`http://127.0.0.1:${nothing}`);
    await page.getByTestId('live-attach').click();
    const error = page.getByTestId('live-error');
    await error.waitFor({ timeout: 15_000 });
    await expect(error.textContent()).resolves.toContain(`gatelab serve --config <file> --admin 127.0.0.1:${nothing}`);
    await page.close();
  });
});
