/**
 * What the worker does, as plain functions over a file map and a `post` callback, so it can be unit
 * tested in Node without a Worker. The worker entry only wires these to `self`.
 */
// Direct module paths, not the engine/index.ts barrel: the barrel also re-exports the adversary
// (fast-check) and translate, which would then land in the worker's first chunk.
import { loadGateway } from '../../../engine/config/load-gateway.ts';
import { applyVariant, loadScenarioText } from '../../../engine/scenario/load.ts';
import { runVariant } from '../../../engine/runtimes/sim/run-scenario.ts';
import type { Scenario } from '../../../engine/scenario/types.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { internalError, type Diagnostic, type FileOverrides, type FromWorker, type RunRequest, type ScenarioInfo } from './protocol.ts';
import { KeptBatches } from './kept-batches.ts';
import { TraceEncoder, transferables } from './trace-codec.ts';

/** Sends a message to the page; `transfer` lists buffers that move instead of being copied. */
export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Monotonic wall time in ms; injected so tests do not depend on it. */
export type Clock = () => number;

// Large batches: each is one encode and one decode; 20k events keep the page decoding one batch
// while the worker simulates the next (≈ 0.1–0.4 s of engine time each), so the first one lands
// well within a second.
const DEFAULT_BATCH = 20_000;
/** Events the engine hands over at a time: the first batch is one such slice, to be on screen soon. */
const FIRST_SLICE = 2_000;

/** A cheap test for "this YAML file is a scenario, not a config file beside one". */
export function looksLikeScenario(text: string): boolean {
  return /^id:/m.test(text) && /^topic:/m.test(text) && /^clients:/m.test(text);
}

function reader(files: ReadonlyMap<string, string>, asked?: string[]): (path: string) => string {
  return (path) => {
    const clean = path.replace(/^\.\//, '');
    if (asked && !asked.includes(clean)) asked.push(clean);
    const text = files.get(clean);
    if (text === undefined) throw new Error(`'${path}' is not bundled with the lab (only files under scenarios/ are)`);
    return text;
  };
}

/** The bundled files with the editor's texts laid over them, by path; the bundle itself is not changed. */
export function withOverrides(files: ReadonlyMap<string, string>, overrides: FileOverrides | undefined): ReadonlyMap<string, string> {
  if (!overrides || Object.keys(overrides).length === 0) return files;
  const merged = new Map(files);
  for (const [path, text] of Object.entries(overrides)) merged.set(path, text);
  return merged;
}

/** The texts of the asked paths that exist; missing ones are left out (the editor starts them empty). */
export function readFiles(paths: readonly string[], files: ReadonlyMap<string, string>): FileOverrides {
  const out: FileOverrides = {};
  for (const p of paths) {
    const text = files.get(p);
    if (text !== undefined) out[p] = text;
  }
  return out;
}

/**
 * What `gatelab lint` adds to loading: each variant's gateway config through its adapter, so the
 * editor shows adapter warnings (a misspelt annotation) before anything runs.
 */
function adapterDiagnostics(scenario: Scenario): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of scenario.variants) {
    const patched = v.name === 'base' ? { scenario } : applyVariant(scenario, v.name);
    if (!patched.scenario) continue;
    out.push(...loadGateway(patched.scenario.gateway).diagnostics);
    for (const ev of patched.scenario.events) if (ev.kind === 'config') out.push(...loadGateway(ev.gateway).diagnostics);
  }
  return out;
}

function uniqueDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.severity}|${d.code}|${d.loc?.file}:${d.loc?.line}:${d.loc?.col}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function infoOf(file: string, scenario: Scenario | undefined, text: string, diagnostics: ScenarioInfo['diagnostics']): ScenarioInfo {
  if (!scenario) {
    // A broken file still gets a card, named from its path, so the author sees why it does not run.
    const id = /^id:\s*(\S+)/m.exec(text)?.[1] ?? file.split('/').pop()?.replace(/\.ya?ml$/, '') ?? file;
    const topic = /^topic:\s*(\S+)/m.exec(text)?.[1] ?? 'unsorted';
    return { file, id, title: id, topic, summary: '', tags: [], seed: 0, start: 0, durationMs: 0, variants: [], narration: [], diagnostics };
  }
  return {
    file,
    id: scenario.id,
    title: scenario.title,
    topic: scenario.topic,
    summary: scenario.summary,
    tags: scenario.tags,
    seed: scenario.seed,
    start: scenario.start,
    durationMs: scenario.durationMs,
    variants: scenario.variants.map((v) => ({ name: v.name, ...(v.title !== undefined ? { title: v.title } : {}) })),
    narration: scenario.narration.map((n) => ({ atMs: n.atMs, text: n.text })),
    diagnostics,
  };
}

/**
 * Describes one scenario given as text; config files it names must be among `files`. With `lint`, every
 * variant's config also goes through its adapter (the editor wants those warnings; the catalog not).
 */
export function describeText(file: string, text: string, files: ReadonlyMap<string, string>, opts: { lint?: boolean } = {}): ScenarioInfo {
  const asked: string[] = [];
  try {
    const loaded = loadScenarioText(text, file, reader(files, asked));
    const extra = opts.lint && loaded.scenario ? adapterDiagnostics(loaded.scenario) : [];
    const info = infoOf(file, loaded.scenario, text, uniqueDiagnostics([...loaded.diagnostics, ...extra]));
    return { ...info, sources: asked.filter((p) => p !== file) };
  } catch (e) {
    return { ...infoOf(file, undefined, text, [internalError(`loading crashed: ${String(e)}`, file)]), sources: asked };
  }
}

