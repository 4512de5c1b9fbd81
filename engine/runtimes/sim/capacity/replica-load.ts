/**
 * One replica's resources while it runs: its CPU server, its slots and wait queue, its memory, and
 * the throttled `replica.queue` samples that show them in the trace. A fresh one replaces it when
 * the replica comes back after an OOM kill (it restarts empty).
 */
import { PRIORITY, type EventQueue } from '../../../core/event-queue.ts';
import type { CapacitySpec } from '../../../scenario/types.ts';
import type { TraceSink } from '../../../trace/sink.ts';
import { CpuServer, UtilisationMeter } from './cpu-server.ts';
import { memoryInUse, overLimit, type MemoryModel } from './memory.ts';
import { SlotPool } from './slots.ts';

/** At most one `replica.queue` event per replica per this many ms of virtual time. */
export const SAMPLE_EVERY_MS = 100;

export class ReplicaLoad<T> {
  readonly cpu: CpuServer;
  readonly slots: SlotPool<T>;
  readonly memory: MemoryModel;
  private readonly meter: UtilisationMeter;
  private lastSample = -Infinity;
  private samplePending = false;
  private retired = false;
  /** Whether the trace keeps `replica.queue`: asked once, since a run's sink keeps the same types throughout. */
  private readonly sampled: boolean;

  constructor(
    readonly replica: string,
    spec: CapacitySpec | undefined,
    private readonly queue: EventQueue,
    private readonly sink: TraceSink,
  ) {
    // Without a capacity spec (only a front timeout) the replica has unlimited resources.
    this.cpu = new CpuServer((spec?.cpuMillicores ?? 1_000_000) / 1000);
    this.slots = new SlotPool<T>({ slots: spec?.slots, queue: spec?.queue });
    this.memory = {
      ...(spec?.memoryBytes !== undefined ? { limitBytes: spec.memoryBytes } : {}),
      baseBytes: spec?.baseMemoryBytes ?? 0,
      perRequestBytes: spec?.memoryPerRequestBytes ?? 0,
    };
    this.meter = new UtilisationMeter(this.cpu);
    this.sampled = sink.wants('replica.queue');
  }

  /** Requests the replica holds: in progress and waiting. */
  get held(): number {
    return this.slots.inUse + this.slots.queued;
  }

  overMemory(): boolean {
    return overLimit(this.memory, this.held);
  }

  /** Something changed: sample now, or once the throttle interval has passed. */
  changed(): void {
    if (!this.sampled) return;
    // A sample is already due: it will show this change too.
    if (this.samplePending) return;
    const now = this.queue.now;
    if (now - this.lastSample >= SAMPLE_EVERY_MS) {
      this.sample();
      return;
    }
    this.samplePending = true;
    this.queue.schedule(this.lastSample + SAMPLE_EVERY_MS, PRIORITY.observe, () => {
      this.samplePending = false;
      if (!this.retired) this.sample();
    }, undefined);
  }

  /** The replica was killed: one last sample, then this load object goes quiet for good. */
  retire(): void {
    if (this.sampled) this.sample();
    this.retired = true;
  }

  private sample(): void {
    const t = this.queue.now;
    this.lastSample = t;
    this.sink.emit({
      type: 'replica.queue',
      t,
      replica: this.replica,
      slots: this.slots.inUse,
      queued: this.slots.queued,
      cpu: Math.round(this.meter.sample(t) * 1000) / 1000,
      cpuBacklogMs: Math.round(this.cpu.backlogMs(t) * 1000) / 1000,
      memory: memoryInUse(this.memory, this.held),
    });
  }
}
