/**
 * An effect's `effect.end` at the `full` level, with the split of its time on a modelled replica
 * CPU: how long its work waited behind other work (`cpuWaitMs`) and how long it then ran (`cpuMs`).
 * The rest of the effect's time, from effect.start to effect.end, is its I/O. Made only at `full`:
 * below it the simulation hands the effect's answer straight to the pipeline and records nothing.
 */
import type { EffectListener } from '../../../pipeline/host.ts';
import type { EffectResult } from '../../../pipeline/types.ts';
import type { EffectEndEvent } from '../../../trace/events.ts';
import type { TraceSink } from '../../../trace/sink.ts';
import type { CpuWatcher } from './cpu-watch.ts';

export class RecordedEffect implements CpuWatcher, EffectListener {
  /** -1 until the effect's work is queued on a modelled CPU (most effects never are). */
  private cpuWaitMs = -1;
  private cpuMs = 0;
  private cpuQueuedAt = 0;

  constructor(
    private readonly sink: TraceSink,
    private readonly now: () => number,
    private readonly requestId: string,
    private readonly plugin: string,
    /** Who reads the answer: the pipeline's callback, or a request's run (PipelineHost.performFor). */
    private readonly done: ((r: EffectResult) => void) | EffectListener,
  ) {}

  /**
   * The effect's work was queued on the CPU at `submittedAt` and ends at `doneAt` (-1: dropped, its
   * request died with its replica) after running `runMs`. The CPU serves jobs first come, first
   * served at a fixed rate, so the wait is known the moment the job is queued.
   */
  queuedOnCpu(submittedAt: number, doneAt: number, runMs: number): void {
    if (doneAt < 0) return;
    this.cpuQueuedAt = submittedAt;
    this.cpuMs = runMs;
    this.cpuWaitMs = Math.max(0, doneAt - submittedAt - runMs);
  }

  /**
   * The replica was OOM-killed at `at` before the work was done: the effect ends there, failed, with
   * the part of the wait and of the run that happened. Nobody is answered — the request died too.
   */
  cpuKilled(at: number, replica: string): void {
    const startsAt = this.cpuQueuedAt + this.cpuWaitMs;
    const waited = Math.min(at, startsAt) - this.cpuQueuedAt;
    const ran = Math.max(0, at - startsAt);
    this.emitKilled(at, killedDetail(replica, ran > 0 ? RAN : WAITED), waited, ran);
  }

  /**
   * The replica was OOM-killed at `at` while the effect's answer (a Redis reply, a callout's, a timer)
   * was on its way: the effect ends there, failed, after its CPU work if it had any. The answer that
   * comes later is dropped — the request died too, and its process reads nothing more.
   */
  ioKilled(at: number, replica: string): void {
    const detail = killedDetail(replica, IO);
    if (this.cpuWaitMs >= 0) this.emitKilled(at, detail, this.cpuWaitMs, this.cpuMs);
    else this.emitKilled(at, detail);
  }

  /** A failed effect.end at the kill, in the trace's key order: detail, the CPU split if any, the kill. */
  private emitKilled(at: number, detail: string, cpuWaitMs?: number, cpuMs?: number): void {
    const split = cpuWaitMs !== undefined && cpuMs !== undefined;
    let event: EffectEndEvent;
    if (this.sink.retainsEvents === false) {
      event = split ? SHARED_END.killedSplit : SHARED_END.killed;
      event.t = at;
      event.req = this.requestId;
      event.plugin = this.plugin;
      event.detail = detail;
    } else event = { type: 'effect.end', t: at, req: this.requestId, plugin: this.plugin, ok: false, detail };
    if (split) {
      event.cpuWaitMs = round3(cpuWaitMs);
      event.cpuMs = round3(cpuMs);
    }
    event.oomKilled = true;
    this.sink.emit(event);
  }

