/**
 * Evidence probes: one value read from a run's trace, with the request or count that shows it. The
 * grader compares a student's answer with it and shows it beside the answer, so every value comes
 * with words a student can check against the trace.
 */
import type { ExpectationResult } from '../scenario/expect.ts';
import type { RequestEndEvent, TraceEvent, UpstreamSendEvent } from '../trace/events.ts';
import type { CheckMatcher, ProbeSubject } from './exercise-types.ts';

export interface Evidence {
  /** The request that shows the value, when one does. */
  request?: string;
  /** The count the value is, when it is one. */
  count?: number;
  text: string;
}

export type Measured = { value: number | string; evidence: Evidence } | { missing: string; evidence: Evidence };

interface Index {
  ends: RequestEndEvent[];
  endOf: Map<string, RequestEndEvent>;
  sendOf: Map<string, UpstreamSendEvent>;
  reasons: Map<string, string>;
  /** When each request reached the gateway, for counting by minute of the run. */
  startOf: Map<string, number>;
}

function indexEvents(events: readonly TraceEvent[]): Index {
  const index: Index = { ends: [], endOf: new Map(), sendOf: new Map(), reasons: new Map(), startOf: new Map() };
  for (const e of events) {
    if (e.type === 'request.end') {
      index.ends.push(e);
      index.endOf.set(e.req, e);
    } else if (e.type === 'upstream.send') index.sendOf.set(e.req, e);
    else if (e.type === 'plugin.decision') index.reasons.set(`${e.req}\u0000${e.plugin}`, e.reason);
    else if (e.type === 'request.start') index.startOf.set(e.req, e.t);
  }
  return index;
}

const admitted = (e: RequestEndEvent): boolean => e.source === 'upstream';

/**
 * The minute of the run (1 = the first) a request was sent in: when it reached the gateway, since a
 * limiter decides on arrival; a request that never started there counts from when its client sent it.
 */
function minuteOf(ix: Index, e: RequestEndEvent): number {
  const sent = ix.startOf.get(e.req) ?? e.t - e.ms;
  return Math.floor(sent / 60_000) + 1;
}

function hasHeader(e: RequestEndEvent, name: string): boolean {
  const wanted = name.toLowerCase();
  return Object.keys(e.headers ?? {}).some((k) => k.toLowerCase() === wanted);
}

/** The binomial band a share must fall in: mean n·p and `sigmas` standard deviations either side. */
export function binomialBand(n: number, share: number, sigmas: number): { mean: number; sd: number; lo: number; hi: number } {
  const mean = n * share;
  const sd = Math.sqrt(n * share * (1 - share));
  return { mean, sd, lo: mean - sigmas * sd, hi: mean + sigmas * sd };
}

const pct = (k: number, n: number): string => (n === 0 ? '0' : ((100 * k) / n).toFixed(1));

/** Whether an upstream send went to a backend named by host or host:port. */
function sentTo(send: UpstreamSendEvent | undefined, backend: string): boolean {
  if (!send) return false;
  return [send.target, send.host].some((t) => t === backend || t.split(':')[0] === backend);
}

