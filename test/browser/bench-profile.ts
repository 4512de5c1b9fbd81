/**
 * CPU profiles for the browser benchmark (bench-large.ts with GATELAB_BENCH_PROFILE=<dir>): the
 * page's main thread through a page CDP session, and every Web Worker the page starts through the
 * browser's session (Target.attachToTarget without flatten, so messages go through
 * Target.sendMessageToTarget). The lab terminates a run's worker the moment its trace is sent, which
 * would drop its profile, so `holdWorkerTermination` delays terminate() until the profiles are taken.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, CDPSession, Page } from 'playwright-core';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** One worker target reached through the browser session: send a command, await its answer. */
class WorkerTarget {
  private nextId = 1;
  readonly pending = new Map<number, Pending>();

  constructor(
    private readonly browserSession: CDPSession,
    readonly sessionId: string,
    readonly url: string,
  ) {}

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // A worker the page has already terminated has no session any more: the command fails at once
    // (an unhandled rejection here ended the whole bench), and no answer would ever come.
    this.browserSession.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: unknown) => {
      this.pending.get(id)?.reject(e instanceof Error ? e : new Error(String(e)));
      this.pending.delete(id);
    });
    return answer;
  }
}

export interface WorkerProfiler {
  /** Stops every worker's profiler and writes each profile; returns the written files. */
  stop(dir: string): Promise<string[]>;
}

/** Attaches to each worker as it appears, pausing it until its profiler runs. */
export async function profileWorkers(browser: Browser): Promise<WorkerProfiler> {
  const session = await browser.newBrowserCDPSession();
  const targets = new Map<string, WorkerTarget>();
  session.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
    const target = targets.get(e.sessionId);
    const msg = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
    if (!target || msg.id === undefined) return;
    const p = target.pending.get(msg.id);
    target.pending.delete(msg.id);
    if (msg.error) p?.reject(new Error(msg.error.message));
    else p?.resolve(msg.result);
  });
  session.on('Target.targetCreated', (e: { targetInfo: { targetId: string; type: string; url: string } }) => {
    if (e.targetInfo.type !== 'worker') return;
    void (async () => {
      const { sessionId } = (await session.send('Target.attachToTarget', { targetId: e.targetInfo.targetId, flatten: false })) as { sessionId: string };
      const target = new WorkerTarget(session, sessionId, e.targetInfo.url);
      targets.set(sessionId, target);
      await target.send('Profiler.enable');
      await target.send('Profiler.setSamplingInterval', { interval: 500 });
      await target.send('Profiler.start');
    })().catch(() => {});
  });
  await session.send('Target.setDiscoverTargets', { discover: true });
  return {
    async stop(dir) {
      const files: string[] = [];
      let k = 0;
      for (const t of targets.values()) {
        const got = (await t.send('Profiler.stop').catch(() => null)) as { profile: unknown } | null;
        if (!got) continue;
        const file = `${dir}/worker-${k++}.cpuprofile`;
        writeFileSync(file, JSON.stringify(got.profile));
        files.push(file);
      }
      return files;
    },
  };
}

/** The page's main thread: start now, stop with the returned function (which writes the file). */
export async function profilePage(page: Page): Promise<(file: string) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async (file) => {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    await cdp.detach();
  };
}

