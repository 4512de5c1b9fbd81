/**
 * The lab's state: the scenario catalog, the open scenario, one panel per variant with its trace,
 * the selected request and the detail tab. Traces are kept in $state.raw: they are large and never
 * mutated, so Svelte tracks the reference, not every event. The panels' runs are lab-runs.ts; the link to
 * a live proxy is lab-live-link.ts.
 */
import type { FileOverrides, ScenarioInfo } from '../worker/protocol.ts';
import type { EngineClient } from './engine-client.ts';
import { ReplayCursor } from './cursor.svelte.ts';
import { buildTraceIndex, type TraceIndex } from './derive/trace-index.ts';
import { findScenario, missingScenarioNotice, scenarioUrlKey, type UrlState } from './url-state.ts';
import type { LiveDeps } from './live-session.ts';
import { liveScenario, LIVE_VARIANT } from './live-scenario.ts';
import { DETAIL_TABS, PANEL_CHARTS, type DetailTab, type PanelChart } from './lab-tabs.ts';
import { pendingDue } from './streaming-index.ts';
import { LiveLink, type LiveView } from './lab-live-link.ts';
import { followNarrator, followPanels, PanelRuns, withProgress, type Panel, type RunProgress, type RunRequest } from './lab-runs.ts';
import { chartRangeOf, sameRangeOr } from './derive/chart-range.ts';

