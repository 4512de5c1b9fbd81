/**
 * CPU jobs whose wait the trace records (level full): each is told when its work will start and end
 * as it is queued, and — if its replica is OOM-killed first — that it never finished. The CPU serves
 * jobs first come, first served, so they also finish in the order they were queued: the jobs still
 * pending are a suffix of the list, and finished ones are dropped from its head as new ones come.
 */

/** The side that records a job's wait (recorded-effect.ts). */
export interface CpuWatcher {
  /** Queued at `submittedAt`; it will run `runMs` and be done at `doneAt`. */
  queuedOnCpu(submittedAt: number, doneAt: number, runMs: number): void;
  /** Its replica died at `at` before the work was done; `replica` names it. */
  cpuKilled(at: number, replica: string): void;
}

export class WatchedCpuJobs {
  private watchers: CpuWatcher[] = [];
  private requests: string[] = [];
  private ends: number[] = [];
  private head = 0;

  constructor(private readonly replica: string) {}

  add(now: number, requestId: string, watcher: CpuWatcher, doneAt: number, runMs: number): void {
    this.forgetDone(now);
    watcher.queuedOnCpu(now, doneAt, runMs);
    this.watchers.push(watcher);
    this.requests.push(requestId);
    this.ends.push(doneAt);
  }

  /**
   * The replica was killed at `now`: every job of a request that died with it (`died`) and was not
   * done by then hears it. A job that ends exactly at `now` has run already: the kill comes from an
   * arrival, which the event queue runs after the effects (and so the CPU completions) of the same
   * instant. Jobs of requests that did not die with it are not told.
   */
  killed(now: number, died: (requestId: string) => boolean): void {
    for (let i = this.head; i < this.ends.length; i++) {
      if ((this.ends[i] as number) > now && died(this.requests[i] as string)) (this.watchers[i] as CpuWatcher).cpuKilled(now, this.replica);
    }
    this.watchers = [];
    this.requests = [];
    this.ends = [];
    this.head = 0;
  }

  private forgetDone(now: number): void {
    while (this.head < this.ends.length && (this.ends[this.head] as number) <= now) this.head++;
    // Compact now and then, so the list stays about as long as the backlog.
    if (this.head > 1024 && this.head * 2 > this.ends.length) {
      this.watchers.splice(0, this.head);
      this.requests.splice(0, this.head);
      this.ends.splice(0, this.head);
      this.head = 0;
    }
  }
}