export function measureSubject(subject: ProbeSubject, events: readonly TraceEvent[], results: readonly ExpectationResult[] = []): Measured {
  const ix = indexEvents(events);
  const nothing = (missing: string): Measured => ({ missing, evidence: { text: missing } });
  const ofClient = (client?: string | string[], minute?: number): RequestEndEvent[] =>
    ix.ends.filter((e) => (client === undefined || (typeof client === 'string' ? e.client === client : client.includes(e.client))) && (minute === undefined || minuteOf(ix, e) === minute));
  const who = (client?: string | string[], minute?: number): string => {
    const clients = client === undefined ? 'all clients' : typeof client === 'string' ? `client ${client}` : `clients ${client.join(' and ')}`;
    return minute === undefined ? clients : `${clients} in minute ${minute} of the run`;
  };
  switch (subject.kind) {
    case 'upstream': {
      const send = ix.sendOf.get(subject.request);
      if (!send) return nothing(`${subject.request} never reached a backend`);
      const value = send[subject.field === 'service' ? 'service' : subject.field];
      return { value, evidence: { request: subject.request, text: `${subject.request} reached ${send.service} (${send.target}) with ${subject.field} ${value}` } };
    }
    case 'status': {
      const end = ix.endOf.get(subject.request);
      if (!end) return nothing(`no request ${subject.request} in the run`);
      return { value: end.status, evidence: { request: subject.request, text: `${subject.request} ended with status ${end.status} (answered by ${end.source})` } };
    }
    case 'outcome': {
      const end = ix.endOf.get(subject.request);
      if (!end) return nothing(`no request ${subject.request} in the run`);
      const value = admitted(end) ? 'admitted' : 'rejected';
      const reason = subject.plugin ? ix.reasons.get(`${subject.request}\u0000${subject.plugin}`) : undefined;
      const why = reason ? `; ${subject.plugin}: ${reason}` : '';
      return { value, evidence: { request: subject.request, text: `${subject.request} ended with ${end.status} and was ${value}${why}` } };
    }
    case 'admitted': {
      const all = ofClient(subject.client, subject.minute);
      const got = all.filter(admitted);
      const first = all.find((e) => !admitted(e));
      const refusal = first ? `; the first refused was ${first.req} (${first.status})` : '';
      return { value: got.length, evidence: { count: got.length, ...(first ? { request: first.req } : {}), text: `${got.length} of ${all.length} requests from ${who(subject.client, subject.minute)} reached a backend${refusal}` } };
    }
    case 'refused': {
      const all = ofClient(subject.client, subject.minute);
      const got = all.filter((e) => !admitted(e) && (subject.status === undefined || e.status === subject.status));
      const status = subject.status === undefined ? '' : ` with ${subject.status}`;
      return { value: got.length, evidence: { count: got.length, ...(got[0] ? { request: got[0].req } : {}), text: `${got.length} of ${all.length} requests from ${who(subject.client, subject.minute)} were answered by the gateway${status}` } };
    }
    case 'header-reached-client': {
      const all = ofClient(subject.client);
      const got = all.filter((e) => hasHeader(e, subject.name));
      const example = got[0] ? `, the first ${got[0].req}` : '';
      return { value: got.length, evidence: { count: got.length, ...(got[0] ? { request: got[0].req } : {}), text: `${got.length} of ${all.length} responses reached the client with ${subject.name}${example}` } };
    }
    case 'canary-share': {
      const through = ix.ends.filter(admitted);
      const k = through.filter((e) => sentTo(ix.sendOf.get(e.req), subject.backend));
      const band = binomialBand(through.length, subject.percent / 100, subject.sigmas);
      const none = k.length === 0 ? ' — none did, so there is no canary' : '';
      const text = `${k.length} of ${through.length} admitted requests (${pct(k.length, through.length)} %) reached ${subject.backend}; ${subject.percent} % ± ${subject.sigmas}σ allows ${Math.max(0, band.lo).toFixed(1)}–${band.hi.toFixed(1)}${none}`;
      return { value: k.length, evidence: { count: k.length, ...(k[0] ? { request: k[0].req } : {}), text } };
    }
    case 'expectation': {
      const r = results.find((x) => x.name === subject.name);
      if (!r) return nothing(`the harness expectation '${subject.name}' did not run`);
      return { value: r.pass ? 'pass' : 'fail', evidence: { text: r.pass ? `${r.name}: ${r.actual}` : r.message } };
    }
  }
}

/** Whether a measured value satisfies a check's matcher; self-judging subjects decide by themselves. */
export function judge(subject: ProbeSubject, matcher: CheckMatcher, measured: Measured, events: readonly TraceEvent[]): boolean {
  if ('missing' in measured) return false;
  if (subject.kind === 'expectation') return measured.value === 'pass';
  if (subject.kind === 'canary-share') {
    const n = events.filter((e) => e.type === 'request.end' && admitted(e)).length;
    const band = binomialBand(n, subject.percent / 100, subject.sigmas);
    // With little traffic the band can reach down to 0; a canary that got nothing is no canary.
    return typeof measured.value === 'number' && measured.value >= 1 && measured.value >= band.lo && measured.value <= band.hi;
  }
  if ('equals' in matcher) return String(measured.value) === String(matcher.equals);
  if ('between' in matcher) return typeof measured.value === 'number' && measured.value >= matcher.between[0] && measured.value <= matcher.between[1];
  return false;
}

/** What a matcher asks for, in words, for a report. */
export function describeCheckMatcher(subject: ProbeSubject, matcher: CheckMatcher): string {
  if (subject.kind === 'canary-share') return `${subject.percent} % ± ${subject.sigmas}σ (binomial)`;
  if (subject.kind === 'expectation') return 'the harness expectation passes';
  if ('equals' in matcher) return `= ${matcher.equals}`;
  if ('between' in matcher) return `between ${matcher.between[0]} and ${matcher.between[1]}`;
  return 'a value';
}
