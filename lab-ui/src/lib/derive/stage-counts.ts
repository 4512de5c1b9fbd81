/**
 * What each pipeline stage has done by time t: requests passed on, and replies by status. Built
 * event by event as the trace streams in (TraceIndexBuilder feeds it), so the pass over every
 * decision no longer waits for the last batch (≈ 0.3 s after it at 300k requests); `stageCountsAt`
 * then answers any t with binary searches.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { upperBound } from './search.ts';

/** Decisions in these phases answer or log a request that already passed the stage: not counted. */
export const RESPONSE_PHASES: ReadonlySet<string> = new Set(['response', 'header_filter', 'body_filter', 'log']);

export interface StageCounts {
  passed: number;
  replied: Array<{ status: number; count: number }>;
}

interface StageSeries {
  /** When the stage decided, in trace order. */
  times: number[];
  /** passed[i]: how many of the first i decisions passed the request on. */
  passed: number[];
  /** Per status, the 1-based positions of the decisions that replied with it. */
  replied: Map<number, number[]>;
}

export type StageTable = ReadonlyMap<string, StageSeries>;

export class StageCountsBuilder {
  private readonly per = new Map<string, StageSeries>();
  // The stages each request has been counted at: a short list per request, not a joined
  // "req + stage" key per decision (1.2M string concatenations on a 300k-request trace).
  private readonly seen = new Map<string, string[]>();

  add(e: TraceEvent): void {
    if (e.type !== 'plugin.decision' || RESPONSE_PHASES.has(e.phase) || e.verdict === 'wait') return;
    // A stage counts each request once, even if it decides twice (a retry, a resumed wait).
    let counted = this.seen.get(e.req);
    if (!counted) this.seen.set(e.req, (counted = []));
    if (counted.includes(e.plugin)) return;
    counted.push(e.plugin);
    let p = this.per.get(e.plugin);
    if (!p) this.per.set(e.plugin, (p = { times: [], passed: [0], replied: new Map() }));
    const n = p.times.length;
    p.times.push(e.t);
    p.passed.push((p.passed[n] as number) + (e.verdict === 'reply' ? 0 : 1));
    if (e.verdict === 'reply') {
      const status = e.status ?? 0;
      let at = p.replied.get(status);
      if (!at) p.replied.set(status, (at = []));
      at.push(n + 1);
    }
  }

  /** The table so far, shared: it grows as `add` goes on (answers for earlier t stay the same). */
  table(): StageTable {
    return this.per;
  }

  /** The table; the per-request bookkeeping is dropped (the trace is complete). */
  finish(): StageTable {
    this.seen.clear();
    return this.per;
  }
}

/** Per stage: decisions made by t, split into "passed on" and "answered with a status". */
export function stageCountsAt(table: StageTable): (t: number) => Map<string, StageCounts> {
  return (t) => {
    const out = new Map<string, StageCounts>();
    for (const [stage, p] of table) {
      const n = upperBound(p.times, t);
      // replied[status] holds the 1-based positions of the replies; count those ≤ n.
      const replied = [...p.replied].map(([status, at]) => ({ status, count: upperBound(at, n) })).filter((r) => r.count > 0);
      out.set(stage, { passed: p.passed[n] as number, replied });
    }
    return out;
  };
}
