/**
 * The one table of trace event types. Every consumer — the lab's views, `gatelab check`, access logs,
 * metrics, golden tests — reads these events and nothing else. `level` says at which trace level an
 * event is kept: summary ⊂ decisions ⊂ full.
 */
export type TraceLevel = 'summary' | 'decisions' | 'full';

export const LEVEL_RANK: Record<TraceLevel, number> = { summary: 0, decisions: 1, full: 2 };

export const TRACE_EVENT_TYPES = {
  'run.start': { level: 'summary', doc: 'A run begins: scenario, variant, seed and the start instant.' },
  'config.load': { level: 'summary', doc: 'A gateway config took effect on a replica (at start or on a change).' },
  'scenario.event': { level: 'summary', doc: 'A timed scenario event fired: an outage, a deploy, a drain.' },
  narration: { level: 'summary', doc: 'A narration caption at its instant.' },
  'request.start': { level: 'decisions', doc: 'A request reached a gateway replica.' },
  'plugin.decision': {
    level: 'decisions',
    doc: 'One decision of one pipeline stage (router, plugin, balancer) with its human reason.',
  },
  'effect.start': { level: 'full', doc: 'A stage asked the host for I/O (a Redis call, a JWKS fetch).' },
  'effect.end': {
    level: 'full',
    doc: 'The host answered an effect. With a capacity model, an effect that runs on the replica\'s CPU says how long that work waited for the CPU and how long it ran (cpuWaitMs, cpuMs), or that an OOM kill cut it short (oomKilled).',
  },
  'upstream.send': { level: 'decisions', doc: 'The gateway sent the request to a backend.' },
  'upstream.response': { level: 'decisions', doc: 'A backend answered (or failed).' },
  'copy.end': {
    level: 'decisions',
    doc: 'A copy nobody waited for (a RequestMirror shadow) ended at its backend: the status it got, or why none; counted in that backend\'s upstream metrics, never as a client request.',
  },
  'request.end': { level: 'summary', doc: 'The client got its response.' },
  'breaker.transition': {
    level: 'summary',
    doc: 'A state machine moved: a breaker opened or closed, a host was ejected or returned, a rollout stepped.',
  },
  'replica.queue': {
    level: 'summary',
    doc: 'A gateway replica\'s load (slots in use, queue, CPU utilisation, memory), at changes, at most once per 100 ms per replica; only with a capacity model.',
  },
  'slot.wait': {
    level: 'full',
    doc: 'A request waited for a slot on a gateway replica (capacity model): how long, how many waited ahead of it, and how the wait ended (a slot, the queue timeout, a full queue, an OOM kill). None for a request that got a slot at once.',
  },
  span: {
    level: 'full',
    doc: 'A modelled backend finished its part of a traced request: its span (trace id, span id, parent), as an instrumented service exports it. The gateway\'s own spans are derived, not recorded (observe/tracing/spans.ts).',
  },
  'plugin.state': { level: 'full', doc: 'A snapshot of a plugin state (tokens, window counts) after a decision.' },
  'run.end': { level: 'summary', doc: 'The run finished.' },
} as const satisfies Record<string, { level: TraceLevel; doc: string }>;

export type TraceEventType = keyof typeof TRACE_EVENT_TYPES;

export type HeaderRecord = Record<string, string | string[]>;

interface Base {
  /** Milliseconds since the scenario's start (the proxy host: since it started). */
  t: number;
}

