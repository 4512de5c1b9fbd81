/**
 * The capacity model of the simulation host: the front balancer's timeout and, per gateway replica,
 * CPU, slots, a wait queue and memory (docs/capacity.md). A request holds its slot from the moment
 * it is admitted until its response is sent, through every I/O wait (Redis, JWKS) in between.
 *
 * Who answers what: a full queue is a refused connection, which the front balancer turns into 502
 * (nginx's listen backlog overflowing); a request that waited past the queue timeout gets 503 from
 * the replica; an OOM kill resets every connection the replica held (front: 502); no live replica
 * at all is 503 from the front; the front's own timeout is 504.
 *
 * At the `full` level each wait is in the trace: a `slot.wait` when a request that queued stops
 * waiting for a slot (or is refused, or its arrival sets off an OOM kill), and `submit` tells its
 * watcher how long a job waits for the CPU and runs, and whether an OOM kill cut it short (the
 * effect.end fields cpuWaitMs, cpuMs, oomKilled).
 */
import { PRIORITY, type EventLane, type EventQueue } from '../../../core/event-queue.ts';
import type { HandledRequest } from '../../../pipeline/gateway.ts';
import type { CapacitySpec } from '../../../scenario/types.ts';
import type { TraceSink } from '../../../trace/sink.ts';
import { ReplicaLoad } from './replica-load.ts';
import { SlotWaits } from './slot-waits.ts';
import { WatchedCpuJobs, type CpuWatcher } from './cpu-watch.ts';

/** One request as the front balancer forwards it to a replica. */
export interface FrontCall {
  requestId: string;
  replica: string;
  /**
   * Starts the pipeline; once the replica has the response ready to send, the call hands it to
   * `CapacityModel.replicaDone` (a method call: no closure per request waits with it for the CPU).
   */
  run(): void;
  /** Relays the replica's response to the client. */
  answer(handled: HandledRequest): void;
  /** The front balancer (or the replica, without running the pipeline) answers on its own. */
  fail(status: number, source: 'front' | 'gateway', reason: string): void;
  /**
   * Written by the model only: the client has its answer (from the replica, or from the front), so
   * later answers are dropped. Kept on the call itself rather than in a record per request (one
   * object less per request for the garbage collector to copy while the request waits).
   */
  frontAnswered?: boolean;
  /**
   * Written by the model only: the front timeout's handle in its lane, cancelled once the call has
   * its answer, so the timeout stops holding the call (and what it references) for the rest of its 5 s.
   */
  frontTimeout?: number;
}

interface ReplicaState {
  /** This life of the replica: its OOM kill records its victims there and replaces the whole state. */
  life: ReplicaLife;
  load: ReplicaLoad<FrontCall>;
  /** Requests holding a slot. */
  running: Set<FrontCall>;
  /** Virtual time until which the replica is gone (OOM-killed, restarting). */
  downUntil: number;
  /** CPU jobs whose wait the trace records (level full only). */
  watched: WatchedCpuJobs | undefined;
  /**
   * The ends of this life's CPU jobs: its CPU is one FIFO server, so they are scheduled in the order
   * they fire, and wait in a lane of the event queue instead of its heap (core/event-queue.ts).
   */
  cpuDone: EventLane;
}

/**
 * One life of a replica: from its start (or its restart after an OOM kill) to its next OOM kill,
 * which records here the requests it ended. The host hands a request's CPU work over with the life
 * its pipeline runs in (`CpuJob.life`, taken when the request starts): a request dies only with
 * the life it runs in (each try has its own id), so whether its work is dropped is one field for
 * the work of a live replica, and a lookup among the few thousand victims of one kill otherwise —
 * no longer among every victim of the run (81,634 ids in the 300k war story, a cache miss each).
 */
export class ReplicaLife {
  /** The ids of the requests that died with this life; undefined while it lasts. */
  victims: ReadonlySet<string> | undefined = undefined;
}

/** Whether the request `requestId`, running in `life`, died with it. */
function diedIn(life: ReplicaLife, requestId: string): boolean {
  const victims = life.victims;
  return victims !== undefined && victims.has(requestId);
}

/** CPU work queued on a replica; `done(arg)` runs when it is finished, unless the request was killed. */
interface ComputeJob<A> {
  model: CapacityModel;
  life: ReplicaLife | undefined;
  requestId: string;
  done: (arg: A) => void;
  arg: A;
}

function computeFinished(job: ComputeJob<unknown>): void {
  if (!job.model.died(job.life, job.requestId)) job.done(job.arg);
}

/**
 * CPU work handed over as the caller's own object (`submit`): the host's per-effect record is the
 * queue event's argument, so an effect costs one object instead of two. `queuedBy` is set by `submit`.
 */
export interface CpuJob {
  readonly requestId: string;
  /** The replica life the request runs in (CapacityModel.life); undefined: any kill so far may have ended it. */
  readonly life: ReplicaLife | undefined;
  queuedBy: CapacityModel | undefined;
  /** The work is done (never called for a request that died with its replica). */
  cpuDone(): void;
}

