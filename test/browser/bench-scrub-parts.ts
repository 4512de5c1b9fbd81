/**
 * Where a scrub frame's main-thread time goes, part by part: opens the benchmark scenario once (as
 * bench-large.ts does), then scrubs it repeatedly under a Chrome trace, each time with one style
 * sheet added (by default: one part of the page hidden with `display: none`), in rotating order.
 * What a part costs in script, style, layout, paint and commit is the difference from the round
 * with nothing added. Milliseconds of main-thread CPU per frame (`tdur`), so the machine's load
 * counts less. A benchmark, not a test:
 *   npx tsx test/browser/bench-scrub-parts.ts [requests] [rounds] [--panel] [--css name=rules ...]
 * `--panel` first closes the editor and scrolls the first variant panel into view, so the views are
 * on screen (bench-large.ts leaves the editor open and the panels below the fold). Each `--css`
 * replaces the default parts with a named style sheet to try, e.g. `--css 'promote=canvas { will-change: transform }'`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { timelineOf } from './bench-profile.ts';
import { findChromium } from './global-setup.ts';
import { launch } from './harness.ts';
import { scenarioText } from './bench-scenario.ts';
import { serveLab } from './serve-lab.ts';
import { openRunFromFile } from './bench-page.ts';
import { SCRUB } from './bench-scrub.ts';

const args = process.argv.slice(2);
const onPanel = args.includes('--panel');
const sheets = args.flatMap((a, i) => (args[i - 1] === '--css' ? [a] : []));
const [requests = 60_000, rounds = 2] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--css').map(Number);
const hide = (selector: string): string => `${selector} { display: none !important; }`;
const PARTS: Record<string, string> = sheets.length
  ? { nothing: '', ...Object.fromEntries(sheets.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)])) }
  : {
      nothing: '',
      player: hide('.player'),
      counters: hide('.counters'),
      topology: hide('.topology'),
      charts: hide('.panel .chart'),
      details: hide('.details'),
    };

const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH: apt-get install chromium');
mkdirSync('test/artifacts', { recursive: true });
const file = 'test/artifacts/bench-large.yaml';
writeFileSync(file, scenarioText(requests));
const { server, url } = await serveLab();
const browser = await launch(chromiumPath);
try {
  const page = await openRunFromFile(browser, url, file);
  if (onPanel) {
    await page.getByRole('button', { name: 'Close editor' }).click().catch(() => {});
    await page.getByTestId('panel-base').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  }
  await page.evaluate(`document.head.appendChild(Object.assign(document.createElement('style'), { id: 'bench-hide' }))`);
  const totals = new Map<string, Map<string, number[]>>();
  const names = Object.keys(PARTS);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const part = names[(k + r) % names.length] as string;
      await page.evaluate(`document.getElementById('bench-hide').textContent = ${JSON.stringify(PARTS[part])}`);
      let frames: number[] = [];
      const timeline = await timelineOf(page, async () => {
        frames = (await page.evaluate(SCRUB)) as number[];
      }, 'cpu');
      const per = totals.get(part) ?? new Map<string, number[]>();
      totals.set(part, per);
      const sorted = [...frames].sort((a, b) => a - b);
      const add = (key: string, v: number): void => void per.set(key, [...(per.get(key) ?? []), Math.round(v * 100) / 100]);
      add('p50', sorted[Math.floor(sorted.length / 2)] ?? 0);
      add('p95', sorted[Math.floor(sorted.length * 0.95)] ?? 0);
      for (const [name, ms] of timeline) {
        if (['RunTask', 'FunctionCall', 'Paint', 'Commit', 'Layout', 'UpdateLayoutTree', 'Layerize', 'UpdateLayer', 'PrePaint', 'RunMicrotasks'].includes(name)) add(name, ms / frames.length);
      }
    }
  }
  // Half way through the run, to look at what the frame drew.
  await page.evaluate(`(() => { const i = document.querySelector('[data-testid="scrubber"]'); i.value = String(Number(i.max) / 2); i.dispatchEvent(new Event('input', { bubbles: true })); })()`);
  await page.screenshot({ path: 'test/artifacts/bench-scrub-parts.png' });
  const out: Record<string, Record<string, string>> = {};
  for (const [part, per] of totals) out[part] = Object.fromEntries([...per].map(([k, v]) => [k, v.join(' / ')]));
  console.log(JSON.stringify({ requests, onPanel, msPerFrame: out }, null, 1));
} finally {
  await browser.close();
  await server.close();
}
