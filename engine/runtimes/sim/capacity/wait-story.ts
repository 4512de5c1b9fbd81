/**
 * A request's waits on a saturated replica in words a student reads: for a slot (`slot.wait`) and
 * for the CPU (the cpuWaitMs/cpuMs of an `effect.end`), each with its numbers and how it ended.
 * Pure, over one request's trace events in trace order; the lab's inspector and `gatelab explain`
 * both tell the waits with it, so they say the same thing.
 */
import type { EffectEndEvent, EffectStartEvent, SlotWaitEvent, SlotWaitOutcome, TraceEvent } from '../../../trace/events.ts';

export interface RequestWait {
  /** The position in `events` of the event it was read from: where it belongs among the decisions. */
  index: number;
  /** When the wait began: the arrival at the replica, or the effect's start (CPU work is queued first). */
  from: number;
  /** The event's t: when the slot wait ended, or when the CPU work's effect ended (its I/O included). */
  t: number;
  /** What it waited for. */
  for: 'slot' | 'cpu';
  ms: number;
  /** Slot: requests queued ahead of it when it arrived. */
  ahead?: number;
  /** CPU: how long the work then ran, and the rest of its effect (the I/O it was the CPU side of). */
  cpuMs?: number;
  ioMs?: number;
  /** How the wait ended: a slot, the queue timeout, a full queue, an OOM kill; `ran` for CPU work that ran. */
  ended: SlotWaitOutcome | 'ran';
  text: string;
}

/** The waits in `events` (one request's, in trace order); `replica` names it in the words if known. */
export function requestWaits(events: readonly TraceEvent[], replica?: string): RequestWait[] {
  const out: RequestWait[] = [];
  const open = new Map<string, EffectStartEvent[]>();
  let where = replica;
  for (let index = 0; index < events.length; index++) {
    const e = events[index] as TraceEvent;
    if (e.type === 'request.start') where ??= e.replica;
    else if (e.type === 'slot.wait') out.push(slotWait(index, e));
    else if (e.type === 'effect.start') {
      const list = open.get(e.plugin);
      if (list) list.push(e);
      else open.set(e.plugin, [e]);
    } else if (e.type === 'effect.end') {
      const start = open.get(e.plugin)?.pop();
      const wait = cpuWait(index, e, start, where);
      if (wait) out.push(wait);
    }
  }
  return out;
}

function slotWait(index: number, e: SlotWaitEvent): RequestWait {
  const base = { index, from: e.t - e.ms, t: e.t, for: 'slot' as const, ms: e.ms, ahead: e.ahead, ended: e.outcome };
  const queued = `waited ${ms(e.ms)} for a slot on ${e.replica} (${aheadWords(e.ahead)})`;
  switch (e.outcome) {
    case 'slot':
      return { ...base, text: `${queued}, then got one` };
    case 'queue-timeout':
      return { ...base, text: `${queued} and was dropped: the queue timeout passed, so ${e.replica} answered 503` };
    case 'refused':
      return { ...base, text: `refused at once: ${e.replica}'s wait queue was full (${e.ahead} waiting), so the front balancer answered 502` };
    case 'oom-killed':
      return {
        ...base,
        text: e.ms > 0
          ? `${queued} until ${e.replica} was OOM-killed: the front balancer saw the connection reset (502)`
          : `${e.replica} was OOM-killed as it arrived (with it held, memory was over the limit): the front balancer answered 502`,
      };
  }
}

function cpuWait(index: number, e: EffectEndEvent, start: EffectStartEvent | undefined, replica: string | undefined): RequestWait | null {
  if (e.cpuWaitMs === undefined) return null;
  const cpuMs = e.cpuMs ?? 0;
  const what = workName(e.plugin, start?.effect);
  const on = replica ?? 'the replica';
  if (e.oomKilled) {
    // Killed after its CPU work, while the answer was on its way (recorded-effect.ts, ioKilled).
    const ioMs = start ? Math.max(0, round3(e.t - start.t - e.cpuWaitMs - cpuMs)) : 0;
    if (ioMs > 0) {
      const text = `${what}: waited ${ms(e.cpuWaitMs)} for the CPU, ran ${ms(cpuMs)}, then waited ${ms(ioMs)} for the answer until ${on} was OOM-killed (the front balancer answered 502)`;
      return { index, from: start?.t ?? e.t - e.cpuWaitMs - cpuMs - ioMs, t: e.t, for: 'cpu', ms: e.cpuWaitMs, cpuMs, ioMs, ended: 'oom-killed', text };
    }
    const text = cpuMs > 0
      ? `${what}: waited ${ms(e.cpuWaitMs)} for the CPU and had run ${ms(cpuMs)} when ${on} was OOM-killed (the front balancer answered 502)`
      : `${what}: waited ${ms(e.cpuWaitMs)} for the CPU until ${on} was OOM-killed (the front balancer answered 502)`;
    return { index, from: start?.t ?? e.t - e.cpuWaitMs - cpuMs, t: e.t, for: 'cpu', ms: e.cpuWaitMs, cpuMs, ended: 'oom-killed', text };
  }
  // Work that never waited is not a wait: a line per effect of every calm request would bury the waits.
  if (e.cpuWaitMs <= 0) return null;
  const ioMs = start ? Math.max(0, round3(e.t - start.t - e.cpuWaitMs - cpuMs)) : 0;
  const io = ioMs > 0 ? `, then ${ms(ioMs)} for the answer` : '';
  return { index, from: start?.t ?? e.t - e.cpuWaitMs - cpuMs, t: e.t, for: 'cpu', ms: e.cpuWaitMs, cpuMs, ioMs, ended: 'ran', text: `${what}: waited ${ms(e.cpuWaitMs)} for the CPU on ${on} (work queued ahead of it), ran ${ms(cpuMs)}${io}` };
}

/** The work an effect's CPU time is for, in a few words. */
function workName(plugin: string, effect: string | undefined): string {
  if (plugin === 'gateway') return 'its own work (proxying and plugins)';
  if (effect?.startsWith('store:')) return `${plugin}'s Redis call`;
  if (effect?.startsWith('jwks:')) return `${plugin}'s JWKS fetch`;
  if (!effect) return plugin;
  const short = effect.length > 60 ? `${effect.slice(0, 57)}…` : effect;
  return short.startsWith(`${plugin}:`) ? short : `${plugin}: ${short}`;
}

function aheadWords(ahead: number): string {
  if (ahead === 0) return 'first in the queue';
  return `${ahead} ${ahead === 1 ? 'request' : 'requests'} ahead of it`;
}

/** 780 ms, 2.31 s, 0.04 ms: the numbers as the trace has them, rounded for reading. */
function ms(x: number): string {
  if (x >= 1000) return `${(x / 1000).toFixed(2)} s`;
  if (x >= 10) return `${Math.round(x)} ms`;
  return `${Number(x.toFixed(2))} ms`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
