/**
 * The page's side of the worker protocol. One worker per run: a run that is no longer wanted (the
 * student picked another scenario) is stopped by terminating its worker, which is the only way to
 * interrupt a synchronous simulation.
 */
import type { ExerciseReplies, ExerciseRequest } from './exercises/exercise-protocol.ts';
import type { DecksAnswer } from './flashcards/types.ts';
import { TraceDecoder } from '../worker/trace-codec.ts';
import type { AttackRequest, AttackVerdict, ClientSummary, Diagnostic, ExpectationResult, FileOverrides, FromWorker, RunPhase, RunRequest, ScenarioInfo, ToWorker, TraceEvent } from '../worker/protocol.ts';

export type WorkerFactory = () => Worker;

export type AttackOutcome = { ok: true; verdict: AttackVerdict } | { ok: false; diagnostics: Diagnostic[]; cancelled?: boolean };

export interface AttackHandle {
  result: Promise<AttackOutcome>;
  cancel(): void;
}

export type DoneMessage = Extract<FromWorker, { type: 'done' }>;

export type RunOutcome =
  | { ok: true; events: TraceEvent[]; done: DoneMessage }
  | { ok: false; diagnostics: Diagnostic[]; cancelled?: boolean };

export interface RunHandle {
  result: Promise<RunOutcome>;
  cancel(): void;
}

export interface RunCallbacks {
  progress?: (phase: RunPhase, done: number, total: number) => void;
  /**
   * Each decoded batch as it arrives, in trace order, and every event received so far (this batch
   * included; the array keeps growing): lets the page index and show the trace while the run streams.
   */
  batch?: (events: readonly TraceEvent[], soFar: readonly TraceEvent[]) => void;
  /**
   * The run's trace hash and its JSON lines' SHA-256 (the CLI's `traceFileSha256`), which the worker
   * computes after `done` (the result has '' until then).
   */
  hash?: (traceHash: string, hashMs: number, traceFileSha256: string) => void;
}

export type { ClientSummary, ExpectationResult, ScenarioInfo };

let nextId = 1;

/** Runs at once by default: more variants than any scenario has side by side (bottleneck-diagnosis has 7). */
export const DEFAULT_MAX_WORKERS = 8;

/**
 * The least page time between two progress reports of one phase of a run. The worker reports after
 * every batch (≈ 35 a second on the war story), and each report re-renders and repaints the panel's
 * progress: ≈ 2 ms of the page's main thread per report, on the cores the running worker needs.
 * Ten a second still moves the bar smoothly; a new phase is always reported at once.
 */
export const PROGRESS_EVERY_MS = 100;

export class EngineClient {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  /**
   * @param maxWorkers runs at once. Runs stream their traces and the panels share one timeline,
   *   which reaches only as far as every unfinished panel's trace: a run left waiting in the queue
   *   would hold the timeline at 0 until a slot freed. So every panel of a comparison gets its
   *   worker at once (they share the cores; the total time is the same), up to a bound on memory.
   */
  constructor(
    private readonly makeWorker: WorkerFactory,
    private readonly maxWorkers = DEFAULT_MAX_WORKERS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  catalog(): Promise<ScenarioInfo[]> {
    return this.ask((runId) => ({ type: 'catalog', runId }), catalogOf);
  }

  /**
   * Loads a scenario from text (a file the student opened, or the editor's) and describes it, errors
   * included. `files` lays edited config texts over the bundled ones; `lint` adds adapter warnings.
   */
  async describe(file: string, text: string, opts: { files?: FileOverrides; lint?: boolean } = {}): Promise<ScenarioInfo | null> {
    return (await this.ask((runId) => ({ type: 'describe', runId, file, text, ...opts }), catalogOf))[0] ?? null;
  }

  /** The bundled texts of these paths (missing ones are left out). */
  read(paths: string[]): Promise<FileOverrides> {
    return this.ask((runId) => ({ type: 'read', runId, paths }), (m) => (m.type === 'files' ? m.files : undefined));
  }

  /** The flashcard decks, parsed in the worker; a deck that does not load comes back as diagnostics. */
  async decks(): Promise<DecksAnswer> {
    const got = await this.ask((runId) => ({ type: 'decks', runId }), (m) => (m.type === 'decks' ? m.answer : m.type === 'error' ? { decks: [], diagnostics: m.diagnostics } : undefined));
    return got;
  }

  /**
   * The adversary search in a worker of its own; cancel terminates it (a search is synchronous
   * between its progress reports, so there is no gentler way to stop it).
   */
  attack(req: Omit<AttackRequest, 'type' | 'runId'>, onProgress: (tried: number, budget: number) => void = () => {}): AttackHandle {
    const runId = nextId++;
    const worker = this.makeWorker();
    let settle: (o: AttackOutcome) => void = () => {};
    const result = new Promise<AttackOutcome>((resolve) => (settle = resolve));
    let finished = false;
    const finish = (o: AttackOutcome): void => {
      if (finished) return;
      finished = true;
      worker.terminate();
      settle(o);
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.runId !== runId) return;
      if (m.type === 'attack-progress') onProgress(m.tried, m.budget);
      else if (m.type === 'attack-done') finish({ ok: true, verdict: m.verdict });
      else if (m.type === 'error') finish({ ok: false, diagnostics: m.diagnostics });
    };
    worker.onerror = (e) => finish({ ok: false, diagnostics: [{ severity: 'error', code: 'GL_E_FILE', message: `the engine worker crashed: ${e.message}` }] });
    worker.postMessage({ type: 'attack', runId, ...req } satisfies ToWorker);
    return { result, cancel: () => finish({ ok: false, diagnostics: [], cancelled: true }) };
  }

