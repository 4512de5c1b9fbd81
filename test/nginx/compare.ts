/**
 * Replays what was sent to the real nginx through gatelab's limit_req emulation (semantics §2) and
 * judges every request: compared and agreeing, compared and disagreeing, or skipped because its
 * instant sits too close to an edge (or nginx saw a spacing that gives another answer) for either
 * answer to be wrong. Pure: no sockets here, so the rules themselves are unit-tested.
 *
 * Two timelines are replayed: the instants the client measured when it sent, and the instants
 * nginx itself logged ($msec − $request_time, its cached clock, whole ms). The second has almost no
 * slack; the first is what the issue asks for, and where the two disagree on a request the client's
 * instant was not what nginx saw (a late timer, a stalled process), so that request is skipped.
 */
import {
  limitReqOne,
  NGINX_LIMIT_REQ_DEFAULT_STATUS,
  type LimitReqLimit,
  type LimitReqNode,
} from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';

export type LimitReqOutcome = 'PASSED' | 'DELAYED' | 'REJECTED';

/** What one request looked like from outside and in nginx's access log. */
export interface Observed {
  status: number;
  /** `$limit_req_status` from the access log ('-' if the log had no line). */
  limitReqStatus: string;
  /** `$request_time` in ms: how long nginx held the request (its own clock). */
  requestTimeMs: number;
  /** Send → response headers, measured by the client. */
  latencyMs: number;
}

export interface Expected {
  outcome: LimitReqOutcome;
  status: number;
  delayMs: number;
  /** Excess (milli-requests) the emulation computed. */
  excess: number;
}

export interface Verdict {
  index: number;
  /** Instant relative to the first request of the timeline (ms). */
  sendMs: number;
  expected: Expected;
  observed: Observed;
  skipped?: 'edge' | 'drift';
  /** Why this request disagrees; absent when it agrees (or was skipped and could be resynced). */
  mismatch?: string;
  /** The instant the emulation used, in its own frame (ms), and the zone node it left behind. */
  instant: number;
  nodeAfter: LimitReqNode | undefined;
}

export interface CompareOptions {
  /** A request whose outcome changes within ± this many ms of its instant is not compared. */
  edgeMarginMs: number;
  /** nginx's $request_time at or above this counts as delayed. */
  delayedBucketMs: number;
  /** How much shorter than the emulated delay nginx's hold, and the client's wait, may be. */
  delayToleranceMs: number;
  /**
   * The same requests replayed on nginx's own clock. A request whose outcome there differs from
   * this timeline's was seen by nginx at a spacing other than the one measured here; and after any
   * skip, that replay's state is the best picture of nginx's own.
   */
  nginxClock?: readonly Verdict[];
}

/** Keeps emulated instants positive and far from nginx's "clock went back 60 s" rule. */
const BASE_MS = 1_000_000;

function evaluate(limit: LimitReqLimit, node: LimitReqNode | undefined, t: number) {
  const { decision, node: next } = limitReqOne(limit, '127.0.0.1', node, t);
  const outcome = decision.outcome === 'NOT_LIMITED' ? 'PASSED' : decision.outcome;
  return { outcome, delayMs: decision.delayMs, excess: decision.excess, node: next };
}

/** True when the outcome is the same for every whole-ms shift of `t` within ± margin. */
export function stableWithin(limit: LimitReqLimit, node: LimitReqNode | undefined, t: number, marginMs: number): boolean {
  const at = evaluate(limit, node, t).outcome;
  for (let d = 1; d <= marginMs; d++) {
    if (evaluate(limit, node, t - d).outcome !== at || evaluate(limit, node, t + d).outcome !== at) return false;
  }
  return true;
}

/**
 * After a skipped request the emulation must follow what nginx really did, or one edge case would
 * poison every later comparison. Best: take the state of the replay on nginx's clock (when it
 * agreed with nginx there), moved into this timeline's frame so that this request's two instants
 * coincide. The excess is the same in both frames; only `last` shifts. A drifted request may owe
 * its outcome to earlier requests' spacing too, which no shift of its own instant could reproduce.
 */
function fromNginxClock(at: Verdict | undefined, t: number, want: string): LimitReqNode | undefined | false {
  // A verdict skipped there has already been brought in line with nginx; one compared agreed with it.
  if (!at || at.mismatch || (!at.skipped && at.expected.outcome !== want)) return false;
  const shift = at.instant - t;
  return at.nodeAfter && { excess: at.nodeAfter.excess, last: at.nodeAfter.last - shift };
}

