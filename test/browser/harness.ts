/** Shared browser-test plumbing: Debian's chromium through playwright-core, never a downloaded browser. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ARTIFACTS = 'test/artifacts';

export async function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * One Chromium for the enclosing describe block: launched before its tests, closed after them. The
 * getter is what `openPage` takes, so a test never holds a browser that was not started.
 */
export function sharedBrowser(executablePath: string): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch(executablePath);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium did not start (see the beforeAll error above)');
    return browser;
  };
}

export async function openPage(from: Browser | (() => Browser)): Promise<Page> {
  const browser = typeof from === 'function' ? from() : from;
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  // Runs also write the JSON lines' digest, so traceHashesOf can compare both with the CLI's.
  await page.addInitScript(() => {
    (globalThis as { gatelabFileDigest?: boolean }).gatelabFileDigest = true;
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

/** A new page at `url`, once every named variant panel has its trace: how most lab tests begin. */
export async function openAt(from: Browser | (() => Browser), url: string, variants: string[]): Promise<Page> {
  const page = await openPage(from);
  await page.goto(url);
  await waitForRuns(page, variants);
  return page;
}

/** A suite's title, saying why it is skipped where no Chromium is installed. */
export function labTitle(chromiumPath: string, title: string): string {
  return chromiumPath ? title : `${title} — skipped: no chromium on PATH (.ci/run installs it)`;
}

/** A drawn element's box, in viewport pixels (what getBoundingClientRect reports). */
export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Whether two drawn boxes share any area (touching edges do not count). */
export const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Waits until every variant panel of the open scenario has its trace. */
export async function waitForRuns(page: Page, variants: string[]): Promise<void> {
  for (const v of variants) await page.getByTestId(`run-info-${v}`).waitFor({ timeout: 60_000 });
}

export async function goto(page: Page, clock: string): Promise<void> {
  await page.getByTestId('goto').fill(clock);
  await page.getByTestId('goto').press('Enter');
}

/** Drags the scrubber to a scenario offset, as a student would (an input event on the range). */
export async function scrub(page: Page, ms: number): Promise<void> {
  await page.getByTestId('scrubber').evaluate((el, value) => {
    const input = el as HTMLInputElement;
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

/**
 * A variant's trace hash as its panel shows it. The worker sends it after the run (the panel is
 * ready before), so this waits until the attribute is set.
 */
export async function traceHashOf(page: Page, variant: string, timeout = 120_000): Promise<string> {
  const selector = `[data-testid="run-info-${variant}"]`;
  await page.waitForFunction((sel) => (document.querySelector(sel)?.getAttribute('data-trace-hash') ?? '') !== '', selector, { timeout, polling: 100 });
  return (await page.locator(selector).getAttribute('data-trace-hash')) ?? '';
}

/** A variant's two digests as its panel has them (they come in one message): compare with `cliHashes`. */
export async function traceHashesOf(page: Page, variant: string, timeout = 120_000): Promise<VariantHashes> {
  const traceHash = await traceHashOf(page, variant, timeout);
  const traceFileSha256 = (await page.getByTestId(`run-info-${variant}`).getAttribute('data-trace-file-sha256')) ?? '';
  return { traceHash, traceFileSha256 };
}

/** The run's trace hash (structural compact form) and the SHA-256 of its JSON lines (issue #9). */
export interface VariantHashes {
  traceHash: string;
  traceFileSha256: string;
}

/**
 * `gatelab run FILE --json --trace …` at `level`: each variant's name, requests and both digests as
 * the CLI reports them (traceFileSha256 needs --trace; the trace files go to a temporary folder).
 */
export function cliHashes(file: string, level = 'full'): { scenario: string; variants: Array<VariantHashes & { name: string; requests: number }> } {
  const dir = mkdtempSync(join(tmpdir(), 'gatelab-browser-'));
  try {
    const out = execFileSync('node', ['engine/cli/bin.mjs', 'run', file, '--json', '--level', level, '--trace', join(dir, 't.jsonl')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const run = JSON.parse(out) as { scenario: string; variants: Array<VariantHashes & { name: string; requests: number }> };
    return { scenario: run.scenario, variants: run.variants.map(({ name, requests, traceHash, traceFileSha256 }) => ({ name, requests, traceHash, traceFileSha256 })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
