/**
 * A replica's CPU as one FIFO server that works at `cores` CPU-seconds per second (a Kubernetes CPU
 * limit of 250m = 0.25 cores). Each job (a request's gateway work, an I/O call's client-side work)
 * waits for the jobs before it and then takes cpuUs / cores of wall time, so latency grows with
 * utilisation the way a saturated gateway's does; past 100 % the backlog grows without bound.
 *
 * Why FIFO, not processor sharing: an nginx worker is a single-threaded event loop that runs each
 * handler to completion (a Lua phase never yields except on I/O), so ready work is served in the
 * order it became ready. Why a fluid `cores` rate: CFS quota throttling gives a container `cores` ×
 * 100 ms of CPU per 100 ms period; averaged over the period that is a server of speed `cores`
 * (docs/capacity.md, "What is simplified").
 */
export class CpuServer {
  private busyUntil = 0;
  private periodStart = 0;
  /** Busy milliseconds of the busy periods that ended before `periodStart`. */
  private doneBusy = 0;

  constructor(readonly cores: number) {
    if (!(cores > 0)) throw new Error(`a CPU server needs more than 0 cores, not ${cores}`);
  }

  /** Queues a job of cpuUs CPU microseconds at time `now` (ms); returns when it completes (ms). */
  submit(now: number, cpuUs: number): number {
    if (now >= this.busyUntil) {
      this.doneBusy += this.busyUntil - this.periodStart;
      this.periodStart = now;
      this.busyUntil = now;
    }
    this.busyUntil += Math.max(0, cpuUs) / 1000 / this.cores;
    return this.busyUntil;
  }

  /** Wall-clock ms a job submitted now would wait before it starts. */
  backlogMs(now: number): number {
    return Math.max(0, this.busyUntil - now);
  }

  /** Busy wall-clock ms in [0, t]; t must not be earlier than the last submit. */
  busyUpTo(t: number): number {
    return this.doneBusy + Math.min(Math.max(0, t - this.periodStart), this.busyUntil - this.periodStart);
  }
}

/** Utilisation over successive sampling windows: busy time in the window / window length. */
export class UtilisationMeter {
  private lastT = 0;
  private lastBusy = 0;

  constructor(private readonly cpu: CpuServer) {}

  sample(t: number): number {
    const busy = this.cpu.busyUpTo(t);
    const dt = t - this.lastT;
    const u = dt > 0 ? (busy - this.lastBusy) / dt : this.cpu.backlogMs(t) > 0 ? 1 : 0;
    this.lastT = t;
    this.lastBusy = busy;
    return Math.min(1, Math.max(0, u));
  }
}