/** Fallback without that replay: the nearest shift of this instant that gives nginx's outcome. */
function resync(limit: LimitReqLimit, node: LimitReqNode | undefined, t: number, want: string, reachMs: number): LimitReqNode | undefined | false {
  for (let d = 0; d <= reachMs; d++) {
    for (const s of d === 0 ? [0] : [-d, d]) {
      const r = evaluate(limit, node, t + s);
      if (r.outcome === want) return r.node;
    }
  }
  return false;
}

function disagreement(expected: Expected, observed: Observed, opts: CompareOptions): string | undefined {
  const problems: string[] = [];
  if (observed.status !== expected.status) problems.push(`status ${observed.status}, emulation ${expected.status}`);
  if (observed.limitReqStatus !== expected.outcome) problems.push(`$limit_req_status ${observed.limitReqStatus}, emulation ${expected.outcome}`);
  const heldMs = observed.requestTimeMs;
  if (expected.outcome !== 'DELAYED' && !(heldMs < opts.delayedBucketMs)) {
    problems.push(`nginx held it ${heldMs} ms, emulation ${expected.outcome} (no delay)`);
  }
  if (expected.outcome === 'DELAYED') {
    // The bucket is only meaningful for delays clear of it; a drifted run can make a 10 ms delay.
    if (expected.delayMs >= opts.delayedBucketMs + opts.delayToleranceMs && !(heldMs >= opts.delayedBucketMs)) {
      problems.push(`nginx held it ${heldMs} ms (not delayed), emulation delay ${expected.delayMs} ms`);
    }
    // nginx answers a delayed request when its timer fires, never sooner; the client waits longer still.
    if (!(heldMs >= expected.delayMs - opts.delayToleranceMs)) {
      problems.push(`nginx held it ${heldMs} ms, less than the emulated ${expected.delayMs} ms delay`);
    }
    if (!(observed.latencyMs >= expected.delayMs - opts.delayToleranceMs)) {
      problems.push(`answered after ${observed.latencyMs.toFixed(1)} ms, sooner than the emulated ${expected.delayMs} ms delay`);
    }
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * Whether nginx, by its own clock, saw this request at a spacing that changes the answer: another
 * outcome, or a delay that differs by more than half the tolerance (so the other half still covers
 * the client's view of the same delay).
 */
function drifted(here: Expected, onNginxClock: Verdict | undefined, opts: CompareOptions): boolean {
  if (!onNginxClock) return false;
  const there = onNginxClock.expected;
  if (there.outcome !== here.outcome) return true;
  return here.outcome === 'DELAYED' && Math.abs(there.delayMs - here.delayMs) > opts.delayToleranceMs / 2;
}

/** Judges one location's run: `instantsMs[i]` is request i's instant on one timeline (any origin). */
export function compareRun(limit: LimitReqLimit, instantsMs: readonly number[], observed: readonly Observed[], opts: CompareOptions): Verdict[] {
  const origin = instantsMs[0] ?? 0;
  let node: LimitReqNode | undefined;
  const verdicts: Verdict[] = [];
  instantsMs.forEach((send, index) => {
    const obs = observed[index] as Observed;
    const t = BASE_MS + (send - origin);
    const r = evaluate(limit, node, t);
    const expected: Expected = {
      outcome: r.outcome,
      status: r.outcome === 'REJECTED' ? NGINX_LIMIT_REQ_DEFAULT_STATUS : 200,
      delayMs: r.delayMs,
      excess: r.excess,
    };
    const v: Verdict = { index, sendMs: send - origin, expected, observed: obs, instant: t, nodeAfter: r.node };
    if (!Number.isFinite(send)) {
      v.mismatch = 'nginx logged no line for this request';
      verdicts.push(v);
      return;
    }
    const onNginxClock = opts.nginxClock?.[index];
    if (drifted(expected, onNginxClock, opts)) v.skipped = 'drift';
    else if (!stableWithin(limit, node, t, opts.edgeMarginMs)) v.skipped = 'edge';
    if (v.skipped) {
      const reach = opts.edgeMarginMs + 2;
      let next = fromNginxClock(onNginxClock, t, obs.limitReqStatus);
      if (next === false) next = resync(limit, node, t, obs.limitReqStatus, reach);
      if (next === false) {
        v.mismatch = `skipped (${v.skipped}) but neither nginx's clock nor a shift within ±${reach} ms gives nginx's ${obs.limitReqStatus}`;
      } else {
        v.nodeAfter = next;
      }
    } else {
      const why = disagreement(expected, obs, opts);
      if (why) v.mismatch = why;
    }
    node = v.nodeAfter;
    verdicts.push(v);
  });
  return verdicts;
}
