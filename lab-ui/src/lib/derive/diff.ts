/**
 * What differs between two variants at the same instant: the headline counters, and the requests
 * that exist in both runs (same id) but ended differently. Side-by-side panels highlight these.
 */
import { countsAt, type CountsAt } from './counters.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';
import { upperBound } from './search.ts';

export interface CounterDiff {
  key: string;
  label: string;
  base: number;
  other: number;
  delta: number;
}

function flat(c: CountsAt): Array<[string, string, number]> {
  return [
    ['arrived', 'arrived', c.arrived],
    ['admitted', 'admitted', c.admitted],
    ['rejected', 'rejected by the gateway', c.rejectedTotal],
    ['gatewayErrors', 'gateway error', c.gatewayErrorTotal],
    ['backendErrors', 'backend error', c.backendErrorTotal],
    ['gaveUp', 'client gave up', c.gaveUp],
    ['inFlight', 'in flight', c.inFlight],
    ...c.byStatus.map((s): [string, string, number] => [`status:${s.status}`, `status ${s.status}`, s.count]),
  ];
}

export function counterDiff(base: TraceIndex, other: TraceIndex, t: number): CounterDiff[] {
  const a = new Map(flat(countsAt(base, t)).map(([k, l, v]) => [k, { l, v }]));
  const b = new Map(flat(countsAt(other, t)).map(([k, l, v]) => [k, { l, v }]));
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.map((key) => {
    const x = a.get(key)?.v ?? 0;
    const y = b.get(key)?.v ?? 0;
    return { key, label: a.get(key)?.l ?? b.get(key)?.l ?? key, base: x, other: y, delta: y - x };
  });
}

export interface OutcomeChange {
  req: string;
  base: RequestRow;
  other: RequestRow;
}

/** Requests, ended in both runs by t, whose status differs. */
export function outcomeChanges(base: TraceIndex, other: TraceIndex, t: number, limit = 500): OutcomeChange[] {
  const out: OutcomeChange[] = [];
  const n = upperBound(other.endTimes, t);
  for (let i = 0; i < n && out.length < limit; i++) {
    const o = other.ends[i] as RequestRow;
    const b = base.byId.get(o.id);
    if (b && b.endT <= t && b.status !== o.status) out.push({ req: o.id, base: b, other: o });
  }
  return out;
}

/**
 * How a request ended, in the words of a side-by-side change: its status and who gave it. The list
 * said "203 in base → 200 here" for canary-ramp, where the point is which backend answered (the
 * canary answers 203): it now says "203 from catalog-canary in base → 200 from catalog-stable here".
 */
export function endedAs(index: TraceIndex, row: RequestRow): string {
  if (row.source === 'client') return 'gave up';
  const status = row.status ?? '…';
  if (row.decidedBy) return `${status} from ${row.decidedBy}`;
  if (row.source === 'front') return `${status} from the front balancer`;
  if (row.source === 'upstream') {
    const end = index.events[row.endEvent];
    const service = end?.type === 'request.end' ? end.service : null;
    return service ? `${status} from ${service}` : `${status} from the backend`;
  }
  return `${status} from the gateway`;
}