/** Loads every bundled scenario once and describes it; files that are not scenarios are skipped. */
export function buildCatalog(files: ReadonlyMap<string, string>): ScenarioInfo[] {
  const out: ScenarioInfo[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!/\.ya?ml$/.test(file) || !looksLikeScenario(text)) continue;
    out.push(describeText(file, text, files));
  }
  return out;
}

/** Resolves in a later task (a timer), after the current one has ended. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs one variant and streams its trace: progress, trace batches, done, then the trace hash — or one error. */
export async function runSession(req: RunRequest, bundled: ReadonlyMap<string, string>, post: Post, clock: Clock): Promise<void> {
  const { runId } = req;
  const files = withOverrides(bundled, req.files);
  const t0 = clock();
  const text = req.text ?? files.get(req.scenarioFile);
  if (text === undefined) {
    post({ type: 'error', runId, diagnostics: [internalError(`no scenario '${req.scenarioFile}' in this build of the lab`, req.scenarioFile)] });
    return;
  }
  try {
    post({ type: 'progress', runId, phase: 'load', done: 0, total: 1 });
    const loaded = loadScenarioText(text, req.scenarioFile, reader(files));
    if (!loaded.scenario) {
      post({ type: 'error', runId, diagnostics: loaded.diagnostics });
      return;
    }
    const total = loaded.scenario.durationMs;
    post({ type: 'progress', runId, phase: 'simulate', done: 0, total });
    // The trace streams while the engine runs: each event is encoded as the engine emits it and
    // posted in batches that end on complete instants, so the page can play the start of a long
    // run while the rest is simulated. postMessage from this busy thread still reaches the page.
    const encoder = new TraceEncoder();
    // The worker's copy of what it posted, hashed after `done` (kept-batches.ts): nobody keeps an
    // event, so none lives longer than the engine's call that emitted it.
    const kept = new KeptBatches();
    const batch = Math.max(1, req.batchSize ?? DEFAULT_BATCH);
    let sent = 0;
    let streamMs = 0;
    /** The time of the events last encoded: a batch is posted only when the clock moves past it. */
    let lastT = Number.NaN;
    const send = (): void => {
      const s0 = clock();
      const count = encoder.pending;
      const encoded = kept.keep(encoder.take());
      post({ type: 'trace-batch', runId, from: sent, count, encoded }, transferables(encoded));
      sent += count;
      post({ type: 'progress', runId, phase: 'simulate', done: Math.min(total, lastT), total });
      streamMs += clock() - s0;
    };
    // Each event is encoded inside the engine's `emit` and let go there: none outlives the call that
    // built it, so the engine may refill one object per event shape (trace/sink.ts `retainsEvents`),
    // and the young generation holds no trace at all (docs/benchmarks.md, the lab's eighteenth pass;
    // slices held until a batch of 20,000 was full outlived it and cost more CPU than keeping every
    // event, the thirteenth). A batch ends on a whole instant: the first once `FIRST_SLICE` events
    // wait (the page shows the run's start after a few thousand), the rest every `batch`. Encoding
    // now runs inside the engine's calls, so `streamMs` is the posting alone.
    const first = Math.min(batch, FIRST_SLICE);
    const onEvent = (event: TraceEvent): void => {
      if (event.t !== lastT) {
        if (encoder.pending >= (sent === 0 ? first : batch)) send();
        lastT = event.t;
      }
      encoder.push(event);
    };
    // No hash while the engine runs, and no events kept by it (`onEvent`: handed over and dropped,
    // unless the variant has expectations to measure): the run is delivered first and hashed from the
    // worker's copies of its batches after `done` (the same digest: kept-batches.ts).
    const run = await runVariant(loaded.scenario, req.variant, { level: req.level, ...(req.seed !== undefined ? { seed: req.seed } : {}), onEvent, streamEvery: first, hash: false });
    if (encoder.pending > 0) send();
    if (run.diagnostics.some((d) => d.severity === 'error')) {
      post({ type: 'error', runId, diagnostics: run.diagnostics });
      return;
    }
    post({
      type: 'done',
      runId,
      variant: run.name,
      traceHash: '',
      requests: run.requests,
      events: sent,
      clients: run.clients,
      expectations: run.expectations,
      warnings: [...loaded.diagnostics, ...run.diagnostics].filter((d) => d.severity === 'warning'),
      timing: { simulateMs: clock() - t0 - streamMs, streamMs },
    });
    // The hash runs as a task of its own: the run's task ends with `done`, so a Chrome trace taken
    // up to `done` holds the run's whole task and its thread time (the benchmark's `workerCpuMs`),
    // which it did not while the same task went on hashing for seconds.
    await nextTask();
    const h0 = clock();
    const { traceHash, traceFileSha256 } = kept.hash({ file: req.fileDigest !== false });
    post({ type: 'hash', runId, traceHash, traceFileSha256, hashMs: clock() - h0 });
  } catch (e) {
    const message = e instanceof Error ? `${e.message}` : String(e);
    post({ type: 'error', runId, diagnostics: [internalError(`the engine failed: ${message}`, req.scenarioFile)] });
  }
}