  /** The host's answer: record it, then pass it on. A method, not a closure made per effect. */
  finish(result: EffectResult): void {
    const split = this.cpuWaitMs >= 0;
    let event: EffectEndEvent;
    if (this.sink.retainsEvents === false) {
      // The sink is done with the event when emit returns (trace/sink.ts): one object per key set, refilled.
      event = result.ok ? (split ? SHARED_END.split : SHARED_END.plain) : split ? SHARED_END.failedSplit : SHARED_END.failed;
      event.t = this.now();
      event.req = this.requestId;
      event.plugin = this.plugin;
    } else event = { type: 'effect.end', t: this.now(), req: this.requestId, plugin: this.plugin, ok: result.ok };
    // Added in place, in the trace's key order: detail, then the CPU split.
    if (!result.ok) event.detail = result.error;
    if (split) {
      event.cpuWaitMs = round3(this.cpuWaitMs);
      event.cpuMs = round3(this.cpuMs);
    }
    this.sink.emit(event);
    const done = this.done;
    if (typeof done === 'function') done(result);
    else done.effectAnswered(result);
  }

  /** EffectListener: the effect in flight (simulate.ts) hands its answer here. */
  effectAnswered(result: EffectResult): void {
    this.finish(result);
  }
}

/**
 * The effect.end events handed to a sink that keeps none (`retainsEvents: false`), one per set of keys,
 * each built with all of its keys in the trace's order (none ever left `undefined`, as a fresh event
 * never has one): ≈ 2.2 per war-story request at `full`, otherwise a fresh object each. Refilled and
 * emitted synchronously, so runs that interleave never see each other's values.
 */
const SHARED_END = {
  plain: { type: 'effect.end', t: 0, req: '', plugin: '', ok: true } as EffectEndEvent,
  failed: { type: 'effect.end', t: 0, req: '', plugin: '', ok: false, detail: '' } as EffectEndEvent,
  split: { type: 'effect.end', t: 0, req: '', plugin: '', ok: true, cpuWaitMs: 0, cpuMs: 0 } as EffectEndEvent,
  failedSplit: { type: 'effect.end', t: 0, req: '', plugin: '', ok: false, detail: '', cpuWaitMs: 0, cpuMs: 0 } as EffectEndEvent,
  killed: { type: 'effect.end', t: 0, req: '', plugin: '', ok: false, detail: '', oomKilled: true } as EffectEndEvent,
  killedSplit: { type: 'effect.end', t: 0, req: '', plugin: '', ok: false, detail: '', cpuWaitMs: 0, cpuMs: 0, oomKilled: true } as EffectEndEvent,
};

/** Which of the three kill sentences (`killedDetail`): work running, work waiting for the CPU, I/O. */
const RAN = 0;
const WAITED = 1;
const IO = 2;
type KillCase = typeof RAN | typeof WAITED | typeof IO;

/**
 * The kill sentences already built, by replica name. A kill ends every effect the replica held (the
 * war story's backlog: hundreds at once, ≈ 0.24 per request), and each would otherwise be a fresh
 * string of the same text that the lab's encoder flattens and hashes again. Replica names come from
 * the scenario (a few pods, plus new names as a rollout replaces them), so the map stays small; it
 * is emptied past `KILLED_DETAILS_LIMIT` names all the same, which costs only rebuilding a sentence.
 */
const killedDetails = new Map<string, [string?, string?, string?]>();
const KILLED_DETAILS_LIMIT = 64;

function killedDetail(replica: string, kind: KillCase): string {
  let row = killedDetails.get(replica);
  if (row === undefined) {
    if (killedDetails.size >= KILLED_DETAILS_LIMIT) killedDetails.clear();
    killedDetails.set(replica, (row = []));
  }
  return (row[kind] ??=
    kind === IO
      ? `${replica} was OOM-killed while this effect waited for its answer`
      : `${replica} was OOM-killed while this work ${kind === RAN ? 'ran on' : 'waited for'} its CPU`);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