export { DETAIL_TABS, PANEL_CHARTS, type DetailTab, type PanelChart } from './lab-tabs.ts';
export type { Panel, RunProgress } from './lab-runs.ts';

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
  /** Each running panel's progress, by variant (apart from the panels: it changes with every batch). */
  progress = $state.raw<Record<string, RunProgress>>({});
  selected = $state.raw<Selection | null>(null);
  tab = $state<DetailTab>('inspector');
  chart = $state<PanelChart>('rates');
  /** Charts span the stretch where requests happen (true) or the whole run. */
  zoomToActivity = $state(true);
  /** The variant the detail tabs show when no request is selected. */
  focusVariant = $state<string | null>(null);
  /** Set while attached to a running `gatelab serve`: the one panel shows its live trace. */
  live = $state.raw<LiveView | null>(null);
  private readonly liveLink = new LiveLink(this);
  /** Set while a shared URL waits for its runs, so its time and request apply once they land. */
  // Reactive: shareState() reads it first and, while it is set, reads neither the cursor nor the
  // selection. Were it a plain field, the URL effect would keep only those first dependencies and
  // never hear of the cursor or a click again once the shared URL had been applied.
  private pending = $state.raw<UrlState | null>(null);
  /** An instant typed into "go to" beyond what the streaming runs know yet: the cursor goes there when they reach it. */
  goingTo = $state<number | null>(null);
  private readonly runs: PanelRuns;
  private lastRange: [number, number] | null = null;
  /** Scenarios opened from a file on the student's machine: their text travels with each run. */
  private readonly texts = new Map<string, string>();
  /** Edited file texts (by path) a scenario runs with instead of the bundled ones, by scenario file. */
  private readonly edits = new Map<string, FileOverrides>();
  readonly cursor: ReplayCursor;

  constructor(
    private readonly engine: EngineClient,
    cursor?: ReplayCursor,
    clock: () => number = () => performance.now(),
  ) {
    this.cursor = cursor ?? new ReplayCursor();
    this.runs = new PanelRuns(engine, clock, {
      patch: (variant, change) => this.patch(variant, change),
      hashed: (variant, traceHash, hashMs, traceFileSha256) => {
        const done = this.panels.find((p) => p.variant === variant)?.done;
        if (done) this.patch(variant, { done: { ...done, traceHash, traceFileSha256, timing: { ...done.timing, hashMs } } });
      },
      progress: (variant, p) => (this.progress = withProgress(this.progress, variant, p)),
      moved: () => this.syncTimeline(),
    });
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

  /**
   * The player's "go to". While runs stream, an instant past the known end used to be clamped to that
   * end and left there, the typed time still in the box: it is kept instead, like a shared URL's time,
   * and the cursor moves there as soon as the trace reaches it (meanwhile it waits at the known end).
   */
  goTo(t: number): void {
    this.cursor.pause();
    if (this.cursor.growing && t > this.cursor.endT) {
      this.pending = { ...(this.pending ?? {}), t };
      this.goingTo = t;
    } else this.dropPendingTime();
    this.cursor.seek(t);
  }

  /** The scrubber: a time moved by hand replaces any time still waiting for the runs. */
  scrubTo(t: number): void {
    this.dropPendingTime();
    this.cursor.seek(t);
  }

  private dropPendingTime(): void {
    this.goingTo = null;
    const req = this.pending?.req;
    if (this.pending?.t !== undefined) this.pending = req ? { req } : null;
  }

  find(key: string): ScenarioInfo | undefined {
    return findScenario(this.catalog ?? [], key);
  }

  /** Opens a scenario (by id or file) and runs its variants. */
  open(key: string, opts: { variants?: string[]; seed?: number; t?: number; req?: Selection; tab?: string; chart?: string; panel?: string } = {}): boolean {
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
    this.focusVariant = opts.panel ?? null;
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
    this.runs.cancel();
    this.cursor.pause();
    this.cursor.growing = false;
    this.scenario = null;
    this.panels = [];
    this.selected = null;
    this.goingTo = null;
  }

  /**
   * Ticks a variant on or off. Only that variant's run starts or stops: the others keep their traces.
   * Rerunning every panel made a student who unticked one of kong-bottleneck's four wait the whole
   * simulation again, the player back at 12:00:00 meanwhile. A variant ticked on streams from the
   * start; the cursor waits for it at the time it had, as a shared URL's time does.
   */
  toggleVariant(name: string): void {
    const info = this.scenario;
    const on = this.variants.includes(name);
    if (!info || this.live || (on && this.variants.length === 1)) return;
    const order = info.variants.map((v) => v.name);
    const next = on ? this.variants.filter((v) => v !== name) : [...this.variants, name];
    this.variants = order.filter((v) => next.includes(v));
    if (on) {
      this.runs.drop(name);
      this.progress = withProgress(this.progress, name, null);
      if (this.selected?.variant === name) this.selected = null;
      if (this.pending?.req?.variant === name) this.pending = this.pending.t !== undefined ? { t: this.pending.t } : null;
    } else {
      const pending = this.pending;
      const req = pending?.req ?? this.selected;
      this.pending = { t: pending?.t ?? this.cursor.time, ...(req ? { req } : {}) };
      this.runs.add(this.runRequest(info), name);
    }
    this.panels = this.variants.map((v) => this.panels.find((p) => p.variant === v) ?? this.newPanel(info, v));
    this.syncTimeline();
  }

  setSeed(seed: number | null): void {
    this.seed = seed;
    this.pending = { t: this.cursor.time, ...(this.selected ? { req: this.selected } : {}) };
    this.runAll();
  }

  select(variant: string, id: string): void {
    this.selected = { variant, id };
    this.tab = 'inspector';
    this.narrate();
  }

  /** The captions follow the panel the detail tabs describe (followNarrator). */
  private narrate(): void {
    followNarrator(this.cursor, this.panels, this.focused()?.variant ?? null);
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
    return (this.lastRange = sameRangeOr(this.lastRange, chartRangeOf(indexes, this.cursor.endT, growing, this.zoomToActivity, this.cursor.time)));
  }

  focus(variant: string): void {
    this.focusVariant = variant;
    if (this.selected && this.selected.variant !== variant) this.selected = null;
    this.narrate();
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
      // Unrounded: formatHash keeps the microseconds an event between milliseconds needs.
      t,
      ...(req ? { req } : {}),
      ...(this.tab !== 'inspector' ? { tab: this.tab } : {}),
      ...(this.chart !== 'rates' ? { chart: this.chart } : {}),
      // The variant picked in the detail tabs: a link to same-window's access log opened base's.
      ...(!req && this.focusVariant && this.focusVariant !== this.variants[0] && this.variants.includes(this.focusVariant) ? { panel: this.focusVariant } : {}),
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
    if (u.panel) this.focus(u.panel);
    if (u.tab && DETAIL_TABS.some((t) => t.id === u.tab)) this.tab = u.tab as DetailTab;
    this.applyChart(u.chart);
    this.narrate();
  }

  /**
   * Attaches to a running `gatelab serve`: one panel whose trace grows as the admin listener streams
   * events (lab-live-link.ts). Every view derives from the panel's index as for a simulation; the
   * cursor follows the newest event unless the student scrubbed back.
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
    this.panels = [{ variant: LIVE_VARIANT, title: 'Live proxy', status: 'ready', index: buildTraceIndex([]), done: null, diagnostics: [], wallMs: 0 }];
    return this.liveLink.start(admin, deps);
  }

  detachLive(): void {
    this.liveLink.stop();
    this.live = null;
  }

  /** The live link's new index of the proxy's trace. */
  showLive(index: TraceIndex): void {
    this.patch(LIVE_VARIANT, { index });
  }

  private runAll(): void {
    const info = this.scenario;
    if (!info || this.live) return;
    this.runs.cancel();
    // A rerun starts over: its pending time is the cursor's now, not a typed "go to".
    this.goingTo = null;
    this.panels = this.variants.map((variant) => this.newPanel(info, variant));
    this.progress = {};
    this.syncTimeline();
    this.runs.start(this.runRequest(info));
  }

  /** What the open scenario's runs are asked for: its file, variants, seed and any texts it runs with. */
  private runRequest(info: ScenarioInfo): RunRequest {
    const text = this.texts.get(info.file);
    const files = this.edits.get(info.file);
    return { file: info.file, variants: this.variants, seed: this.seed, ...(text !== undefined ? { text } : {}), ...(files ? { files } : {}) };
  }

  private newPanel(info: ScenarioInfo, variant: string): Panel {
    const title = info.variants.find((v) => v.name === variant)?.title ?? variant;
    return { variant, title, status: 'running', index: null, done: null, diagnostics: [], wallMs: 0 };
  }

  private patch(variant: string, change: Partial<Panel>): void {
    this.panels = this.panels.map((p) => (p.variant === variant ? { ...p, ...change } : p));
  }

  /** After any panel's trace grew or ended: the cursor's reach, its steps, and a waiting shared URL. */
  private syncTimeline(): void {
    const timeline = followPanels(this.cursor, this.panels, this.focused()?.variant ?? null);
    const pending = this.pending;
    if (pending && pendingDue(pending, timeline)) {
      this.pending = null;
      this.goingTo = null;
      if (pending.t !== undefined) this.cursor.seek(pending.t);
      if (pending.req) this.selected = pending.req;
      this.narrate();
    }
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a) return true;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
