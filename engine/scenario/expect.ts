/**
 * Checks a scenario's expectations against a run's trace. The trace is the only input (design.md: one
 * trace, every consumer), so `gatelab check`, the lab and the golden tests agree on what passed.
 */
import type { SourceLoc } from '../core/errors.ts';
import type { HeaderRecord, PluginDecisionEvent, PluginStateEvent, TraceEvent } from '../trace/events.ts';
import { replicaReading } from './expect-replica.ts';
import type { Expectation, ExpectationSubject, Matcher, Scenario } from './types.ts';
import { describeMatcher, describeSubject, formatValue } from './expect-describe.ts';
import { measureSpan } from './expect-span.ts';
import { TraceIndex } from './expect-index.ts';
import { neverSent, noBody, noDecision, noRequest } from './expect-missing.ts';

export interface ExpectationResult {
  name: string;
  pass: boolean;
  expected: string;
  actual: string;
  /** `file:line:col: <subject>: expected <x>, got <y>` — one line, ready to print. */
  message: string;
  loc: SourceLoc;
}

/** What a subject measured, or why there is nothing to measure. */
export type Measured = { value: number | string | boolean } | { missing: string };

export function evaluateExpectations(
  expectations: Expectation[],
  events: TraceEvent[],
  variant: string,
  scenario: Scenario,
): ExpectationResult[] {
  const index = new TraceIndex(events);
  const out: ExpectationResult[] = [];
  for (const e of expectations) {
    if (e.variants && !e.variants.includes(variant)) continue;
    const measured = measure(e.subject, index);
    const expected = describeMatcher(e.matcher);
    const loc = scenario.map.locate(e.path);
    const actual = 'missing' in measured ? measured.missing : formatValue(measured.value);
    // `absent` inverts the usual reading: nothing to measure is the pass.
    const verdict =
      'absent' in e.matcher
        ? { pass: 'missing' in measured }
        : 'missing' in measured
          ? { pass: false }
          : match(e.matcher, measured.value);
    const got = verdict.note ? `${actual} (${verdict.note})` : actual;
    out.push({
      name: e.name,
      pass: verdict.pass,
      expected,
      actual,
      message: `${loc.file}:${loc.line}:${loc.col}: ${describeSubject(e.subject)}: expected ${expected}, got ${got}`,
      loc,
    });
  }
  return out;
}

function inWindow(t: number, fromMs: number, toMs: number): boolean {
  return t >= fromMs && t < toMs;
}

function measure(s: ExpectationSubject, ix: TraceIndex): Measured {
  switch (s.kind) {
    case 'count': {
      let n = 0;
      for (const e of ix.ends) {
        if (!inWindow(e.t, s.fromMs, s.toMs)) continue;
        if (s.client !== undefined && e.client !== s.client) continue;
        if (s.status !== undefined && e.status !== s.status) continue;
        n++;
      }
      return { value: n };
    }
    case 'status': {
      const end = ix.endOf(s.request);
      return end ? { value: end.status } : { missing: noRequest(ix, s.request) };
    }
    case 'decision': {
      const d = decisive(ix.decisionsOf(s.request, s.plugin), s.phase);
      if (!d && !ix.endOf(s.request)) return { missing: noRequest(ix, s.request) };
      if (!d) return { missing: noDecision(ix, s.request, s.plugin, s.phase) };
      if (s.field === 'status') return d.status === undefined ? { missing: `${s.plugin} gave no status (verdict ${d.verdict})` } : { value: d.status };
      return { value: s.field === 'verdict' ? d.verdict : d.reason };
    }
    case 'header': {
      const ev = s.side === 'response' ? ix.endOf(s.request) : ix.sendOf(s.request);
      if (!ev) return { missing: s.side === 'response' ? noRequest(ix, s.request) : neverSent(ix, s.request) };
      const value = headerValue(ev.headers, s.name);
      return value === undefined ? { missing: `no ${s.name.toLowerCase()} header` } : { value };
    }
    case 'upstream': {
      const sent = ix.sendOf(s.request);
      if (!sent) return { missing: neverSent(ix, s.request) };
      return { value: s.field === 'path' ? sent.path : s.field === 'host' ? sent.host : s.field === 'method' ? sent.method : sent.service };
    }
    case 'body': {
      const end = ix.endOf(s.request);
      if (!end || end.body === undefined) return { missing: noBody(ix, s.request) };
      if (s.path === undefined) return { value: end.body };
      let node: unknown;
      try {
        node = JSON.parse(end.body);
      } catch {
        return { missing: `the body of ${s.request} is not JSON` };
      }
      for (const part of s.path.split('.')) {
        node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      }
      if (node === undefined) return { missing: `no ${s.path} in the body of ${s.request}` };
      return typeof node === 'number' || typeof node === 'string' || typeof node === 'boolean' ? { value: node } : { value: JSON.stringify(node) };
    }
    case 'latency':
      return latency(s, ix);
    case 'span':
      return measureSpan(s, ix.spans());
    case 'transition':
      return transition(s, ix);
    case 'replica':
      return replicaReading(s, ix.samples);
    case 'state':
      return state(s, ix);
  }
}