function cpuJobFinished(job: CpuJob): void {
  // Not queued when its request was dead already (submit): only a kill since then can drop it.
  if (!(job.queuedBy as CapacityModel).died(job.life, job.requestId)) job.cpuDone();
}

export interface CapacityModelOptions {
  spec?: CapacitySpec;
  frontTimeoutMs?: number;
  queue: EventQueue;
  sink: TraceSink;
  /** The replica is back after an OOM kill: it needs a fresh gateway (its state is gone). */
  restart: (replica: string) => void;
  /**
   * An OOM kill ended `life` at `at`, after the CPU work it cut short was told (level full: the host
   * ends the effects its victims were awaiting answers for, which will never be read).
   */
  onKill?: (life: ReplicaLife, at: number, replica: string) => void;
}

export class CapacityModel {
  private readonly replicas = new Map<string, ReplicaState>();
  /** Lives ended by an OOM kill, in order: their victims' late effects and answers are dropped. */
  private readonly killedLives: ReplicaLife[] = [];
  /** The front timeout's handler: one per model, the call being the event's argument. */
  private readonly frontTimedOut = (call: FrontCall): void => {
    // Most calls have their answer by then: no reason text is built for them.
    if (call.frontAnswered) return;
    this.respondFront(call, 504, 'front', `front balancer timeout: ${call.replica} sent nothing in ${this.o.frontTimeoutMs} ms`);
  };
  /** Only when the trace keeps `slot.wait` (full): below it nothing about waits is kept. */
  private readonly waits: SlotWaits<FrontCall> | undefined;
  /** Front timeouts all wait the same time from their call's entry, so they come in firing order: a lane. */
  private readonly timeouts: EventLane;

  constructor(private readonly o: CapacityModelOptions) {
    if (o.sink.wants('slot.wait')) this.waits = new SlotWaits(o.sink, () => o.queue.now);
    this.timeouts = o.queue.lane();
  }

  /** Whether requests should run their CPU work through `compute` (only with a capacity spec). */
  get modelsCpu(): boolean {
    return this.o.spec !== undefined;
  }

  alive(replica: string): boolean {
    return this.o.queue.now >= this.state(replica).downUntil;
  }

  /** The front balancer forwards a request to a replica. */
  enter(call: FrontCall): void {
    call.frontAnswered = false;
    const timeout = this.o.frontTimeoutMs;
    call.frontTimeout = timeout !== undefined ? this.timeouts.schedule(this.o.queue.now + timeout, PRIORITY.effect, this.frontTimedOut, call) : -1;
    const st = this.state(call.replica);
    const admission = st.load.slots.arrive(call);
    if (admission === 'refused') {
      this.waits?.ended(call, 'refused', st.load.slots.queued);
      this.respondFront(call, 502, 'front', `connection refused: ${call.replica}'s queue is full (${st.load.slots.queued} waiting)`);
      return;
    }
    // Those ahead of it: everyone queued before it joined (it is the last in the FIFO queue now).
    if (admission === 'queued') this.waits?.joined(call, st.load.slots.queued - 1);
    st.load.changed();
    if (st.load.overMemory()) {
      this.oomKill(call.replica, st, call);
      return;
    }
    if (admission === 'run') return this.start(st, call);
    const wait = this.o.spec?.queueTimeoutMs;
    if (wait !== undefined) {
      this.o.queue.schedule(this.o.queue.now + wait, PRIORITY.effect, () => {
        if (this.state(call.replica) !== st || !st.load.slots.expire(call)) return;
        this.waits?.ended(call, 'queue-timeout');
        st.load.changed();
        this.respondFront(call, 503, 'gateway', `dropped after waiting ${wait} ms for a slot on ${call.replica}`);
      }, undefined);
    }
  }

  /**
   * Runs cpuUs of CPU work for a request on its replica; `done` when it is finished (never for a
   * killed request). `life`: the replica life the request runs in, if the caller knows it.
   */
  compute<A = undefined>(replica: string, requestId: string, cpuUs: number, done: (arg: A) => void, arg?: A, life?: ReplicaLife): void {
    if (this.died(life, requestId)) return;
    const st = this.state(replica);
    const at = st.load.cpu.submit(this.o.queue.now, cpuUs);
    st.load.changed();
    // A job object and a module handler instead of a closure per effect (the war story runs several per request).
    const job: ComputeJob<A> = { model: this, life, requestId, done, arg: arg as A };
    st.cpuDone.schedule(at, PRIORITY.effect, computeFinished, job as ComputeJob<unknown>);
  }

  /**
   * Like `compute`, for a caller that keeps its own job object: `job.cpuDone()` when finished.
   * `watcher` (level full) hears how long the job waits for the CPU and runs, and if the replica is
   * killed before the job is done. Nothing happens for a request that died with its replica.
   */
  submit(replica: string, cpuUs: number, job: CpuJob, watcher?: CpuWatcher): void {
    if (this.died(job.life, job.requestId)) return;
    const st = this.state(replica);
    const now = this.o.queue.now;
    const at = st.load.cpu.submit(now, cpuUs);
    st.load.changed();
    job.queuedBy = this;
    st.cpuDone.schedule(at, PRIORITY.effect, cpuJobFinished, job);
    if (watcher) (st.watched ??= new WatchedCpuJobs(replica)).add(now, job.requestId, watcher, at, Math.max(0, cpuUs) / 1000 / st.load.cpu.cores);
  }