  /** One exercises-mode request; an engine error rejects with its diagnostics' messages. */
  async exercise<K extends ExerciseRequest['op']>(request: Extract<ExerciseRequest, { op: K }>): Promise<ExerciseReplies[K]> {
    type Answer = { ok: true; reply: unknown } | { ok: false; diagnostics: Diagnostic[] };
    const got = await this.ask<Answer>((runId) => ({ type: 'exercise', runId, request }), (m) =>
      m.type === 'exercise' ? { ok: true, reply: m.reply } : m.type === 'error' ? { ok: false, diagnostics: m.diagnostics } : undefined,
    );
    if (!got.ok) throw new ExerciseError(got.diagnostics);
    return got.reply as ExerciseReplies[K];
  }

  private ask<T>(message: (runId: number) => ToWorker, answer: (m: FromWorker) => T | undefined): Promise<T> {
    const worker = this.makeWorker();
    const runId = nextId++;
    return new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const got = e.data.runId === runId ? answer(e.data) : undefined;
        if (got !== undefined) {
          worker.terminate();
          resolve(got);
        }
      };
      worker.onerror = (e) => {
        worker.terminate();
        reject(new Error(e.message || 'the engine worker failed to start'));
      };
      worker.postMessage(message(runId));
    });
  }

  run(req: Omit<RunRequest, 'type' | 'runId'>, callbacks: RunCallbacks = {}): RunHandle {
    const runId = nextId++;
    // Batches are appended to a plain array, not reactive state: the lab decides when to show them.
    const events: TraceEvent[] = [];
    const decoder = new TraceDecoder();
    let settle: (o: RunOutcome) => void = () => {};
    const result = new Promise<RunOutcome>((resolve) => (settle = resolve));
    let worker: Worker | null = null;
    let finished = false;
    let released = false;
    /** The phase last reported to `progress`, and when (PROGRESS_EVERY_MS). */
    let shownPhase: RunPhase | null = null;
    let shownAt = 0;
    /** The worker's slot goes to the next run (and the worker ends) once it has nothing more to send. */
    const release = (): void => {
      if (released) return;
      released = true;
      if (worker) {
        worker.terminate();
        this.running--;
        this.queue.shift()?.();
      } else {
        const i = this.queue.indexOf(start);
        if (i >= 0) this.queue.splice(i, 1);
      }
    };
    const finish = (o: RunOutcome): void => {
      if (finished) return;
      finished = true;
      // A run that is done still owes its hash: its worker stays until that arrives.
      if (!(o.ok && worker)) release();
      settle(o);
    };
    const start = (): void => {
      if (finished) return;
      this.running++;
      const w = (worker = this.makeWorker());
      w.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.runId !== runId) return;
        if (m.type === 'progress') {
          const now = this.clock();
          if (m.phase === shownPhase && now - shownAt < PROGRESS_EVERY_MS) return;
          shownPhase = m.phase;
          shownAt = now;
          callbacks.progress?.(m.phase, m.done, m.total);
        } else if (m.type === 'trace-batch') {
          const batch = decoder.decode<TraceEvent>(m.encoded);
          for (const ev of batch) events.push(ev);
          callbacks.batch?.(batch, events);
        } else if (m.type === 'done') finish({ ok: true, events, done: m });
        else if (m.type === 'hash') {
          release();
          callbacks.hash?.(m.traceHash, m.hashMs, m.traceFileSha256);
        } else if (m.type === 'error') finish({ ok: false, diagnostics: m.diagnostics });
      };
      w.onerror = (e) => {
        finish({ ok: false, diagnostics: [{ severity: 'error', code: 'GL_E_FILE', message: `the engine worker crashed: ${e.message}` }] });
      };
      w.postMessage({ type: 'run', runId, fileDigest: fileDigestWanted(), ...req } satisfies ToWorker);
    };
    if (this.running < this.maxWorkers) start();
    else this.queue.push(start);
    return {
      result,
      cancel: () => {
        finish({ ok: false, diagnostics: [], cancelled: true });
        release();
      },
    };
  }
}

/** An exercise request the engine could not answer; the diagnostics say why. */
export class ExerciseError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; ') || 'the exercise request failed');
  }
}

function catalogOf(m: FromWorker): ScenarioInfo[] | undefined {
  return m.type === 'catalog' ? m.scenarios : undefined;
}

/**
 * Whether runs also write the JSON lines' SHA-256 (the CLI's `traceFileSha256`) after `done`. The lab
 * writes no trace file and shows only the trace hash, and that digest is ≈ 70 % of the worker's CPU
 * after `done` (docs/benchmarks.md), so it is off unless the page sets `gatelabFileDigest` (the
 * browser tests do, to compare both digests with the CLI's).
 */
function fileDigestWanted(): boolean {
  return (globalThis as { gatelabFileDigest?: unknown }).gatelabFileDigest === true;
}

export function browserWorker(): Worker {
  return new Worker(new URL('../worker/engine-worker.ts', import.meta.url), { type: 'module', name: 'gatelab-engine' });
}
