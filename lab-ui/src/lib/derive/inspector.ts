/**
 * One request's story, read from its events: every stage's decision in order with its reason and
 * data, the request as the backend saw it, the answer, and where the time went. Generic over event
 * types: anything carrying this request's id appears in the timeline even if no view knows it.
 */
import type { HeaderRecord, PluginDecisionEvent, TraceEvent } from '../../../../engine/trace/events.ts';
import { gatewayTimeOf, type GatewayTime } from './gateway-time.ts';
import { knownEvents, rowAt } from './request-at.ts';
import { requestCopies, type RequestCopy } from './request-copies.ts';
import { gatewayTimeParts, storySteps, type GatewayTimeParts, type StoryStep } from './story-steps.ts';
import { formatDuration } from './time-format.ts';
import type { RequestRow, TraceIndex } from './trace-index.ts';

export interface Span {
  name: string;
  /** Offsets from the moment the client sent the request, ms. */
  from: number;
  to: number;
  kind: 'request' | 'gateway' | 'upstream' | 'effect' | 'wait';
}

export interface RequestStory {
  row: RequestRow;
  decisions: PluginDecisionEvent[];
  /** The decisions and the waits on the replica (slot, CPU) in trace order: what the inspector lists. */
  steps: StoryStep[];
  /** Where the gateway time went, when the trace records waits (capacity model, level full). */
  timeParts: GatewayTimeParts | null;
  /** The headers the gateway sent upstream (absent when it never sent). */
  upstreamRequest: { target: string; service: string; method: string; host: string; path: string; headers: HeaderRecord | null } | null;
  upstreamResponse: { status: number; ms: number; error?: string } | null;
  requestHeaders: HeaderRecord | null;
  responseHeaders: HeaderRecord | null;
  responseBody: string | null;
  /** Every event of this request, with its offset from the send, in trace order. */
  timeline: Array<{ at: number; event: TraceEvent }>;
  spans: Span[];
  /** What the student reads first: who decided, and why. */
  headline: string;
  /** Copies its mirror filters sent and how each ended (they end after the request, as a rule). */
  copies: RequestCopy[];
  /** The gateway time as far as it is known (a client that gave up left before the gateway finished). */
  gatewayTime: GatewayTime;
}

/**
 * The story as far as the trace has told it by t: its events up to t, its answer once request.end is
 * behind the cursor. Null for a request that has not reached the gateway by t.
 */
export function requestStory(index: TraceIndex, id: string, t: number): RequestStory | null {
  const full = index.byId.get(id);
  if (!full || full.startT > t) return null;
  const row = rowAt(index, full, t);
  const evs = knownEvents(index, row, t);
  const origin = row.sentT;
  const decisions: PluginDecisionEvent[] = [];
  let upstreamRequest: RequestStory['upstreamRequest'] = null;
  let upstreamResponse: RequestStory['upstreamResponse'] = null;
  let requestHeaders: HeaderRecord | null = null;
  let responseHeaders: HeaderRecord | null = null;
  let responseBody: string | null = null;
  const spans: Span[] = [];
  const steps = storySteps(evs);
  let sendAt: number | null = null;
  const openEffects = new Map<string, Span[]>();
  for (const e of evs) {
    switch (e.type) {
      case 'request.start':
        requestHeaders = e.headers ?? null;
        break;
      case 'plugin.decision':
        decisions.push(e);
        break;
      case 'effect.start': {
        const span: Span = { name: effectSpanName(e.plugin, e.effect), from: e.t - origin, to: e.t - origin, kind: 'effect' };
        spans.push(span);
        openEffects.set(e.plugin, [...(openEffects.get(e.plugin) ?? []), span]);
        break;
      }
      case 'effect.end': {
        // Close the latest open span of this plugin (by plugin, not by its name, which may not start with it).
        const span = openEffects.get(e.plugin)?.pop();
        if (span) span.to = e.t - origin;
        break;
      }
      case 'upstream.send':
        sendAt = e.t;
        upstreamRequest = { target: e.target, service: e.service, method: e.method, host: e.host, path: e.path, headers: e.headers ?? null };
        break;
      case 'upstream.response':
        upstreamResponse = { status: e.status, ms: e.ms, ...(e.error !== undefined ? { error: e.error } : {}) };
        // A failed try (refused, reset, timed out) says so: a retried request lists one span per try.
        if (sendAt !== null) spans.push({ name: `${e.error !== undefined ? 'failed: ' : ''}upstream ${upstreamRequest?.target ?? ''}`.trim(), from: sendAt - origin, to: e.t - origin, kind: 'upstream' });
        break;
      case 'request.end':
        responseHeaders = e.headers ?? null;
        responseBody = e.body ?? null;
        break;
      default:
        break;
    }
  }
  if (row.endT !== Infinity) spans.unshift({ name: 'request (client view)', from: 0, to: row.endT - origin, kind: 'request' });
  // Still in flight: it has been in the gateway up to the cursor.
  const inGatewayUntil = row.endT === Infinity ? Math.max(row.startT, Number.isFinite(t) ? t : row.startT) : row.endT;
  spans.splice(1, 0, { name: 'in the gateway', from: row.startT - origin, to: inGatewayUntil - origin, kind: 'gateway' });
  // A wait on the replica is part of the gateway's time: its own bar, placed by its start among the
  // effect and upstream bars (a stable sort: those are in time order already).
  const waitSpans: Span[] = [];
  for (const step of steps) {
    if (step.kind !== 'wait' || step.wait.ms <= 0) continue;
    const w = step.wait;
    waitSpans.push({ name: w.for === 'slot' ? 'waiting for a slot' : 'waiting for the CPU', from: w.from - origin, to: w.from + w.ms - origin, kind: 'wait' });
  }
  if (waitSpans.length > 0) {
    // The client's bar (once answered) and the gateway's stay first.
    const head = row.endT !== Infinity ? 2 : 1;
    const rest = [...spans.slice(head), ...waitSpans].sort((a, b) => a.from - b.from);
    spans.splice(head, spans.length - head, ...rest);
  }
  return {
    row,
    decisions,
    steps,
    timeParts: gatewayTimeParts(evs),
    upstreamRequest,
    upstreamResponse,
    requestHeaders,
    responseHeaders,
    responseBody,
    timeline: evs.map((event) => ({ at: event.t - origin, event })),
    spans,
    headline: headlineOf(row, upstreamResponse),
    copies: requestCopies(evs),
    gatewayTime: gatewayTimeOf(row, evs),
  };
}

