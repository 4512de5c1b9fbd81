/**
 * Kong's window bounds depend only on the whole second an instant falls in, and a busy limiter decides
 * hundreds of times in one second. This memo computes each period's start, end and reset once per
 * second instead of once per request (month and year need calendar arithmetic each time), and names
 * nothing new: every answer equals kong-windows.ts's for the same instant (kong-window-memo.test.ts).
 *
 * One shared instance is enough: the answers are a pure function of the second, so callers that
 * interleave different instants only cost a lookup, never a wrong answer.
 */
import { PerSecond } from '../per-second.ts';
import { KONG_PERIODS, kongResetSeconds, kongTimestamp, kongWindowEnd, kongWindowStart, type KongPeriod } from './kong-windows.ts';

const PERIOD_COUNT = KONG_PERIODS.length;

/** Position of each period in KONG_PERIODS, for the per-period slots. */
export const KONG_PERIOD_INDEX: Readonly<Record<KongPeriod, number>> = {
  second: 0,
  minute: 1,
  hour: 2,
  day: 3,
  month: 4,
  year: 5,
};

/** One second's answers; NaN marks a slot not computed yet (no real bound is NaN). */
interface SecondSlots {
  starts: Float64Array;
  ends: Float64Array;
  resets: Float64Array;
}

function emptySlots(): SecondSlots {
  return {
    starts: new Float64Array(PERIOD_COUNT).fill(Number.NaN),
    ends: new Float64Array(PERIOD_COUNT).fill(Number.NaN),
    resets: new Float64Array(PERIOD_COUNT).fill(Number.NaN),
  };
}

export class KongWindowMemo {
  private readonly seconds = new PerSecond<SecondSlots>(emptySlots);

  /** kongWindowStart(period, nowMs). */
  windowStart(period: KongPeriod, nowMs: number): number {
    const slots = this.seconds.at(kongTimestamp(nowMs));
    const i = KONG_PERIOD_INDEX[period];
    let start = slots.starts[i] as number;
    if (Number.isNaN(start)) slots.starts[i] = start = kongWindowStart(period, nowMs);
    return start;
  }

  /** kongWindowEnd(period, kongWindowStart(period, nowMs)): the end of the window `nowMs` is in. */
  windowEnd(period: KongPeriod, nowMs: number): number {
    const slots = this.seconds.at(kongTimestamp(nowMs));
    const i = KONG_PERIOD_INDEX[period];
    let end = slots.ends[i] as number;
    if (Number.isNaN(end)) slots.ends[i] = end = kongWindowEnd(period, this.windowStart(period, nowMs));
    return end;
  }

  /** kongResetSeconds(period, nowMs). */
  resetSeconds(period: KongPeriod, nowMs: number): number {
    const slots = this.seconds.at(kongTimestamp(nowMs));
    const i = KONG_PERIOD_INDEX[period];
    let reset = slots.resets[i] as number;
    if (Number.isNaN(reset)) slots.resets[i] = reset = kongResetSeconds(period, nowMs);
    return reset;
  }
}

/** The memo every limiter shares (see the file comment for why sharing is safe). */
export const kongWindows = new KongWindowMemo();