  /**
   * The replica's current life: a host hands it over with the work of the requests it starts now
   * (their pipelines run in it until they end or it is killed).
   */
  life(replica: string): ReplicaLife {
    return this.state(replica).life;
  }

  /** Whether a request died with its replica (its effects are not answered any more). */
  isKilled(requestId: string): boolean {
    for (const life of this.killedLives) if (diedIn(life, requestId)) return true;
    return false;
  }

  /** Whether a request running in `life` died with it; without a life, with any replica so far. */
  died(life: ReplicaLife | undefined, requestId: string): boolean {
    return life !== undefined ? diedIn(life, requestId) : this.isKilled(requestId);
  }

  private start(st: ReplicaState, call: FrontCall): void {
    st.running.add(call);
    call.run();
  }

  /** The replica has `call`'s response ready (the end of `FrontCall.run`): it goes out, and the slot to the next in line. */
  replicaDone(call: FrontCall, handled: HandledRequest): void {
    // The state the call started in, unless an OOM kill replaced it: the new one never held the call,
    // as the old one does not any more (the kill cleared it), so a killed request's answer stops here.
    const st = this.state(call.replica);
    if (!st.running.delete(call)) return;
    this.respondReplica(call, handled);
    const next = st.load.slots.release();
    st.load.changed();
    if (!next) return;
    this.waits?.ended(next, 'slot');
    this.start(st, next);
  }

  private respondReplica(call: FrontCall, handled: HandledRequest): void {
    if (call.frontAnswered) return;
    this.answered(call);
    call.answer(handled);
  }

  private respondFront(call: FrontCall, status: number, source: 'front' | 'gateway', reason: string): void {
    if (call.frontAnswered) return;
    this.answered(call);
    call.fail(status, source, reason);
  }

  /** The call has its answer: its front timeout would do nothing now, so it lets the call go. */
  private answered(call: FrontCall): void {
    call.frontAnswered = true;
    this.timeouts.cancel(call.frontTimeout ?? -1);
  }

  private oomKill(replica: string, st: ReplicaState, last: FrontCall): void {
    const spec = this.o.spec as CapacitySpec;
    const held = st.load.held;
    st.load.retire();
    const waiting = st.load.slots.clear();
    const victims = [...st.running, ...waiting];
    // The request that tipped it over was admitted but had not started yet.
    const lastHadSlot = !victims.includes(last);
    if (lastHadSlot) victims.push(last);
    st.running.clear();
    const now = this.o.queue.now;
    const restartMs = spec.restartAfterOomMs;
    this.replicas.set(replica, this.fresh(replica, now + restartMs));
    this.transition(replica, 'running', 'oom-killed', `${held} requests held ${Math.round((spec.baseMemoryBytes + held * spec.memoryPerRequestBytes) / 1048576)} MiB, over the ${Math.round((spec.memoryBytes ?? 0) / 1048576)} MiB limit: OOMKilled, back in ${restartMs} ms`);
    const ids = new Set<string>();
    for (const v of victims) ids.add(v.requestId);
    st.life.victims = ids;
    this.killedLives.push(st.life);
    // Whoever was still waiting for a slot stops waiting now; so does the arrival that set it off.
    if (this.waits) {
      for (const v of waiting) this.waits.ended(v, 'oom-killed');
      if (lastHadSlot) this.waits.ended(last, 'oom-killed');
    }
    const reason = `connection reset: ${replica} was OOM-killed`;
    for (const v of victims) this.respondFront(v, 502, 'front', reason);
    // CPU work of the dead requests that was not done ends here (level full: a failed effect.end). The
    // watched jobs were queued while this life lasted, so a dead request among them died in it.
    st.watched?.killed(now, (id) => ids.has(id));
    this.o.onKill?.(st.life, now, replica);
    this.o.queue.schedule(now + restartMs, PRIORITY.control, () => {
      this.o.restart(replica);
      this.transition(replica, 'oom-killed', 'running', `restarted after ${restartMs} ms, empty`);
    }, undefined);
  }

  private transition(replica: string, from: string, to: string, reason: string): void {
    this.o.sink.emit({ type: 'breaker.transition', t: this.o.queue.now, replica, machine: 'replica', subject: replica, from, to, reason });
  }

  private state(replica: string): ReplicaState {
    let st = this.replicas.get(replica);
    if (!st) this.replicas.set(replica, (st = this.fresh(replica, -Infinity)));
    return st;
  }

  /** A replica's state at its start, or its restart after an OOM kill (down until `downUntil`). */
  private fresh(replica: string, downUntil: number): ReplicaState {
    return { life: new ReplicaLife(), load: new ReplicaLoad(replica, this.o.spec, this.o.queue, this.o.sink), running: new Set(), downUntil, watched: undefined, cpuDone: this.o.queue.lane() };
  }
}
