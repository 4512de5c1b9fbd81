/**
 * The lab's state: the scenario catalog, the open scenario, one panel per variant with its trace,
 * the selected request and the detail tab. Traces are kept in $state.raw: they are large and never
 * mutated, so Svelte tracks the reference, not every event.
 */
import type { Diagnostic, FileOverrides, RunPhase, ScenarioInfo } from '../worker/protocol.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import type { DoneMessage, EngineClient, RunHandle } from './engine-client.ts';
import { ReplayCursor } from './cursor.svelte.ts';
import { mergeSteps } from './derive/cursor-math.ts';
import { buildTraceIndex, type TraceIndex } from './derive/trace-index.ts';
import { findScenario, missingScenarioNotice, scenarioUrlKey, type UrlState } from './url-state.ts';
import { LiveSession, type LiveDeps, type LiveStatus } from './live-session.ts';
import { shouldFollow } from './live-trace.ts';
import { liveScenario, LIVE_VARIANT } from './live-scenario.ts';
import { DETAIL_TABS, PANEL_CHARTS, type DetailTab, type PanelChart } from './lab-tabs.ts';
import { pendingDue, StreamingIndex, timelineOf } from './streaming-index.ts';

export { DETAIL_TABS, PANEL_CHARTS, type DetailTab, type PanelChart } from './lab-tabs.ts';

export interface Panel {
  variant: string;
  title: string;
  status: 'running' | 'ready' | 'error';
  progress: { phase: RunPhase; done: number; total: number } | null;
  index: TraceIndex | null;
  done: DoneMessage | null;
  diagnostics: Diagnostic[];
  /** Page-side wall time from asking the worker to an indexed trace. */
  wallMs: number;
}

export interface Selection {
  variant: string;
  id: string;
}

/** Panels shown when a scenario opens; beyond this they get small, and more can be toggled on. */
export const DEFAULT_PANELS = 4;

export class Lab {
  catalog = $state.raw<ScenarioInfo[] | null>(null);
  catalogError = $state<string | null>(null);
  /** Why the last shared link opened nothing (a scenario kept in another browser, say); null once one opens. */
  urlNotice = $state<string | null>(null);
  scenario = $state.raw<ScenarioInfo | null>(null);
  variants = $state.raw<string[]>([]);
  seed = $state<number | null>(null);
  panels = $state.raw<Panel[]>([]);
  selected = $state.raw<Selection | null>(null);
  tab = $state<DetailTab>('inspector');
  chart = $state<PanelChart>('rates');
  /** Charts span the stretch where requests happen (true) or the whole run. */
  zoomToActivity = $state(true);
  /** The variant the detail tabs show when no request is selected. */
  focusVariant = $state<string | null>(null);
  /** Set while attached to a running `gatelab serve`: the one panel shows its live trace. */
  live = $state.raw<{ admin: string; status: LiveStatus; message: string | null; events: number; dropped: number } | null>(null);
  private liveSession: LiveSession | null = null;
  /** Set while a shared URL waits for its runs, so its time and request apply once they land. */
  private pending: UrlState | null = null;
  private handles: RunHandle[] = [];
  /** Scenarios opened from a file on the student's machine: their text travels with each run. */
  private readonly texts = new Map<string, string>();
  /** Edited file texts (by path) a scenario runs with instead of the bundled ones, by scenario file. */
  private readonly edits = new Map<string, FileOverrides>();
  readonly cursor: ReplayCursor;

  constructor(
    private readonly engine: EngineClient,
    cursor?: ReplayCursor,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.cursor = cursor ?? new ReplayCursor();
  }

