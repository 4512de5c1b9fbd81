/**
 * The typed messages between the page and the engine worker. Everything that crosses is plain data
 * (structured-clone safe): errors travel as diagnostics, never as thrown exceptions.
 */
import type { Diagnostic } from '../../../engine/core/errors.ts';
import type { ExpectationResult } from '../../../engine/scenario/expect.ts';
import type { TraceEvent, TraceLevel } from '../../../engine/trace/events.ts';
import type { ClientSummary } from '../../../engine/trace/summary.ts';
import type { DecksAnswer } from '../lib/flashcards/types.ts';
import type { ExerciseReplies, ExerciseRequest } from '../lib/exercises/exercise-protocol.ts';
import type { EncodedBatch } from './trace-codec.ts';

export type { Diagnostic, ExpectationResult, TraceEvent, TraceLevel, ClientSummary };

/** What the scenario browser needs to list a scenario, read from the loaded file. */
export interface ScenarioInfo {
  file: string;
  id: string;
  title: string;
  topic: string;
  summary: string;
  tags: string[];
  seed: number;
  /** Epoch ms of the start instant. */
  start: number;
  durationMs: number;
  variants: Array<{ name: string; title?: string }>;
  narration: Array<{ atMs: number; text: string }>;
  /** Errors and warnings from loading; a scenario with errors is listed but cannot run. */
  diagnostics: Diagnostic[];
  /**
   * Every config file or overlay the loader asked for, base and variants (repository paths), in the
   * order it asked, including ones it could not find: the editor opens a tab for each.
   */
  sources?: string[];
}

/** File texts by repository path that replace the bundled ones for one request (the editor's edits). */
export type FileOverrides = Record<string, string>;

export interface RunRequest {
  type: 'run';
  /** Chosen by the page; every answer carries it so stale answers can be dropped. */
  runId: number;
  /** A bundled file path such as scenarios/rate-limiting/boundary-burst.yaml. */
  scenarioFile: string;
  variant: string;
  seed?: number;
  level: TraceLevel;
  /** Run this text instead of the bundled file (benchmarks, pasted scenarios). */
  text?: string;
  /** Edited texts that override bundled files by path, the scenario's own file included. */
  files?: FileOverrides;
  /** Events per trace-batch message. */
  batchSize?: number;
  /**
   * false: after `done` the worker writes only the run's trace hash, not the SHA-256 of the trace's
   * JSON lines (`hash` then carries `traceFileSha256: ''`). The lab writes no trace file and shows
   * only the trace hash, while the JSON lines' digest is ≈ 70 % of the worker's CPU after `done`
   * (≈ 3 s of 4.1–4.5 s on the 300k war story, docs/benchmarks.md): a page that neither shows nor
   * compares it can leave it off. Absent or true: both digests, as before.
   */
  fileDigest?: boolean;
}

/** The adversary search on one variant of a scenario (worker/attack-session.ts). */
export interface AttackRequest {
  type: 'attack';
  runId: number;
  scenarioFile: string;
  /** "max 100 per 60s". */
  claim: string;
  /** Schedules to try before giving up. */
  budget: number;
  variant?: string;
  files?: FileOverrides;
}

/** What the page shows of a finished search; the counterexample travels as a scenario text. */
export interface AttackVerdict {
  claim: string;
  found: boolean;
  tried: number;
  shrinks: number;
  evaluator: 'fast' | 'sim';
  /** The busiest window's admitted count in the confirming simulation, when found. */
  worst?: number;
  windowStartMs?: number;
  requests?: number;
  /** The fast evaluator saw a violation the full simulation did not reproduce. */
  unconfirmed: boolean;
  scenarioText?: string;
}

export type ToWorker =
  | { type: 'catalog'; runId: number }
  /** The flashcard decks, parsed (lazily loaded in the worker). */
  | { type: 'decks'; runId: number }
  | AttackRequest
  /** Describe one scenario from text (a file the student opened); answered with a one-entry catalog. */
  /** With `files`, edited texts override bundled ones; with `lint`, every variant's config is checked too. */
  | { type: 'describe'; runId: number; file: string; text: string; files?: FileOverrides; lint?: boolean }
  /** The texts of bundled files (the editor's tabs); answered with `files`, missing paths left out. */
  | { type: 'read'; runId: number; paths: string[] }
  | RunRequest
  /** An exercises-mode question (list, load, grade); answered with `exercise` or `error`. */
  | { type: 'exercise'; runId: number; request: ExerciseRequest }
  | { type: 'cancel'; runId: number };

/** `simulate` progress counts simulated ms (`done` of `total`, the scenario's duration) as batches go out. */
export type RunPhase = 'load' | 'simulate';

export type FromWorker =
  | { type: 'catalog'; runId: number; scenarios: ScenarioInfo[] }
  | { type: 'files'; runId: number; files: FileOverrides }
  | { type: 'decks'; runId: number; answer: DecksAnswer }
  | { type: 'attack-progress'; runId: number; tried: number; budget: number }
  | { type: 'attack-done'; runId: number; verdict: AttackVerdict }
  | { type: 'progress'; runId: number; phase: RunPhase; done: number; total: number }
  /**
   * Events [from, from + count) in the codec's wire form (trace-codec.ts); decode in order. Sent while
   * the engine runs: each batch ends on a complete instant, so the trace is known up to its last `t`.
   */
  | { type: 'trace-batch'; runId: number; from: number; count: number; encoded: EncodedBatch }
  | {
      type: 'done';
      runId: number;
      variant: string;
      /** '' here: the worker hashes the trace after `done` and sends it as `hash`, off the run's critical path. */
      traceHash: string;
      /** '' here too, and the page sets it from `hash`: the SHA-256 of the trace's JSON lines. */
      traceFileSha256?: string;
      requests: number;
      events: number;
      clients: ClientSummary[];
      expectations: ExpectationResult[];
      /** Warnings the run produced (errors end in an `error` message instead). */
      warnings: Diagnostic[];
      /** Wall time inside the worker, for the benchmark: loading + simulating, and encoding + posting the batches (interleaved with it). */
      timing: { simulateMs: number; streamMs: number; /** Set by the page when the `hash` message comes. */ hashMs?: number };
    }
  /**
   * Right after `done`: the run's trace hash (the structural compact form, as `gatelab run` prints it
   * and `gatelab trace hash` gives for its trace file) and the SHA-256 of the trace's JSON lines (the
   * CLI's `traceFileSha256`, what `sha256sum` prints for the file `gatelab run --trace` writes).
   */
  | {
      type: 'hash';
      runId: number;
      traceHash: string;
      /** '' when the run was asked with `fileDigest: false`. */
      traceFileSha256: string;
      hashMs: number;
    }
  | { type: 'exercise'; runId: number; reply: ExerciseReplies[ExerciseRequest['op']] }
  | { type: 'error'; runId: number; diagnostics: Diagnostic[] };

/** A diagnostic for failures that are not the scenario's fault (a bug, a missing file in the bundle). */
export function internalError(message: string, file = 'lab'): Diagnostic {
  return { severity: 'error', code: 'GL_E_FILE', message, loc: { file, line: 1, col: 1 } };
}
