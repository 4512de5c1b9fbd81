/**
 * What the in-Chromium micro-benchmarks (lab-codec-browser.ts, lab-codec-hash-browser.ts) share: the
 * page script bundled with one copy of the module under test, a
 * local page that serves whichever bundled script is current as /bench.js, the main thread's CPU
 * time through the DevTools protocol, and a median.
 */
import { createServer, type Server } from 'node:http';
import { build, type Plugin } from 'esbuild';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launch } from '../browser/harness.ts';

export interface BenchPage {
  /** The page's address on 127.0.0.1. */
  url: string;
  /** The script the next page load gets as /bench.js. */
  setScript(text: string): void;
  close(): void;
}

export async function serveBenchPage(title: string): Promise<BenchPage> {
  let current = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(current);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>${title}</title>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, setScript: (text) => (current = text), close: () => server.close() };
}

/** The main thread's CPU seconds so far (`Performance.enable` must have been sent). */
export async function threadTime(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The page script: `entry` bundled for the browser with `alias` pointing the module under test at one copy. */
export async function bundlePage(entry: string, alias: Record<string, string>, plugins: Plugin[] = []): Promise<string> {
  const out = await build({ plugins, entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', alias, logLevel: 'error' });
  return out.outputFiles[0]?.text ?? '';
}

/** Main-thread CPU milliseconds that `run` took (`Performance.enable` must have been sent). */
export async function cpuMsOf(cdp: CDPSession, run: () => Promise<unknown>): Promise<number> {
  const before = await threadTime(cdp);
  await run();
  return Math.round(((await threadTime(cdp)) - before) * 1000);
}

/** A fresh headless Chromium on the bench page with `script` as /bench.js, its CPU metrics on. */
export async function openBenchPage(chromiumPath: string, benchPage: BenchPage, script: string): Promise<{ browser: Browser; page: Page; cdp: CDPSession }> {
  benchPage.setScript(script);
  const browser = await launch(chromiumPath);
  const page = await browser.newPage();
  await page.goto(benchPage.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return { browser, page, cdp };
}
