/**
 * What each pipeline stage has done by time t: requests passed on, and replies by status. Built
 * event by event as the trace streams in (TraceIndexBuilder feeds it), so the pass over every
 * decision no longer waits for the last batch (≈ 0.3 s after it at 300k requests); `stageCountsAt`
 * then answers any t with binary searches.
 */
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import type { IndexedRow } from './indexed-row.ts';
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
  /** Its bit in a row's counted stages (IndexedRow.countOnce); 0 past the 31st stage. */
  bit: number;
}

export type StageTable = ReadonlyMap<string, StageSeries>;

export class StageCountsBuilder {
  private readonly per = new Map<string, StageSeries>();
  // The stages each request has been counted at, by request id, for requests without a row (a
  // decision before its request.start) as bits, and for stages past the 31st as a short list.
  private readonly seenBits = new Map<string, number>();
  private readonly seen = new Map<string, string[]>();

  /**
   * Counts a decision. `row`: its request's row, when the index has one; the row then holds which
   * stages counted it, so no per-request entry is kept here for the whole run.
   */
  add(e: TraceEvent, row?: IndexedRow): void {
    if (e.type !== 'plugin.decision' || RESPONSE_PHASES.has(e.phase) || e.verdict === 'wait') return;
    let p = this.per.get(e.plugin);
    // The first 31 stages get a bit in a row's counted stages. (A stage's first decision always
    // counts, so making its entry before the check below adds none that would stay empty.)
    if (!p) this.per.set(e.plugin, (p = { times: [], passed: [0], replied: new Map(), bit: this.per.size < 31 ? 1 << this.per.size : 0 }));
    // A stage counts each request once, even if it decides twice (a retry, a resumed wait).
    if (!this.countOnce(e.req, e.plugin, p.bit, row)) return;
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

  /** A new row for request `req`: the stages it was counted at by id so far go with it. */
  adopt(req: string, row: IndexedRow): void {
    if (this.seenBits.size === 0) return;
    const bits = this.seenBits.get(req);
    if (bits === undefined) return;
    this.seenBits.delete(req);
    row.counted(bits);
  }

  private countOnce(req: string, plugin: string, bit: number, row: IndexedRow | undefined): boolean {
    if (bit !== 0) {
      if (row) return row.countOnce(bit);
      const had = this.seenBits.get(req) ?? 0;
      if ((had & bit) !== 0) return false;
      this.seenBits.set(req, had | bit);
      return true;
    }
    let counted = this.seen.get(req);
    if (!counted) this.seen.set(req, (counted = []));
    if (counted.includes(plugin)) return false;
    counted.push(plugin);
    return true;
  }

  /** The table so far, shared: it grows as `add` goes on (answers for earlier t stay the same). */
  table(): StageTable {
    return this.per;
  }

  /** The table; the per-request bookkeeping is dropped (the trace is complete). */
  finish(): StageTable {
    this.seen.clear();
    this.seenBits.clear();
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