function headlineOf(row: RequestRow, upstream: RequestStory['upstreamResponse']): string {
  if (row.status === null) return `${row.id} is still in flight`;
  // The client's own timeout ended it: status 0 is no answer at all, not a status from someone.
  const why = upstream?.error ? ` (${upstream.error})` : '';
  if (row.source === 'client') return `no answer: the client gave up after ${formatDuration(row.ms)}${why}`;
  if (row.decidedBy) return `${row.status} from ${row.decidedBy}: ${row.reason ?? ''}`.trim();
  if (row.source === 'front') return `${row.status} from the front balancer${why}`;
  if (upstream?.error) return `${row.status}: ${upstream.error}`;
  return `${row.status} from the backend after ${row.upstreamMs ?? 0} ms upstream`;
}

/** A decision's data as label/value rows, in the order the plugin wrote them. */
export function dataRows(d: PluginDecisionEvent): Array<{ key: string; value: string }> {
  return Object.entries(d.data ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => ({ key, value: formatValue(key, v) }));
}

function formatValue(key: string, v: unknown): string {
  // Fields that hold an instant are easier to read as a UTC time than as epoch milliseconds.
  if (typeof v === 'number' && v > 1e11 && /start|at|time|until|reset/i.test(key)) return new Date(v).toISOString().replace('.000Z', 'Z');
  return v === null ? 'null' : String(v);
}

/** Header records flattened to rows; repeated headers keep each value. */
export function headerRows(h: HeaderRecord | null): Array<{ name: string; value: string }> {
  if (!h) return [];
  const out: Array<{ name: string; value: string }> = [];
  for (const [name, v] of Object.entries(h)) for (const value of Array.isArray(v) ? v : [v]) out.push({ name, value });
  return out;
}

/**
 * A side effect's row in the timing list: `plugin: effect`, unless the effect already names its
 * plugin (forward-auth's and retry's do), which read "forward-auth: forward-auth: GET …".
 */
export function effectSpanName(plugin: string, effect: string): string {
  return effect.startsWith(`${plugin}:`) || effect.startsWith(`${plugin} `) ? effect : `${plugin}: ${effect}`;
}

/**
 * The same request's answer in another variant, as that trace tells it at t. A bare "…" said
 * nothing: in another variant the request may still be in flight, or not have reached the gateway.
 */
export function statusAt(row: Pick<RequestRow, 'startT' | 'endT' | 'status'> | undefined, t: number): string {
  if (!row) return 'not in this run';
  if (row.endT <= t) return String(row.status ?? '—');
  return row.startT <= t ? 'in flight' : 'not at the gateway yet';
}
