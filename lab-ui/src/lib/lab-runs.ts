/**
 * The open scenario's runs, one per panel, streaming: each is indexed batch by batch with a snapshot
 * of the prefix now and then, so a panel plays the start of a long run while the engine simulates
 * the rest. The lab owns the panels; this starts, feeds and cancels their runs.
 */
import type { Diagnostic, FileOverrides, RunPhase } from '../worker/protocol.ts';
import type { DoneMessage, EngineClient, RunHandle } from './engine-client.ts';
import type { ReplayCursor } from './cursor.svelte.ts';
import { mergeSteps } from './derive/cursor-math.ts';
import type { TraceIndex } from './derive/trace-index.ts';
import { StreamingIndex, timelineOf } from './streaming-index.ts';

export interface Panel {
  variant: string;
  title: string;
  status: 'running' | 'ready' | 'error';
  index: TraceIndex | null;
  done: DoneMessage | null;
  diagnostics: Diagnostic[];
  /** Page-side wall time from asking the worker to an indexed trace. */
  wallMs: number;
}

/** What to run: every variant of one scenario file, with the seed and texts the lab has for it. */
export interface RunRequest {
  file: string;
  variants: readonly string[];
  seed: number | null;
  text?: string;
  files?: FileOverrides;
}

/** How far a run is, by the worker's progress messages. */
export interface RunProgress {
  phase: RunPhase;
  done: number;
  total: number;
}

/** The parts of the lab its runs write to. */
export interface RunsPort {
  patch(variant: string, change: Partial<Panel>): void;
  /** A finished run's trace hash arrived (its `done` carried ''). */
  hashed(variant: string, traceHash: string, hashMs: number, traceFileSha256: string): void;
  /**
   * A run's progress, null once it ended. Kept apart from the panels: a progress message comes with
   * every trace batch, and replacing the panel for it re-derived every view of every panel.
   */
  progress(variant: string, progress: RunProgress | null): void;
  /** After any panel's trace grew or ended. */
  moved(): void;
}

export class PanelRuns {
  /** The run feeding each panel, by variant: a variant ticked on joins them, one ticked off leaves. */
  private readonly handles = new Map<string, RunHandle>();

  constructor(
    private readonly engine: EngineClient,
    private readonly clock: () => number,
    private readonly lab: RunsPort,
  ) {}

  cancel(): void {
    for (const h of this.handles.values()) h.cancel();
    this.handles.clear();
  }

  /** Cancels what runs and starts every variant's run at once (the engine client queues past its limit). */
  start(req: RunRequest): void {
    this.cancel();
    for (const variant of req.variants) this.add(req, variant);
  }

  /** Stops one variant's run, if it still runs; the others go on. */
  drop(variant: string): void {
    this.handles.get(variant)?.cancel();
    this.handles.delete(variant);
  }

  /** Starts one variant's run beside the others (replacing its own, if any). */
  add(req: RunRequest, variant: string): void {
    this.drop(variant);
    const t0 = this.clock();
    const stream = new StreamingIndex(this.clock);
    const handle = this.engine.run(
      {
        scenarioFile: req.file,
        variant,
        level: 'full',
        ...(req.seed !== null ? { seed: req.seed } : {}),
        ...(req.text !== undefined ? { text: req.text } : {}),
        ...(req.files ? { files: req.files } : {}),
      },
      {
        progress: (phase, done, total) => this.lab.progress(variant, { phase, done, total }),
        batch: (events, soFar) => {
          const index = stream.add(events, soFar);
          if (!index || this.handles.get(variant) !== handle) return;
          this.lab.patch(variant, { index });
          this.lab.moved();
        },
        // After `done`: the panel shows the run at once and its trace hash when the worker has it.
        hash: (traceHash, hashMs, traceFileSha256) => {
          if (this.handles.get(variant) !== handle) return;
          this.lab.hashed(variant, traceHash, hashMs, traceFileSha256);
        },
      },
    );
    this.handles.set(variant, handle);
    void handle.result.then((r) => {
      if (this.handles.get(variant) !== handle) return;
      if (!r.ok) {
        if (!r.cancelled) this.lab.patch(variant, { status: 'error', index: null, diagnostics: r.diagnostics });
        this.lab.progress(variant, null);
        this.lab.moved();
        return;
      }
      const index = stream.finish(r.events);
      this.lab.patch(variant, { status: 'ready', index, done: r.done, diagnostics: r.done.warnings, wallMs: this.clock() - t0 });
      this.lab.progress(variant, null);
      this.lab.moved();
    });
  }
}

/** The progress map with one run's progress set, or dropped when null (a new map: it is $state.raw). */
export function withProgress(all: Readonly<Record<string, RunProgress>>, variant: string, progress: RunProgress | null): Record<string, RunProgress> {
  const out = { ...all };
  if (progress) out[variant] = progress;
  else delete out[variant];
  return out;
}

/**
 * Moves the cursor's reach to what the panels know (the slowest running one while any streams), its
 * steps to theirs, and keeps it inside; returns the timeline for a shared URL waiting on it.
 */
export function followPanels(cursor: ReplayCursor, panels: readonly Panel[], narrator: string | null = null): { endT: number; growing: boolean } {
  const indexes = panels.flatMap((p) => (p.index ? [p.index] : []));
  const timeline = timelineOf(panels);
  cursor.endT = timeline.endT;
  cursor.growing = timeline.growing;
  cursor.steps = mergeSteps(indexes.map((i) => i.stepTimes));
  followNarrator(cursor, panels, narrator);
  // Keep the cursor inside what is known (a rerun starts from an empty trace).
  cursor.seek(cursor.time);
  return timeline;
}

/**
 * The captions (and the narration marks and Shift+arrows) tell the story of one panel: the one named,
 * when its trace has narration, else the first that has. A variant's narration replaces the base's
 * (outlier-ejection, kong-health-checks), so always narrating the first panel told a student looking
 * at passive-only that "nothing watches the answers" while its target was being taken out.
 */
export function followNarrator(cursor: ReplayCursor, panels: readonly Panel[], narrator: string | null): void {
  const told = panels.find((p) => p.variant === narrator && p.index?.narration.length) ?? panels.find((p) => p.index?.narration.length);
  if (told?.index && cursor.narration !== told.index.narration) cursor.narration = told.index.narration;
}

/** Whether the shown panels narrate different stories, so the caption must say whose it tells. */
export function narrationsDiffer(panels: readonly Panel[]): boolean {
  const told = panels.flatMap((p) => (p.index?.narration.length ? [p.index.narration] : []));
  const first = told[0];
  return !!first && told.some((n) => n.length !== first.length || n.some((e, i) => e.t !== first[i]?.t || e.text !== first[i]?.text));
}
