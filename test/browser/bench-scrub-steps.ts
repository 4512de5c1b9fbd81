/**
 * What the slow scrub steps do: opens the generated load or the war story (as bench-large.ts does),
 * waits for the run and its hash, puts the panel on screen, and scrubs it `rounds` times under a
 * Chrome trace with a CPU profile running. Each step is the main thread's work from one
 * animation frame to the next; it prints, per round, the work per step (p50 / p95 / max of the
 * steps' main-thread CPU), the median step's and the slowest 5 %'s breakdown by trace event (script,
 * style, layout, paint, commit, GC), and the functions with the most self time in the slow steps.
 * A benchmark, not a test:
 *   npx tsx test/browser/bench-scrub-steps.ts [--war-story] [--no-profile] [requests] [rounds]
 * `--no-profile` leaves the CPU profiler off (it costs the page time of its own): steps and their
 * breakdown only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { findChromium } from './global-setup.ts';
import { launch, traceHashOf } from './harness.ts';
import { scenarioText } from './bench-scenario.ts';
import { warStoryText } from './bench-war-story.ts';
import { serveLab } from './serve-lab.ts';
import { SCRUB_STEPS } from './bench-scrub.ts';
import { openRunFromFile, showPanel } from './bench-page.ts';
import type { TraceEventRecord } from './bench-profile.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const warStory = args.includes('--war-story');
const profiling = !args.includes('--no-profile');
const [requests = 300_000, rounds = 2] = args.filter((a) => !a.startsWith('--')).map(Number);
const chromiumPath = findChromium();
if (!chromiumPath) throw new Error('no chromium on PATH: apt-get install chromium');
mkdirSync('test/artifacts', { recursive: true });
const file = warStory ? 'test/artifacts/bench-war-story.yaml' : 'test/artifacts/bench-large.yaml';
writeFileSync(file, warStory ? warStoryText(requests).text : scenarioText(requests));

/** Names whose time is reported per step (nested in RunTask; their children are not added again). */
const PARTS = ['FireAnimationFrame', 'FunctionCall', 'RunMicrotasks', 'EventDispatch', 'TimerFire', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'MinorGC', 'MajorGC', 'V8.GC_MC_BACKGROUND_MARKING'];

const r1 = (x: number): number => Math.round(x * 10) / 10;

const { server, url } = await serveLab({ minify: false });
const browser = await launch(chromiumPath);
try {
  const page = await openRunFromFile(browser, url, file);
  await traceHashOf(page, 'base', 30 * 60_000);
  await showPanel(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  for (let r = 0; r < rounds; r++) {
    const events: TraceEventRecord[] = [];
    const collect = (e: { value: object[] }): void => void events.push(...(e.value as TraceEventRecord[]));
    cdp.on('Tracing.dataCollected', collect);
    const finished = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    if (profiling) await cdp.send('Profiler.start');
    await page.evaluate(SCRUB_STEPS);
    const { profile } = profiling ? ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }) : { profile: { nodes: [], startTime: 0, samples: [], timeDeltas: [] } };
    await cdp.send('Tracing.end');
    await finished;
    cdp.off('Tracing.dataCollected', collect);
    const frameEvent = events.find((e) => e.name === 'FireAnimationFrame');
    if (!frameEvent) throw new Error('no animation frames in the trace');
    const onMain = events.filter((e) => e.tid === frameEvent.tid && e.pid === frameEvent.pid && e.ph === 'X' && e.ts !== undefined);
    const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts as number).sort((a, b) => a - b);
    const frameOf = (ts: number): number => {
      let lo = 0;
      let hi = frames.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((frames[mid] as number) <= ts) (at = mid), (lo = mid + 1);
        else hi = mid - 1;
      }
      return at;
    };
    const steps = frames.map(() => ({ cpu: 0, parts: new Map<string, number>(), fns: new Map<string, number>() }));
    // Top-level tasks give the step's CPU; named events inside them give the breakdown (outermost only).
    const tasks = onMain.filter((e) => e.name === 'RunTask');
    for (const t of tasks) {
      const at = frameOf((t.ts as number) + (t.dur ?? 0));
      if (at >= 0 && t.tdur !== undefined) (steps[at] as { cpu: number }).cpu += t.tdur / 1000;
    }
    for (const e of onMain) {
      if (!PARTS.includes(e.name)) continue;
      const inner = onMain.some((o) => o !== e && PARTS.includes(o.name) && (o.ts as number) <= (e.ts as number) && (o.ts as number) + (o.dur ?? 0) >= (e.ts as number) + (e.dur ?? 0) && (o.dur ?? 0) > (e.dur ?? 0));
      if (inner) continue;
      const at = frameOf(e.ts as number);
      if (at < 0) continue;
      const parts = (steps[at] as { parts: Map<string, number> }).parts;
      parts.set(e.name, (parts.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
    }
    // Profile samples: the trace's and the profiler's clocks are both monotonic microseconds.
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    let ts = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      ts += profile.timeDeltas[i] ?? 0;
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const node = byId.get(profile.samples[i] as number);
      if (!node) continue;
      const at = frameOf(ts);
      if (at < 0) continue;
      const key = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
      const fns = (steps[at] as { fns: Map<string, number> }).fns;
      fns.set(key, (fns.get(key) ?? 0) + dt);
    }
    const measured = steps.slice(0, -1);
    const order = measured.map((_, i) => i).sort((a, b) => (measured[a]?.cpu ?? 0) - (measured[b]?.cpu ?? 0));
    const q = (p: number): number => measured[order[Math.min(order.length - 1, Math.floor(p * order.length))] as number]?.cpu ?? 0;
    const slow = order.slice(Math.floor(order.length * 0.95));
    const median = measured[order[Math.floor(order.length / 2)] as number];
    const sum = (idx: number[], pick: (s: (typeof steps)[number]) => Map<string, number>): Array<[string, number]> => {
      const m = new Map<string, number>();
      for (const i of idx) for (const [k, v] of pick(measured[i] as (typeof steps)[number])) m.set(k, (m.get(k) ?? 0) + v / idx.length);
      return [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, r1(v)]);
    };
    console.log(
      JSON.stringify({
        round: r,
        load: warStory ? 'war story' : 'generated',
        requests,
        cpuPerStep: { p50: r1(q(0.5)), p95: r1(q(0.95)), max: r1(q(1)) },
        slowSteps: slow.map((i) => `${i}:${r1(measured[i]?.cpu ?? 0)}`),
        medianStep: median ? [...median.parts].map(([k, v]) => `${k} ${r1(v)}`) : [],
        slowStepsMean: sum(slow, (s) => s.parts).map(([k, v]) => `${k} ${v}`),
        maxStep: sum(order.slice(-1), (s) => s.parts).map(([k, v]) => `${k} ${v}`),
        maxStepFunctions: sum(order.slice(-1), (s) => s.fns).slice(0, 12).map(([k, v]) => `${k} ${v}`),
        slowStepsFunctions: sum(slow, (s) => s.fns).slice(0, 15).map(([k, v]) => `${k} ${v}`),
        allStepsFunctions: sum(order, (s) => s.fns).slice(0, 25).map(([k, v]) => `${k} ${v}`),
      }),
    );
  }
} finally {
  await browser.close();
  await server.close();
}
