/**
 * The M/M/4 queue, run twice on the same random stream: once through gatelab's EventQueue (handlers
 * and args, ordering by time, priority and sequence, as simulate.ts uses it) and once through a
 * minimal hand-written binary heap on typed arrays that knows only this model. The second is the
 * ceiling: what a discrete-event loop costs when nothing is general.
 *
 * Poisson arrivals (λ = 3.2/s), exponential service (μ = 1/s), 4 servers: ρ = λ / (4μ) = 0.8.
 * `stations` independent copies deepen the heap (1 station keeps at most 5 pending events), because
 * a real scenario has thousands of clients with an event each.
 *
 * Both loops draw in the same order, so with no two events at the same float instant they simulate
 * the very same history: the bench checks that served counts and final clocks are equal, which
 * proves the two did the same work.
 */
import { performance } from 'node:perf_hooks';
import { EventQueue, PRIORITY } from '../../engine/core/event-queue.ts';
import { Rng } from '../../engine/core/rng.ts';
import { cpuSeconds } from './table.ts';

export const LAMBDA = 3.2;
export const MU = 1;
export const SERVERS = 4;

export interface Mm4Options {
  stations: number;
  maxEvents: number;
  maxSeconds: number;
  seed: number;
}

export interface Mm4Result {
  events: number;
  /** CPU seconds the loop used (see cpuSeconds); rates are computed from these. */
  seconds: number;
  wallSeconds: number;
  /** Simulated seconds when the loop stopped. */
  simTime: number;
  served: number;
  /** Time-average number of customers in one station (Little's L). */
  meanInSystem: number;
}

/** Erlang C: the exact mean number in system of an M/M/c queue, to show the model is right. */
export function mmcMeanInSystem(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  // term is now a^c / c!
  const p0 = 1 / (sum + term / (1 - rho));
  const lq = (p0 * term * rho) / (1 - rho) ** 2;
  return lq + a;
}

const CHECK_EVERY = 0xffff;

/** The part of EventQueue the model uses; lets a bench compare another agenda on the same code. */
export interface Agenda {
  readonly now: number;
  schedule<A>(time: number, priority: number, handler: (arg: A) => void, arg: A): void;
  step(): boolean;
}

export function runEngine(o: Mm4Options, makeAgenda: () => Agenda = () => new EventQueue()): Mm4Result {
  const q = makeAgenda();
  const rng = new Rng(o.seed, 'bench/mm4');
  const busy = new Int32Array(o.stations);
  const waiting = new Int32Array(o.stations);
  const meanArrival = 1 / LAMBDA;
  const meanService = 1 / MU;
  let inSystem = 0;
  let area = 0;
  let lastT = 0;
  let served = 0;
  const account = (now: number): void => {
    area += inSystem * (now - lastT);
    lastT = now;
  };
  const depart = (s: number): void => {
    const now = q.now;
    account(now);
    inSystem--;
    served++;
    if ((waiting[s] as number) > 0) {
      waiting[s] = (waiting[s] as number) - 1;
      q.schedule(now + rng.exponential(meanService), PRIORITY.effect, depart, s);
    } else busy[s] = (busy[s] as number) - 1;
  };
  const arrive = (s: number): void => {
    const now = q.now;
    account(now);
    inSystem++;
    q.schedule(now + rng.exponential(meanArrival), PRIORITY.arrival, arrive, s);
    if ((busy[s] as number) < SERVERS) {
      busy[s] = (busy[s] as number) + 1;
      q.schedule(now + rng.exponential(meanService), PRIORITY.effect, depart, s);
    } else waiting[s] = (waiting[s] as number) + 1;
  };
  // First arrivals are drawn too: a shared instant 0 would be a tie the two heaps break differently.
  for (let s = 0; s < o.stations; s++) q.schedule(rng.exponential(meanArrival), PRIORITY.arrival, arrive, s);
  const cpu0 = cpuSeconds();
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  let events = 0;
  while (q.step()) {
    if (++events >= o.maxEvents) break;
    if ((events & CHECK_EVERY) === 0 && performance.now() > deadline) break;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const seconds = cpuSeconds() - cpu0;
  return { events, seconds, wallSeconds, simTime: q.now, served, meanInSystem: area / q.now / o.stations };
}

/** The ceiling: one heap of (time, station·2 + kind) in pre-sized typed arrays, the model inlined. */
export function runRaw(o: Mm4Options): Mm4Result {
  const rng = new Rng(o.seed, 'bench/mm4');
  const busy = new Int32Array(o.stations);
  const waiting = new Int32Array(o.stations);
  const capacity = o.stations * (SERVERS + 1) + 1;
  const times = new Float64Array(capacity);
  const tags = new Int32Array(capacity);
  const meanArrival = 1 / LAMBDA;
  const meanService = 1 / MU;
  let size = 0;
  const push = (t: number, tag: number): void => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p] as number;
      if (pt <= t) break;
      times[i] = pt;
      tags[i] = tags[p] as number;
      i = p;
    }
    times[i] = t;
    tags[i] = tag;
  };
  for (let s = 0; s < o.stations; s++) push(rng.exponential(meanArrival), s * 2);
  let inSystem = 0;
  let area = 0;
  let lastT = 0;
  let served = 0;
  let now = 0;
  const cpu0 = cpuSeconds();
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  let events = 0;
  while (size > 0) {
    now = times[0] as number;
    const tag = tags[0] as number;
    size--;
    const lt = times[size] as number;
    const lg = tags[size] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && (times[c + 1] as number) < (times[c] as number)) c++;
      if ((times[c] as number) >= lt) break;
      times[i] = times[c] as number;
      tags[i] = tags[c] as number;
      i = c;
    }
    times[i] = lt;
    tags[i] = lg;
    area += inSystem * (now - lastT);
    lastT = now;
    const s = tag >> 1;
    if ((tag & 1) === 0) {
      inSystem++;
      push(now + rng.exponential(meanArrival), s * 2);
      if ((busy[s] as number) < SERVERS) {
        busy[s] = (busy[s] as number) + 1;
        push(now + rng.exponential(meanService), s * 2 + 1);
      } else waiting[s] = (waiting[s] as number) + 1;
    } else {
      inSystem--;
      served++;
      if ((waiting[s] as number) > 0) {
        waiting[s] = (waiting[s] as number) - 1;
        push(now + rng.exponential(meanService), s * 2 + 1);
      } else busy[s] = (busy[s] as number) - 1;
    }
    if (++events >= o.maxEvents) break;
    if ((events & CHECK_EVERY) === 0 && performance.now() > deadline) break;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const seconds = cpuSeconds() - cpu0;
  return { events, seconds, wallSeconds, simTime: now, served, meanInSystem: area / now / o.stations };
}