export interface RunStartEvent extends Base {
  type: 'run.start';
  scenario: string;
  variant: string;
  seed: number;
  /** ISO-8601 start instant. */
  start: string;
}
export interface ConfigLoadEvent extends Base {
  type: 'config.load';
  replica: string;
  dialect: string;
  routes: number;
  plugins: string[];
}
export interface ScenarioEventEvent extends Base {
  type: 'scenario.event';
  kind: string;
  target?: string;
  detail: string;
}
export interface NarrationEvent extends Base {
  type: 'narration';
  text: string;
}
export interface RequestStartEvent extends Base {
  type: 'request.start';
  req: string;
  client: string;
  replica: string;
  method: string;
  url: string;
  peerIp: string;
  headers?: HeaderRecord;
}
export interface PluginDecisionEvent extends Base {
  type: 'plugin.decision';
  req: string;
  /** 'router', 'balancer', 'proxy' or a plugin id. */
  plugin: string;
  phase: string;
  verdict: 'next' | 'reply' | 'wait';
  reason: string;
  status?: number;
  data?: Record<string, string | number | boolean | null | undefined>;
}
export interface EffectStartEvent extends Base {
  type: 'effect.start';
  req: string;
  plugin: string;
  effect: string;
}
export interface EffectEndEvent extends Base {
  type: 'effect.end';
  req: string;
  plugin: string;
  ok: boolean;
  detail?: string;
  /**
   * Only for an effect whose work ran on a modelled replica CPU (capacity model): how long the work
   * waited behind other work on that CPU, then how long it ran. The rest of the effect's time (from
   * effect.start to here) is its I/O.
   */
  cpuWaitMs?: number;
  cpuMs?: number;
  /** The replica was OOM-killed before this CPU work was done: the effect never finished (ok is false). */
  oomKilled?: true;
}
export interface UpstreamSendEvent extends Base {
  type: 'upstream.send';
  req: string;
  service: string;
  target: string;
  method: string;
  host: string;
  path: string;
  headers?: HeaderRecord;
}
export interface UpstreamResponseEvent extends Base {
  type: 'upstream.response';
  req: string;
  status: number;
  /** Time from send to the last byte of the answer. */
  ms: number;
  error?: string;
}
export interface CopyEndEvent extends Base {
  type: 'copy.end';
  /** The client request the copy was made of. */
  req: string;
  /** The stage that asked for it ('request-mirror'). */
  plugin: string;
  /** The service the copy went to (Envoy's shadow cluster) and its endpoint (host:port). */
  service: string;
  target: string;
  /** The backend's status; 0 when it sent none (refused, reset, timed out: see `error`). */
  status: number;
  /** From sending the copy to its answer or failure. */
  ms: number;
  error?: 'connect' | 'timeout' | 'reset';
}
export interface RequestEndEvent extends Base {
  type: 'request.end';
  req: string;
  client: string;
  replica: string;
  status: number;
  /**
   * Who produced the response: the backend, the gateway, the front balancer in front of the replicas
   * (its timeout, a refused or reset connection), or the client itself giving up (status 0).
   */
  source: 'upstream' | 'gateway' | 'front' | 'client';
  route: string | null;
  service: string | null;
  /** Client-side latency: from the client sending to the client receiving. */
  ms: number;
  /** Time spent inside the gateway (request_time − upstream_time). */
  gatewayMs: number;
  upstreamMs: number | null;
  headers?: HeaderRecord;
  body?: string;
}
export interface SpanEvent extends Base {
  type: 'span';
  req: string;
  /** The backend's name. */
  name: string;
  kind: 'server';
  traceId: string;
  spanId: string;
  /** The span that called it, from the traceparent it received; absent when it started a trace. */
  parentId?: string;
  /** Ms since the run started, like `t` (which is the end). */
  start: number;
  attributes: Record<string, string | number | boolean>;
}
/** How a request's wait for a slot ended (capacity model). */
export type SlotWaitOutcome =
  /** It got a slot: the replica started on it. */
  | 'slot'
  /** It waited longer than the queue timeout: the replica answered 503. */
  | 'queue-timeout'
  /** The queue was full: the connection was refused (the front balancer answered 502). */
  | 'refused'
  /** The replica was OOM-killed while it waited, or by its very arrival (the front answered 502). */
  | 'oom-killed';

export interface SlotWaitEvent extends Base {
  type: 'slot.wait';
  req: string;
  replica: string;
  /** From reaching the replica to the end of the wait (`t`), ms. */
  ms: number;
  /** Requests already waiting for a slot on that replica when it arrived. */
  ahead: number;
  outcome: SlotWaitOutcome;
}
export interface PluginStateEvent extends Base {
  type: 'plugin.state';
  replica: string;
  plugin: string;
  state: Record<string, unknown>;
}
export interface BreakerTransitionEvent extends Base {
  type: 'breaker.transition';
  replica: string;
  /** 'circuit-breaker', 'outlier-detection', 'passive-health', 'active-health', 'canary-rollout', ... */
  machine: string;
  /** What changed: a plugin instance or a host (host:port), with its service. */
  subject: string;
  from: string;
  to: string;
  reason: string;
  /** When the change took effect (ms since start), if earlier than `t`, the instant it was noticed. */
  at?: number;
  /**
   * canary-rollout only: the canary's share of traffic in percent before and after the move. A step
   * changes it while the status stays `progressing`, so the status alone cannot show a ramp.
   */
  weight?: { from: number; to: number };
}
export interface ReplicaQueueEvent extends Base {
  type: 'replica.queue';
  replica: string;
  /** Requests holding a slot (in progress). */
  slots: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** CPU utilisation since the previous sample, 0–1. */
  cpu: number;
  /** CPU work waiting to run, in ms of wall time. */
  cpuBacklogMs: number;
  /** Memory in use, bytes. */
  memory: number;
}
export interface RunEndEvent extends Base {
  type: 'run.end';
  requests: number;
}

export type TraceEvent =
  | RunStartEvent
  | ConfigLoadEvent
  | ScenarioEventEvent
  | NarrationEvent
  | RequestStartEvent
  | PluginDecisionEvent
  | EffectStartEvent
  | EffectEndEvent
  | UpstreamSendEvent
  | UpstreamResponseEvent
  | CopyEndEvent
  | RequestEndEvent
  | SlotWaitEvent
  | SpanEvent
  | PluginStateEvent
  | BreakerTransitionEvent
  | ReplicaQueueEvent
  | RunEndEvent;

export function levelOf(type: TraceEventType): TraceLevel {
  return TRACE_EVENT_TYPES[type].level;
}

export function isTraceLevel(s: string): s is TraceLevel {
  return s === 'summary' || s === 'decisions' || s === 'full';
}