/** Makes Worker.terminate() wait until `releaseWorkers(page)`, so a finished run's profile survives. */
export async function holdWorkerTermination(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const held = [];
    const terminate = Worker.prototype.terminate;
    Worker.prototype.terminate = function () { held.push(this); };
    window.__releaseWorkers = () => { for (const w of held) terminate.call(w); held.length = 0; };
  })()`);
}

export async function releaseWorkers(page: Page): Promise<void> {
  await page.evaluate('window.__releaseWorkers?.()');
}

export interface TraceEventRecord {
  name: string;
  ph: string;
  ts?: number;
  dur?: number;
  tdur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

/** The Chrome trace events (devtools.timeline: style, layout, paint, GC) recorded while `during` runs. */
export async function traceDuring(page: Page, during: () => Promise<unknown>): Promise<TraceEventRecord[]> {
  const stop = await startTrace(page);
  await during();
  return stop();
}

/** Starts a Chrome trace of the whole browser (every renderer thread, workers too); call the result to stop it. */
export async function startTrace(page: Page): Promise<() => Promise<TraceEventRecord[]>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEventRecord[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: object[] }) => {
    events.push(...(e.value as TraceEventRecord[]));
  });
  const finished = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8.execute,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  return async () => {
    await cdp.send('Tracing.end');
    await finished;
    await cdp.detach();
    return events;
  };
}

/**
 * CPU milliseconds of the threads named `threadName` (e.g. "DedicatedWorker thread"), one entry per
 * thread that ran any task: the sum of its top-level tasks' thread time (`RunTask` `tdur`). Thread
 * time, unlike the profiler's wall-clock samples, does not count the time the thread waited for a
 * core, so it compares runs on a machine whose load moves.
 */
export function threadCpuMs(events: readonly TraceEventRecord[], threadName: string): number[] {
  const threads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === threadName).map((e) => `${e.pid}:${e.tid}`));
  const cpu = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'RunTask' || e.tdur === undefined || !threads.has(key)) continue;
    cpu.set(key, (cpu.get(key) ?? 0) + e.tdur / 1000);
  }
  return [...cpu.values()].map((ms) => Math.round(ms));
}

/**
 * The run's worker thread time split at the trace hash, from a trace that ran until the hash landed:
 * the busiest thread named `threadName`, its two largest top-level tasks being the run (load,
 * simulate, stream, ending with `done`) and, later, the hash after `done` (its own task,
 * run-session.ts). `run` is every task of that thread before the hash task, `hash` the rest.
 */
export interface RunCpu {
  run: number;
  hash: number;
  /** The collector's pauses on the run's thread before the hash (thread time, inside `run`). */
  runGc: { minor: number; major: number };
  /**
   * What else the page's process ran while the run's task ran, in thread time: the page's main thread
   * (decoding and indexing batches, drawing) and V8's helper threads (parallel scavenges, concurrent
   * marking and sweeping, of every isolate). On 2 cores the run's worker waits for a core while
   * these run, which is why its wall time exceeds its CPU (docs/benchmarks.md, the lab's eighteenth pass).
   */
  beside: { page: number; helpers: number };
}

/** Thread time of each thread's outermost complete events that start inside [from, to). */
function outerCpuMs(events: readonly TraceEventRecord[], keys: ReadonlySet<string>, from: number, to: number): number {
  const byThread = new Map<string, TraceEventRecord[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.tdur === undefined || !keys.has(key) || (e.ts ?? 0) < from || (e.ts ?? 0) >= to) continue;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  let us = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || (b.dur ?? 0) - (a.dur ?? 0));
    let end = -1;
    for (const e of list) {
      if ((e.ts ?? 0) < end) continue;
      us += e.tdur ?? 0;
      end = (e.ts ?? 0) + (e.dur ?? 0);
    }
  }
  return Math.round(us / 1000);
}

export function runAndHashCpuMs(events: readonly TraceEventRecord[], threadName: string): RunCpu | null {
  const threads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === threadName).map((e) => `${e.pid}:${e.tid}`));
  const tasks = new Map<string, Array<{ ts: number; ms: number }>>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'RunTask' || e.tdur === undefined || !threads.has(key)) continue;
    const list = tasks.get(key) ?? [];
    list.push({ ts: e.ts ?? 0, ms: e.tdur / 1000 });
    tasks.set(key, list);
  }
  const total = (list: Array<{ ms: number }>): number => list.reduce((s, t) => s + t.ms, 0);
  const busiest = [...tasks.values()].sort((a, b) => total(b) - total(a))[0];
  if (!busiest || busiest.length < 2) return null;
  const [first, second] = [...busiest].sort((a, b) => b.ms - a.ms);
  const hashTs = Math.max(first?.ts ?? 0, second?.ts ?? 0);
  const run = busiest.filter((t) => t.ts < hashTs);
  const hash = busiest.filter((t) => t.ts >= hashTs);
  // The collector's share of the run: its pauses on that thread before the hash (thread time).
  const key = [...tasks].find(([, list]) => list === busiest)?.[0];
  const gcMs = (name: string): number => Math.round(events.filter((e) => e.ph === 'X' && e.name === name && `${e.pid}:${e.tid}` === key && (e.ts ?? 0) < hashTs).reduce((s, e) => s + (e.tdur ?? 0) / 1000, 0));
  // The run's own task (the longest before the hash) and the same process's other threads meanwhile.
  const runTask = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && `${e.pid}:${e.tid}` === key && (e.ts ?? 0) < hashTs).sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
  const from = runTask?.ts ?? 0;
  const to = from + (runTask?.dur ?? 0);
  const pid = key?.split(':')[0];
  const named = (name: string): Set<string> => new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === name && String(e.pid) === pid).map((e) => `${e.pid}:${e.tid}`));
  const beside = { page: outerCpuMs(events, named('CrRendererMain'), from, to), helpers: outerCpuMs(events, named('ThreadPoolForegroundWorker'), from, to) };
  return { run: Math.round(total(run)), hash: Math.round(total(hash)), runGc: { minor: gcMs('MinorGC'), major: gcMs('MajorGC') }, beside };
}

/**
 * Total milliseconds per event name on the renderer's main thread, largest first. `cpu` sums the
 * thread's CPU time (`tdur`) instead of wall time, which on a loaded machine also counts the time
 * the thread waited for a core.
 */
export function mainThreadTotals(events: readonly TraceEventRecord[], measure: 'wall' | 'cpu' = 'wall'): Array<[string, number]> {
  // The renderer's main thread is the one running the animation frames.
  const main = events.find((e) => e.name === 'FireAnimationFrame');
  const totals = new Map<string, number>();
  for (const e of events) {
    const us = measure === 'cpu' ? e.tdur : e.dur;
    if (!main || e.tid !== main.tid || e.pid !== main.pid || e.ph !== 'X' || us === undefined) continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + us / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25);
}

/** A Chrome trace of the page while `during` runs, summarised by `mainThreadTotals`. */
export async function timelineOf(page: Page, during: () => Promise<unknown>, measure: 'wall' | 'cpu' = 'wall'): Promise<Array<[string, number]>> {
  return mainThreadTotals(await traceDuring(page, during), measure);
}

/**
 * The renderer main thread's CPU milliseconds per animation frame: every top-level task (`RunTask`)
 * is counted in the frame whose `FireAnimationFrame` started last before it, so a frame's style,
 * layout, paint and commit, and any timer or message between two frames, fall in that frame. CPU
 * time (`tdur`), so the machine's load does not inflate it as it does wall time. Tasks before the
 * first frame are left out.
 */
export function cpuPerFrame(events: readonly TraceEventRecord[]): number[] {
  const main = events.find((e) => e.name === 'FireAnimationFrame');
  if (!main) return [];
  const onMain = events.filter((e) => e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.ts !== undefined);
  const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts as number).sort((a, b) => a - b);
  const out = frames.map(() => 0);
  for (const e of onMain) {
    if (e.name !== 'RunTask' || e.tdur === undefined) continue;
    // The last frame that started at or before this task's start (tasks containing a frame included).
    let lo = 0;
    let hi = frames.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((frames[mid] as number) <= (e.ts as number) + (e.dur ?? 0)) (at = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    if (at >= 0) out[at] = (out[at] as number) + e.tdur / 1000;
  }
  return out;
}