/**
 * The decision that settled the request: a plugin may decide in several phases (reject in access,
 * then "no headers to add" in the response phase), and the reply is the one a student asks about. So:
 * the last reply if the plugin replied, otherwise its last decision; `phase` narrows to one phase.
 */
function decisive(list: PluginDecisionEvent[], phase: string | undefined): PluginDecisionEvent | undefined {
  const inPhase = phase === undefined ? list : list.filter((d) => d.phase === phase);
  return inPhase.findLast((d) => d.verdict === 'reply') ?? inPhase[inPhase.length - 1];
}

/** Header names compare case-insensitively; several values read as one, joined the way HTTP folds them. */
function headerValue(headers: HeaderRecord | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v.join(', ') : v;
  }
  return undefined;
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it. It is
 * always a value that was observed, which makes "p99 was 312 ms" something the trace can show.
 */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function latency(s: Extract<ExpectationSubject, { kind: 'latency' }>, ix: TraceIndex): Measured {
  const values: number[] = [];
  for (const e of ix.ends) {
    if (!inWindow(e.t, s.fromMs, s.toMs)) continue;
    if (s.client !== undefined && e.client !== s.client) continue;
    const v = s.measure === 'total' ? e.ms : s.measure === 'gateway' ? e.gatewayMs : e.upstreamMs;
    if (v !== null) values.push(v);
  }
  values.sort((a, b) => a - b);
  const p = nearestRank(values, s.percentile);
  return p === undefined ? { missing: 'no requests in the window' } : { value: p };
}

function transition(s: Extract<ExpectationSubject, { kind: 'transition' }>, ix: TraceIndex): Measured {
  const matching = ix.transitions.filter(
    (e) =>
      e.machine === s.machine &&
      (s.to === undefined || e.to === s.to) &&
      (s.from === undefined || e.from === s.from) &&
      (s.subject === undefined || e.subject.includes(s.subject)) &&
      (s.replica === undefined || e.replica === s.replica),
  );
  if (s.field === 'count') return { value: matching.length };
  const e = matching[s.nth - 1];
  if (!e) return { missing: `only ${matching.length} matching ${s.machine} move${matching.length === 1 ? '' : 's'} in the trace` };
  if (s.field === 'at') return { value: Math.round((e.at ?? e.t) * 1000) / 1000 };
  return { value: s.field === 'reason' ? e.reason : e.subject };
}

function state(s: Extract<ExpectationSubject, { kind: 'state' }>, ix: TraceIndex): Measured {
  let latest: PluginStateEvent | undefined;
  for (const e of ix.states) {
    if (e.plugin === s.plugin && e.replica === s.replica && e.t <= s.atMs && (!latest || e.t >= latest.t)) latest = e;
  }
  if (!latest) return { missing: `no ${s.plugin} state on ${s.replica} at or before that instant` };
  let v: unknown = latest.state;
  for (const part of s.path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, part)) {
      return { missing: `the snapshot has no ${s.path}` };
    }
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return { value: v };
  return { missing: `${s.path} is ${v === null ? 'null' : 'not a number, string or boolean'}` };
}

function asNumber(v: number | string | boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function match(m: Matcher, v: number | string | boolean): { pass: boolean; note?: string } {
  if ('equals' in m) {
    // Headers are text and YAML numbers are numbers: `equals: 99` should match the header "99".
    if (typeof v === typeof m.equals) return { pass: v === m.equals };
    return { pass: String(v) === String(m.equals) };
  }
  if ('contains' in m) return { pass: String(v).includes(m.contains) };
  if ('absent' in m) return { pass: false, note: 'present' };
  const n = asNumber(v);
  if (n === undefined) return { pass: false, note: 'not a number' };
  if ('between' in m) return { pass: n >= m.between[0] && n <= m.between[1] };
  const allowed = m.relative ? m.tolerance * Math.abs(m.approx) : m.tolerance;
  // A hair of slack for float rounding, so 10% of 0.3 still admits 0.33.
  return { pass: Math.abs(n - m.approx) <= allowed + 1e-9 * Math.max(1, Math.abs(m.approx)) };
}
