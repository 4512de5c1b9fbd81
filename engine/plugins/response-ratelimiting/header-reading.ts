/**
 * What one value of the units header (`x-kong-limit: orders=1`) says, worked out once per distinct
 * value: the parsed increments and the sentences built from them. An upstream sends a handful of
 * values, so each response otherwise re-parsed the same text and rebuilt the same sentences. Bounded
 * (a miss only costs the work again); what it hands out is shared and never changed.
 */
import { BoundedMemo } from '../kit/bounded-memo.ts';
import { parseIncrements } from './increments.ts';

/** Distinct header values remembered per instance. */
const READINGS_MEMO_SIZE = 256;

export interface HeaderReading {
  increments: ReadonlyMap<string, number>;
  /** "x-kong-limit: orders=1" (with the ignored parts), or "no x-kong-limit header". */
  heard: string;
  /** "orders +1, video -2": the increments to count (zeros left out), '' when there are none. */
  what: string;
  /** The store policies' sentences, built on first use (they depend on the increments alone). */
  store?: StoreSentences;
}

export interface StoreSentences {
  /** "; Redis refuses a fractional INCRBY, so … is not counted", or ''. */
  refused: string;
  /** The INCRBY wait's reason. */
  reason: string;
  /** The reason once the store said yes. */
  counted: string;
}

export class HeaderReadings {
  private readonly memo = new BoundedMemo<HeaderReading>(READINGS_MEMO_SIZE);
  private readonly absent: HeaderReading;

  constructor(
    private readonly headerName: string,
    private readonly names: readonly string[],
  ) {
    this.absent = { increments: new Map(), heard: `no ${headerName} header`, what: '' };
  }

  of(raw: string | undefined): HeaderReading {
    return raw === undefined ? this.absent : this.memo.get(raw, (value) => this.read(value));
  }

  /** The INCRBY sentences for a reading; `skipped` is what incrementOps left out for these increments. */
  storeSentences(reading: HeaderReading, skipped: readonly string[]): StoreSentences {
    if (reading.store !== undefined) return reading.store;
    const refused = skipped.length > 0 ? `; Redis refuses a fractional INCRBY, so ${skipped.join(', ')} is not counted` : '';
    const reason = `${reading.heard}; INCRBY ${reading.what} in every period's counter in Redis${refused} — Kong sends this after the response, gatelab before it (one round trip the client waits for)`;
    return (reading.store = { refused, reason, counted: `${reason}: counted` });
  }

  private read(raw: string): HeaderReading {
    const { increments, ignored } = parseIncrements(raw, this.names);
    const heard = `${this.headerName}: ${raw}${ignored.length > 0 ? ` (ignored: ${ignored.join(', ')})` : ''}`;
    return { increments, heard, what: describeAsked(increments) };
  }
}

/** "orders +1, video -2": the increments to count, zeros left out; '' when there are none. */
export function describeAsked(increments: ReadonlyMap<string, number>): string {
  let what = '';
  for (const [name, by] of increments) {
    if (by === 0) continue;
    what += `${what === '' ? '' : ', '}${name} ${by > 0 ? '+' : ''}${by}`;
  }
  return what;
}
