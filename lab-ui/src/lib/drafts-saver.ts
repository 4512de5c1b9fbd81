/**
 * Saves editor text a moment after typing stops rather than on every key: localStorage writes are
 * synchronous and a large scenario is tens of kilobytes. `flush` writes what is waiting at once; the
 * page calls it when it is hidden or unloaded, so the last keystrokes before a reload are kept too.
 */
import type { DraftStore, SaveResult } from './drafts.ts';

export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const SAVE_DELAY_MS = 300;

const pageTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type SaveReport = (result: SaveResult, scenario: string, path: string) => void;

export class DraftSaver {
  private readonly waiting = new Map<string, { scenario: string; path: string; text: string }>();
  private timer: unknown = null;

  constructor(
    private readonly store: DraftStore,
    private readonly report: SaveReport,
    private readonly delayMs = SAVE_DELAY_MS,
    private readonly timers: Timers = pageTimers,
  ) {}

  /** Remembers the newest text of a file and (re)starts the delay. */
  queue(scenario: string, path: string, text: string): void {
    this.waiting.set(JSON.stringify([scenario, path]), { scenario, path, text });
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.flush(), this.delayMs);
  }

  /** Drops what waits for a file (it was reset to the original), so a late save cannot bring it back. */
  forget(scenario: string, path?: string): void {
    for (const [key, w] of this.waiting) if (w.scenario === scenario && (path === undefined || w.path === path)) this.waiting.delete(key);
  }

  pending(): number {
    return this.waiting.size;
  }

  flush(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const batch = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of batch) this.report(this.store.save(w.scenario, w.path, w.text), w.scenario, w.path);
  }
}
