/**
 * The request rows a TraceIndexBuilder makes. A row's list of event indices is not an array grown by
 * push: every event only links to the next event of the same request in one typed array per builder
 * (`EventChain`), and a row keeps where its chain starts and ends. A view that reads `row.events` gets
 * the list built on that first read and extended on later ones. At 300k requests that is 300k arrays
 * (and their backing stores) fewer that the page's heap holds and its collector copies and marks
 * while the run streams; views read the lists of the few rows they draw.
 *
 * The row's own bookkeeping (the chain's ends, whether a limiter refused it, the stages counted for
 * it) sits in private fields: views, spreads and equality checks see the RequestRow fields only.
 */
import type { RequestStartEvent } from '../../../../engine/trace/events.ts';
import type { Outcome } from './outcome.ts';
import type { RequestRow } from './trace-index.ts';

/** next[i] = the index of the next event of event i's request (0 until there is one). */
export class EventChain {
  next = new Int32Array(1024);

  /** Room for events 0..count-1. */
  reserve(count: number): void {
    if (count <= this.next.length) return;
    const grown = new Int32Array(Math.max(this.next.length * 2, count));
    grown.set(this.next);
    this.next = grown;
  }
}

export class IndexedRow implements RequestRow {
  id: string;
  client: string;
  replica: string;
  method: string;
  url: string;
  sentT: number;
  startT: number;
  endT = Infinity;
  status: number | null = null;
  source: RequestRow['source'] = null;
  outcome: Outcome = 'in-flight';
  ms: number | null = null;
  gatewayMs: number | null = null;
  upstreamMs: number | null = null;
  decidedBy: string | null = null;
  decidedT: number | null = null;
  reason: string | null = null;
  endEvent = -1;
  readonly #chain: EventChain;
  readonly #first: number;
  #last: number;
  /** The list handed to views, once one asked; it grows as the row does, as the pushed array did. */
  #list: number[] | null = null;
  /** A limiter refused it (its decision said REJECTED), until its end decides its outcome. */
  #refused = false;
  /** Bits of the stages that counted it (StageCountsBuilder's stage numbers below 31). */
  #counted = 0;

  constructor(chain: EventChain, i: number, e: RequestStartEvent) {
    this.id = e.req;
    this.client = e.client;
    this.replica = e.replica;
    this.method = e.method;
    this.url = e.url;
    this.sentT = e.t;
    this.startT = e.t;
    this.#chain = chain;
    this.#first = i;
    this.#last = i;
  }

  /** Indices into the trace of this request's events, in order. */
  get events(): number[] {
    const last = this.#last;
    let list = this.#list;
    if (list === null) this.#list = list = [this.#first];
    let at = list[list.length - 1] as number;
    if (at === last) return list;
    const next = this.#chain.next;
    while (at !== last) {
      at = next[at] as number;
      list.push(at);
    }
    return list;
  }

  /** Appends event i, which comes after every event the row lists. */
  link(i: number): void {
    this.#chain.next[this.#last] = i;
    this.#last = i;
  }

  /** A limiter's own word for a refusal ($limit_req_status REJECTED). */
  refuse(): void {
    this.#refused = true;
  }

  /** Whether a limiter refused it; forgotten once read (its end reads it once). */
  takeRefused(): boolean {
    const was = this.#refused;
    this.#refused = false;
    return was;
  }

  /**
   * Takes over what was kept by request id for a row that had this id before (a second
   * request.start of the same id): that bookkeeping was the id's, not the row's.
   */
  inherit(from: IndexedRow): void {
    this.#refused = from.takeRefused();
    this.#counted = from.#counted;
  }

  /** Counts the stage with this bit once: true the first time. */
  countOnce(bit: number): boolean {
    if ((this.#counted & bit) !== 0) return false;
    this.#counted |= bit;
    return true;
  }

  /** Marks these stages counted (those counted by id before the row existed). */
  counted(bits: number): void {
    this.#counted |= bits;
  }
}