  async loadCatalog(): Promise<void> {
    try {
      this.catalog = await this.engine.catalog();
    } catch (e) {
      this.catalogError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Adds a scenario from text to the catalog and opens it; returns its load errors, if any. */
  async openText(file: string, text: string): Promise<ScenarioInfo | null> {
    const info = await this.engine.describe(file, text);
    if (!info) return null;
    this.texts.set(info.file, text);
    this.catalog = [...(this.catalog ?? []).filter((s) => s.file !== info.file), info];
    if (!info.diagnostics.some((d) => d.severity === 'error')) this.open(info.file);
    return info;
  }

  /** Sets (or, with null, drops) the edited texts a scenario runs with; takes effect at its next run. */
  setEdits(file: string, files: FileOverrides | null): void {
    if (files && Object.keys(files).length) this.edits.set(file, files);
    else this.edits.delete(file);
    // An edited text of the scenario itself wins over the one it was opened from.
    if (files?.[file] !== undefined) this.texts.delete(file);
  }

  /**
   * Puts a described scenario in the catalog, replacing the entry for its file. When it is the open
   * scenario and it loads, it reruns as described (the editor's Run), keeping the variants still there.
   */
  upsert(info: ScenarioInfo): void {
    this.catalog = [...(this.catalog ?? []).filter((s) => s.file !== info.file), info];
    if (this.scenario?.file !== info.file || info.diagnostics.some((d) => d.severity === 'error')) return;
    this.scenario = info;
    const known = info.variants.map((v) => v.name);
    const kept = this.variants.filter((v) => known.includes(v));
    this.variants = kept.length ? kept : known.slice(0, DEFAULT_PANELS);
    this.cursor.narration = info.narration.map((n) => ({ t: n.atMs, text: n.text }));
    const sel = this.selected && kept.includes(this.selected.variant) ? this.selected : null;
    this.pending = { t: this.cursor.time, ...(sel ? { req: sel } : {}) };
    this.runAll();
  }

  find(key: string): ScenarioInfo | undefined {
    return findScenario(this.catalog ?? [], key);
  }

  /** Opens a scenario (by id or file) and runs its variants. */
  open(key: string, opts: { variants?: string[]; seed?: number; t?: number; req?: Selection; tab?: string; chart?: string } = {}): boolean {
    const info = this.find(key);
    if (!info) return false;
    this.urlNotice = null;
    this.detachLive();
    this.scenario = info;
    const known = info.variants.map((v) => v.name);
    const wanted = (opts.variants ?? []).filter((v) => known.includes(v));
    this.variants = wanted.length ? wanted : known.slice(0, DEFAULT_PANELS);
    this.seed = opts.seed ?? null;
    this.selected = null;
    if (opts.tab && DETAIL_TABS.some((t) => t.id === opts.tab)) this.tab = opts.tab as DetailTab;
    this.applyChart(opts.chart);
    this.pending = { ...(opts.t !== undefined ? { t: opts.t } : {}), ...(opts.req ? { req: opts.req } : {}) };
    this.cursor.pause();
    this.cursor.seek(0);
    this.cursor.narration = info.narration.map((n) => ({ t: n.atMs, text: n.text }));
    this.runAll();
    return true;
  }

  close(): void {
    this.detachLive();
    this.cancelRuns();
    this.cursor.pause();
    this.cursor.growing = false;
    this.scenario = null;
    this.panels = [];
    this.selected = null;
  }

  toggleVariant(name: string): void {
    const on = this.variants.includes(name);
    if (on && this.variants.length === 1) return;
    const order = this.scenario?.variants.map((v) => v.name) ?? [];
    const next = on ? this.variants.filter((v) => v !== name) : [...this.variants, name];
    this.variants = order.filter((v) => next.includes(v));
    this.pending = { t: this.cursor.time, ...(this.selected ? { req: this.selected } : {}) };
    this.runAll();
  }

  setSeed(seed: number | null): void {
    this.seed = seed;
    this.pending = { t: this.cursor.time, ...(this.selected ? { req: this.selected } : {}) };
    this.runAll();
  }

  select(variant: string, id: string): void {
    this.selected = { variant, id };
    this.tab = 'inspector';
  }

  /** The panel the detail tabs describe: the selected request's, else the first with a trace. */
  focused(): Panel | null {
    const sel = this.selected;
    const fv = this.focusVariant;
    return (
      (sel && this.panels.find((p) => p.variant === sel.variant && p.index)) ||
      (fv && this.panels.find((p) => p.variant === fv && p.index)) ||
      this.panels.find((p) => p.index) ||
      null
    );
  }

  /** The time range the charts show: the busy stretch of every loaded run, padded, or the whole run. */
  chartRange(): [number, number] {
    const indexes = this.panels.flatMap((p) => (p.index ? [p.index] : []));
    // While runs stream, charts span the whole scenario and fill in from the left as the trace arrives.
    const growing = this.cursor.growing ? (this.scenario?.durationMs ?? 0) : 0;
    const end = Math.max(1, this.cursor.endT, growing);
    if (!this.zoomToActivity || indexes.length === 0) return [0, end];
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of indexes) {
      const first = i.requests[0];
      if (first) lo = Math.min(lo, first.sentT);
      const last = i.endTimes[i.endTimes.length - 1];
      if (last !== undefined) hi = Math.max(hi, last);
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, end];
    hi = Math.max(hi, growing);
    const pad = Math.max(500, (hi - lo) * 0.08);
    return [Math.max(0, lo - pad), Math.min(end, hi + pad)];
  }

  focus(variant: string): void {
    this.focusVariant = variant;
    if (this.selected && this.selected.variant !== variant) this.selected = null;
  }

  shareState(): UrlState {
    const s = this.scenario;
    // A live view cannot be replayed from a URL: the traffic is gone once the proxy forgets it.
    if (!s || this.live) return {};
    // While a shared URL waits for its runs, it is still what a person would share: report its time
    // and request, not the cursor's start, or the URL would be overwritten before it is applied.
    const pending = this.pending;
    const t = pending?.t ?? this.cursor.time;
    const req = pending ? pending.req : this.selected;
    return {
      scenario: scenarioUrlKey(s),
      variants: this.variants,
      ...(this.seed !== null ? { seed: this.seed } : {}),
      t: Math.round(t),
      ...(req ? { req } : {}),
      ...(this.tab !== 'inspector' ? { tab: this.tab } : {}),
      ...(this.chart !== 'rates' ? { chart: this.chart } : {}),
    };
  }

  /** Shows a chart by its id (from a URL); unknown ids are ignored. */
  applyChart(id: string | undefined): void {
    if (id && PANEL_CHARTS.some((c) => c.id === id)) this.chart = id as PanelChart;
  }

  /** Applies a shared URL: opens its scenario, or, when it is already open, moves time and selection. */
  applyUrl(u: UrlState): void {
    if (!u.scenario) {
      if (this.scenario) this.close();
      return;
    }
    const same = !!this.scenario && scenarioUrlKey(this.scenario) === u.scenario && (u.seed ?? null) === this.seed && sameList(u.variants, this.variants);
    if (!same) {
      if (!this.open(u.scenario, { ...u })) this.urlNotice = missingScenarioNotice(u.scenario);
      return;
    }
    if (u.t !== undefined) this.cursor.seek(u.t);
    if (u.req) this.selected = u.req;
    if (u.tab && DETAIL_TABS.some((t) => t.id === u.tab)) this.tab = u.tab as DetailTab;
    this.applyChart(u.chart);
  }

  private cancelRuns(): void {
    for (const h of this.handles) h.cancel();
    this.handles = [];
  }

  /**
   * Attaches to a running `gatelab serve`: one panel whose trace grows as the admin listener streams
   * events. Every view derives from the panel's index as for a simulation; the cursor follows the
   * newest event unless the student scrubbed back.
   */
  attachLive(admin: string, deps?: LiveDeps): boolean {
    this.close();
    this.live = { admin, status: 'connecting', message: null, events: 0, dropped: 0 };
    this.scenario = liveScenario(admin, Date.now());
    this.variants = [LIVE_VARIANT];
    this.seed = null;
    this.pending = null;
    this.cursor.narration = [];
    this.cursor.endT = 0;
    this.cursor.seek(0);
    this.panels = [{ variant: LIVE_VARIANT, title: 'Live proxy', status: 'ready', progress: null, index: buildTraceIndex([]), done: null, diagnostics: [], wallMs: 0 }];
    const session = new LiveSession(
      admin,
      {
        batch: (events) => {
          if (this.liveSession !== session) return;
          this.applyLiveBatch(events, session.trace.dropped);
        },
        status: (status, message) => {
          if (this.liveSession !== session || !this.live) return;
          this.live = { ...this.live, status, message };
        },
      },
      deps,
    );
    this.liveSession = session;
    return session.start();
  }

  detachLive(): void {
    const s = this.liveSession;
    this.liveSession = null;
    s?.stop();
    this.live = null;
  }

  private applyLiveBatch(events: readonly TraceEvent[], dropped: number): void {
    const follow = shouldFollow(this.cursor.time, this.cursor.endT);
    const first = this.live?.events === 0;
    const index = buildTraceIndex(events);
    this.patch(LIVE_VARIANT, { index });
    this.cursor.endT = index.endT;
    this.cursor.steps = index.stepTimes;
    // The proxy's trace counts from its own start, which the stream does not carry; the newest
    // event happened about now, which places the clock to within a flush interval.
    if (first && this.scenario) this.scenario = { ...this.scenario, start: Date.now() - index.endT };
    if (follow && !this.cursor.playing) this.cursor.seek(index.endT);
    if (this.live) this.live = { ...this.live, status: 'live', message: null, events: events.length, dropped };
  }

  private runAll(): void {
    const info = this.scenario;
    if (!info || this.live) return;
    this.cancelRuns();
    const title = (name: string): string => info.variants.find((v) => v.name === name)?.title ?? name;
    this.panels = this.variants.map((variant) => ({ variant, title: title(variant), status: 'running', progress: null, index: null, done: null, diagnostics: [], wallMs: 0 }));
    this.syncTimeline();
    for (const variant of this.variants) {
      const t0 = this.clock();
      // Indexed batch by batch as the trace streams in, with a snapshot of the prefix now and then:
      // the panel plays the start of a long run while the engine simulates the rest.
      const stream = new StreamingIndex(this.clock);
      const handle = this.engine.run(
        {
          scenarioFile: info.file,
          variant,
          level: 'full',
          ...(this.seed !== null ? { seed: this.seed } : {}),
          ...(this.texts.has(info.file) ? { text: this.texts.get(info.file) as string } : {}),
          ...(this.edits.has(info.file) ? { files: this.edits.get(info.file) as FileOverrides } : {}),
        },
        {
          progress: (phase, done, total) => this.patch(variant, { progress: { phase, done, total } }),
          batch: (events, soFar) => {
            const index = stream.add(events, soFar);
            if (!index || !this.handles.includes(handle)) return;
            this.patch(variant, { index });
            this.syncTimeline();
          },
        },
      );
      this.handles.push(handle);
      void handle.result.then((r) => {
        if (!this.handles.includes(handle)) return;
        if (!r.ok) {
          if (!r.cancelled) this.patch(variant, { status: 'error', index: null, diagnostics: r.diagnostics, progress: null });
          this.syncTimeline();
          return;
        }
        const index = stream.finish(r.events);
        this.patch(variant, { status: 'ready', index, done: r.done, diagnostics: r.done.warnings, progress: null, wallMs: this.clock() - t0 });
        this.syncTimeline();
      });
    }
  }

  private patch(variant: string, change: Partial<Panel>): void {
    this.panels = this.panels.map((p) => (p.variant === variant ? { ...p, ...change } : p));
  }

  /** After any panel's trace grew or ended: the cursor's reach, its steps, and a waiting shared URL. */
  private syncTimeline(): void {
    const indexes = this.panels.flatMap((p) => (p.index ? [p.index] : []));
    const timeline = timelineOf(this.panels);
    this.cursor.endT = timeline.endT;
    this.cursor.growing = timeline.growing;
    this.cursor.steps = mergeSteps(indexes.map((i) => i.stepTimes));
    if (indexes[0]?.narration.length) this.cursor.narration = indexes[0].narration;
    // Keep the cursor inside what is known (a rerun starts from an empty trace).
    this.cursor.seek(this.cursor.time);
    const pending = this.pending;
    if (pending && pendingDue(pending, timeline)) {
      this.pending = null;
      if (pending.t !== undefined) this.cursor.seek(pending.t);
      if (pending.req) this.selected = pending.req;
    }
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a) return true;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
